import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/server/config.js';
import { ConfigError } from '../../src/server/config/env.js';
import { CORS_ALLOWED_HEADERS } from '../../src/server/cors.js';
import { startStack, type TestStack } from '../helpers/stack.js';
import type { PlatformName } from '../../src/core/upstream.js';

const APP = 'https://app.example.com';
const DEV = 'http://localhost:5173';
const EVIL = 'https://evil.example';
const CONTACTS = '{ contacts(first: 2) { edges { node { name } } } }';

/** What GraphiQL, Apollo Client and urql send cross-origin, plus the per-platform credentials. */
const CLIENT_HEADERS = [
  'content-type',
  'apollo-require-preflight',
  'x-apollo-operation-name',
  'apollographql-client-name',
  'apollographql-client-version',
  'authorization',
  'x-request-id',
  'x-dataiku-api-key',
  'x-previsto-api-key',
  'x-civis-api-key',
  'x-prevision-token',
];

function preflight(url: string, origin: string, requestHeaders = 'content-type'): Promise<Response> {
  return fetch(url, {
    method: 'OPTIONS',
    headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': requestHeaders },
  });
}

function corsHeaders(res: Response): Record<string, string> {
  return Object.fromEntries([...res.headers].filter(([k]) => k.startsWith('access-control-')));
}

async function upstreamTotal(stack: TestStack): Promise<number> {
  const platforms: PlatformName[] = ['previsto', 'dataiku'];
  return (await Promise.all(platforms.map((p) => stack.requests(p)))).reduce((n, r) => n + r.total, 0);
}

