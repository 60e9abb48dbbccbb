import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { EMULATORS, type Emulator } from '@augur/emulators';
import { startStack, type TestStack } from '../helpers/stack.js';

const SCORED_CONTACTS = `query ScoredContacts { contacts(first: 100) { edges { node { predict(endpointName: "churn") { raw } } } } }`;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

let stack: TestStack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack.close());
beforeEach(() => stack.reset());

const linesOf = (s: TestStack, event: string, requestId: string) =>
  s.logs.filter((l) => l['event'] === event && l['requestId'] === requestId);

describe('operation log line', () => {
  it('logs one line per operation with name, type, outcome, duration, upstream calls, retries and error codes', async () => {
    const r = await stack.gql(SCORED_CONTACTS, undefined, { 'x-request-id': 'obs-test-ok-1' });
    expect(r.errors).toBeUndefined();
    expect(r.headers.get('x-request-id')).toBe('obs-test-ok-1');
    const lines = linesOf(stack, 'operation', 'obs-test-ok-1');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      service: 'augur',
      level: 30,
      event: 'operation',
      requestId: 'obs-test-ok-1',
      operationName: 'ScoredContacts',
      operationType: 'query',
      outcome: 'ok',
      cost: 601, // contacts 1 + 100 x (edges 1 + node 1 + predict 3 + prediction 1)
      queuedMs: 0,
      rateLimitWaitMs: 0,
      upstreamCalls: 2,
      retries: 0,
      errorCodes: [],
      errorCount: 0,
    });
    expect(lines[0]!['durationMs']).toEqual(expect.any(Number));
    expect(lines[0]!['durationMs'] as number).toBeGreaterThan(0);
    const upstream = (await stack.requests('previsto')).total + (await stack.requests('dataiku')).total;
    expect(lines[0]!['upstreamCalls']).toBe(upstream);
  });

  it('logs a partial operation with its retries, error codes and one upstream_failure line per failed attempt', async () => {
    await stack.faults('previsto', { status: 503, routes: ['GET /contacts'] });
    const r = await stack.gql(
      `query Mixed { contacts(first: 1) { totalCount } predict(endpointName: "churn", features: { name: "A" }) { raw } }`,
      undefined,
      { 'x-request-id': 'obs-test-partial-1' },
    );
    expect(r.data!.contacts).toBeNull();
    const [line] = linesOf(stack, 'operation', 'obs-test-partial-1');
    expect(line).toMatchObject({
      operationName: 'Mixed',
      outcome: 'partial',
      retries: 2,
      upstreamCalls: 4,
      errorCodes: ['UPSTREAM_UNAVAILABLE'],
      errorCount: 1,
    });
    const failures = linesOf(stack, 'upstream_failure', 'obs-test-partial-1');
    expect(failures).toHaveLength((await stack.requests('previsto')).byRoute['GET /contacts']!);
    expect(failures).toHaveLength(3);
    for (const f of failures) {
      expect(f).toMatchObject({ level: 40, platform: 'previsto', route: 'GET /contacts', status: 503 });
      expect(f['body']).toEqual(expect.any(String));
    }
  });

  it('names an anonymous operation null and logs the codes of request errors', async () => {
    const r = await stack.gql(`{ noSuchField }`, undefined, { 'x-request-id': 'obs-test-invalid-1' });
    expect(r.errors![0]!.extensions!['code']).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(linesOf(stack, 'operation', 'obs-test-invalid-1')[0]).toMatchObject({
      operationName: null,
      operationType: null,
      outcome: 'error',
      cost: null,
      upstreamCalls: 0,
      errorCodes: ['GRAPHQL_VALIDATION_FAILED'],
    });
  });

  it('never logs variables, headers or forwarded credentials', async () => {
    const marker = 'variable-value-that-must-not-be-logged';
    const key = 'sk_caller_key_that_must_not_be_logged';
    const r = await stack.gql(
      `query Search($name: String!) { contacts(first: 1, filter: { name: $name }) { totalCount } }`,
      { name: marker },
      { 'x-request-id': 'obs-test-secret-1', 'x-previsto-api-key': key, authorization: `Bearer ${key}-auth` },
    );
    expect(r.errors?.[0]?.extensions?.['code']).toBe('UNAUTHENTICATED');
    expect(linesOf(stack, 'operation', 'obs-test-secret-1')).toHaveLength(1);
    expect(linesOf(stack, 'upstream_failure', 'obs-test-secret-1').length).toBeGreaterThan(0);
    const all = JSON.stringify(stack.logs);
    expect(all).not.toContain(marker);
    expect(all).not.toContain(key);
  });
});

