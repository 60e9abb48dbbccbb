import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CIVIS_DEMO_API_KEY, CIVIS_DEMO_API_KEY_2, SEED_IDS } from '@augur/emulators/civis';
import { startStack, type TestStack } from '../helpers/stack.js';
import { sseSubscribe, until, wsClient, wsSubscribe } from '../helpers/live.js';

const RUN_FIELDS = 'id platformId state startedAt finishedAt error job { platformId }';
const WATCH_RUN = `subscription($id: ID!) { civisJobRun(id: $id) { ${RUN_FIELDS} } }`;
const RUN_ROUTE = 'GET /jobs/{id}/runs/{run_id}';

async function startRun(stack: TestStack, job: number = SEED_IDS.idleJob): Promise<string> {
  const jobId = stack.augur.services.codec.encode('CivisJob', String(job));
  const r = await stack.gql(`mutation($i: RunCivisJobInput!) { runCivisJob(input: $i) { run { id state } userErrors { message } } }`, {
    i: { jobId },
  });
  expect(r.data!.runCivisJob.userErrors).toEqual([]);
  return r.data!.runCivisJob.run.id as string;
}

/** The global id of the seeded run that stays RUNNING (job 5002's last run). */
async function frozenRun(stack: TestStack): Promise<string> {
  const r = await stack.gql(`{ civis { job(platformId: "${SEED_IDS.runningJob}") { lastRun { id state } } } }`);
  expect(r.data!.civis.job.lastRun.state).toBe('RUNNING');
  return r.data!.civis.job.lastRun.id as string;
}

const states = (events: Array<{ data?: any }>) => events.map((e) => e.data?.civisJobRun?.state);

