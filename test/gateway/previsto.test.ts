import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { scoreChurn } from '@augur/emulators/dataiku';
import { ownFields as contactFeatures } from '../../src/resolvers/dataiku.js';
import type { PrevistoAssignment, PrevistoContact } from '../../src/upstreams/previsto/types.js';
import { startStack, type TestStack } from '../helpers/stack.js';

let stack: TestStack;
const AUTH = { authorization: `Basic ${Buffer.from('sk_augur_demo:').toString('base64')}` };

/** Reads the emulator directly (not through Augur) to know what to expect. */
async function upstream<T>(path: string): Promise<{ body: T; total: number }> {
  const res = await fetch(`${stack.embedded.emulators.previsto!.url}${path}`, { headers: AUTH });
  return { body: (await res.json()) as T, total: Number(res.headers.get('x-total-count')) };
}

beforeAll(async () => {
  stack = await startStack({ emulatorOptions: { previsto: { rateLimitPerMinute: 100_000 } }, env: { PREVISTO_RATE_LIMIT: '100000' } });
});
afterAll(() => stack.close());
beforeEach(() => stack.reset());

/** The global id Augur gives a Previsto object. */
const gid = (type: 'Contact' | 'Agreement' | 'Assignment' | 'Account', platformId: string) =>
  stack.augur.services.codec.encode(type, platformId);

const PAGE = `edges { cursor node { id platformId name } } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } totalCount`;

