import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AugurError, ErrorCode } from '../../src/core/errors.js';
import { CircuitBreaker } from '../../src/upstreams/breaker.js';
import { OperationDeadline } from '../../src/upstreams/deadline.js';
import type { UpstreamHttp, UpstreamRequest } from '../../src/upstreams/http.js';
import { RequestBudget } from '../../src/upstreams/requestBudget.js';
import { PrevisionClient } from '../../src/upstreams/prevision/client.js';
import type { PrevisionDeployment } from '../../src/upstreams/prevision/types.js';
import type { PlatformName } from '../../src/core/upstream.js';
import { startStack, type TestStack } from '../helpers/stack.js';
import { scrape, value } from '../observability/prometheus.js';

const TIMEOUT_MS = 300;
/** One Previsto list, then one Dataiku predict-multi for the three contacts. */
const SCORED = `{ contacts(first: 3) { totalCount edges { node { name predict(endpointName: "churn") { raw } } } } }`;
const PREDICT = `{ predict(endpointName: "churn", features: {name: "A"}) { raw } }`;
const PREDICT_ROUTE = 'POST /public/api/v1/{service}/{endpoint}/predict';
const PREDICT_MULTI_ROUTE = 'POST /public/api/v1/{service}/{endpoint}/predict-multi';

const timedOut = (platform: PlatformName, paths: Array<Array<string | number>>) => ({
  code: 'OPERATION_TIMEOUT',
  limit: 'operationTimeoutMs',
  max: TIMEOUT_MS,
  platform,
  paths,
  requestId: expect.any(String),
});

type LogEntry = { route: string; status: number; callerClosed?: true };

async function upstreamLog(stack: TestStack, platform: PlatformName): Promise<LogEntry[]> {
  const url = stack.embedded.emulators[platform]!.url;
  return ((await (await fetch(`${url}/_emulator/requests?log=1`)).json()) as { log: LogEntry[] }).log;
}

