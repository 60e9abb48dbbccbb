/**
 * Previsto's whole list surface (equality filters and orders on every property), its error object on every status,
 * and the account update, through GraphQL over HTTP against the emulator.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { PrevistoAccount, PrevistoAgreement, PrevistoAssignment, PrevistoContact } from '../../src/upstreams/previsto/types.js';
import { startStack, type TestStack } from '../helpers/stack.js';

let stack: TestStack;
const KEY = 'sk_augur_demo';
// A second tenant whose key the 404 message of `contact(platformId:)` will echo, to see it redacted.
const ECHOED_KEY = 'skAugurEchoed0123';
const auth = (key: string) => ({ authorization: `Basic ${Buffer.from(`${key}:`).toString('base64')}` });

beforeAll(async () => {
  stack = await startStack({
    emulatorOptions: {
      previsto: {
        rateLimitPerMinute: 100_000,
        tenants: [
          { secretKey: KEY, publicKey: 'pk_augur_demo', seed: 42 },
          { secretKey: ECHOED_KEY, seed: 7 },
        ],
      },
    },
    env: { PREVISTO_RATE_LIMIT: '100000', AUGUR_BREAKER_THRESHOLD: '1000' },
  });
});
afterAll(() => stack.close());
beforeEach(() => stack.reset());

const emulator = () => stack.embedded.emulators.previsto!.url;

/** Reads the emulator directly (not through Augur) to know what to expect. */
async function upstream<T>(path: string, init: RequestInit = {}): Promise<T> {
  const res = await fetch(`${emulator()}${path}`, { ...init, headers: { ...auth(KEY), ...init.headers } });
  return (await res.json()) as T;
}

/** The list calls Augur made since the last reset, as the emulator logged them: route and decoded query parameters. */
async function calls(): Promise<Array<{ route: string; params: URLSearchParams }>> {
  const { log } = (await (await fetch(`${emulator()}/_emulator/requests?log=1`)).json()) as {
    log: Array<{ method: string; route: string; query: string }>;
  };
  return log.map((l) => ({ route: l.route, params: new URLSearchParams(l.query) }));
}

const gid = (type: 'Contact' | 'Agreement' | 'Assignment' | 'Account', platformId: string) =>
  stack.augur.services.codec.encode(type, platformId);

/** Every parameter but paging, as pairs. */
const filtersOf = (params: URLSearchParams) => [...params].filter(([k]) => k !== 'page' && k !== 'size');

