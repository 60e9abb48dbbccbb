/**
 * Direct execution (src/server/directExecution.ts) answers a known document exactly as Apollo's pipeline does. Each
 * case below is sent twice: the first time its document is new, so Apollo answers it (and the document becomes
 * known), the second time it runs directly. Status, headers, body, upstream calls and log lines must be the same.
 * Once Apollo has stopped, nothing runs directly.
 */
import { parse } from 'graphql';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { KnownDocuments } from '../../src/server/directExecution.js';
import { startStack, type TestStack } from '../helpers/stack.js';
import { bearer, TestIssuer } from '../helpers/issuer.js';

// Signed tokens are on, so a mutation can be refused by a plugin's didResolveOperation hook (the scopes check).
let issuer: TestIssuer;
let stack: TestStack;
let apolloCalls: ReturnType<typeof vi.spyOn>;
let reader: Record<string, string>;
let writer: Record<string, string>;
beforeAll(async () => {
  issuer = await TestIssuer.start();
  stack = await startStack({ env: issuer.env({ AUGUR_JWT_SCOPE_CLAIM: 'scp' }) });
  apolloCalls = vi.spyOn(stack.augur.apollo, 'executeHTTPGraphQLRequest');
  const scopes = ['previsto:read', 'dataiku:read', 'civis:read', 'prevision:read'];
  reader = bearer(await issuer.token({ scp: scopes }));
  writer = bearer(await issuer.token({ scp: [...scopes, 'previsto:write'] }));
});
afterAll(async () => {
  await stack?.close();
  await issuer?.close();
});

interface Answer {
  status: number;
  headers: Record<string, string>;
  body: unknown;
  upstreamCalls: number;
  logs: Array<Record<string, unknown>>;
}

/** Fields of a log line that differ between any two runs of one operation. */
const VOLATILE = new Set(['time', 'requestId', 'durationMs', 'queuedMs', 'rateLimitWaitMs', 'elapsedMs', 'latencyMs', 'ms']);