/** Polls until `check` holds (a socket close reaches the other side a moment after the response). */
async function until(check: () => boolean | Promise<boolean>, ms = 1000): Promise<void> {
  const end = performance.now() + ms;
  while (!(await check())) {
    if (performance.now() > end) throw new Error(`condition still false after ${ms} ms`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe.each([
  ['graphql-jit', 'true'],
  ['the graphql-js interpreter', 'false'],
])('operation deadline (AUGUR_OPERATION_TIMEOUT_MS) with %s', (_engine, jit) => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startStack({
      env: {
        AUGUR_JIT: jit,
        AUGUR_OPERATION_TIMEOUT_MS: String(TIMEOUT_MS),
        // Operations run one at a time, and only a sent response gives the slot back: the gauges show whether it did.
        AUGUR_MAX_ACTIVE_COST: '1',
        AUGUR_ACTIVE_SLOT_MS: '60000',
        // One failure short of opening: an aborted call counted as a failure would open it.
        AUGUR_BREAKER_THRESHOLD: '2',
      },
    });
    // Warm: the timing asserted below is the deadline's, not a first compile or a first connection.
    expect((await stack.gql(SCORED)).errors).toBeUndefined();
  });
  afterAll(() => stack.close());
  beforeEach(() => stack.reset());

  it('answers at the deadline with the data it has, OPERATION_TIMEOUT on each field still waiting, and aborts the hung call', async () => {
    await stack.faults('dataiku', { hang: true });
    const started = performance.now();
    const pending = stack.gql(SCORED);
    await until(async () => (await stack.requests('dataiku')).total === 1);
    expect(value(await scrape(stack.url), 'augur_operations_active')).toBe(1);
    expect(stack.augur.services.http.dataiku.stats.running).toBe(1);

    const r = await pending;
    const elapsed = performance.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(TIMEOUT_MS);
    // Typically 310 to 350 ms; the margin is for a loaded machine. Without the deadline it would be the upstream timeout (30 s).
    expect(elapsed).toBeLessThan(TIMEOUT_MS + 700);
    // Measured by the gateway's own clock, the answer follows the deadline at once.
    const id = r.headers.get('x-request-id');
    const fired = stack.logs.find((l) => l['event'] === 'operation_timeout' && l['requestId'] === id)!;
    const answered = stack.logs.find((l) => l['event'] === 'operation' && l['requestId'] === id)!;
    expect(Date.parse(answered['time'] as string) - Date.parse(fired['time'] as string)).toBeLessThan(100);
    expect(answered['durationMs']).toBeGreaterThanOrEqual(TIMEOUT_MS);
    expect(r.status).toBe(200);
    const edges = r.data!.contacts.edges as Array<{ node: { name: string; predict: unknown } }>;
    expect(r.data!.contacts.totalCount).toBeGreaterThan(0);
    expect(edges.map((e) => typeof e.node.name)).toEqual(['string', 'string', 'string']);
    expect(edges.map((e) => e.node.predict)).toEqual([null, null, null]);
    // The three predictions waited on one batched call: one error names the three fields.
    const paths = [0, 1, 2].map((i) => ['contacts', 'edges', i, 'node', 'predict']);
    expect(r.errors!.map((e) => [e.path, e.extensions])).toEqual([[paths[0], timedOut('dataiku', paths)]]);

    // The slot was given back with the response, and the breaker counted nothing.
    const metrics = await scrape(stack.url);
    expect(value(metrics, 'augur_operations_active')).toBe(0);
    expect(value(metrics, 'augur_operations_active_cost')).toBe(0);
    expect(value(metrics, 'augur_circuit_breaker_state', { platform: 'dataiku' })).toBe(0);
    // The hung request was abandoned: the emulator saw its connection close, and the gateway has nothing in flight.
    await until(async () => (await upstreamLog(stack, 'dataiku'))[0]?.callerClosed === true);
    await until(() => stack.augur.services.http.dataiku.stats.running === 0);
    expect((await stack.requests('dataiku')).byRoute).toEqual({ [PREDICT_MULTI_ROUTE]: 1 });
    expect((await stack.requests('previsto')).byRoute).toEqual({ 'GET /contacts': 1 });
  });

  it('aborts a retry in flight at the deadline and sends no further attempt, without opening the breaker', async () => {
    // Each attempt answers 503 after 200 ms: the first fails (one breaker failure) 100 ms before the deadline, and the
    // retry, sent right after, is in flight at 300 ms with about 100 ms still to go, whatever the machine's load.
    await stack.faults('dataiku', { status: 503, latencyMs: 200, routes: [PREDICT_ROUTE] });
    const r = await stack.gql(PREDICT);
    expect(r.errors).toHaveLength(1);
    expect(r.errors![0]).toMatchObject({ path: ['predict'], extensions: timedOut('dataiku', [['predict']]) });
    expect(r.errors![0]!.message).toMatch(/the call was cancelled\./);
    // Long enough for a third attempt to have been sent, had anything survived the deadline.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect((await stack.requests('dataiku')).byRoute).toEqual({ [PREDICT_ROUTE]: 2 });
    const log = (await upstreamLog(stack, 'dataiku')).map((e) => ({ status: e.status, callerClosed: e.callerClosed ?? false }));
    expect(log).toEqual([
      { status: 503, callerClosed: false },
      { status: 503, callerClosed: true },
    ]);
    expect(value(await scrape(stack.url), 'augur_circuit_breaker_state', { platform: 'dataiku' })).toBe(0);
    // The retry was logged as one; the operation line records the timeout.
    const line = stack.logs.filter((l) => l['event'] === 'operation').at(-1)!;
    expect(line).toMatchObject({ retries: 1, upstreamCalls: 2, errorCodes: ['OPERATION_TIMEOUT'] });

    await stack.faults('dataiku', []);
    expect((await stack.gql(PREDICT)).errors).toBeUndefined();
  });

  it('never sends a call that had not started when the deadline passed', async () => {
    await stack.faults('previsto', { hang: true, routes: ['POST /contacts'] });
    const r = await stack.gql(
      `mutation { a: createContact(input: {name: "A"}) { contact { id } } b: createContact(input: {name: "B"}) { contact { id } } }`,
    );
    expect(r.status).toBe(200);
    // A mutation's payload is non-null: the first write's failure ends the operation, so the second is never run.
    expect(r.data).toBeNull();
    expect(r.errors!.map((e) => [e.path, e.extensions])).toEqual([[['a'], timedOut('previsto', [['a']])]]);
    // A write cut short may have been applied upstream; the caller is told so.
    expect(r.errors![0]!.message).toMatch(/may still have been applied/);
    expect((await stack.requests('previsto')).byRoute).toEqual({ 'POST /contacts': 1 });
  });

  it('starts the clock at execution: time queued for admission does not count', async () => {
    // A hangs until its deadline; B, queued behind it, then needs 200 ms of Civis: 500 ms in all, 200 executing.
    await stack.faults('dataiku', { hang: true });
    await stack.faults('civis', { latencyMs: 200 });
    const a = stack.gql(PREDICT);
    await until(async () => (await stack.requests('dataiku')).total === 1);
    const started = performance.now();
    const b = await stack.gql(`{ civis { me { username } } }`);
    expect(performance.now() - started).toBeGreaterThan(TIMEOUT_MS);
    expect(b.errors).toBeUndefined();
    expect(b.data!.civis.me.username).toEqual(expect.any(String));
    expect((await a).errors![0]!.extensions).toEqual(timedOut('dataiku', [['predict']]));
  });
});

