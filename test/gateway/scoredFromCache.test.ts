/**
 * Contacts scored with their own fields while the entity cache serves the contacts. A cached contact is shared by every
 * operation that reads its entry, and its features are derived and serialised once (core/frozenJson.ts): these tests
 * hold every answer to what the emulator's model gives the contact's current fields, across cache hits, overrides and
 * writes, with the upstream calls counted.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { scoreChurn } from '@augur/emulators/dataiku';
import { ownFields } from '../../src/resolvers/dataiku.js';
import type { PrevistoContact } from '../../src/upstreams/previsto/types.js';
import { startStack, type TestStack } from '../helpers/stack.js';

const ADMIN_KEY = 'cache-admin-key-0123456789';
const SECOND_KEY = 'sk_augur_second_tenant';
let stack: TestStack;
beforeAll(async () => {
  stack = await startStack({
    env: { AUGUR_ENTITY_CACHE_TTLS: 'previsto=60', AUGUR_CACHE_ADMIN_KEY: ADMIN_KEY },
    emulatorOptions: {
      previsto: {
        tenants: [
          { secretKey: 'sk_augur_demo', seed: 4104 },
          { secretKey: SECOND_KEY, seed: 99 },
        ],
      },
    },
  });
});
afterAll(() => stack.close());
// Fresh emulator data and counters, and an empty cache, for each test.
beforeEach(async () => {
  await stack.reset();
  const r = await fetch(stack.url.replace(/\/graphql$/, '/cache/invalidate'), {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_KEY}` },
    body: '{}',
  });
  expect(r.status).toBe(200);
});

async function emulatorContacts(key = 'sk_augur_demo'): Promise<PrevistoContact[]> {
  const headers = { authorization: `Basic ${Buffer.from(`${key}:`).toString('base64')}` };
  const res = await fetch(`${stack.embedded.emulators.previsto!.url}/contacts?page=0&size=20`, { headers });
  return (await res.json()) as PrevistoContact[];
}

type Scored = { contacts: { edges: Array<{ node: { id: string; platformId: string; predict: { raw: { probas: { churn: number } } } } }> } };
const scored = (features = '') =>
  `{ contacts(first: 20) { edges { node { id platformId predict(endpointName: "churn"${features}) { raw } } } } }`;

async function churn(features = '', headers?: Record<string, string>): Promise<Map<string, number>> {
  const r = await stack.gql<Scored>(scored(features), undefined, headers);
  expect(r.errors).toBeUndefined();
  return new Map(r.data!.contacts.edges.map((e) => [e.node.platformId, e.node.predict.raw.probas.churn]));
}

const modelChurn = (features: Record<string, unknown>) => (scoreChurn(features) as { probas: Record<string, number> }).probas['churn']!;

describe('contacts scored from the entity cache', () => {
  it('scores cached contacts as the model scores their fields, the list read once for three operations', async () => {
    const contacts = await emulatorContacts();
    const want = new Map(contacts.map((c) => [c.id, modelChurn(ownFields(c))]));
    for (let i = 0; i < 3; i++) expect(await churn()).toEqual(want);
    expect((await stack.requests('previsto')).byRoute).toEqual({ 'GET /contacts': 2 }); // one from Augur, one from this test
    expect((await stack.requests('dataiku')).byRoute).toEqual({ 'POST /public/api/v1/{service}/{endpoint}/predict-multi': 3 });
  });

  it("applies one operation's feature overrides to cached contacts without reaching the next operation", async () => {
    const contacts = await emulatorContacts();
    const plain = new Map(contacts.map((c) => [c.id, modelChurn(ownFields(c))]));
    expect(await churn()).toEqual(plain);
    const archived = new Map(contacts.map((c) => [c.id, modelChurn({ ...ownFields(c), archived: true })]));
    expect(archived).not.toEqual(plain);
    expect(await churn(', features: {archived: true}')).toEqual(archived);
    expect(await churn()).toEqual(plain);
    expect((await stack.requests('previsto')).byRoute).toEqual({ 'GET /contacts': 2 });
  });

  it('scores a contact changed through Augur with its new fields at the next read', async () => {
    const before = await churn();
    const r = await stack.gql<Scored>(scored());
    const first = r.data!.contacts.edges[0]!.node;
    const contact = (await emulatorContacts()).find((c) => c.id === first.platformId)!;
    const notify = contact.notifyBeforeWork !== true;
    const update = await stack.gql<{ updateContact: { userErrors: unknown[] } }>(
      `mutation($id: ID!, $n: Boolean) { updateContact(input: { id: $id, notifyBeforeWork: $n }) { userErrors { message } } }`,
      { id: first.id, n: notify },
    );
    expect(update.errors).toBeUndefined();
    expect(update.data!.updateContact.userErrors).toEqual([]);
    const after = await churn();
    const want = modelChurn(ownFields({ ...contact, notifyBeforeWork: notify }));
    expect(want).not.toBe(before.get(first.platformId));
    expect(after.get(first.platformId)).toBe(want);
  });

  it("scores each caller's own cached contacts: a second Previsto key never gets the first key's features", async () => {
    const mine = await emulatorContacts();
    const theirs = await emulatorContacts(SECOND_KEY);
    expect(theirs.map((c) => c.id)).not.toEqual(mine.map((c) => c.id));
    const want = (cs: PrevistoContact[]) => new Map(cs.map((c) => [c.id, modelChurn(ownFields(c))]));
    for (let i = 0; i < 2; i++) {
      expect(await churn()).toEqual(want(mine));
      expect(await churn('', { 'x-previsto-api-key': SECOND_KEY })).toEqual(want(theirs));
    }
    expect((await stack.requests('previsto')).byRoute).toEqual({ 'GET /contacts': 4 }); // one per key from Augur, two from this test
  });
});
