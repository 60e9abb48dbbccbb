/**
 * Two gateways sharing one Redis and one Civis: subscribers on both receive every event while one of them polls, and
 * when the polling replica dies (its worker thread terminated, nothing released) the other takes the lease over.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CIVIS_DEMO_API_KEY, SEED_IDS } from '@augur/emulators/civis';
import { startRedis, type TestRedis } from '../helpers/redis.js';
import { startStack, type TestStack } from '../helpers/stack.js';
import { startThreadStack, type ThreadStack } from '../helpers/threadStack.js';
import { sseSubscribe, until } from '../helpers/live.js';

const WATCH_RUN = `subscription($id: ID!) { civisJobRun(id: $id) { id state } }`;
const RUN_ROUTE = 'GET /jobs/{id}/runs/{run_id}';
const LIVE = { AUGUR_LIVE_POLL_MIN_MS: '20', AUGUR_LIVE_POLL_MAX_MS: '80', AUGUR_LIVE_LEASE_MS: '600' };

let redis: TestRedis;
let a: TestStack;
let b: ThreadStack;

beforeAll(async () => {
  redis = await startRedis();
  // Replica A runs the Civis emulator; replica B (its own thread, so it can die) reads the same one.
  a = await startStack({ env: { REDIS_URL: redis.url, ...LIVE }, emulatorOptions: { civis: { runReadsToFinish: 8 } } });
  b = await startThreadStack({
    env: { REDIS_URL: redis.url, ...LIVE, CIVIS_API_ENDPOINT: a.embedded.emulators.civis!.url, CIVIS_API_KEY: CIVIS_DEMO_API_KEY },
  });
}, 60_000);

afterAll(async () => {
  await b?.close();
  await a?.close();
  await redis?.close();
});

const leases = async () => redis.client().keys('augur:live:lease:*');

describe('subscriptions across replicas over Redis', () => {
  it('delivers every event to subscribers on both replicas, with one poller between them', async () => {
    await a.reset();
    const jobId = a.augur.services.codec.encode('CivisJob', String(SEED_IDS.idleJob));
    const run = await a.gql(`mutation($i: RunCivisJobInput!) { runCivisJob(input: $i) { run { id } } }`, { i: { jobId } });
    const id = run.data!.runCivisJob.run.id as string;
    const onA = await sseSubscribe(a.url, WATCH_RUN, { id });
    const onB = await sseSubscribe(b.url, WATCH_RUN, { id });
    await Promise.all([onA.done, onB.done]);
    const states = (s: typeof onA) => s.events.map((e) => e.data?.civisJobRun?.state);
    expect(states(onA)).toEqual(['RUNNING', 'SUCCEEDED']);
    expect(states(onB)).toEqual(['RUNNING', 'SUCCEEDED']);
    // The run finishes on its eighth polling read: one poller made them (one more read at most, by the replica that
    // joined before anything was published).
    const reads = (await a.requests('civis')).byRoute[RUN_ROUTE]!;
    expect(reads).toBeGreaterThanOrEqual(7);
    expect(reads).toBeLessThanOrEqual(8);
    await until(async () => (await leases()).length === 0, 5_000, 'the lease to be released');
  });

  it('hands the poll over when the polling replica dies', async () => {
    const r = await a.gql(`{ civis { job(platformId: "${SEED_IDS.runningJob}") { lastRun { id } } } }`);
    const id = r.data!.civis.job.lastRun.id as string;
    // B subscribes first, so B polls; A listens.
    const onB = await sseSubscribe(b.url, WATCH_RUN, { id });
    await until(() => onB.events.length === 1, 10_000, 'B’s first event');
    const onA = await sseSubscribe(a.url, WATCH_RUN, { id });
    await until(() => onA.events.length === 1, 10_000, 'A’s first event');
    const [lease] = await leases();
    const holder = await redis.client().get(lease!);
    expect(holder).toBeTruthy();

    await b.kill();
    // Within the lease's TTL (600 ms) and a third of it, A holds the lease and polls.
    await until(
      async () => (await redis.client().get(lease!)) !== holder && (await redis.client().get(lease!)) !== null,
      10_000,
      'A to take the lease',
    );
    const before = (await a.requests('civis')).byRoute[RUN_ROUTE] ?? 0;
    await until(async () => ((await a.requests('civis')).byRoute[RUN_ROUTE] ?? 0) > before + 1, 10_000, 'A to poll');
    // A's subscriber saw no error and no duplicate: the run has not changed.
    expect(onA.events.map((e) => e.data?.civisJobRun?.state)).toEqual(['RUNNING']);
    onA.close();
    await until(() => a.augur.live.activePollers === 0, 5_000, 'A’s poller to stop');
  });
});
