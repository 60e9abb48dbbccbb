/**
 * Sharing reads between operations and the entity cache, over GraphQL over HTTP against the emulators: upstream
 * calls are counted by the Previsto emulator. Covers in-flight sharing, per-credential partitions, every kind of
 * Previsto write followed at once by a read, TTL expiry, the cache off, `extensions.cache`, `POST /cache/invalidate`
 * and the metrics.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type TestStack } from '../helpers/stack.js';

const SECOND_KEY = 'sk_augur_second_tenant';
const ADMIN_KEY = 'cache-admin-key-0123456789';
const tenants = {
  previsto: {
    tenants: [
      { secretKey: 'sk_augur_demo', seed: 4104 },
      { secretKey: SECOND_KEY, seed: 99 },
    ],
  },
};

const CONTACTS = 'query Contacts { contacts(first: 5) { edges { node { id name } } } }';
const CONTACT = 'query Contact($id: ID!) { contact(id: $id) { id name email } }';

const stacks: TestStack[] = [];
afterAll(async () => {
  await Promise.all(stacks.map((s) => s.close()));
});
async function stack(env: Record<string, string> = {}): Promise<TestStack> {
  // Augur's defaults, which the test helper turns off for other suites.
  const s = await startStack({
    env: {
      AUGUR_ENTITY_CACHE_TTLS: 'previsto=10',
      AUGUR_SHARE_READS: 'true',
      AUGUR_CROSS_BATCH: 'true',
      AUGUR_CACHE_ADMIN_KEY: ADMIN_KEY,
      ...env,
    },
    emulatorOptions: tenants,
  });
  stacks.push(s);
  return s;
}
const previstoCalls = async (s: TestStack): Promise<number> => (await s.requests('previsto')).total;
const route = async (s: TestStack, r: string): Promise<number> => (await s.requests('previsto')).byRoute[r] ?? 0;

async function firstContactId(s: TestStack, headers?: Record<string, string>): Promise<string> {
  const r = await s.gql<{ contacts: { edges: Array<{ node: { id: string } }> } }>(CONTACTS, undefined, headers);
  expect(r.errors).toBeUndefined();
  return r.data!.contacts.edges[0]!.node.id;
}

/** Resets the emulators and, since their data changed behind Augur's back, drops the cache. */
async function fresh(s: TestStack): Promise<void> {
  await s.reset();
  expect((await invalidate(s, {})).status).toBe(200);
}

function invalidate(s: TestStack, body: unknown, key: string | null = ADMIN_KEY): Promise<Response> {
  return fetch(s.url.replace(/\/graphql$/, '/cache/invalidate'), {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) },
    body: JSON.stringify(body),
  });
}

describe('in-flight sharing', () => {
  it('answers 50 concurrent identical contact queries with 1 Previsto call, with the cache off', async () => {
    const s = await stack({ AUGUR_ENTITY_CACHE_TTLS: 'previsto=0' });
    // A slow upstream keeps the first call in flight while the others arrive (generously: the machine may be busy).
    await s.faults('previsto', { latencyMs: 3000, routes: ['GET /contacts'] });
    const results = await Promise.all(Array.from({ length: 50 }, () => s.gql(CONTACTS)));
    for (const r of results) expect(r.errors).toBeUndefined();
    expect(new Set(results.map((r) => JSON.stringify(r.data))).size).toBe(1);
    expect(await route(s, 'GET /contacts')).toBe(1);
  });

  it('never shares a call between two credentials', async () => {
    const s = await stack({ AUGUR_ENTITY_CACHE_TTLS: 'previsto=0' });
    await s.faults('previsto', { latencyMs: 200, routes: ['GET /contacts'] });
    const [mine, theirs] = await Promise.all([s.gql(CONTACTS), s.gql(CONTACTS, undefined, { 'x-previsto-api-key': SECOND_KEY })]);
    expect(mine.errors).toBeUndefined();
    expect(theirs.errors).toBeUndefined();
    expect(mine.data).not.toEqual(theirs.data);
    expect(await route(s, 'GET /contacts')).toBe(2);
  });
});