describe('subscriptions over SSE and WebSocket (fast polling)', () => {
  let stack: TestStack;
  beforeAll(async () => {
    // Runs finish on their third read; polls every 20 ms, backing off to 80 ms.
    stack = await startStack({
      env: { AUGUR_LIVE_POLL_MIN_MS: '20', AUGUR_LIVE_POLL_MAX_MS: '80' },
      emulatorOptions: { civis: { runReadsToFinish: 3 } },
    });
  });
  afterAll(() => stack.close());
  beforeEach(() => stack.reset());

  it('watches a run started by runCivisJob over SSE: its states in order, no duplicates, ending SUCCEEDED', async () => {
    const id = await startRun(stack);
    const sub = await sseSubscribe(stack.url, WATCH_RUN, { id });
    expect(sub.status).toBe(200);
    await sub.done;
    expect(states(sub.events)).toEqual(['RUNNING', 'SUCCEEDED']);
    const last = sub.events.at(-1)!.data.civisJobRun;
    expect(last).toMatchObject({ id, error: null, job: { platformId: String(SEED_IDS.idleJob) } });
    expect(last.finishedAt).toEqual(expect.any(String));
    // One read per poll, each moving the run on (it finishes on its third polling read, the mutation's answer being
    // the first); then the poller stopped.
    expect((await stack.requests('civis')).byRoute[RUN_ROUTE]).toBe(2);
    expect(stack.augur.live.activePollers).toBe(0);
  });

  it('watches the same over WebSocket, with the credential in connectionParams', async () => {
    const id = await startRun(stack);
    const client = wsClient(stack.url, { 'x-civis-api-key': CIVIS_DEMO_API_KEY });
    try {
      const sub = wsSubscribe(client, WATCH_RUN, { id });
      await sub.done;
      expect(states(sub.events)).toEqual(['RUNNING', 'SUCCEEDED']);
      expect((await stack.requests('civis')).byRoute[RUN_ROUTE]).toBe(2);
    } finally {
      await client.dispose();
    }
  });

  it('ends a failing query FAILED with its error, then completes', async () => {
    const created = await stack.gql(
      `mutation($i: CreateCivisQueryInput!) { createCivisQuery(input: $i) { query { id } userErrors { message } } }`,
      { i: { databaseName: 'redshift-general', sql: 'SELECT nope FROM public.no_such_table' } },
    );
    const id = created.data!.createCivisQuery.query.id as string;
    const sub = await sseSubscribe(stack.url, `subscription($id: ID) { civisQuery(id: $id) { state error result { columns } } }`, { id });
    await sub.done;
    const seen = sub.events.map((e) => e.data.civisQuery);
    expect(seen.map((q) => q.state)).toEqual(['RUNNING', 'FAILED']);
    expect(seen.at(-1).error).toEqual(expect.stringMatching(/\S/));
    expect(seen.at(-1).result).toBeNull();
  });

  it('errors an unknown or malformed id without polling, with a stable code', async () => {
    const malformed = await sseSubscribe(stack.url, WATCH_RUN, { id: 'not-an-id' });
    await malformed.done;
    expect(malformed.events).toHaveLength(1);
    expect(malformed.events[0]!.errors![0]!.extensions!['code']).toBe('BAD_USER_INPUT');
    expect((await stack.requests('civis')).total).toBe(0);

    const unknown = stack.augur.services.codec.encode('CivisJobRun', `${SEED_IDS.idleJob}:999999`);
    const client = wsClient(stack.url);
    try {
      const sub = wsSubscribe(client, WATCH_RUN, { id: unknown });
      const error = await sub.done.then(
        () => undefined,
        (e: { errors?: Array<{ extensions?: Record<string, unknown> }> }) => e,
      );
      expect(error?.errors?.[0]?.extensions?.['code']).toBe('NOT_FOUND');
    } finally {
      await client.dispose();
    }
    await new Promise((r) => setTimeout(r, 200));
    expect((await stack.requests('civis')).byRoute[RUN_ROUTE]).toBe(1);
    expect(stack.augur.live.activePollers).toBe(0);
  });

  it('stops polling once every subscriber has left: the upstream counts stay flat', async () => {
    const id = await frozenRun(stack);
    await stack.reset();
    const sse = await sseSubscribe(stack.url, WATCH_RUN, { id });
    const client = wsClient(stack.url);
    const ws = wsSubscribe(client, WATCH_RUN, { id });
    await until(() => sse.events.length === 1 && ws.events.length === 1, 10_000, 'first events');
    await until(async () => ((await stack.requests('civis')).byRoute[RUN_ROUTE] ?? 0) >= 3, 10_000, 'a few polls');
    // The frozen run never changes: one event each, however many polls.
    expect(states(sse.events)).toEqual(['RUNNING']);
    sse.close();
    ws.close();
    await until(() => stack.augur.live.activePollers === 0 && stack.augur.live.subscriptions === 0, 10_000, 'pollers to stop');
    const after = (await stack.requests('civis')).byRoute[RUN_ROUTE];
    await new Promise((r) => setTimeout(r, 300));
    expect((await stack.requests('civis')).byRoute[RUN_ROUTE]).toBe(after);
    await client.dispose();
  });

  it('completes every open subscription with SHUTTING_DOWN when the gateway stops', async () => {
    const id = await frozenRun(stack);
    const sse = await sseSubscribe(stack.url, WATCH_RUN, { id });
    const client = wsClient(stack.url);
    const ws = wsSubscribe(client, WATCH_RUN, { id });
    await until(() => sse.events.length === 1 && ws.events.length === 1, 10_000, 'first events');
    const other = await startStack({ env: { AUGUR_LIVE_POLL_MIN_MS: '20' } });
    try {
      // A second gateway, closed here; the first one's subscriptions go on.
      const s2 = await sseSubscribe(other.url, WATCH_RUN, { id: await frozenRun(other) });
      await until(() => s2.events.length === 1, 10_000, 'first event on the second gateway');
      await other.augur.closeSubscriptions();
      await s2.done;
      expect(s2.events.at(-1)!.errors![0]!.extensions!['code']).toBe('SHUTTING_DOWN');
    } finally {
      await other.close();
    }
    await stack.augur.closeSubscriptions();
    await sse.done;
    await ws.done;
    expect(sse.events.at(-1)!.errors![0]!.extensions!['code']).toBe('SHUTTING_DOWN');
    expect(ws.events.at(-1)!.errors![0]!.extensions!['code']).toBe('SHUTTING_DOWN');
    await client.dispose();
  });
});