async function send(requestId: string, body: unknown, headers: Record<string, string> = {}, faults: Case['faults'] = {}): Promise<Answer> {
  await stack.reset();
  for (const [platform, spec] of Object.entries(faults)) await stack.faults(platform as 'dataiku' | 'previsto', spec);
  const res = await fetch(stack.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-request-id': requestId, ...reader, ...headers },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  const { date: _date, 'x-request-id': id, 'content-length': _length, ...rest } = Object.fromEntries(res.headers);
  expect(id).toBe(requestId);
  let total = 0;
  for (const platform of ['dataiku', 'previsto', 'prevision', 'civis'] as const) total += (await stack.requests(platform)).total;
  const logs = stack.logs
    .filter((l) => l['requestId'] === requestId)
    .map((l) => Object.fromEntries(Object.entries(l).filter(([k]) => !VOLATILE.has(k))));
  return {
    status: res.status,
    headers: rest,
    body: JSON.parse(text.replaceAll(requestId, '<id>')) as unknown,
    upstreamCalls: total,
    logs,
  };
}

/** The case answered by Apollo, then directly; both answers, and how many reached Apollo each time. */
async function twice(name: string, body: Case['body'], headers?: Record<string, string>, faults?: Case['faults']) {
  // A comment makes the document new to the gateway, whatever the other cases sent.
  const request = { ...body, query: `# ${name}\n${body.query}` };
  apolloCalls.mockClear();
  const viaApollo = await send(`${name}-a`, request, headers, faults);
  const first = apolloCalls.mock.calls.length;
  const direct = await send(`${name}-d`, request, headers, faults);
  return { viaApollo, direct, apollo: [first, apolloCalls.mock.calls.length - first] };
}

interface Case {
  name: string;
  body: { query: string; [k: string]: unknown };
  headers?: Record<string, string>;
  /** The token may write to Previsto. */
  writer?: boolean;
  /** Faults the emulators inject while the case runs. */
  faults?: Partial<Record<'dataiku' | 'previsto', unknown>>;
  /** The first error's code, or null for an answer without errors. */
  code: string | null;
}

const CASES: Case[] = [
  {
    name: 'single',
    body: {
      query: `{ predict(endpointName: "churn", features: {name: "Anna", city: "Aarhus", countryCode: "DK", archived: false}) { raw } }`,
    },
    code: null,
  },
  {
    name: 'scored',
    body: {
      query: `query Scored($n: Int) { contacts(first: $n) { totalCount edges { cursor node { name predict(endpointName: "churn") { raw } } } pageInfo { endCursor } } }`,
      variables: { n: 3 },
    },
    code: null,
  },
  {
    name: 'named',
    body: { query: `query A { platforms { kind } } query B { contacts(first: 2) { totalCount } }`, operationName: 'B' },
    code: null,
  },
  {
    name: 'resolver-error',
    body: { query: `{ predict(endpointName: "no-such-endpoint", features: {a: 1}) { raw } }` },
    code: 'NOT_FOUND',
  },
  {
    name: 'upstream-failure',
    body: { query: `{ predict(endpointName: "churn", features: {name: "Bo", city: "Vejle", countryCode: "DK", archived: true}) { raw } }` },
    faults: { dataiku: { status: 500 } },
    code: 'UPSTREAM_ERROR',
  },
  {
    name: 'bad-variables',
    body: { query: `query($n: Int) { contacts(first: $n) { totalCount } }`, variables: { n: 'many' } },
    code: 'BAD_USER_INPUT',
  },
  {
    name: 'bad-variables-legacy',
    body: { query: `query($n: Int) { contacts(first: $n) { totalCount } }`, variables: { n: 'many' } },
    headers: { accept: 'application/json' },
    code: 'BAD_USER_INPUT',
  },
  {
    name: 'refused-in-didResolveOperation',
    body: { query: `mutation { createContact(input: {name: "Ny Kunde"}) { contact { name } } }` },
    code: 'FORBIDDEN',
  },
  {
    name: 'null-variables',
    body: { query: `query Count($n: Int) { contacts(first: $n) { totalCount } }`, variables: null, operationName: null },
    code: null,
  },
  {
    name: 'mutation',
    body: { query: `mutation { updateContact(input: {id: "not-an-id", name: "x"}) { contact { name } userErrors { code field } } }` },
    writer: true,
    code: null,
  },
];

describe('direct execution of known documents', () => {
  it.each(CASES)('answers $name as Apollo does', async ({ name, body, headers, writer: writes, faults, code }) => {
    const { viaApollo, direct, apollo } = await twice(name, body, { ...(writes ? writer : {}), ...headers }, faults);
    const answered = viaApollo.body as { errors?: Array<{ extensions: { code: string } }> };
    expect(answered.errors?.[0]?.extensions.code ?? null).toBe(code);
    expect(apollo).toEqual([1, 0]);
    expect(direct.status).toBe(viaApollo.status);
    expect(direct.headers).toEqual(viaApollo.headers);
    expect(direct.body).toEqual(viaApollo.body);
    expect(direct.upstreamCalls).toBe(viaApollo.upstreamCalls);
    expect(direct.logs).toEqual(viaApollo.logs);
    expect(viaApollo.logs.some((l) => l['event'] === 'operation')).toBe(true);
  });

  it('leaves to Apollo what it does not run: extensions, unknown operation names, subscriptions, bodies of other shapes', async () => {
    const query = `query Known { platforms { kind } }`;
    await send('warm', { query });
    apolloCalls.mockClear();
    await send('ext', { query, extensions: { persistedQuery: { version: 1, sha256Hash: 'x' } } });
    await send('unknown-name', { query, operationName: 'Other' });
    await send('extra-field', { query, something: 1 });
    await send('variables-array', { query, variables: [] });
    await send('no-json-accept', { query }, { accept: 'text/html' });
    expect(apolloCalls).toHaveBeenCalledTimes(5);
    apolloCalls.mockClear();
    await send('known', { query });
    expect(apolloCalls).not.toHaveBeenCalled();
  });
});

describe('a stopped server', () => {
  it('runs no known document directly once Apollo has stopped: Apollo answers, and nothing reaches an upstream', async () => {
    const own = await startStack();
    try {
      const query = `{ predict(endpointName: "churn", features: {name: "Ida", city: "Ribe", countryCode: "DK", archived: false}) { raw } }`;
      const first = await own.gql(query);
      expect(first.errors).toBeUndefined();
      await own.augur.apollo.stop();
      await own.reset();
      const after = await own.gql(query);
      expect(after.status).toBe(500);
      expect(after.data).toBeUndefined();
      // Apollo's refusal to execute after stopping, masked as every unexpected error is.
      expect(after.errors?.[0]?.extensions?.['code']).toBe('INTERNAL_SERVER_ERROR');
      expect((await own.requests('dataiku')).total).toBe(0);
    } finally {
      await own.close();
    }
  });
});

describe('another caller', () => {
  it("runs a known document with each caller's own credential: a bad key fails its caller alone, and never shows", async () => {
    const own = await startStack();
    try {
      const query = `{ predict(endpointName: "churn", features: {name: "Ida", city: "Ribe", countryCode: "DK", archived: false}) { raw } }`;
      expect((await own.gql(query)).errors).toBeUndefined();
      const spy = vi.spyOn(own.augur.apollo, 'executeHTTPGraphQLRequest');
      const other = await own.gql(query, undefined, { 'x-dataiku-api-key': 'wrong-key-123' });
      expect(other.errors?.[0]?.extensions).toMatchObject({ code: 'UNAUTHENTICATED', platform: 'dataiku', upstreamStatus: 401 });
      expect(JSON.stringify(other)).not.toContain('wrong-key-123');
      expect((await own.gql(query)).errors).toBeUndefined();
      expect(spy).not.toHaveBeenCalled();
    } finally {
      await own.close();
    }
  });
});

describe('known documents', () => {
  const doc = parse('{ platforms { kind } }');

  it('keeps at most its number of entries and of characters, forgetting the oldest first', () => {
    const known = new KnownDocuments(3, 1600);
    for (const t of ['a', 'b', 'c', 'd']) known.remember(t.repeat(10), doc, t);
    expect(known.size).toBe(3);
    expect(known.get('a'.repeat(10))).toBeUndefined();
    expect(known.get('d'.repeat(10))?.queryHash).toBe('d');
    // A text longer than a sixteenth of the total (100 characters here) is not kept.
    known.remember('x'.repeat(101), doc, 'x');
    expect(known.get('x'.repeat(101))).toBeUndefined();
    known.remember('y'.repeat(100), doc, 'y');
    expect(known.size).toBe(3);
    expect(known.get('b'.repeat(10))).toBeUndefined();
  });
});