describe('Query.contacts filters', () => {
  it('filters by equality on every property in one list call, sending each as its Previsto property', async () => {
    const all = await upstream<PrevistoContact[]>('/contacts?page=0&size=100');
    const target = all.find((c) => c.address && c.postalCode && c.number && c.email)!;
    expect(target).toBeDefined();
    await stack.reset();
    const filter = {
      name: target.name,
      street: target.address,
      city: target.city,
      postalCode: target.postalCode,
      countryCode: target.countryCode,
      number: target.number,
      email: target.email,
      archived: target.archived ?? false,
      notifyBeforeWork: target.notifyBeforeWork ?? false,
    };
    const r = await stack.gql(`query($f: ContactFilter) { contacts(filter: $f, first: 10) { totalCount nodes { platformId } } }`, {
      f: filter,
    });
    expect(r.errors).toBeUndefined();
    expect(r.data!.contacts.nodes.map((n: any) => n.platformId)).toContain(target.id);
    const made = await calls();
    expect(made).toHaveLength(1);
    expect(made[0]!.route).toBe('GET /contacts');
    expect(Object.fromEntries(filtersOf(made[0]!.params))).toEqual({
      name: target.name,
      address: target.address,
      city: target.city,
      postalCode: target.postalCode,
      countryCode: target.countryCode,
      number: target.number,
      email: target.email,
      archived: String(target.archived ?? false),
      notifyBeforeWork: String(target.notifyBeforeWork ?? false),
    });
  });

  it('sends the properties Augur renames, enum values as Previsto spells them, and ids as Previsto ids', async () => {
    const payer = (await upstream<PrevistoContact[]>('/contacts?page=0&size=1'))[0]!;
    const account = await upstream<PrevistoAccount>('/accounts/current');
    await stack.reset();
    const r = await stack.gql(`query($f: ContactFilter) { contacts(filter: $f) { totalCount } }`, {
      f: {
        apartment: '2 tv',
        remoteId: 'r-1',
        remoteOrderId: 'o-1',
        registrationNo: '12345678',
        ean: '5790000000000',
        note: 'gate code 1234',
        phone: '+4512345678',
        payingContactId: gid('Contact', payer.id),
        agentId: gid('Account', account.id),
        accountingMode: 'ADD_TO_DRAFT',
        accountingTime: 'AFTER_WORK',
        invoiceDelivery: 'EMAIL',
        meta: [{ key: 'tier', value: 'gold' }],
      },
    });
    expect(r.errors).toBeUndefined();
    expect(r.data!.contacts.totalCount).toBe(0);
    const [call] = await calls();
    expect(Object.fromEntries(filtersOf(call!.params))).toEqual({
      appartment: '2 tv',
      remoteId: 'r-1',
      remoteOrderId: 'o-1',
      registrationNo: '12345678',
      ean: '5790000000000',
      note: 'gate code 1234',
      phone: '+4512345678',
      payingContactId: payer.id,
      agentIds: account.id,
      accountingMode: 'AddToDraft',
      accountingTime: 'AfterWork',
      invoiceDelivery: 'Email',
      'meta.tier': 'gold',
    });
  });

  it('finds contacts by an assigned agent', async () => {
    const account = await upstream<PrevistoAccount>('/accounts/current');
    const created = await upstream<PrevistoContact>('/contacts', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Agent Test', agentIds: [account.id] }),
    });
    const r = await stack.gql(`query($a: ID) { contacts(filter: {agentId: $a}, first: 100) { nodes { platformId agentIds } } }`, {
      a: gid('Account', account.id),
    });
    expect(r.errors).toBeUndefined();
    const nodes = r.data!.contacts.nodes as Array<{ platformId: string; agentIds: string[] }>;
    expect(nodes.map((n) => n.platformId)).toContain(created.id);
    for (const n of nodes) expect(n.agentIds).toContain(gid('Account', account.id));
  });

  it('refuses an id of the wrong type before any call', async () => {
    const r = await stack.gql(`query($a: ID) { contacts(filter: {agentId: $a}) { totalCount } }`, { a: gid('Contact', 'cont-abcdefgh') });
    expect(r.data?.contacts).toBeNull();
    expect(r.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT' });
    expect(r.errors?.[0]?.message).toMatch(/filter\.agentId/);
    expect((await stack.requests('previsto')).total).toBe(0);
  });
});

/** The enum values of an input type, by introspection. */
async function enumValues(name: string): Promise<string[]> {
  const r = await stack.gql(`{ __type(name: "${name}") { enumValues { name } } }`);
  return (r.data!.__type.enumValues as Array<{ name: string }>).map((v) => v.name);
}

describe('orderBy on every property', () => {
  const cases = [
    { list: 'contacts', enumName: 'ContactOrderField', resource: 'contacts' },
    { list: 'assignments', enumName: 'AssignmentOrderField', resource: 'assignments' },
    { list: 'agreements', enumName: 'AgreementOrderField', resource: 'agreements' },
  ] as const;
  for (const { list, enumName, resource } of cases) {
    it(`sorts ${list} ascending and descending by each ${enumName}, as Previsto orders them, one call each`, async () => {
      const fields = await enumValues(enumName);
      expect(fields.length).toBeGreaterThan(15);
      for (const field of fields) {
        for (const direction of ['ASC', 'DESC']) {
          await stack.reset();
          const r = await stack.gql(
            `query($o: [${enumName.replace('Field', '')}!]) { ${list}(first: 7, orderBy: $o) { nodes { platformId } } }`,
            { o: [{ field, direction }] },
          );
          expect(r.errors, `${field} ${direction}`).toBeUndefined();
          const made = await calls();
          expect(made, `${field} ${direction}`).toHaveLength(1);
          const sort = made[0]!.params.getAll('sort');
          expect(sort[0]).toMatch(new RegExp(`,${direction.toLowerCase()}$`));
          if (field !== 'ID') expect(sort).toEqual([sort[0], 'id,asc']);
          // The same order read from the emulator directly.
          const expected = await upstream<Array<{ id: string }>>(
            `/${resource}?page=0&size=7&${sort.map((s) => `sort=${encodeURIComponent(s)}`).join('&')}`,
          );
          expect(
            r.data![list].nodes.map((n: any) => n.platformId),
            `${field} ${direction}`,
          ).toEqual(expected.map((e) => e.id));
        }
      }
    });
  }
});