describe('one poll per watched object and credential (no repeated polls)', () => {
  let stack: TestStack;
  beforeAll(async () => {
    // One read per poller in these tests: the next poll would be a minute away.
    stack = await startStack({
      env: {
        AUGUR_LIVE_POLL_MIN_MS: '60000',
        AUGUR_LIVE_POLL_MAX_MS: '60000',
        AUGUR_LIVE_MAX_SUBSCRIPTIONS: '110',
        AUGUR_LIVE_MAX_PER_CONNECTION: '3',
      },
    });
  });
  afterAll(() => stack.close());

  it('serves 100 subscribers of one run with the upstream reads of one subscriber', async () => {
    const id = await frozenRun(stack);
    await stack.reset();
    const one = await sseSubscribe(stack.url, WATCH_RUN, { id });
    await until(() => one.events.length === 1, 10_000, 'first event');
    const single = (await stack.requests('civis')).byRoute[RUN_ROUTE]!;
    one.close();
    await until(() => stack.augur.live.activePollers === 0, 10_000, 'poller to stop');
    await stack.reset();

    const subs = await Promise.all(Array.from({ length: 100 }, () => sseSubscribe(stack.url, WATCH_RUN, { id })));
    await until(() => subs.every((s) => s.events.length === 1), 20_000, 'every first event');
    expect(stack.augur.live.activePollers).toBe(1);
    expect(stack.augur.live.subscriptions).toBe(100);
    const hundred = (await stack.requests('civis')).byRoute[RUN_ROUTE]!;
    expect(Math.abs(hundred - single)).toBeLessThanOrEqual(1);
    for (const s of subs) expect(s.events[0]!.data.civisJobRun.id).toBe(id);

    // Past AUGUR_LIVE_MAX_SUBSCRIPTIONS (110) a subscription is refused with LIMIT_EXCEEDED.
    const more = await Promise.all(Array.from({ length: 10 }, () => sseSubscribe(stack.url, WATCH_RUN, { id })));
    await until(() => more.every((s) => s.events.length === 1), 10_000, 'ten more');
    const over = await sseSubscribe(stack.url, WATCH_RUN, { id });
    await over.done;
    expect(over.events[0]!.errors![0]!.extensions).toMatchObject({ code: 'LIMIT_EXCEEDED', limit: 'maxSubscriptions', max: 110 });
    for (const s of [...subs, ...more]) s.close();
    await until(() => stack.augur.live.subscriptions === 0, 10_000, 'everyone to leave');
  });

  it('never shares a poller or an event between two credentials', async () => {
    const id = await frozenRun(stack);
    await stack.reset();
    const a = await sseSubscribe(stack.url, WATCH_RUN, { id }, { 'x-civis-api-key': CIVIS_DEMO_API_KEY });
    const a2 = await sseSubscribe(stack.url, WATCH_RUN, { id }, { 'x-civis-api-key': CIVIS_DEMO_API_KEY });
    const b = await sseSubscribe(stack.url, WATCH_RUN, { id }, { 'x-civis-api-key': CIVIS_DEMO_API_KEY_2 });
    await until(() => a.events.length + a2.events.length + b.events.length >= 3, 10_000, 'first events');
    expect(stack.augur.live.activePollers).toBe(2);
    // One read per credential, each with its own key.
    const log = (await (await fetch(`${stack.embedded.emulators.civis!.url}/_emulator/requests?log=1`)).json()) as {
      byRoute: Record<string, number>;
    };
    expect(log.byRoute[RUN_ROUTE]).toBe(2);
    for (const s of [a, a2, b]) s.close();
    await until(() => stack.augur.live.activePollers === 0, 10_000, 'pollers to stop');
  });

  it('caps subscriptions per WebSocket connection', async () => {
    const id = await frozenRun(stack);
    const client = wsClient(stack.url);
    try {
      const subs = [0, 1, 2].map(() => wsSubscribe(client, WATCH_RUN, { id }));
      await until(() => subs.every((s) => s.events.length === 1), 10_000, 'three subscriptions');
      const fourth = wsSubscribe(client, WATCH_RUN, { id });
      const error = await fourth.done.then(
        () => undefined,
        (e: { errors?: Array<{ extensions?: Record<string, unknown> }> }) => e,
      );
      expect(error?.errors?.[0]?.extensions).toMatchObject({ code: 'LIMIT_EXCEEDED', limit: 'maxSubscriptionsPerConnection', max: 3 });
      for (const s of subs) s.close();
    } finally {
      await client.dispose();
    }
  });
});