describe('CircuitBreaker.abandon', () => {
  it('hands a half-open probe cut short back, so the next call probes, and counts nothing', () => {
    let now = 0;
    const breaker = new CircuitBreaker({ threshold: 1, cooldownMs: 100, now: () => now });
    breaker.failure();
    now = 100;
    expect(breaker.allow()).toBe(true);
    expect(breaker.allow()).toBe(false);
    breaker.abandon(true);
    expect(breaker.state).toBe('half-open');
    expect(breaker.allow()).toBe(true);
    // A call that was not the probe hands nothing back.
    breaker.abandon(false);
    expect(breaker.allow()).toBe(false);
  });
});

describe('PrevisionClient token refresh shared by operations', () => {
  it('fetches its own token when the operation that started the shared refresh reached its deadline', async () => {
    const tokenCalls: Array<(outcome: { token?: string; error?: Error }) => void> = [];
    const answers: Record<string, unknown> = {
      'GET /deployments/{id}/api-keys': { items: [{ _id: 'k1' }] },
      'GET /api-keys/{id}/secret': { service_account_client_id: 'c1', client_secret: 'secret-1' },
      'GET /version': { oidc_url: 'http://oidc.test' },
      'POST {deployment}/predict': { prediction: 'stay' },
    };
    const http = {
      async request(req: UpstreamRequest) {
        if (req.route.includes('openid-connect/token')) {
          const outcome = await new Promise<{ token?: string; error?: Error }>((resolve) => tokenCalls.push(resolve));
          if (outcome.error) throw outcome.error;
          return { status: 200, headers: {}, data: { access_token: outcome.token, expires_in: 300 } };
        }
        return { status: 200, headers: {}, data: answers[req.route] };
      },
    } as unknown as UpstreamHttp;
    const client = new PrevisionClient({ api: http, host: () => http, addSecret: () => {} });
    const deployment = { _id: 'd1', url: 'http://model.test' } as PrevisionDeployment;
    const first = new OperationDeadline(1);
    const ctx = (deadline: OperationDeadline) => ({ masterToken: 'master', budget: new RequestBudget(Date.now() + 5000, 2, '', deadline) });

    const a = client.predictUnit(ctx(first), deployment, { x: 1 });
    await until(() => tokenCalls.length === 1);
    const b = client.predictUnit(ctx(new OperationDeadline(60_000)), deployment, { x: 2 });
    // A's deadline passes: its token call fails as an aborted call does.
    first.start();
    await until(() => first.expired);
    tokenCalls[0]!({ error: new AugurError(ErrorCode.OPERATION_TIMEOUT, 'deadline', { limit: 'operationTimeoutMs', max: 1 }) });
    await expect(a).rejects.toMatchObject({ code: ErrorCode.OPERATION_TIMEOUT });
    await until(() => tokenCalls.length === 2);
    tokenCalls[1]!({ token: 'tok-2' });
    await expect(b).resolves.toEqual({ prediction: 'stay' });
  });
});