describe('Query.assignments filters', () => {
  it('filters on plan, addresses, tasks and the other properties, each sent as its Previsto property', async () => {
    const all = await upstream<PrevistoAssignment[]>('/assignments?page=0&size=100');
    const a = all.find((x) => x.address?.street && x.tasks?.length && x.plan.accountIds?.length)!;
    expect(a).toBeDefined();
    const task = a.tasks![0]!;
    await stack.reset();
    const filter: Record<string, unknown> = {
      contactId: gid('Contact', a.contactId),
      contactName: a.contactName,
      accountId: gid('Account', a.accountId),
      plannedAccountId: gid('Account', a.plan.accountIds![0]!),
      indicativeDateType: a.plan.indicativeDateType === 'Fixed' ? 'FIXED' : 'OPTIMAL',
      address: { street: a.address!.street, postalCode: a.address!.postalCode, city: a.address!.city },
      task: { workType: task.workType, ...(task.agreementId ? { agreementId: gid('Agreement', task.agreementId) } : {}) },
      createdAt: a.createdDate,
    };
    const r = await stack.gql(`query($f: AssignmentFilter) { assignments(filter: $f, first: 50) { nodes { platformId } } }`, {
      f: filter,
    });
    expect(r.errors).toBeUndefined();
    expect(r.data!.assignments.nodes.map((n: any) => n.platformId)).toContain(a.id);
    const [call] = await calls();
    expect(call!.route).toBe('GET /assignments');
    expect(Object.fromEntries(filtersOf(call!.params))).toMatchObject({
      contactId: a.contactId,
      contactName: a.contactName,
      accountId: a.accountId,
      'plan.accountIds': a.plan.accountIds![0],
      'plan.indicativeDateType': a.plan.indicativeDateType,
      'address.street': a.address!.street,
      'address.postalCode': a.address!.postalCode,
      'address.city': a.address!.city,
      'tasks.workType': task.workType,
      createdDate: new Date(a.createdDate).toISOString(),
    });
  });

  it('refuses city and address.city with different values before any call', async () => {
    const r = await stack.gql(`{ assignments(filter: {city: "Aarhus", address: {city: "Odense"}}) { totalCount } }`);
    expect(r.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: ['filter', 'city'] });
    expect((await stack.requests('previsto')).total).toBe(0);
  });

  it('matches nothing for a delivery address no assignment has, and says so with totalCount 0', async () => {
    const r = await stack.gql(
      `{ assignments(filter: {deliveryAddress: {countryCode: "ZZ"}, handledAt: "2020-01-01T10:00:00"}) { totalCount } }`,
    );
    expect(r.errors).toBeUndefined();
    expect(r.data!.assignments.totalCount).toBe(0);
    const [call] = await calls();
    expect(Object.fromEntries(filtersOf(call!.params))).toEqual({ 'deliveryAddress.countryCode': 'ZZ', handledDate: '2020-01-01T10:00' });
  });
});

