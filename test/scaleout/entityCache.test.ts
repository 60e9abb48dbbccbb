/**
 * The entity cache shared by two replicas through a real Redis: a read on one replica after a write acknowledged by
 * the other returns the new state, for every kind of Previsto write; the second replica is served what the first
 * cached; credentials stay apart; and while Redis is down the cache is bypassed instead of serving stale data.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type AugurServer } from '../../src/server/createServer.js';
import { createLogger } from '../../src/server/logger.js';
import { startRedis, type TestRedis } from '../helpers/redis.js';
import { startStack, type TestStack } from '../helpers/stack.js';

const SECOND_KEY = 'sk_augur_second_tenant';
const ADMIN_KEY = 'cache-admin-key-0123456789';
const CONTACTS = 'query Contacts { contacts(first: 5) { edges { node { id name } } } }';
const CONTACT = 'query Contact($id: ID!) { contact(id: $id) { id name } }';

let redis: TestRedis;
let a: TestStack;
let b: { url: string; augur: AugurServer; server: http.Server };

/** A second replica: another Augur server on the same emulators and the same Redis. */
async function secondReplica(first: TestStack): Promise<typeof b> {
  const augur = await createServer({
    config: first.embedded.config,
    platforms: first.embedded.platforms,
    dataikuEndpoints: first.embedded.dataikuEndpoints,
    logger: createLogger({ level: 'silent' }),
  });
  await augur.start();
  const server = http.createServer(augur.handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`, augur, server };
}

async function gqlB(query: string, variables?: Record<string, unknown>, headers: Record<string, string> = {}) {
  const res = await fetch(b.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query, variables }),
  });
  return (await res.json()) as { data?: Record<string, any> | null; errors?: Array<{ extensions?: Record<string, unknown> }> };
}

beforeAll(async () => {
  redis = await startRedis();
  a = await startStack({
    env: { REDIS_URL: redis.url, AUGUR_CACHE_ADMIN_KEY: ADMIN_KEY, AUGUR_ENTITY_CACHE_TTLS: 'previsto=60', AUGUR_SHARE_READS: 'true' },
    emulatorOptions: {
      previsto: {
        tenants: [
          { secretKey: 'sk_augur_demo', seed: 4104 },
          { secretKey: SECOND_KEY, seed: 99 },
        ],
      },
    },
  });
  b = await secondReplica(a);
}, 60_000);

afterAll(async () => {
  if (b) {
    b.server.closeAllConnections();
    await new Promise<void>((resolve) => b.server.close(() => resolve()));
    await b.augur.stop();
  }
  await a?.close();
  await redis?.close();
});

const previstoCalls = async (): Promise<number> => (await a.requests('previsto')).total;

describe('entity cache over Redis, two replicas', () => {
  it('serves one replica what the other cached, per credential', async () => {
    const first = await a.gql(CONTACTS);
    expect(first.errors).toBeUndefined();
    expect(await previstoCalls()).toBe(1);
    expect((await gqlB(CONTACTS)).data).toEqual(first.data);
    expect(await previstoCalls()).toBe(1);
    const theirs = await gqlB(CONTACTS, undefined, { 'x-previsto-api-key': SECOND_KEY });
    expect(theirs.data).not.toEqual(first.data);
    expect(await previstoCalls()).toBe(2);
    // Nothing of the cache holds a credential.
    const keys = await redis.client().keys('augur:ec:*');
    expect(keys.length).toBeGreaterThan(0);
    expect(keys.join(' ')).not.toContain('sk_augur');
  });

  it('returns the new state on one replica right after each kind of write on the other', async () => {
    const list = await a.gql(CONTACTS);
    const id = list.data!['contacts'].edges[0].node.id as string;
    // Both replicas have read the contact (from the cache).
    expect((await gqlB(CONTACT, { id })).data!['contact'].name).toBe(list.data!['contacts'].edges[0].node.name);

    await a.gql('mutation U($i: UpdateContactInput!) { updateContact(input: $i) { userErrors { code } } }', {
      i: { id, name: 'Replica Renamed' },
    });
    expect((await gqlB(CONTACT, { id })).data!['contact'].name).toBe('Replica Renamed');
    expect(((await gqlB(CONTACTS)).data!['contacts'].edges as Array<{ node: { name: string } }>)[0]!.node.name).toBe('Replica Renamed');

    const created = await gqlB('mutation C { createContact(input: {name: "Made On B"}) { contact { id } userErrors { code } } }');
    const newId = created.data!['createContact'].contact.id as string;
    expect((await a.gql(CONTACT, { id: newId })).data!['contact'].name).toBe('Made On B');
    await a.gql('mutation D($id: ID!) { deleteContact(input: {id: $id}) { deletedContactId } }', { id: newId });
    expect((await gqlB(CONTACT, { id: newId })).errors?.[0]?.extensions?.['code']).toBe('NOT_FOUND');

    const agreement = await a.gql(
      'mutation A($c: ID!) { createAgreement(input: {contactId: $c, description: "On A", duration: 15}) { agreement { id } userErrors { code } } }',
      { c: id },
    );
    const agreementId = agreement.data!['createAgreement'].agreement.id as string;
    const AGREEMENT = 'query G($id: ID!) { agreement(id: $id) { description } }';
    expect((await gqlB(AGREEMENT, { id: agreementId })).data!['agreement'].description).toBe('On A');
    await a.gql('mutation U($id: ID!) { updateAgreement(input: {id: $id, description: "Changed On A"}) { userErrors { code } } }', {
      id: agreementId,
    });
    expect((await gqlB(AGREEMENT, { id: agreementId })).data!['agreement'].description).toBe('Changed On A');
    await gqlB('mutation D($id: ID!) { deleteAgreement(input: {id: $id}) { deletedAgreementId } }', { id: agreementId });
    expect((await a.gql(AGREEMENT, { id: agreementId })).errors?.[0]?.extensions?.['code']).toBe('NOT_FOUND');

    const account = await a.gql('query Account { account { id name } }');
    const ASSIGNMENTS = 'query L($c: ID!) { contact(id: $c) { assignments(first: 50) { edges { node { id status } } } } }';
    const statusOf = async (read: typeof gqlB, assignmentId: string) =>
      ((await read(ASSIGNMENTS, { c: id })).data!['contact'].assignments.edges as Array<{ node: { id: string; status: string } }>).find(
        (e) => e.node.id === assignmentId,
      )?.node.status;
    await gqlB(ASSIGNMENTS, { c: id });
    const assignment = await a.gql(
      'mutation C($c: ID!, $a: ID!) { createAssignment(input: {contactId: $c, accountId: $a, location: {longitude: 10.5, latitude: 56.8}, plan: {executionTime: "2026-12-01T08:00:00"}}) { assignment { id status } userErrors { code } } }',
      { c: id, a: account.data!['account'].id },
    );
    const assignmentId = assignment.data!['createAssignment'].assignment.id as string;
    expect(await statusOf(gqlB, assignmentId)).toBe(assignment.data!['createAssignment'].assignment.status);
    await gqlB('mutation U($id: ID!) { updateAssignment(input: {id: $id, status: INVOICED}) { userErrors { code } } }', {
      id: assignmentId,
    });
    expect(await statusOf(a.gql.bind(a) as typeof gqlB, assignmentId)).toBe('INVOICED');
    await a.gql('mutation D($id: ID!) { deleteAssignment(input: {id: $id}) { deletedAssignmentId } }', { id: assignmentId });
    expect(await statusOf(gqlB, assignmentId)).toBeUndefined();

    await gqlB('query Account { account { name } }');
    await a.gql('mutation R { updateAccount(input: {name: "Renamed On A"}) { userErrors { code } } }');
    expect((await gqlB('query Account { account { name } }')).data!['account'].name).toBe('Renamed On A');
  });

  it('goes upstream while Redis is down, and serves nothing stale once it is back', async () => {
    const list = await a.gql(CONTACTS);
    const id = list.data!['contacts'].edges[1].node.id as string;
    await gqlB(CONTACT, { id });
    await redis.kill();
    const before = await previstoCalls();
    // Reads still answer, from Previsto.
    expect((await gqlB(CONTACT, { id })).errors).toBeUndefined();
    expect(await previstoCalls()).toBeGreaterThan(before);
    // A write while Redis is down cannot invalidate there...
    await a.gql('mutation U($i: UpdateContactInput!) { updateContact(input: $i) { userErrors { code } } }', {
      i: { id, name: 'While Down' },
    });
    await redis.restart();
    // ...and the restarted Redis is empty here; either way the next read after recovery must show the write.
    expect((await gqlB(CONTACT, { id })).data!['contact'].name).toBe('While Down');
  });
});