describe('entity cache in memory', () => {
  let s: TestStack;
  beforeAll(async () => {
    s = await stack();
  });

  it('answers 50 concurrent identical contact queries with 1 Previsto call, then repeats from the cache with an age hint', async () => {
    await fresh(s);
    const results = await Promise.all(Array.from({ length: 50 }, () => s.gql(CONTACTS)));
    for (const r of results) expect(r.errors).toBeUndefined();
    expect(await previstoCalls(s)).toBe(1);
    const again = await fetch(s.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: CONTACTS, operationName: 'Contacts' }),
    });
    const body = (await again.json()) as { data: unknown; extensions?: { cache?: { hits: number; age: number } } };
    expect(body.data).toEqual(results[0]!.data);
    expect(body.extensions?.cache?.hits).toBe(1);
    expect(body.extensions?.cache?.age).toBeGreaterThanOrEqual(0);
    expect(await previstoCalls(s)).toBe(1);
  });

  it('keeps each credential in its own partition', async () => {
    await fresh(s);
    const mine = await s.gql(CONTACTS);
    const theirs = await s.gql(CONTACTS, undefined, { 'x-previsto-api-key': SECOND_KEY });
    expect(theirs.data).not.toEqual(mine.data);
    expect(await previstoCalls(s)).toBe(2);
    // Each one's repeat comes from its own partition.
    expect((await s.gql(CONTACTS, undefined, { 'x-previsto-api-key': SECOND_KEY })).data).toEqual(theirs.data);
    expect((await s.gql(CONTACTS)).data).toEqual(mine.data);
    expect(await previstoCalls(s)).toBe(2);
    // An object read through one credential is not served to the other.
    const id = mine.data!['contacts'].edges[0].node.id as string;
    const other = await s.gql(CONTACT, { id }, { 'x-previsto-api-key': SECOND_KEY });
    expect(other.errors?.[0]?.extensions?.['code']).toBe('NOT_FOUND');
  });

  it('primes objects from list pages: a contact read after its list costs nothing', async () => {
    await fresh(s);
    const id = await firstContactId(s);
    const calls = await previstoCalls(s);
    const r = await s.gql(CONTACT, { id });
    expect(r.errors).toBeUndefined();
    expect(await previstoCalls(s)).toBe(calls);
  });

  it('shows the new state of a contact at once after create, update and delete', async () => {
    await fresh(s);
    const before = await s.gql(CONTACTS);
    expect(before.errors).toBeUndefined();
    const created = await s.gql(
      'mutation Create($i: CreateContactInput!) { createContact(input: $i) { contact { id name } userErrors { code } } }',
      { i: { name: 'Aardvark Cache', email: 'cache@example.com' } },
    );
    const id = created.data!['createContact'].contact.id as string;
    const all = await s.gql(
      'query All { contacts(first: 100, orderBy: {field: NAME, direction: ASC}) { totalCount edges { node { id } } } }',
    );
    expect(all.errors).toBeUndefined();
    const listed = (all.data!['contacts'].edges as Array<{ node: { id: string } }>).map((e) => e.node.id);
    expect(listed).toContain(id);

    expect((await s.gql(CONTACT, { id })).data!['contact'].name).toBe('Aardvark Cache');
    const updated = await s.gql(
      'mutation Update($i: UpdateContactInput!) { updateContact(input: $i) { contact { name } userErrors { code } } }',
      { i: { id, name: 'Aardvark Renamed' } },
    );
    expect(updated.data!['updateContact'].userErrors).toEqual([]);
    expect((await s.gql(CONTACT, { id })).data!['contact'].name).toBe('Aardvark Renamed');
    const firstPage = await s.gql(
      'query All { contacts(first: 100, orderBy: {field: NAME, direction: ASC}) { edges { node { id name } } } }',
    );
    expect(
      (firstPage.data!['contacts'].edges as Array<{ node: { id: string; name: string } }>).find((e) => e.node.id === id)?.node.name,
    ).toBe('Aardvark Renamed');

    await s.gql('mutation Delete($id: ID!) { deleteContact(input: {id: $id}) { deletedContactId } }', { id });
    expect((await s.gql(CONTACT, { id })).errors?.[0]?.extensions?.['code']).toBe('NOT_FOUND');
    const after = await s.gql('query All { contacts(first: 100, orderBy: {field: NAME, direction: ASC}) { edges { node { id } } } }');
    expect((after.data!['contacts'].edges as Array<{ node: { id: string } }>).map((e) => e.node.id)).not.toContain(id);
  });

  it('shows the new state of agreements, assignments and the account at once after each write', async () => {
    await fresh(s);
    const contactId = await firstContactId(s);
    const account = await s.gql('query Account { account { id name } }');
    const accountId = account.data!['account'].id as string;

    const agreement = await s.gql(
      'mutation A($c: ID!) { createAgreement(input: {contactId: $c, description: "Cache test", duration: 15, amount: 100}) { agreement { id } userErrors { code message } } }',
      { c: contactId },
    );
    expect(agreement.data!['createAgreement'].userErrors).toEqual([]);
    const agreementId = agreement.data!['createAgreement'].agreement.id as string;
    const AGREEMENT = 'query G($id: ID!) { agreement(id: $id) { description } }';
    expect((await s.gql(AGREEMENT, { id: agreementId })).data!['agreement'].description).toBe('Cache test');
    await s.gql('mutation U($id: ID!) { updateAgreement(input: {id: $id, description: "Changed"}) { userErrors { code } } }', {
      id: agreementId,
    });
    expect((await s.gql(AGREEMENT, { id: agreementId })).data!['agreement'].description).toBe('Changed');

    const ASSIGNMENTS = 'query L($c: ID!) { contact(id: $c) { assignments(first: 50) { edges { node { id status } } } } }';
    const listBefore = await s.gql(ASSIGNMENTS, { c: contactId });
    expect(listBefore.errors).toBeUndefined();
    const created = await s.gql(
      'mutation C($c: ID!, $a: ID!) { createAssignment(input: {contactId: $c, accountId: $a, location: {longitude: 10.5, latitude: 56.8}, plan: {executionTime: "2026-12-01T08:00:00"}}) { assignment { id } userErrors { code message } } }',
      { c: contactId, a: accountId },
    );
    expect(created.errors).toBeUndefined();
    expect(created.data!['createAssignment'].userErrors).toEqual([]);
    const assignmentId = created.data!['createAssignment'].assignment.id as string;
    const ids = (r: { data?: Record<string, any> | null }) =>
      (r.data!['contact'].assignments.edges as Array<{ node: { id: string; status: string } }>).map((e) => e.node);
    expect(ids(await s.gql(ASSIGNMENTS, { c: contactId })).map((n) => n.id)).toContain(assignmentId);
    await s.gql('mutation U($id: ID!) { updateAssignment(input: {id: $id, status: INVOICED}) { userErrors { code } } }', {
      id: assignmentId,
    });
    expect(ids(await s.gql(ASSIGNMENTS, { c: contactId })).find((n) => n.id === assignmentId)?.status).toBe('INVOICED');
    expect((await s.gql('query A($id: ID!) { assignment(id: $id) { status } }', { id: assignmentId })).data!['assignment'].status).toBe(
      'INVOICED',
    );
    await s.gql('mutation D($id: ID!) { deleteAssignment(input: {id: $id}) { deletedAssignmentId } }', { id: assignmentId });
    expect(ids(await s.gql(ASSIGNMENTS, { c: contactId })).map((n) => n.id)).not.toContain(assignmentId);
    expect(
      (await s.gql('query A($id: ID!) { assignment(id: $id) { status } }', { id: assignmentId })).errors?.[0]?.extensions?.['code'],
    ).toBe('NOT_FOUND');

    await s.gql('mutation D($id: ID!) { deleteAgreement(input: {id: $id}) { deletedAgreementId } }', { id: agreementId });
    expect((await s.gql(AGREEMENT, { id: agreementId })).errors?.[0]?.extensions?.['code']).toBe('NOT_FOUND');

    const renamed = await s.gql('mutation R { updateAccount(input: {name: "Cache Account"}) { account { name } userErrors { code } } }');
    expect(renamed.data!['updateAccount']).toEqual({ account: { name: 'Cache Account' }, userErrors: [] });
    expect((await s.gql('query Account { account { name } }')).data!['account'].name).toBe('Cache Account');
    const refused = await s.gql(
      'mutation R { updateAccount(input: {name: " ", languageCode: "danish"}) { account { name } userErrors { field code } } }',
    );
    expect(refused.data!['updateAccount'].account).toBeNull();
    expect(refused.data!['updateAccount'].userErrors).toEqual([
      { field: ['input', 'name'], code: 'REQUIRED' },
      { field: ['input', 'languageCode'], code: 'INVALID' },
    ]);
    expect(await route(s, 'POST /accounts/current')).toBe(1);
  });

  it('refuses POST /cache/invalidate without the admin key, and invalidates by type with it', async () => {
    await fresh(s);
    await s.gql(CONTACTS);
    await s.gql(CONTACTS);
    expect(await previstoCalls(s)).toBe(1);
    expect((await invalidate(s, { platform: 'previsto', type: 'contacts' }, null)).status).toBe(401);
    expect((await invalidate(s, { platform: 'previsto', type: 'contacts' }, 'wrong-key-wrong-key-wrong')).status).toBe(401);
    const bad = await invalidate(s, { platform: 'previsto', type: 'invoices' });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { code: string } }).error.code).toBe('BAD_REQUEST');
    expect(await previstoCalls(s)).toBe(1);
    const ok = await invalidate(s, { platform: 'previsto', type: 'contacts' });
    expect(ok.status).toBe(200);
    await s.gql(CONTACTS);
    expect(await previstoCalls(s)).toBe(2);
    expect((await invalidate(s, {})).status).toBe(200);
    await s.gql(CONTACTS);
    expect(await previstoCalls(s)).toBe(3);
  });

  it('counts hits, misses, invalidations and shared reads in /metrics', async () => {
    const text = await (await fetch(s.url.replace(/\/graphql$/, '/metrics'))).text();
    expect(text).toMatch(/augur_entity_cache_reads_total\{platform="previsto",type="contacts",outcome="hit"\} [1-9]/);
    expect(text).toMatch(/augur_entity_cache_reads_total\{platform="previsto",type="contacts",outcome="miss"\} [1-9]/);
    expect(text).toMatch(/augur_entity_cache_invalidations_total\{platform="previsto",type="contacts",reason="write"\} [1-9]/);
    expect(text).toMatch(/augur_entity_cache_invalidations_total\{platform="previsto",type="contacts",reason="admin"\} [1-9]/);
    expect(text).toMatch(/augur_upstream_shared_reads_total\{platform="previsto",route="GET \/contacts"\} [1-9]/);
  });
});