describe('Query.contacts', () => {
  it('pages forward with exact pageInfo and totalCount, one list call per page', async () => {
    const all = await upstream<PrevistoContact[]>('/contacts?page=0&size=100');
    const first = await stack.gql(`{ contacts(first: 5) { ${PAGE} } }`);
    expect(first.errors).toBeUndefined();
    const c = first.data!.contacts;
    expect(c.totalCount).toBe(all.total);
    expect(c.edges.map((e: any) => e.node.platformId)).toEqual(all.body.slice(0, 5).map((x) => x.id));
    expect(c.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false });
    const second = await stack.gql(`query($a: String) { contacts(first: 5, after: $a) { ${PAGE} } }`, { a: c.pageInfo.endCursor });
    expect(second.data!.contacts.edges.map((e: any) => e.node.platformId)).toEqual(all.body.slice(5, 10).map((x) => x.id));
    expect(second.data!.contacts.pageInfo.hasPreviousPage).toBe(true);
    expect((await stack.requests('previsto')).byRoute).toEqual({ 'GET /contacts': 3 });
  });

  it('pages backward with last/before and reaches the start exactly', async () => {
    const all = await upstream<PrevistoContact[]>('/contacts?page=0&size=100');
    const page = await stack.gql(`query($a: String) { contacts(first: 3, after: $a) { ${PAGE} } }`, { a: null });
    const start = page.data!.contacts.edges[0].cursor;
    const fwd = await stack.gql(`query($a: String) { contacts(first: 4, after: $a) { ${PAGE} } }`, { a: start });
    const end = fwd.data!.contacts.pageInfo.endCursor; // offset 4
    const back = await stack.gql(`query($b: String) { contacts(last: 3, before: $b) { ${PAGE} } }`, { b: end });
    expect(back.data!.contacts.edges.map((e: any) => e.node.platformId)).toEqual(all.body.slice(1, 4).map((x) => x.id));
    expect(back.data!.contacts.pageInfo).toMatchObject({ hasPreviousPage: true, hasNextPage: true });
    const toStart = await stack.gql(`query($b: String) { contacts(last: 10, before: $b) { ${PAGE} } }`, {
      b: back.data!.contacts.pageInfo.startCursor,
    });
    expect(toStart.data!.contacts.edges.map((e: any) => e.node.platformId)).toEqual([all.body[0]!.id]);
    expect(toStart.data!.contacts.pageInfo.hasPreviousPage).toBe(false);
  });

  it('reads the last page with last alone, in at most two list calls, and reports the end exactly', async () => {
    const all = await upstream<PrevistoContact[]>('/contacts?page=0&size=1');
    await stack.reset();
    const r = await stack.gql(`{ contacts(last: 7) { ${PAGE} } }`);
    const c = r.data!.contacts;
    expect(c.edges).toHaveLength(7);
    expect(c.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: true });
    const tail = await upstream<PrevistoContact[]>(`/contacts?page=${Math.floor((all.total - 1) / 1)}&size=1`);
    expect(c.edges[6].node.platformId).toBe(tail.body[0]!.id);
    const ordered = await stack.gql(`{ contacts(last: 3, orderBy: [{field: NAME}]) { edges { node { name } } pageInfo { hasNextPage } } }`);
    const names = ordered.data!.contacts.edges.map((e: any) => e.node.name);
    expect([...names].sort()).toEqual(names);
    const calls = (await stack.requests('previsto')).byRoute['GET /contacts']!;
    expect(calls).toBeLessThanOrEqual(2 + 2 + 1);
  });

  it('returns an empty page past the end with exact pageInfo', async () => {
    const { total } = await upstream<PrevistoContact[]>('/contacts?page=0&size=1');
    const last = await stack.gql(`{ contacts(last: 1) { pageInfo { endCursor } } }`);
    const past = await stack.gql(`query($a: String) { contacts(first: 10, after: $a) { ${PAGE} } }`, {
      a: last.data!.contacts.pageInfo.endCursor,
    });
    expect(past.data!.contacts).toMatchObject({
      edges: [],
      totalCount: total,
      pageInfo: { hasNextPage: false, hasPreviousPage: true, endCursor: null },
    });
    const none = await stack.gql(`{ contacts(first: 5, filter: {city: "Atlantis"}) { ${PAGE} } }`);
    expect(none.data!.contacts).toMatchObject({ edges: [], totalCount: 0, pageInfo: { hasNextPage: false, hasPreviousPage: false } });
  });

  it('filters, sorts and searches through Previsto query parameters', async () => {
    const sample = (await upstream<PrevistoContact[]>('/contacts?page=0&size=1')).body[0]!;
    const byCity = await stack.gql(
      `query($c: String) { contacts(first: 100, filter: {city: $c}) { totalCount edges { node { address { city } } } } }`,
      { c: sample.city },
    );
    const expected = await upstream<PrevistoContact[]>(`/contacts?page=0&size=1&city=${encodeURIComponent(sample.city!)}`);
    expect(byCity.data!.contacts.totalCount).toBe(expected.total);
    expect(byCity.data!.contacts.edges.every((e: any) => e.node.address.city === sample.city)).toBe(true);
    const sorted = await stack.gql(`{ contacts(first: 20, orderBy: [{field: NAME, direction: DESC}]) { edges { node { name } } } }`);
    const names = sorted.data!.contacts.edges.map((e: any) => e.node.name);
    expect([...names].sort().reverse()).toEqual(names);
    const search = await stack.gql(`query($s: String) { contacts(first: 5, search: $s) { totalCount edges { node { name } } } }`, {
      s: sample.name.split(' ')[0],
    });
    expect(search.data!.contacts.totalCount).toBeGreaterThan(0);
    const both = await stack.gql(`{ contacts(search: "a", nearby: {longitude: 10, latitude: 56}) { totalCount } }`);
    expect(both.errors?.[0]?.extensions?.['code']).toBe('BAD_USER_INPUT');
    const near = await stack.gql(
      `{ contacts(first: 3, nearby: {longitude: 10.2, latitude: 56.1}) { edges { node { location { longitude latitude } } } } }`,
    );
    expect(near.data!.contacts.edges).toHaveLength(3);
  });

  it('rejects forged, tampered and mismatched cursors and oversized pages before any upstream call', async () => {
    const page = await stack.gql(`{ contacts(first: 2) { pageInfo { endCursor } } }`);
    const cursor = page.data!.contacts.pageInfo.endCursor as string;
    await stack.reset();
    const tampered = cursor.slice(0, -2) + (cursor.endsWith('A') ? 'BB' : 'AA');
    const cases: Array<[string, Record<string, unknown>, RegExp]> = [
      [`query($a: String) { contacts(first: 2, after: $a) { totalCount } }`, { a: 'not-a-cursor!' }, /not a valid cursor/],
      [`query($a: String) { contacts(first: 2, after: $a) { totalCount } }`, { a: tampered }, /not a valid cursor/],
      [`query($a: String) { contacts(first: 2, after: $a) { totalCount } }`, { a: cursor.slice(0, 10) }, /not a valid cursor/],
      [
        `query($a: String) { contacts(first: 2, after: $a, filter: {archived: true}) { totalCount } }`,
        { a: cursor },
        /different connection/,
      ],
      [`query($a: String) { assignments(first: 2, after: $a) { totalCount } }`, { a: cursor }, /different connection/],
      [`{ contacts(first: 101) { totalCount } }`, {}, /maximum page size of 100/],
      [`{ contacts(first: -1) { totalCount } }`, {}, /non-negative/],
      [`{ contacts(first: 1, last: 1) { totalCount } }`, {}, /not both/],
    ];
    for (const [query, vars, message] of cases) {
      const r = await stack.gql(query, vars);
      expect(r.errors?.[0]?.message).toMatch(message);
      expect(r.errors?.[0]?.extensions?.['code']).toBe('BAD_USER_INPUT');
    }
    expect((await stack.requests('previsto')).total).toBe(0);
  });
});

