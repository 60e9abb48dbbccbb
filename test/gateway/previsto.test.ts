import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { scoreChurn } from '@augur/emulators/dataiku';
import { contactFeatures } from '../../src/resolvers/previsto.js';
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

const PAGE = `edges { cursor node { id previstoId name } } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } totalCount`;

describe('Query.contacts', () => {
  it('pages forward with exact pageInfo and totalCount, one list call per page', async () => {
    const all = await upstream<PrevistoContact[]>('/contacts?page=0&size=100');
    const first = await stack.gql(`{ contacts(first: 5) { ${PAGE} } }`);
    expect(first.errors).toBeUndefined();
    const c = first.data!.contacts;
    expect(c.totalCount).toBe(all.total);
    expect(c.edges.map((e: any) => e.node.previstoId)).toEqual(all.body.slice(0, 5).map((x) => x.id));
    expect(c.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false });
    const second = await stack.gql(`query($a: String) { contacts(first: 5, after: $a) { ${PAGE} } }`, { a: c.pageInfo.endCursor });
    expect(second.data!.contacts.edges.map((e: any) => e.node.previstoId)).toEqual(all.body.slice(5, 10).map((x) => x.id));
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
    expect(back.data!.contacts.edges.map((e: any) => e.node.previstoId)).toEqual(all.body.slice(1, 4).map((x) => x.id));
    expect(back.data!.contacts.pageInfo).toMatchObject({ hasPreviousPage: true, hasNextPage: true });
    const toStart = await stack.gql(`query($b: String) { contacts(last: 10, before: $b) { ${PAGE} } }`, {
      b: back.data!.contacts.pageInfo.startCursor,
    });
    expect(toStart.data!.contacts.edges.map((e: any) => e.node.previstoId)).toEqual([all.body[0]!.id]);
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
    expect(c.edges[6].node.previstoId).toBe(tail.body[0]!.id);
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
      `query($c: String) { contacts(first: 100, filter: {city: $c}) { totalCount edges { node { city } } } }`,
      { c: sample.city },
    );
    const expected = await upstream<PrevistoContact[]>(`/contacts?page=0&size=1&city=${encodeURIComponent(sample.city!)}`);
    expect(byCity.data!.contacts.totalCount).toBe(expected.total);
    expect(byCity.data!.contacts.edges.every((e: any) => e.node.city === sample.city)).toBe(true);
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
      `{ contacts(first: 100) { edges { node { name predict(endpoint: "churn") { prediction probabilities { label probability } } } } } }`,
    );
    expect(r.errors).toBeUndefined();
    const edges = r.data!.contacts.edges;
    expect(edges).toHaveLength(100);
    const contacts = (await upstream<PrevistoContact[]>('/contacts?page=0&size=100')).body;
    expect(edges[7].node.predict.prediction).toBe((scoreChurn(contactFeatures(contacts[7]!)) as { prediction: string }).prediction);
    expect((await stack.requests('previsto')).byRoute).toEqual({ 'GET /contacts': 2 }); // one from Augur, one from this test
    expect((await stack.requests('dataiku')).byRoute).toEqual({ 'POST /public/api/v1/{service}/{endpoint}/predict-multi': 1 });
  });

  it('loads the contacts of 100 assignments in at most 4 calls with no duplicate request', async () => {
    const r = await stack.gql(`{ assignments(first: 100) { edges { node { contactId contact { previstoId name } } } } }`);
    expect(r.errors).toBeUndefined();
    const edges = r.data!.assignments.edges;
    expect(edges).toHaveLength(100);
    for (const e of edges) expect(e.node.contact.previstoId).toBe(e.node.contactId);
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
  it('resolves contact(id) by Previsto id and by global id, and node(id) to the same object', async () => {
    const first = (await upstream<PrevistoContact[]>('/contacts?page=0&size=1')).body[0]!;
    const r = await stack.gql(`query($id: ID!) { contact(id: $id) { id previstoId name } }`, { id: first.id });
    expect(r.data!.contact).toMatchObject({ previstoId: first.id, name: first.name });
    const gid = r.data!.contact.id;
    const n = await stack.gql(`query($id: ID!) { node(id: $id) { __typename id ... on Contact { name } } nodes(ids: [$id]) { id } }`, {
      id: gid,
    });
    expect(n.data).toEqual({ node: { __typename: 'Contact', id: gid, name: first.name }, nodes: [{ id: gid }] });
    const missing = await stack.gql(`{ contact(id: "cont-DoesNotExist0000") { name } }`);
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
      `query($id: ID!) { contact(id: $id) { assignments(first: 5) { totalCount edges { node { contactId tasks { agreementId agreement { previstoId } } } } } agreements(first: 5) { totalCount edges { node { contactId contact { previstoId } } } } } }`,
      { id: a.contactId },
    );
    expect(r.errors).toBeUndefined();
    const c = r.data!.contact;
    expect(c.assignments.totalCount).toBeGreaterThan(0);
    expect(c.assignments.edges.every((e: any) => e.node.contactId === a.contactId)).toBe(true);
    for (const e of c.assignments.edges)
      for (const t of e.node.tasks) if (t.agreementId) expect(t.agreement.previstoId).toBe(t.agreementId);
    expect(c.agreements.edges.every((e: any) => e.node.contact.previstoId === a.contactId)).toBe(true);
  });

  it('reads single assignments and agreements, and pages agreements with filters', async () => {
    const a = (await upstream<PrevistoAssignment[]>('/assignments?page=0&size=1')).body[0]!;
    const one = await stack.gql(
      `query($id: ID!) { assignment(id: $id) { id previstoId contact { previstoId } status action plan { executionTime accountIds } address { city } } }`,
      { id: a.id },
    );
    expect(one.errors).toBeUndefined();
    expect(one.data!.assignment).toMatchObject({ previstoId: a.id, contact: { previstoId: a.contactId } });
    const ags = await stack.gql(
      `query($c: ID) { agreements(first: 3, filter: {contactId: $c}, orderBy: [{field: AMOUNT, direction: DESC}]) { totalCount edges { node { id previstoId amount contactId } } } }`,
      { c: a.contactId },
    );
    expect(ags.errors).toBeUndefined();
    const amounts = ags.data!.agreements.edges.map((e: any) => e.node.amount);
    expect([...amounts].sort((x: number, y: number) => y - x)).toEqual(amounts);
    expect(ags.data!.agreements.edges.every((e: any) => e.node.contactId === a.contactId)).toBe(true);
    const first = ags.data!.agreements.edges[0].node;
    const single = await stack.gql(
      `query($id: ID!) { agreement(id: $id) { previstoId } byGlobal: agreement(id: "${first.id}") { previstoId } }`,
      { id: first.previstoId },
    );
    expect(single.data).toEqual({ agreement: { previstoId: first.previstoId }, byGlobal: { previstoId: first.previstoId } });
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
    const r = await stack.gql(`{ account { id previstoId name roles meta } }`);
    expect(r.errors).toBeUndefined();
    expect(r.data!.account.previstoId).toMatch(/^acct/);
  });
});