describe('CORS with AUGUR_CORS_ORIGINS set to a list', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startStack({ env: { AUGUR_CORS_ORIGINS: `${APP}, ${DEV}/` } });
  });
  afterAll(() => stack.close());
  beforeEach(() => stack.reset());

  it('answers a preflight from an allowed origin with 204 and every header the clients send', async () => {
    const res = await preflight(stack.url, APP, CLIENT_HEADERS.join(','));
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe(APP);
    expect(res.headers.get('access-control-allow-methods')).toBe('GET, POST, OPTIONS');
    const allowed = res.headers
      .get('access-control-allow-headers')!
      .split(',')
      .map((h) => h.trim());
    for (const header of CLIENT_HEADERS) expect(allowed).toContain(header);
    expect(res.headers.get('access-control-max-age')).toBe('7200');
    expect(res.headers.get('access-control-allow-credentials')).toBeNull();
    expect(res.headers.get('vary')).toMatch(/\bOrigin\b/);
    expect(await res.text()).toBe('');
    // The second configured origin was given with a trailing slash; browsers send none.
    expect((await preflight(stack.url, DEV)).headers.get('access-control-allow-origin')).toBe(DEV);
    expect(await upstreamTotal(stack)).toBe(0);
  });

  it('allows the W3C tracing headers an instrumented page adds to every fetch', async () => {
    const res = await preflight(stack.url, APP, 'content-type,traceparent,tracestate,baggage');
    expect(res.status).toBe(204);
    const allowed = res.headers
      .get('access-control-allow-headers')!
      .split(',')
      .map((h) => h.trim());
    for (const header of ['traceparent', 'tracestate', 'baggage']) expect(allowed).toContain(header);
    const actual = await fetch(stack.url, {
      method: 'POST',
      headers: {
        origin: APP,
        'content-type': 'application/json',
        traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
        tracestate: 'vendor=1',
        baggage: 'user=anna',
      },
      body: JSON.stringify({ query: '{ __typename }' }),
    });
    expect(actual.status).toBe(200);
    expect(actual.headers.get('access-control-allow-origin')).toBe(APP);
  });

  it('says why a preflight is refused, in its body and once per origin and reason in the log', async () => {
    const before = stack.logs.filter((l) => l['event'] === 'cors_refused').length;
    for (let i = 0; i < 3; i++) {
      const res = await preflight(stack.url, 'https://stranger.example');
      expect(res.status).toBe(403);
      const body = (await res.json()) as { errors: Array<{ message: string; extensions: Record<string, unknown> }> };
      expect(body.errors[0]!.extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'origin' });
      expect(body.errors[0]!.message).toContain('AUGUR_CORS_ORIGINS');
    }
    const headers = await preflight(stack.url, APP, 'content-type,x-custom-thing');
    expect(headers.status).toBe(403);
    expect(corsHeaders(headers)).toEqual({});
    const refusal = (await headers.json()) as { errors: Array<{ message: string; extensions: Record<string, unknown> }> };
    expect(refusal.errors[0]!.extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'headers', headers: ['x-custom-thing'] });
    expect(refusal.errors[0]!.message).toContain('x-custom-thing');
    const logged = stack.logs.filter((l) => l['event'] === 'cors_refused').slice(before);
    expect(logged).toEqual([
      expect.objectContaining({ origin: 'https://stranger.example', reason: 'origin' }),
      expect.objectContaining({ origin: APP, reason: 'headers', headers: ['x-custom-thing'] }),
    ]);
  });

  it('refuses a preflight from any other origin with 403 and no CORS headers', async () => {
    for (const origin of [EVIL, 'https://app.example.com.evil.example', 'http://app.example.com', 'null']) {
      const res = await preflight(stack.url, origin);
      expect(res.status, origin).toBe(403);
      expect(corsHeaders(res), origin).toEqual({});
      expect(res.headers.get('vary')).toMatch(/\bOrigin\b/);
      const body = (await res.json()) as { errors: Array<{ message: string; extensions: { code: string } }> };
      expect(body.errors[0]!.extensions.code).toBe('FORBIDDEN');
      expect(body.errors[0]!.message).toContain(origin);
    }
  });

  it('lets an allowed origin read an actual POST, exposing x-request-id', async () => {
    const res = await fetch(stack.url, {
      method: 'POST',
      headers: { origin: APP, 'content-type': 'application/json' },
      body: JSON.stringify({ query: CONTACTS }),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe(APP);
    expect(res.headers.get('access-control-expose-headers')).toBe('x-request-id');
    expect(res.headers.get('vary')).toMatch(/\bOrigin\b/);
    const body = (await res.json()) as { data: { contacts: { edges: unknown[] } } };
    expect(body.data.contacts.edges).toHaveLength(2);
    expect((await stack.requests('previsto')).byRoute).toEqual({ 'GET /contacts': 1 });
  });

  it('gives other origins and same-server calls no CORS headers on actual requests', async () => {
    const foreign = await fetch(stack.url, {
      method: 'POST',
      headers: { origin: EVIL, 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ __typename }' }),
    });
    expect(corsHeaders(foreign)).toEqual({});
    expect(foreign.headers.get('vary')).toMatch(/\bOrigin\b/);
    await foreign.arrayBuffer();
    const server = await stack.gql('{ __typename }');
    expect(server.data).toEqual({ __typename: 'Query' });
    expect([...server.headers.keys()].filter((k) => k.startsWith('access-control-'))).toEqual([]);
    expect(server.headers.get('vary')).toMatch(/\bOrigin\b/);
  });

  it.each([
    ['text/plain', JSON.stringify({ query: 'mutation { createContact(input: { name: "Forged" }) { contact { id } } }' })],
    [
      'application/x-www-form-urlencoded',
      'query=mutation%20%7B%20createContact(input%3A%20%7B%20name%3A%20%22Forged%22%20%7D)%20%7B%20contact%20%7B%20id%20%7D%20%7D%20%7D',
    ],
    [
      'multipart/form-data; boundary=x',
      '--x\r\nContent-Disposition: form-data; name="query"\r\n\r\nmutation { createContact(input: { name: "Forged" }) { contact { id } } }\r\n--x--\r\n',
    ],
  ])('keeps CSRF prevention: a simple cross-origin POST as %s runs nothing, even from an allowed origin', async (type, body) => {
    const res = await fetch(stack.url, { method: 'POST', headers: { origin: APP, 'content-type': type }, body });
    expect(res.status).toBe(400);
    expect(await res.text()).toMatch(/Cross-Site Request Forgery/);
    expect(await upstreamTotal(stack)).toBe(0);
  });

  it('keeps CSRF prevention: a simple cross-origin GET runs nothing until it carries a preflighted header', async () => {
    const url = `${stack.url}?query=${encodeURIComponent(CONTACTS)}`;
    const simple = await fetch(url, { headers: { origin: APP } });
    expect(simple.status).toBe(400);
    expect(await simple.text()).toMatch(/Cross-Site Request Forgery/);
    expect(await upstreamTotal(stack)).toBe(0);
    // What a browser sends only after a successful preflight.
    const preflighted = await fetch(url, { headers: { origin: APP, 'apollo-require-preflight': 'true' } });
    expect(preflighted.status).toBe(200);
    expect(preflighted.headers.get('access-control-allow-origin')).toBe(APP);
    expect(((await preflighted.json()) as { data: { contacts: { edges: unknown[] } } }).data.contacts.edges).toHaveLength(2);
    expect((await stack.requests('previsto')).byRoute).toEqual({ 'GET /contacts': 1 });
  });

  it('leaves other paths alone', async () => {
    const res = await fetch(stack.url.replace('/graphql', '/healthz'), { headers: { origin: APP } });
    expect(res.status).toBe(200);
    expect(corsHeaders(res)).toEqual({});
    expect(res.headers.get('vary')).toBeNull();
  });
});

