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
