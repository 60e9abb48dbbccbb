/**
 * Automatic persisted queries (Apollo's APQ protocol) across replicas, with and without Redis, and the allow-list
 * mode that serves only a manifest's operations.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { examplesDirectory, findDocuments, manifestFromDocuments, sha256Hex } from '../../src/server/persisted.js';
import { startRedis, type TestRedis } from '../helpers/redis.js';
import { startStack, type TestStack } from '../helpers/stack.js';
import { post } from './processes.js';

const QUERY = 'query FirstContacts { contacts(first: 2) { edges { node { name } } } }';
const HASH = sha256Hex(QUERY);
const byHash = (hash: string) => ({ extensions: { persistedQuery: { version: 1, sha256Hash: hash } } });

function code(r: { errors?: Array<{ extensions?: Record<string, unknown> }> }): unknown {
  return r.errors?.[0]?.extensions?.['code'];
}

const stacks: TestStack[] = [];
let redis: TestRedis;
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  await Promise.all(stacks.map((s) => s.close()));
  await redis?.close();
});
async function stack(env: Record<string, string> = {}): Promise<TestStack> {
  const s = await startStack({ env });
  stacks.push(s);
  return s;
}

describe('automatic persisted queries', () => {
  it('without Redis, each replica knows only the hashes registered with it', async () => {
    const [one, two] = await Promise.all([stack(), stack()]);
    expect(code(await post(one.url, byHash(HASH)))).toBe('PERSISTED_QUERY_NOT_FOUND');
    const registered = await post(one.url, { query: QUERY, ...byHash(HASH) });
    expect(registered.data?.['contacts'].edges).toHaveLength(2);
    const hit = await post(one.url, byHash(HASH));
    expect(hit.data).toEqual(registered.data);
    expect(code(await post(two.url, byHash(HASH)))).toBe('PERSISTED_QUERY_NOT_FOUND');
    expect((await two.requests('previsto')).total).toBe(0);
  });

  it('with Redis, a hash registered on replica 1 is served by replica 2', async () => {
    await redis.client().flushall();
    const [one, two] = await Promise.all([stack({ REDIS_URL: redis.url }), stack({ REDIS_URL: redis.url })]);
    expect(code(await post(two.url, byHash(HASH)))).toBe('PERSISTED_QUERY_NOT_FOUND');
    const registered = await post(one.url, { query: QUERY, ...byHash(HASH) });
    expect(registered.errors).toBeUndefined();
    // The registration is written after the response is built; give it a moment to land.
    await expect.poll(() => redis.client().exists(`augur:pq:apq:${HASH}`)).toBe(1);
    expect(await redis.client().get(`augur:pq:apq:${HASH}`)).toBe(QUERY);
    expect(await redis.client().pttl(`augur:pq:apq:${HASH}`)).toBeGreaterThan(0);

    const hit = await post(two.url, byHash(HASH));
    expect(hit.errors).toBeUndefined();
    expect(hit.data).toEqual(registered.data);
    expect((await two.requests('previsto')).byRoute['GET /contacts']).toBe(1);
  });

  it('with Redis down, a replica still serves the hashes it registered itself and answers others as unknown', async () => {
    const local = await stack({ REDIS_URL: redis.url });
    const other = 'query OtherContacts { contacts(first: 1) { edges { node { address { city } } } } }';
    expect((await post(local.url, { query: other, ...byHash(sha256Hex(other)) })).errors).toBeUndefined();
    await redis.kill();
    try {
      expect((await post(local.url, byHash(sha256Hex(other)))).errors).toBeUndefined();
      // Registered on replica 1 earlier, but only in Redis as far as this replica knows.
      expect(code(await post(local.url, byHash(HASH)))).toBe('PERSISTED_QUERY_NOT_FOUND');
      expect(local.logs.some((l) => l['event'] === 'redis_unavailable')).toBe(true);
    } finally {
      await redis.restart();
    }
  });
});

describe('allow-list mode', () => {
  const manifest = manifestFromDocuments([{ file: 'ops.graphql', text: QUERY }]);
  let allow: TestStack;
  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'augur-pq-'));
    const path = join(dir, 'persisted-queries.json');
    writeFileSync(path, JSON.stringify(manifest));
    allow = await stack({ AUGUR_PERSISTED_QUERIES: 'allowlist', AUGUR_PERSISTED_QUERIES_MANIFEST: path });
  });

  it('serves a registered operation by id and by text', async () => {
    const id = manifest.operations[0]!.id;
    const byId = await post(allow.url, { operationName: 'FirstContacts', ...byHash(id) });
    expect(byId.errors).toBeUndefined();
    expect(byId.data?.['contacts'].edges).toHaveLength(2);
    const byText = await post(allow.url, { query: QUERY });
    expect(byText.data).toEqual(byId.data);
    // The same operation formatted differently is the same operation.
    const reformatted = await post(allow.url, { query: QUERY.replace(/ /g, '\n  ') });
    expect(reformatted.data).toEqual(byId.data);
  });

  it('refuses any other operation before it runs, with PERSISTED_QUERY_NOT_ALLOWED and HTTP 403', async () => {
    await allow.reset();
    const refused = await post(allow.url, { query: '{ contacts(first: 50) { edges { node { name email } } } }' });
    expect(refused.status).toBe(403);
    expect(code(refused)).toBe('PERSISTED_QUERY_NOT_ALLOWED');
    expect(refused.errors?.[0]?.message).toContain('not in its persisted query manifest');
    expect(refused.data).toBeUndefined();
    // An APQ registration is no way in either, and an unknown hash stays unknown.
    const sneaky = 'query Sneaky { contacts(first: 99) { totalCount } }';
    expect(code(await post(allow.url, { query: sneaky, ...byHash(sha256Hex(sneaky)) }))).toBe('PERSISTED_QUERY_NOT_ALLOWED');
    expect(code(await post(allow.url, byHash(sha256Hex(sneaky))))).toBe('PERSISTED_QUERY_NOT_FOUND');
    // Introspection is an operation like any other, and GET is no way around it.
    expect(code(await post(allow.url, { query: '{ __schema { types { name } } }' }))).toBe('PERSISTED_QUERY_NOT_ALLOWED');
    const viaGet = await fetch(`${allow.url}?query=${encodeURIComponent('{ contacts(first: 3) { totalCount } }')}`, {
      headers: { 'apollo-require-preflight': '1' },
    });
    expect(viaGet.status).toBe(403);
    expect(code((await viaGet.json()) as never)).toBe('PERSISTED_QUERY_NOT_ALLOWED');
    expect((await allow.requests('previsto')).total).toBe(0);
    const registeredViaGet = await fetch(`${allow.url}?query=${encodeURIComponent(QUERY)}`, {
      headers: { 'apollo-require-preflight': '1' },
    });
    expect(registeredViaGet.status).toBe(200);
    // Refused before GraphQL parses them, so counted apart from operations, without their text in the log.
    const metrics = await (await fetch(allow.url.replace(/graphql$/, 'metrics'))).text();
    expect(metrics).toMatch(/^augur_http_refused_total\{reason="not_registered"\} 4$/m);
    const lines = allow.logs.filter((l) => l['event'] === 'refused');
    expect(lines.map((l) => [l['status'], l['reason'], l['code']])).toEqual(
      Array(4).fill([403, 'not_registered', 'PERSISTED_QUERY_NOT_ALLOWED']),
    );
    expect(JSON.stringify(lines)).not.toContain('contacts');
  });

  it('defaults to the operations of examples/, and npm run persisted:manifest writes the same manifest', async () => {
    const fromExamples = manifestFromDocuments(findDocuments(examplesDirectory()));
    expect(fromExamples.operations.length).toBeGreaterThan(0);
    const scored = fromExamples.operations.find((o) => o.name === 'ScoredContacts');
    expect(scored?.type).toBe('query');

    const byDefault = await stack({ AUGUR_PERSISTED_QUERIES: 'allowlist' });
    const ok = await post(byDefault.url, { query: scored!.body, variables: { first: 2 } });
    expect(ok.errors).toBeUndefined();
    expect(ok.data?.['contacts'].edges).toHaveLength(2);
    expect(code(await post(byDefault.url, { query: QUERY }))).toBe('PERSISTED_QUERY_NOT_ALLOWED');

    const out = join(mkdtempSync(join(tmpdir(), 'augur-pq-')), 'persisted-queries.json');
    execFileSync(process.execPath, ['scripts/persisted-manifest.mjs', '--out', out], { stdio: 'pipe' });
    const written = JSON.parse(readFileSync(out, 'utf8')) as typeof fromExamples;
    expect(written).toEqual(fromExamples);
    expect(written.format).toBe('apollo-persisted-query-manifest');
    for (const op of written.operations) expect(op.id).toBe(sha256Hex(op.body));
  });
});