describe('mutations', () => {
  it('creates, updates and deletes a contact; metadata is validated before any upstream call', async () => {
    const created = await stack.gql(
      `mutation { createContact(input: {name: "Ny Kunde", city: "Aarhus", apartment: "2. tv", meta: {source: "augur"}}) { id previstoId name apartment meta } }`,
    );
    expect(created.errors).toBeUndefined();
    const c = created.data!.createContact;
    expect(c).toMatchObject({ name: 'Ny Kunde', apartment: '2. tv', meta: { source: 'augur' } });
    const updated = await stack.gql(`mutation($id: ID!) { updateContact(id: $id, input: {city: "Odense"}) { name city } }`, { id: c.id });
    expect(updated.data!.updateContact).toEqual({ name: 'Ny Kunde', city: 'Odense' });
    const deleted = await stack.gql(`mutation($id: ID!) { deleteContact(id: $id) { deletedId } }`, { id: c.previstoId });
    expect(deleted.data!.deleteContact.deletedId).toBe(c.id);
    const gone = await stack.gql(`query($id: ID!) { contact(id: $id) { name } }`, { id: c.id });
    expect(gone.errors?.[0]?.extensions?.['code']).toBe('NOT_FOUND');

    await stack.reset();
    const tooMany = Object.fromEntries(Array.from({ length: 21 }, (_, i) => [`k${i}`, 'v']));
    const badMeta: Array<[Record<string, unknown>, RegExp]> = [
      [tooMany, /at most 20/],
      [{ ['k'.repeat(41)]: 'v' }, /1 to 40/],
      [{ k: 'v'.repeat(501) }, /at most 500/],
      [{ k: { nested: true } }, /strings, numbers or booleans/],
    ];
    for (const [meta, message] of badMeta) {
      const r = await stack.gql(`mutation($m: JSONObject) { createContact(input: {name: "X", meta: $m}) { id } }`, { m: meta });
      expect(r.errors?.[0]?.message).toMatch(message);
      expect(r.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', param: 'input.meta' });
    }
    expect((await stack.requests('previsto')).total).toBe(0);
  });

  it('creates and updates agreements and assignments, and maps Previsto 400s with param', async () => {
    const contact = (await upstream<PrevistoContact[]>('/contacts?page=0&size=1')).body[0]!;
    const account = (await upstream<{ id: string }>('/accounts/current')).body;
    const ag = await stack.gql(
      `mutation($c: ID!) { createAgreement(input: {contactId: $c, description: "Vinduespudsning", duration: 15, amount: 23900, type: PRIMARY, planningDateType: OPTIMAL}) { id previstoId contact { previstoId } type planningDateType amount } }`,
      { c: contact.id },
    );
    expect(ag.errors).toBeUndefined();
    expect(ag.data!.createAgreement).toMatchObject({
      contact: { previstoId: contact.id },
      type: 'PRIMARY',
      planningDateType: 'OPTIMAL',
      amount: 23900,
    });
    const as = await stack.gql(
      `mutation($c: ID!, $a: ID, $acct: String!) { createAssignment(input: {contactId: $c, accountId: $acct, location: {longitude: 10.5, latitude: 56.8}, plan: {executionTime: "2026-12-01T08:00"}, tasks: [{agreementId: $a, description: "Pudsning", amount: 20000}]}) { id contactName status action plan { executionTime } tasks { agreement { previstoId } } location { longitude } } }`,
      { c: contact.id, a: ag.data!.createAgreement.id, acct: account.id },
    );
    expect(as.errors).toBeUndefined();
    expect(as.data!.createAssignment).toMatchObject({
      contactName: contact.name,
      plan: { executionTime: '2026-12-01T08:00' },
      tasks: [{ agreement: { previstoId: ag.data!.createAgreement.previstoId } }],
    });
    const upd = await stack.gql(
      `mutation($id: ID!) { updateAssignment(id: $id, input: {action: COMPLETED, status: INVOICED}) { action status } }`,
      { id: as.data!.createAssignment.id },
    );
    expect(upd.data!.updateAssignment).toEqual({ action: 'COMPLETED', status: 'INVOICED' });
    const upAg = await stack.gql(`mutation($id: ID!) { updateAgreement(id: $id, input: {description: "Ny"}) { description duration } }`, {
      id: ag.data!.createAgreement.id,
    });
    expect(upAg.data!.updateAgreement).toEqual({ description: 'Ny', duration: 15 });
    const delAs = await stack.gql(
      `mutation($id: ID!) { deleteAssignment(id: $id) { deletedId } deleteAgreement(id: "${ag.data!.createAgreement.previstoId}") { deletedId } }`,
      { id: as.data!.createAssignment.id },
    );
    expect(delAs.errors).toBeUndefined();
    const short = await stack.gql(`mutation($c: ID!) { createAgreement(input: {contactId: $c, description: "x", duration: 2}) { id } }`, {
      c: contact.id,
    });
    expect(short.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', param: 'input.duration' });
    const upstream400 = await stack.gql(
      `mutation { createAssignment(input: {contactId: "cont-DoesNotExist0000", accountId: "a", location: {longitude: 1, latitude: 1}, plan: {executionTime: "2026-01-01T08:00"}}) { id } }`,
    );
    expect(upstream400.errors?.[0]?.extensions?.['platform']).toBe('previsto');
    expect(upstream400.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', upstreamStatus: 400 });
    expect(upstream400.errors?.[0]?.extensions?.['param']).toBeTruthy();
  });
});

describe('Previsto error mapping', () => {
  it("maps 401, 403 (public key), 429 and 5xx, leaving other platforms' data in place", async () => {
    const q = `{ contacts(first: 1) { totalCount } predict(endpoint: "churn", features: {name: "A"}) { prediction } }`;
    const unauth = await stack.gql(q, undefined, { 'x-previsto-api-key': 'sk_wrong' });
    expect(unauth.errors?.[0]?.extensions).toMatchObject({ code: 'UNAUTHENTICATED', platform: 'previsto', upstreamStatus: 401 });
    expect(unauth.data!.predict.prediction).toBeDefined();
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
      `{ contacts(first: 1) { totalCount } platforms { kind } predict(endpoint: "churn", features: {name: "A"}) { prediction } }`,
      undefined,
      {
        'x-previsto-api-key': 'has space',
      },
    );
    expect(r.status).toBe(200);
    expect(r.errors).toHaveLength(1);
    expect(r.errors?.[0]).toMatchObject({ path: ['contacts'], extensions: { code: 'UNAUTHENTICATED', platform: 'previsto' } });
    expect(r.data!.platforms).toHaveLength(4);
    expect(r.data!.predict.prediction).toBeTruthy();
    expect((await stack.requests('previsto')).total).toBe(0);
  });

  it('never retries a create after it may have reached Previsto', async () => {
    await stack.faults('previsto', { status: 503, routes: ['POST /contacts'] });
    const r = await stack.gql(`mutation { createContact(input: {name: "Once"}) { id } }`);
    expect(r.errors?.[0]?.extensions).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', upstreamStatus: 503 });
    expect((await stack.requests('previsto')).byRoute['POST /contacts']).toBe(1);
  });
});