describe('Query.agreements filters', () => {
  it('filters by equality on every scalar property in one list call', async () => {
    const all = await upstream<PrevistoAgreement[]>('/agreements?page=0&size=100');
    const g = all.find((x) => x.recurrenceRule && x.nextDate)!;
    expect(g).toBeDefined();
    await stack.reset();
    const filter = {
      contactId: gid('Contact', g.contactId),
      description: g.description,
      amount: g.amount,
      currency: g.currency,
      recurrenceRule: g.recurrenceRule,
      type: g.type.toUpperCase(),
      workType: g.workType,
      duration: g.duration,
      planningDateType: g.planningDateType.toUpperCase(),
      nextDate: g.nextDate,
      archived: g.archived ?? false,
    };
    const r = await stack.gql(`query($f: AgreementFilter) { agreements(filter: $f) { nodes { platformId } } }`, { f: filter });
    expect(r.errors).toBeUndefined();
    expect(r.data!.agreements.nodes.map((n: any) => n.platformId)).toContain(g.id);
    const [call] = await calls();
    expect(Object.fromEntries(filtersOf(call!.params))).toEqual({
      contactId: g.contactId,
      description: g.description,
      amount: String(g.amount),
      currency: g.currency,
      recurrenceRule: g.recurrenceRule,
      type: g.type,
      workType: g.workType,
      duration: String(g.duration),
      planningDateType: g.planningDateType,
      nextDate: g.nextDate,
      archived: String(g.archived ?? false),
    });
  });

  it('refuses an agreement filter with a malformed date before any call', async () => {
    const r = await stack.gql(`{ agreements(filter: {startDate: "2025-13-40"}) { totalCount } }`);
    expect(r.errors?.[0]?.extensions?.['code']).toMatch(/BAD_USER_INPUT|GRAPHQL_VALIDATION_FAILED/);
    expect((await stack.requests('previsto')).total).toBe(0);
  });
});

describe("Previsto's error object", () => {
  const q = '{ contacts(first: 1) { totalCount } }';
  const cases = [
    { status: 400, code: 'BAD_USER_INPUT', type: 'invalid_request_error' },
    { status: 401, code: 'UNAUTHENTICATED', type: 'invalid_request_error' },
    { status: 402, code: 'UPSTREAM_ERROR', type: 'invalid_request_error' },
    { status: 403, code: 'FORBIDDEN', type: 'invalid_request_error' },
    { status: 404, code: 'NOT_FOUND', type: 'invalid_request_error' },
    { status: 409, code: 'UPSTREAM_ERROR', type: 'invalid_request_error' },
    { status: 429, code: 'RATE_LIMITED', type: 'invalid_request_error' },
    { status: 500, code: 'UPSTREAM_ERROR', type: 'api_error' },
    { status: 502, code: 'UPSTREAM_UNAVAILABLE', type: 'api_error' },
    { status: 503, code: 'UPSTREAM_UNAVAILABLE', type: 'api_error' },
    { status: 504, code: 'UPSTREAM_UNAVAILABLE', type: 'api_error' },
  ];
  for (const { status, code, type } of cases) {
    it(`reaches the caller as upstreamType and upstreamMessage on HTTP ${status}`, async () => {
      await stack.faults('previsto', { status, retryAfter: status === 429 ? 60 : undefined });
      const r = await stack.gql(q);
      expect(r.data?.contacts).toBeNull();
      expect(r.errors).toHaveLength(1);
      const ext = r.errors![0]!.extensions!;
      expect(ext).toMatchObject({ code, platform: 'previsto', upstreamStatus: status, upstreamType: type });
      expect(typeof ext['upstreamMessage']).toBe('string');
      // Retried only where the policy says so (429 and gateway statuses on a GET), never past the attempts.
      const total = (await stack.requests('previsto')).total;
      expect(total).toBe([502, 503, 504].includes(status) ? 3 : 1);
    });
  }

  it('carries param and the message of a real 400 and 404', async () => {
    const bad = await stack.gql(
      `mutation { createContact(input: {name: "X", address: {countryCode: "Denmark"}}) { contact { id } userErrors { field code message } } }`,
    );
    expect(bad.data!.createContact.userErrors).toEqual([
      { field: ['input', 'address', 'countryCode'], code: 'INVALID', message: expect.stringMatching(/country/i) },
    ]);
    const notFound = await stack.gql(`{ contact(platformId: "cont-Nope12345678") { id } }`);
    expect(notFound.errors?.[0]?.extensions).toMatchObject({
      code: 'NOT_FOUND',
      upstreamStatus: 404,
      upstreamType: 'invalid_request_error',
      param: 'id',
      upstreamMessage: "No contact with id 'cont-Nope12345678' exists in this organization",
    });
  });

  it('redacts a credential the upstream message echoes', async () => {
    const r = await stack.gql(`{ contact(platformId: "cont-${ECHOED_KEY}") { id } }`, undefined, { 'x-previsto-api-key': ECHOED_KEY });
    const ext = r.errors?.[0]?.extensions;
    expect(ext).toMatchObject({ code: 'NOT_FOUND', upstreamStatus: 404 });
    expect(String(ext?.['upstreamMessage'])).toContain('[REDACTED]');
    expect(JSON.stringify(r)).not.toContain(ECHOED_KEY);
  });
});