describe('CORS by default (any origin)', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(() => stack.close());

  it('reflects whatever origin calls, on preflights and actual requests', async () => {
    for (const origin of [EVIL, DEV, 'null']) {
      const pre = await preflight(stack.url, origin, 'content-type, x-dataiku-api-key');
      expect(pre.status).toBe(204);
      expect(pre.headers.get('access-control-allow-origin')).toBe(origin);
      const res = await fetch(stack.url, {
        method: 'POST',
        headers: { origin, 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ __typename }' }),
      });
      expect(res.headers.get('access-control-allow-origin')).toBe(origin);
      expect(await res.json()).toEqual({ data: { __typename: 'Query' } });
    }
  });
});

describe('AUGUR_CORS_ORIGINS', () => {
  it('parses *, none and lists of origins, normalising them', () => {
    expect(parseConfig({}).cors.origins).toBe('*');
    expect(parseConfig({ AUGUR_CORS_ORIGINS: '*' }).cors.origins).toBe('*');
    expect(parseConfig({ AUGUR_CORS_ORIGINS: 'none' }).cors.origins).toEqual([]);
    expect(parseConfig({ AUGUR_CORS_ORIGINS: 'HTTPS://App.Example.com/, http://localhost:3000' }).cors.origins).toEqual([
      APP,
      'http://localhost:3000',
    ]);
  });

  it.each([
    ['https://app.example.com/path', /no path/],
    ['app.example.com', /origins such as/],
    ['ftp://files.example.com', /origins such as/],
    ['*, https://app.example.com', /not both/],
    [',', /lists no origins/],
  ])('rejects %s, naming the variable', (value, message) => {
    expect(() => parseConfig({ AUGUR_CORS_ORIGINS: value })).toThrow(ConfigError);
    expect(() => parseConfig({ AUGUR_CORS_ORIGINS: value })).toThrow(/AUGUR_CORS_ORIGINS/);
    expect(() => parseConfig({ AUGUR_CORS_ORIGINS: value })).toThrow(message);
  });

  it('with none, refuses every preflight', async () => {
    const stack = await startStack({ env: { AUGUR_CORS_ORIGINS: 'none' } });
    try {
      const res = await preflight(stack.url, APP);
      expect(res.status).toBe(403);
      expect(corsHeaders(res)).toEqual({});
    } finally {
      await stack.close();
    }
  });

  it('allows every header in CORS_ALLOWED_HEADERS in lower case, once', () => {
    expect(new Set(CORS_ALLOWED_HEADERS).size).toBe(CORS_ALLOWED_HEADERS.length);
    for (const h of CORS_ALLOWED_HEADERS) expect(h).toBe(h.toLowerCase());
  });
});