describe('upstream call counts', () => {
  it('scores 100 contacts with exactly 2 upstream calls: one list, one predict-multi', async () => {
    const r = await stack.gql(
      `{ contacts(first: 100) { edges { node { name predict(endpointName: "churn") { result { ... on ClassificationResult { predictedClass probabilities { label probability } } } } } } } }`,
    );
    expect(r.errors).toBeUndefined();
    const edges = r.data!.contacts.edges;
    expect(edges).toHaveLength(100);
    const contacts = (await upstream<PrevistoContact[]>('/contacts?page=0&size=100')).body;
    expect(edges[7].node.predict.result.predictedClass).toBe(
      (scoreChurn(contactFeatures(contacts[7])) as { prediction: string }).prediction,
    );
    expect((await stack.requests('previsto')).byRoute).toEqual({ 'GET /contacts': 2 }); // one from Augur, one from this test
    expect((await stack.requests('dataiku')).byRoute).toEqual({ 'POST /public/api/v1/{service}/{endpoint}/predict-multi': 1 });
  });

  it('loads the contacts of 100 assignments in at most 4 calls with no duplicate request', async () => {
    const r = await stack.gql(`{ assignments(first: 100) { edges { node { contactId contact { platformId name } } } } }`);
    expect(r.errors).toBeUndefined();
    const edges = r.data!.assignments.edges;
    expect(edges).toHaveLength(100);
    for (const e of edges) expect(gid('Contact', e.node.contact.platformId)).toBe(e.node.contactId);
    const counts = await stack.requests('previsto');
    expect(counts.total).toBeLessThanOrEqual(4);
    const log = (await (await fetch(`${stack.embedded.emulators.previsto!.url}/_emulator/requests?log=1`)).json()) as {
      log: Array<{ path: string; query: string }>;
    };
    const keys = log.log.map((l) => `${l.path}?${l.query}`);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('uses one GET per distinct contact when few are needed, and loads each once', async () => {
    const few = (await upstream<PrevistoAssignment[]>('/assignments?page=0&size=2')).body;
    await stack.reset();
    const r = await stack.gql(`{ assignments(first: 2) { edges { node { contact { name } again: contact { name } } } } }`);
    expect(r.errors).toBeUndefined();
    const distinct = new Set(few.map((a) => a.contactId)).size;
    expect((await stack.requests('previsto')).byRoute).toEqual({ 'GET /assignments': 1, 'GET /contacts/{id}': distinct });
  });
});

describe('single objects, nesting and node ids', () => {
  it('resolves contact(platformId) and contact(id), and node(id) to the same object', async () => {
    const first = (await upstream<PrevistoContact[]>('/contacts?page=0&size=1')).body[0]!;
    const r = await stack.gql(`query($id: ID!) { contact(platformId: $id) { id platformId name } }`, { id: first.id });
    expect(r.data!.contact).toMatchObject({ platformId: first.id, name: first.name });
    const id = r.data!.contact.id;
    expect(id).toBe(gid('Contact', first.id));
    const n = await stack.gql(
      `query($id: ID!) { node(id: $id) { __typename id ... on Contact { name } } nodes(ids: [$id]) { id } contact(id: $id) { platformId } }`,
      { id },
    );
    expect(n.data).toEqual({ node: { __typename: 'Contact', id, name: first.name }, nodes: [{ id }], contact: { platformId: first.id } });
    // An ID argument takes global ids only: a Previsto id there is refused before any call.
    await stack.reset();
    const raw = await stack.gql(`query($id: ID!) { contact(id: $id) { name } }`, { id: first.id });
    expect(raw.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: ['id'] });
    const neither = await stack.gql(`{ contact { name } }`);
    expect(neither.errors?.[0]?.message).toMatch(/either id \(a global id\) or platformId/);
    expect((await stack.requests('previsto')).total).toBe(0);
    const missing = await stack.gql(`{ contact(platformId: "cont-DoesNotExist0000") { name } }`);
    expect(missing.errors?.[0]?.extensions).toMatchObject({ code: 'NOT_FOUND', platform: 'previsto', upstreamStatus: 404 });
  });

  it('rejects forged global ids without an upstream call', async () => {
    await stack.reset();
    const forged = Buffer.from('Contact:cont-abc|AAAAAAAA').toString('base64url');
    for (const id of [forged, 'garbage', 'Q29udGFjdDpjb250LWFiYw']) {
      const r = await stack.gql(`query($id: ID!) { node(id: $id) { id } contact(id: $id) { id } }`, { id });
      expect(r.errors?.[0]?.extensions?.['code']).toBe('BAD_USER_INPUT');
    }
    expect((await stack.requests('previsto')).total).toBe(0);
  });

  it("pages a contact's assignments and agreements, and loads task agreements", async () => {
    const a = (await upstream<PrevistoAssignment[]>('/assignments?page=0&size=1')).body[0]!;
    const r = await stack.gql(
      `query($id: ID!) { contact(id: $id) { assignments(first: 5) { totalCount edges { node { contactId tasks { agreementId agreement { platformId } } } } } agreements(first: 5) { totalCount edges { node { contactId contact { platformId } } } } } }`,
      { id: gid('Contact', a.contactId) },
    );
    expect(r.errors).toBeUndefined();
    const c = r.data!.contact;
    expect(c.assignments.totalCount).toBeGreaterThan(0);
    expect(c.assignments.edges.every((e: any) => e.node.contactId === gid('Contact', a.contactId))).toBe(true);
    for (const e of c.assignments.edges)
      for (const t of e.node.tasks) if (t.agreementId) expect(gid('Agreement', t.agreement.platformId)).toBe(t.agreementId);
    expect(c.agreements.edges.every((e: any) => e.node.contact.platformId === a.contactId)).toBe(true);
  });

  it('reads single assignments and agreements, and pages agreements with filters', async () => {
    const a = (await upstream<PrevistoAssignment[]>('/assignments?page=0&size=1')).body[0]!;
    const one = await stack.gql(
      `query($id: ID!) { assignment(platformId: $id) { id platformId createdAt contact { platformId } status action plan { executionTime indicativeDate accountIds } address { city } } }`,
      { id: a.id },
    );
    expect(one.errors).toBeUndefined();
    expect(one.data!.assignment).toMatchObject({
      platformId: a.id,
      createdAt: a.createdDate,
      contact: { platformId: a.contactId },
      plan: {
        executionTime: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}/),
        accountIds: (a.plan.accountIds ?? []).map((id) => gid('Account', id)),
      },
    });
    const ags = await stack.gql(
      `query($c: ID) { agreements(first: 3, filter: {contactId: $c}, orderBy: [{field: AMOUNT, direction: DESC}]) { totalCount edges { node { id platformId amount contactId } } } }`,
      { c: gid('Contact', a.contactId) },
    );
    expect(ags.errors).toBeUndefined();
    const amounts = ags.data!.agreements.edges.map((e: any) => e.node.amount);
    expect([...amounts].sort((x: number, y: number) => y - x)).toEqual(amounts);
    expect(ags.data!.agreements.edges.every((e: any) => e.node.contactId === gid('Contact', a.contactId))).toBe(true);
    const first = ags.data!.agreements.edges[0].node;
    const single = await stack.gql(
      `query($id: ID!) { agreement(platformId: $id) { platformId } byGlobal: agreement(id: "${first.id}") { platformId } }`,
      { id: first.platformId },
    );
    expect(single.data).toEqual({ agreement: { platformId: first.platformId }, byGlobal: { platformId: first.platformId } });
    const byStatus = await stack.gql(`{ assignments(first: 5, filter: {status: INVOICED}) { totalCount edges { node { status } } } }`);
    const expected = await upstream<PrevistoAssignment[]>('/assignments?page=0&size=1&status=Invoiced');
    expect(byStatus.data!.assignments.totalCount).toBe(expected.total);
    expect(byStatus.data!.assignments.edges.every((e: any) => e.node.status === 'INVOICED')).toBe(true);
  });

  it('reports platforms and their status', async () => {
    const r = await stack.gql(
      `{ platforms { kind emulated url status { reachable latencyMs checkedAt version } } platform(kind: DATAIKU) { kind status { reachable version } } }`,
    );
    expect(r.errors).toBeUndefined();
    expect(r.data!.platforms.map((p: any) => p.kind)).toEqual(['PREVISION', 'DATAIKU', 'CIVIS', 'PREVISTO']);
    expect(r.data!.platforms.every((p: any) => p.emulated && p.status.reachable)).toBe(true);
    expect(r.data!.platform.status.version).toBeTruthy();
  });

  it('reads the account', async () => {
    const r = await stack.gql(`{ account { id platformId name email emailValidated address { city } location { latitude } roles meta } }`);
    expect(r.errors).toBeUndefined();
    expect(r.data!.account.platformId).toMatch(/^acct/);
    expect(r.data!.account.id).toBe(gid('Account', r.data!.account.platformId));
  });
});