describe('x-request-id', () => {
  it('makes a UUID when the caller sends none, and replaces a malformed one, echoing it in the response and the log', async () => {
    const cases: Array<Record<string, string>> = [{}, { 'x-request-id': 'not valid: has spaces' }, { 'x-request-id': 'x'.repeat(129) }];
    for (const headers of cases) {
      const r = await stack.gql(`query Ping { __typename }`, undefined, headers);
      const id = r.headers.get('x-request-id')!;
      expect(id).toMatch(UUID);
      expect(linesOf(stack, 'operation', id)).toHaveLength(1);
    }
  });

  describe('sent upstream', () => {
    // A recording proxy in front of a Dataiku emulator shows exactly which headers Augur sends upstream.
    let dataiku: Emulator;
    let proxy: http.Server;
    let proxied: TestStack;
    const seen: Array<{ path: string; requestId: string | undefined }> = [];
    let echoAuthorization = false;

    beforeAll(async () => {
      dataiku = EMULATORS.dataiku.create();
      await dataiku.listen(0);
      proxy = http.createServer((req, res) => {
        const chunks: Buffer[] = [];
        req.on('data', (c: Buffer) => chunks.push(c));
        req.on('end', () => {
          seen.push({ path: req.url ?? '', requestId: req.headers['x-request-id'] as string | undefined });
          if (echoAuthorization) {
            // An upstream that leaks what it received: Augur must redact it before logging the body.
            res.writeHead(500, { 'content-type': 'application/json' });
            res.end(JSON.stringify({ errorType: 'Internal', message: `could not use ${req.headers['authorization']}` }));
            return;
          }
          const headers = Object.fromEntries(Object.entries(req.headers).filter(([k]) => k !== 'host' && k !== 'content-length')) as Record<
            string,
            string
          >;
          fetch(`${dataiku.url}${req.url}`, { method: req.method!, headers, ...(chunks.length ? { body: Buffer.concat(chunks) } : {}) })
            .then(async (upstream) => {
              res.writeHead(upstream.status, { 'content-type': upstream.headers.get('content-type') ?? 'application/json' });
              res.end(Buffer.from(await upstream.arrayBuffer()));
            })
            .catch(() => res.destroy());
        });
      });
      await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', () => resolve()));
      proxied = await startStack({
        env: {
          DATAIKU_APINODE_URL: `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`,
          DATAIKU_API_KEY: 'augur-demo-dataiku',
          AUGUR_DATAIKU_ENDPOINTS: 'augur-demo/churn:PREDICTION',
        },
      });
    });
    afterAll(async () => {
      await proxied.close();
      await new Promise<void>((resolve) => proxy.close(() => resolve()));
      await dataiku.close();
    });

    it('forwards the request id on every upstream call of the operation', async () => {
      seen.length = 0;
      const r = await proxied.gql(`{ a: predict(endpointName: "churn", features: { name: "A" }) { raw } }`, undefined, {
        'x-request-id': 'obs-upstream-1',
      });
      expect(r.errors).toBeUndefined();
      expect(r.headers.get('x-request-id')).toBe('obs-upstream-1');
      expect(seen).toEqual([{ path: '/public/api/v1/augur-demo/churn/predict', requestId: 'obs-upstream-1' }]);
      expect(linesOf(proxied, 'operation', 'obs-upstream-1')[0]).toMatchObject({ upstreamCalls: 1, outcome: 'ok' });
    });

    it('logs a failed call with platform, route, status and the body with every credential redacted', async () => {
      echoAuthorization = true;
      try {
        const r = await proxied.gql(`{ predict(endpointName: "churn", features: { name: "A" }) { raw } }`, undefined, {
          'x-request-id': 'obs-upstream-2',
        });
        expect(r.errors![0]!.extensions).toMatchObject({ code: 'UPSTREAM_ERROR', platform: 'dataiku', upstreamStatus: 500 });
      } finally {
        echoAuthorization = false;
      }
      const [failure] = linesOf(proxied, 'upstream_failure', 'obs-upstream-2');
      expect(failure).toMatchObject({ platform: 'dataiku', route: 'POST /public/api/v1/{service}/{endpoint}/predict', status: 500 });
      expect(failure!['body']).toContain('could not use Basic [REDACTED]');
      const all = JSON.stringify(proxied.logs);
      expect(all).not.toContain(Buffer.from('augur-demo-dataiku:').toString('base64'));
      expect(all).not.toContain('augur-demo-dataiku');
    });
  });
});