describe('entity cache settings', () => {
  it('re-reads once the TTL has passed', async () => {
    const s = await stack({ AUGUR_ENTITY_CACHE_TTLS: 'previsto=1' });
    await s.gql(CONTACTS);
    await s.gql(CONTACTS);
    expect(await previstoCalls(s)).toBe(1);
    await new Promise((r) => setTimeout(r, 1300));
    await s.gql(CONTACTS);
    expect(await previstoCalls(s)).toBe(2);
  });

  it('behaves as without a cache when the TTL is 0: every read is sent, no hint', async () => {
    const s = await stack({ AUGUR_ENTITY_CACHE_TTLS: 'previsto=0' });
    const first = await s.gql(CONTACTS);
    const res = await fetch(s.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: CONTACTS, operationName: 'Contacts' }),
    });
    const second = (await res.json()) as { data: unknown; extensions?: unknown };
    expect(second.data).toEqual(first.data);
    expect(second.extensions).toBeUndefined();
    expect(await previstoCalls(s)).toBe(2);
    const r = await invalidate(s, {});
    expect(r.status).toBe(200);
  });

  it('refuses POST /cache/invalidate when no admin key is configured', async () => {
    const s = await startStack({ env: { AUGUR_ENTITY_CACHE_TTLS: 'previsto=10' }, emulatorOptions: tenants });
    stacks.push(s);
    const r = await invalidate(s, {}, 'anything-anything-anything');
    expect(r.status).toBe(403);
    expect(((await r.json()) as { error: { code: string } }).error.code).toBe('FORBIDDEN');
  });
});