describe('subscriptions follow the gateway key, CORS and limits rules of /graphql', () => {
  const KEY = 'live-test-gateway-key-0123456789';
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startStack({
      env: {
        AUGUR_API_KEYS: KEY,
        AUGUR_CORS_ORIGINS: 'https://app.example.com',
        AUGUR_MAX_DEPTH: '4',
        AUGUR_LIVE_POLL_MIN_MS: '60000',
        AUGUR_LIVE_POLL_MAX_MS: '60000',
      },
    });
  });
  afterAll(() => stack.close());

  it('refuses SSE and WebSocket subscribers without the gateway key, and serves those with it', async () => {
    const id = stack.augur.services.codec.encode('CivisJobRun', `${SEED_IDS.runningJob}:1`);
    const refused = await sseSubscribe(stack.url, WATCH_RUN, { id });
    expect(refused.status).toBe(401);
    await refused.done;
    expect(refused.events[0]!.errors![0]!.extensions!['code']).toBe('UNAUTHENTICATED');

    const anonymous = wsClient(stack.url);
    const noKey = wsSubscribe(anonymous, WATCH_RUN, { id });
    await expect(noKey.done).rejects.toMatchObject({ errors: { code: 4401, reason: 'key required' } });
    await anonymous.dispose();
    expect((await stack.requests('civis')).total).toBe(0);

    const run = await stack.gql(`{ civis { job(platformId: "${SEED_IDS.runningJob}") { lastRun { id } } } }`, {}, { 'x-api-key': KEY });
    const runId = run.data!.civis.job.lastRun.id as string;
    const sse = await sseSubscribe(stack.url, WATCH_RUN, { id: runId }, { authorization: `Bearer ${KEY}` });
    const keyed = wsClient(stack.url, { 'x-api-key': KEY });
    const ws = wsSubscribe(keyed, WATCH_RUN, { id: runId });
    await until(() => sse.events.length === 1 && ws.events.length === 1, 10_000, 'first events');
    expect(states(sse.events)).toEqual(['RUNNING']);
    expect(states(ws.events)).toEqual(['RUNNING']);
    sse.close();
    ws.close();
    await keyed.dispose();
  });

  it('answers CORS preflights of /graphql/stream and refuses WebSocket upgrades from other origins', async () => {
    const preflight = await fetch(`${stack.url}/stream`, {
      method: 'OPTIONS',
      headers: {
        origin: 'https://app.example.com',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type',
      },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('https://app.example.com');
    const other = await fetch(`${stack.url}/stream`, {
      method: 'OPTIONS',
      headers: { origin: 'https://evil.example.com', 'access-control-request-method': 'POST' },
    });
    expect(other.status).toBe(403);

    const { default: WebSocket } = await import('ws');
    const status = await new Promise<number>((resolve) => {
      const socket = new WebSocket(stack.url.replace(/^http/, 'ws'), 'graphql-transport-ws', { origin: 'https://evil.example.com' });
      socket.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      socket.on('error', () => undefined);
    });
    expect(status).toBe(403);
  });

  it('applies the document limits, and refuses other methods and media types with clear errors', async () => {
    await stack.reset();
    const deep = await sseSubscribe(
      stack.url,
      `subscription($id: ID!) { civisJobRun(id: $id) { job { lastRun { job { lastRun { state } } } } } }`,
      { id: 'x' },
      { 'x-api-key': KEY },
    );
    expect(deep.status).toBe(400);
    await deep.done;
    expect(deep.events[0]!.errors![0]!.extensions).toMatchObject({ code: 'LIMIT_EXCEEDED', limit: 'maxDepth' });

    const get = await fetch(`${stack.url}/stream`, { headers: { accept: 'text/event-stream', 'x-api-key': KEY } });
    expect(get.status).toBe(405);
    const json = await fetch(`${stack.url}/stream`, {
      method: 'POST',
      headers: { accept: 'application/json', 'content-type': 'application/json', 'x-api-key': KEY },
      body: JSON.stringify({ query: '{ __typename }' }),
    });
    expect(json.status).toBe(406);
    expect(((await json.json()) as { errors: Array<{ extensions: { code: string } }> }).errors[0]!.extensions.code).toBe('BAD_REQUEST');
    // Over plain HTTP, /graphql still refuses subscriptions, with a clear message.
    const http = await stack.gql(WATCH_RUN, { id: 'x' }, { 'x-api-key': KEY });
    expect(http.status).toBe(400);
    expect(http.errors?.[0]).toMatchObject({
      message: expect.stringMatching(/\/graphql\/stream/),
      extensions: { code: 'GRAPHQL_VALIDATION_FAILED' },
    });
    expect((await stack.requests('civis')).total).toBe(0);
  });

  it('exports the subscriptions’ metrics', async () => {
    const text = await (await fetch(stack.url.replace(/\/graphql$/, '/metrics'))).text();
    expect(text).toMatch(/^augur_subscriptions_active\{transport="sse"\} \d+/m);
    expect(text).toMatch(/^augur_subscriptions_active\{transport="ws"\} \d+/m);
    expect(text).toMatch(/^augur_live_pollers_active \d+/m);
    expect(text).toMatch(/^augur_live_polls_total\{platform="civis",outcome="ok"\} [1-9]/m);
    expect(text).toMatch(/^augur_subscription_events_total\{transport="ws"\} [1-9]/m);
  });
});