describe('mutations', () => {
  const CONTACT_PAYLOAD = `contact { id platformId name email address { street apartment city } meta } userErrors { field code message }`;

  it('creates, updates and deletes a contact through input objects and payloads', async () => {
    const created = await stack.gql(
      `mutation { createContact(input: {name: "Ny Kunde", email: "ny@kunde.dk", address: {city: "Aarhus", apartment: "2. tv"}, meta: {source: "augur"}}) { ${CONTACT_PAYLOAD} } }`,
    );
    expect(created.errors).toBeUndefined();
    const c = created.data!.createContact.contact;
    expect(created.data!.createContact.userErrors).toEqual([]);
    expect(c).toMatchObject({
      name: 'Ny Kunde',
      email: 'ny@kunde.dk',
      address: { apartment: '2. tv', city: 'Aarhus' },
      meta: { source: 'augur' },
    });
    const updated = await stack.gql(
      `mutation($id: ID!) { updateContact(input: {id: $id, address: {city: "Odense"}}) { contact { name address { city apartment } } userErrors { field } } }`,
      { id: c.id },
    );
    expect(updated.data!.updateContact).toEqual({
      contact: { name: 'Ny Kunde', address: { city: 'Odense', apartment: '2. tv' } },
      userErrors: [],
    });
    const deleted = await stack.gql(`mutation($id: ID!) { deleteContact(input: {id: $id}) { deletedContactId userErrors { field } } }`, {
      id: c.id,
    });
    expect(deleted.data!.deleteContact).toEqual({ deletedContactId: c.id, userErrors: [] });
    const gone = await stack.gql(`query($id: ID!) { contact(id: $id) { name } }`, { id: c.id });
    expect(gone.errors?.[0]?.extensions?.['code']).toBe('NOT_FOUND');
    const again = await stack.gql(`mutation($id: ID!) { deleteContact(input: {id: $id}) { deletedContactId userErrors { field code } } }`, {
      id: c.id,
    });
    expect(again.errors).toBeUndefined();
    expect(again.data!.deleteContact).toEqual({ deletedContactId: null, userErrors: [{ field: ['input', 'id'], code: 'NOT_FOUND' }] });
  });

  it('answers a bad e-mail and an empty name as userErrors naming both, without any upstream call', async () => {
    for (const [mutation, vars] of [
      [
        `mutation($i: CreateContactInput!) { createContact(input: $i) { ${CONTACT_PAYLOAD} } }`,
        { i: { name: '  ', email: 'not-an-email' } },
      ],
      [
        `mutation($i: UpdateContactInput!) { updateContact(input: $i) { ${CONTACT_PAYLOAD} } }`,
        { i: { id: gid('Contact', 'cont-AAAAAAAAAAAAAAAAAA'), name: '', email: 'a@@b' } },
      ],
    ] as const) {
      const r = await stack.gql(mutation, vars);
      expect(r.errors).toBeUndefined();
      const payload = Object.values(r.data!)[0] as { contact: unknown; userErrors: unknown[] };
      expect(payload.contact).toBeNull();
      expect(payload.userErrors).toEqual([
        { field: ['input', 'name'], code: 'REQUIRED', message: 'input.name must not be empty.' },
        {
          field: ['input', 'email'],
          code: 'INVALID',
          message: expect.stringMatching(/^input\.email "[^"]+" is not an e-mail address; expected local@domain\.$/),
        },
      ]);
    }
    expect((await stack.requests('previsto')).total).toBe(0);
  });

  it('answers metadata past Previsto limits as userErrors naming the key, before any upstream call', async () => {
    const tooMany = Object.fromEntries(Array.from({ length: 21 }, (_, i) => [`k${i}`, 'v']));
    const badMeta: Array<[Record<string, unknown>, RegExp, string[]]> = [
      [tooMany, /at most 20/, ['input', 'meta']],
      [{ ['k'.repeat(41)]: 'v' }, /1 to 40/, ['input', 'meta']],
      [{ k: 'v'.repeat(501) }, /at most 500/, ['input', 'meta', 'k']],
      [{ tier: { nested: true } }, /strings, numbers or booleans/, ['input', 'meta', 'tier']],
    ];
    for (const [meta, message, field] of badMeta) {
      const r = await stack.gql(
        `mutation($m: JSONObject) { createContact(input: {name: "X", meta: $m}) { contact { id } userErrors { field code message } } }`,
        {
          m: meta,
        },
      );
      expect(r.data!.createContact).toEqual({
        contact: null,
        userErrors: [{ field, code: 'INVALID', message: expect.stringMatching(message) }],
      });
    }
    expect((await stack.requests('previsto')).total).toBe(0);
  });

  it("turns Previsto's 400 param into the input path the caller wrote, after one call", async () => {
    // Values Augur's own checks accept but Previsto refuses: a country code of three letters, an unknown paying contact.
    const cases: Array<[Record<string, unknown>, string[]]> = [
      [{ name: 'X', address: { countryCode: 'DNK' } }, ['input', 'address', 'countryCode']],
      [{ name: 'X', payingContactId: gid('Contact', 'cont-DoesNotExist0000') }, ['input', 'payingContactId']],
    ];
    for (const [input, field] of cases) {
      await stack.reset();
      const r = await stack.gql(
        `mutation($i: CreateContactInput!) { createContact(input: $i) { contact { id } userErrors { field code message } } }`,
        {
          i: input,
        },
      );
      expect(r.errors).toBeUndefined();
      expect(r.data!.createContact).toEqual({
        contact: null,
        userErrors: [{ field, code: 'INVALID', message: expect.stringContaining(`Previsto rejected the request (${field.join('.')}): `) }],
      });
      // The message speaks of the input, never of Previsto's REST routes.
      expect(r.data!.createContact.userErrors[0].message).not.toMatch(/GET \/|POST \//);
      expect((await stack.requests('previsto')).byRoute).toEqual({ 'POST /contacts': 1 });
    }
  });

  it('creates, updates and deletes agreements and assignments, with userErrors per mutation', async () => {
    const contact = (await upstream<PrevistoContact[]>('/contacts?page=0&size=1')).body[0]!;
    const account = (await upstream<{ id: string }>('/accounts/current')).body;
    const contactId = gid('Contact', contact.id);
    const ag = await stack.gql(
      `mutation($c: ID!) { createAgreement(input: {contactId: $c, description: "Vinduespudsning", duration: 15, amount: 23900, type: PRIMARY, planningDateType: FIXED, planningDate: "2026-12-01"}) { agreement { id platformId contactId contact { platformId } type planningDateType planningDate amount } userErrors { field } } }`,
      { c: contactId },
    );
    expect(ag.errors).toBeUndefined();
    const agreement = ag.data!.createAgreement.agreement;
    expect(agreement).toMatchObject({
      contactId,
      contact: { platformId: contact.id },
      type: 'PRIMARY',
      planningDateType: 'FIXED',
      planningDate: '2026-12-01',
      amount: 23900,
    });
    const as = await stack.gql(
      `mutation($c: ID!, $a: ID, $acct: ID!) { createAssignment(input: {contactId: $c, accountId: $acct, location: {longitude: 10.5, latitude: 56.8}, plan: {executionTime: "2026-12-01T08:00:00"}, tasks: [{agreementId: $a, description: "Pudsning", amount: 20000}]}) { assignment { id contactName accountId status action plan { executionTime } tasks { agreement { platformId } quantity } location { longitude } } userErrors { field } } }`,
      { c: contactId, a: agreement.id, acct: gid('Account', account.id) },
    );
    expect(as.errors).toBeUndefined();
    const assignment = as.data!.createAssignment.assignment;
    expect(assignment).toMatchObject({
      contactName: contact.name,
      accountId: gid('Account', account.id),
      plan: { executionTime: '2026-12-01T08:00:00' },
      tasks: [{ agreement: { platformId: agreement.platformId }, quantity: 1 }],
    });
    const stored = await upstream<PrevistoAssignment>(
      `/assignments/${(await stack.gql(`query($id: ID!) { assignment(id: $id) { platformId } }`, { id: assignment.id })).data!.assignment.platformId}`,
    );
    expect(stored.body.plan.executionTime).toBe('2026-12-01T08:00');
    const upd = await stack.gql(
      `mutation($id: ID!) { updateAssignment(input: {id: $id, action: COMPLETED, status: INVOICED}) { assignment { action status } userErrors { field } } }`,
      { id: assignment.id },
    );
    expect(upd.data!.updateAssignment).toEqual({ assignment: { action: 'COMPLETED', status: 'INVOICED' }, userErrors: [] });
    const upAg = await stack.gql(
      `mutation($id: ID!) { updateAgreement(input: {id: $id, description: "Ny"}) { agreement { description duration } userErrors { field } } }`,
      { id: agreement.id },
    );
    expect(upAg.data!.updateAgreement).toEqual({ agreement: { description: 'Ny', duration: 15 }, userErrors: [] });
    const del = await stack.gql(
      `mutation($as: ID!, $ag: ID!) { deleteAssignment(input: {id: $as}) { deletedAssignmentId userErrors { field } } deleteAgreement(input: {id: $ag}) { deletedAgreementId userErrors { field } } }`,
      { as: assignment.id, ag: agreement.id },
    );
    expect(del.data).toEqual({
      deleteAssignment: { deletedAssignmentId: assignment.id, userErrors: [] },
      deleteAgreement: { deletedAgreementId: agreement.id, userErrors: [] },
    });
  });

  it("refuses each agreement and assignment mutation's bad input as userErrors before any call", async () => {
    await stack.reset();
    const contactId = gid('Contact', 'cont-AAAAAAAAAAAAAAAAAA');
    const cases: Array<[string, Record<string, unknown>, Array<{ field: string[]; code: string }>]> = [
      [
        `mutation($i: CreateAgreementInput!) { createAgreement(input: $i) { agreement { id } userErrors { field code } } }`,
        { i: { contactId: 'cont-AAAAAAAAAAAAAAAAAA', description: ' ', duration: 2 } },
        [
          { field: ['input', 'description'], code: 'REQUIRED' },
          { field: ['input', 'duration'], code: 'INVALID' },
          { field: ['input', 'contactId'], code: 'INVALID' },
        ],
      ],
      [
        `mutation($i: UpdateAgreementInput!) { updateAgreement(input: $i) { agreement { id } userErrors { field code } } }`,
        { i: { id: contactId, description: 'x' } },
        [{ field: ['input', 'id'], code: 'INVALID' }],
      ],
      [
        `mutation($i: DeleteAgreementInput!) { deleteAgreement(input: $i) { deletedAgreementId userErrors { field code } } }`,
        { i: { id: 'agrmt-notglobal' } },
        [{ field: ['input', 'id'], code: 'INVALID' }],
      ],
      [
        `mutation($i: CreateAssignmentInput!) { createAssignment(input: $i) { assignment { id } userErrors { field code } } }`,
        {
          i: {
            contactId,
            accountId: contactId,
            location: { longitude: 200, latitude: 0 },
            plan: { executionTime: '2026-01-01T08:00:00' },
            meta: { k: { deep: 1 } },
          },
        },
        [
          { field: ['input', 'meta', 'k'], code: 'INVALID' },
          { field: ['input', 'accountId'], code: 'INVALID' },
          { field: ['input', 'location'], code: 'INVALID' },
        ],
      ],
      [
        `mutation($i: UpdateAssignmentInput!) { updateAssignment(input: $i) { assignment { id } userErrors { field code } } }`,
        { i: { id: gid('Assignment', 'asgmt-AAAAAAAAAAAAAAAAAA'), tasks: [{ agreementId: contactId }] } },
        [{ field: ['input', 'tasks', '0', 'agreementId'], code: 'INVALID' }],
      ],
      [
        `mutation($i: DeleteAssignmentInput!) { deleteAssignment(input: $i) { deletedAssignmentId userErrors { field code } } }`,
        { i: { id: contactId } },
        [{ field: ['input', 'id'], code: 'INVALID' }],
      ],
      [
        `mutation($i: DeleteContactInput!) { deleteContact(input: $i) { deletedContactId userErrors { field code } } }`,
        { i: { id: 'cont-AAAAAAAAAAAAAAAAAA' } },
        [{ field: ['input', 'id'], code: 'INVALID' }],
      ],
    ];
    for (const [mutation, vars, userErrors] of cases) {
      const r = await stack.gql(mutation, vars);
      expect(r.errors, mutation).toBeUndefined();
      const payload = Object.values(r.data!)[0] as Record<string, unknown>;
      expect(payload['userErrors'], mutation).toEqual(userErrors);
    }
    expect((await stack.requests('previsto')).total).toBe(0);
  });

  it("answers Previsto's refusal of an agreement or assignment as a userError naming its param, after one call", async () => {
    const contact = (await upstream<PrevistoContact[]>('/contacts?page=0&size=1')).body[0]!;
    await stack.reset();
    const ag = await stack.gql(
      `mutation($c: ID!) { createAgreement(input: {contactId: $c, description: "x", duration: 5, currency: "DKKR"}) { agreement { id } userErrors { field code } } }`,
      { c: gid('Contact', contact.id) },
    );
    expect(ag.data!.createAgreement).toEqual({ agreement: null, userErrors: [{ field: ['input', 'currency'], code: 'INVALID' }] });
    expect((await stack.requests('previsto')).byRoute).toEqual({ 'POST /agreements': 1 });
    await stack.reset();
    const as = await stack.gql(
      `mutation($c: ID!, $a: ID!) { createAssignment(input: {contactId: $c, accountId: $a, location: {longitude: 1, latitude: 1}, plan: {executionTime: "2026-01-01T08:00:00"}}) { assignment { id } userErrors { field code } } }`,
      { c: gid('Contact', 'cont-DoesNotExist0000'), a: gid('Account', 'acct-DoesNotExist0000') },
    );
    expect(as.errors).toBeUndefined();
    expect(as.data!.createAssignment.assignment).toBeNull();
    expect(as.data!.createAssignment.userErrors).toHaveLength(1);
    expect(as.data!.createAssignment.userErrors[0].field[0]).toBe('input');
    expect((await stack.requests('previsto')).byRoute).toEqual({ 'POST /assignments': 1 });
  });
});

describe('Previsto error mapping', () => {
  it("maps 401, 403 (public key), 429 and 5xx, leaving other platforms' data in place", async () => {
    const q = `{ contacts(first: 1) { totalCount } predict(endpointName: "churn", features: {name: "A"}) { ignored } }`;
    const unauth = await stack.gql(q, undefined, { 'x-previsto-api-key': 'sk_wrong' });
    expect(unauth.errors?.[0]?.extensions).toMatchObject({ code: 'UNAUTHENTICATED', platform: 'previsto', upstreamStatus: 401 });
    expect(unauth.data!.predict.ignored).toBe(false);
    const forbidden = await stack.gql(q, undefined, { 'x-previsto-api-key': 'pk_augur_demo' });
    expect(forbidden.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', platform: 'previsto', upstreamStatus: 403 });
    await stack.faults('previsto', { status: 429, retryAfter: 60 });
    const limited = await stack.gql(q);
    expect(limited.errors?.[0]?.extensions).toMatchObject({ code: 'RATE_LIMITED', platform: 'previsto', retryAfter: 60 });
    expect(limited.data!.predict).not.toBeNull();
    await stack.faults('previsto', { status: 500 });
    expect((await stack.gql(q)).errors?.[0]?.extensions).toMatchObject({ code: 'UPSTREAM_ERROR', upstreamStatus: 500 });
    await stack.faults('previsto', { status: 400 });
    expect((await stack.gql(q)).errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', upstreamStatus: 400 });
    await stack.faults('previsto', { status: 404 });
    expect((await stack.gql(q)).errors?.[0]?.extensions).toMatchObject({ code: 'NOT_FOUND', upstreamStatus: 404 });
  });

  it('fails only Previsto fields, with HTTP 200 and no call, when the Previsto key header is malformed', async () => {
    const r = await stack.gql(
      `{ contacts(first: 1) { totalCount } platforms { kind } predict(endpointName: "churn", features: {name: "A"}) { ignored } }`,
      undefined,
      {
        'x-previsto-api-key': 'has space',
      },
    );
    expect(r.status).toBe(200);
    expect(r.errors).toHaveLength(1);
    expect(r.errors?.[0]).toMatchObject({ path: ['contacts'], extensions: { code: 'UNAUTHENTICATED', platform: 'previsto' } });
    expect(r.data!.platforms).toHaveLength(4);
    expect(r.data!.predict.ignored).toBe(false);
    expect((await stack.requests('previsto')).total).toBe(0);
  });

  it('never retries a create after it may have reached Previsto', async () => {
    await stack.faults('previsto', { status: 503, routes: ['POST /contacts'] });
    const r = await stack.gql(`mutation { createContact(input: {name: "Once"}) { contact { id } } }`);
    expect(r.errors?.[0]?.extensions).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', upstreamStatus: 503 });
    expect((await stack.requests('previsto')).byRoute['POST /contacts']).toBe(1);
  });
});