const ACCOUNT = 'account { id platformId name email emailValidated languageCode meta }';

describe('Mutation.updateAccount', () => {
  it('changes the current account in one POST /accounts/current, merging metadata, and reads back the same', async () => {
    const before = await upstream<PrevistoAccount>('/accounts/current');
    await stack.reset();
    const r = await stack.gql(
      `mutation($i: UpdateAccountInput!) { updateAccount(input: $i) { ${ACCOUNT} userErrors { field code message } } }`,
      { i: { name: 'Ada Planner', email: 'ada@example.com', languageCode: 'EN', meta: { team: 'north', shift: 'early' } } },
    );
    expect(r.errors).toBeUndefined();
    expect(r.data!.updateAccount.userErrors).toEqual([]);
    expect(r.data!.updateAccount.account).toMatchObject({
      platformId: before.id,
      name: 'Ada Planner',
      email: 'ada@example.com',
      emailValidated: false,
      languageCode: 'en',
      meta: { ...before.meta, team: 'north', shift: 'early' },
    });
    expect((await stack.requests('previsto')).byRoute).toEqual({ 'POST /accounts/current': 1 });
    // A key given as null is removed, the others stay.
    const removed = await stack.gql(
      `mutation { updateAccount(input: {meta: {shift: null}}) { account { name meta } userErrors { code } } }`,
    );
    expect(removed.data!.updateAccount.account).toEqual({ name: 'Ada Planner', meta: { ...before.meta, team: 'north' } });
    const read = await stack.gql(`{ account { name email languageCode meta } }`);
    expect(read.data!.account).toEqual({
      name: 'Ada Planner',
      email: 'ada@example.com',
      languageCode: 'en',
      meta: { ...before.meta, team: 'north' },
    });
    // The intro's `/account` is the same resource on the emulator.
    expect((await upstream<PrevistoAccount>('/account')).name).toBe('Ada Planner');
  });

  it('reports every problem of the input at once, before any call', async () => {
    const r = await stack.gql(
      `mutation($i: UpdateAccountInput!) { updateAccount(input: $i) { account { id } userErrors { field code message } } }`,
      { i: { name: ' ', email: 'not-an-address', languageCode: 'english', meta: { ['k'.repeat(41)]: 'v' } } },
    );
    expect(r.errors).toBeUndefined();
    expect(r.data!.updateAccount.account).toBeNull();
    expect(r.data!.updateAccount.userErrors.map((e: any) => [e.field.join('.'), e.code])).toEqual([
      ['input.name', 'REQUIRED'],
      ['input.email', 'INVALID'],
      ['input.languageCode', 'INVALID'],
      ['input.meta', 'INVALID'],
    ]);
    expect((await stack.requests('previsto')).total).toBe(0);
  });

  it('maps a refusal to a user error and a failure to a top-level error, and never repeats the POST', async () => {
    await stack.faults('previsto', { status: 409, routes: ['POST /accounts/current'], count: 1 });
    const conflict = await stack.gql(`mutation { updateAccount(input: {name: "X"}) { account { id } userErrors { field code } } }`);
    expect(conflict.data!.updateAccount).toEqual({ account: null, userErrors: [{ field: [], code: 'CONFLICT' }] });
    await stack.reset();
    await stack.faults('previsto', { status: 503, routes: ['POST /accounts/current'] });
    const down = await stack.gql(`mutation { updateAccount(input: {name: "X"}) { account { id } userErrors { code } } }`);
    expect(down.data).toBeNull();
    expect(down.errors?.[0]?.extensions).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', upstreamStatus: 503, upstreamType: 'api_error' });
    expect((await stack.requests('previsto')).byRoute).toEqual({ 'POST /accounts/current': 1 });
  });
});
