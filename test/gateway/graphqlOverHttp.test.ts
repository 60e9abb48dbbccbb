/**
 * GraphQL over HTTP as clients speak it: graphql-http's conformance audit (`serverAudits`), whose only findings left
 * must be the deliberate ones listed in docs/graphql-over-http.md; GET queries from clients that send a preflight
 * header; automatic persisted queries over GET, which a CDN can cache; the legacy `application/json` status codes.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { serverAudits } from 'graphql-http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prefersLegacyJson } from '../../src/server/graphqlHttp.js';
import { startStack, type TestStack } from '../helpers/stack.js';

/** The audits Augur does not pass on purpose, as docs/graphql-over-http.md lists them: id and level. */
const DELIBERATE: Record<string, 'notice' | 'warn'> = {
  '5A70': 'notice',
  D6D5: 'notice',
  '6A70': 'notice',
};

let stack: TestStack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => {
  await stack?.close();
});

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

function getUrl(params: Record<string, unknown>): string {
  const search = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) search.set(k, typeof v === 'string' ? v : JSON.stringify(v));
  return `${stack.url}?${search.toString()}`;
}

describe('GraphQL over HTTP', { timeout: 60_000 }, () => {
  it("passes graphql-http's server audit but for the deliberate exceptions, each listed in the docs", async () => {
    const results = [];
    for (const audit of serverAudits({ url: stack.url })) results.push(await audit.fn());
    const failing = Object.fromEntries(results.filter((r) => r.status !== 'ok').map((r) => [r.id, r.status]));
    expect(failing).toEqual(DELIBERATE);
    expect(results.filter((r) => r.status === 'ok').length).toBe(results.length - Object.keys(DELIBERATE).length);
    const doc = readFileSync('docs/graphql-over-http.md', 'utf8');
    for (const id of Object.keys(DELIBERATE)) expect(doc, `docs/graphql-over-http.md explains audit ${id}`).toContain(`\`${id}\``);
  });

  it('answers a GET query with variables and an operation name when the client sends a preflight header', async () => {
    const query = 'query First($n: Int!) { contacts(first: $n) { nodes { name } } } query Other { __typename }';
    for (const header of [
      { 'apollo-require-preflight': 'true' },
      { 'content-type': 'application/json' },
      { 'x-apollo-operation-name': 'First' },
    ] as Array<Record<string, string>>) {
      const res = await fetch(getUrl({ query, variables: { n: 2 }, operationName: 'First' }), { headers: header });
      expect(res.status, JSON.stringify(header)).toBe(200);
      const body = (await res.json()) as any;
      expect(body.data.contacts.nodes).toHaveLength(2);
    }
    // Without one, CSRF prevention refuses it before anything runs, and says how to pass.
    const plain = await fetch(getUrl({ query, variables: { n: 2 }, operationName: 'First' }));
    expect(plain.status).toBe(400);
    expect(await plain.text()).toContain('apollo-require-preflight');
    // Mutations are never run over GET.
    const mutation = await fetch(getUrl({ query: 'mutation { deleteContact(input: { id: "x" }) { deletedContactId } }' }), {
      headers: { 'apollo-require-preflight': 'true' },
    });
    expect(mutation.status).toBe(405);
  });

  it('serves automatic persisted queries over GET: unknown hash, registration, then the hash alone', async () => {
    const query = 'query PersistedOverGet { contacts(first: 1) { nodes { name } } }';
    const extensions = { persistedQuery: { version: 1, sha256Hash: sha256(query) } };
    const headers = { 'apollo-require-preflight': 'true' };
    const miss = await fetch(getUrl({ extensions, operationName: 'PersistedOverGet' }), { headers });
    expect(miss.status).toBe(200);
    expect(((await miss.json()) as any).errors[0].extensions.code).toBe('PERSISTED_QUERY_NOT_FOUND');
    expect(miss.headers.get('cache-control')).toContain('no-cache');

    const register = await fetch(getUrl({ query, extensions, operationName: 'PersistedOverGet' }), { headers });
    expect(register.status).toBe(200);
    expect(((await register.json()) as any).data.contacts.nodes).toHaveLength(1);

    const before = (await stack.requests('previsto')).total;
    const hit = await fetch(getUrl({ extensions, operationName: 'PersistedOverGet' }), { headers });
    expect(hit.status).toBe(200);
    expect(((await hit.json()) as any).data.contacts.nodes).toHaveLength(1);
    expect((await stack.requests('previsto')).total).toBe(before + 1);
    // And a hash that does not match its query is refused.
    const wrong = await fetch(getUrl({ query: '{ __typename }', extensions }), { headers });
    expect(wrong.status).toBe(400);
  });

  it.each([
    ['a document that does not parse', '{ contacts(first: 1) {', undefined, 'GRAPHQL_PARSE_FAILED'],
    ['a document that does not validate', '{ noSuchField }', undefined, 'GRAPHQL_VALIDATION_FAILED'],
    ['variables that do not coerce', 'query Q($n: Int!) { contacts(first: $n) { totalCount } }', { n: 'three' }, 'BAD_USER_INPUT'],
  ])('answers %s with 400 to modern clients and 200 to clients that ask for application/json', async (_what, query, variables, code) => {
    for (const [accept, status] of [
      ['application/graphql-response+json', 400],
      ['application/graphql-response+json, application/json;q=0.9', 400],
      ['*/*', 400],
      ['application/json', 200],
    ] as const) {
      const res = await fetch(stack.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept },
        body: JSON.stringify({ query, variables }),
      });
      expect(res.status, accept).toBe(status);
      const body = (await res.json()) as any;
      expect(body.data, accept).toBeUndefined();
      expect(body.errors[0].extensions.code, accept).toBe(code);
    }
  });

  it('keeps HTTP-level refusals 4xx whatever the client accepts', async () => {
    const res = await fetch(stack.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: '{',
    });
    expect(res.status).toBe(400);
    const csrf = await fetch(getUrl({ query: '{ __typename }' }), { headers: { accept: 'application/json' } });
    expect(csrf.status).toBe(400);
  });

  it('reads Accept headers as the specification weighs them', () => {
    expect(prefersLegacyJson(undefined)).toBe(false);
    expect(prefersLegacyJson('*/*')).toBe(false);
    expect(prefersLegacyJson('application/json')).toBe(true);
    expect(prefersLegacyJson('application/json, text/plain')).toBe(true);
    expect(prefersLegacyJson('application/graphql-response+json, application/json')).toBe(false);
    expect(prefersLegacyJson('application/graphql-response+json;q=0.5, application/json')).toBe(true);
    expect(prefersLegacyJson('application/json;q=0')).toBe(false);
  });
});
