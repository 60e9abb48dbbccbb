/**
 * A Civis job run that fails for real (the emulator fails each run of a script whose code raises: see
 * emulators/src/civis/scriptOutcome.ts), watched over SSE and over WebSocket: its states in order, `FAILED` last with
 * the run's error, then the subscription completes and the poller stops.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CIVIS_DEMO_API_KEY } from '@augur/emulators/civis';
import { startStack, type TestStack } from '../helpers/stack.js';
import { sseSubscribe, until, wsClient, wsSubscribe, type Subscription } from '../helpers/live.js';

// Without the nested `job`: the emulator counts a read of the job as a poll of its newest run, which would make the
// number of run reads below depend on timing.
const WATCH_RUN = 'subscription($id: ID!) { civisJobRun(id: $id) { id platformId state startedAt finishedAt error } }';
const RUN_ROUTE = 'GET /jobs/{id}/runs/{run_id}';
const ERROR = 'RuntimeError: no rows to score';

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

/** A Python script whose code raises, created on the Civis emulator as its owner would; answers its platform id. */
async function failingScript(): Promise<string> {
  const res = await fetch(`${stack.embedded.emulators.civis!.url}/scripts/python3`, {
    method: 'POST',
    headers: { authorization: `Bearer ${CIVIS_DEMO_API_KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'Score customers', source: `import civis\nraise RuntimeError("no rows to score")\n` }),
  });
  expect(res.status).toBe(201);
  return String(((await res.json()) as { id: number }).id);
}

/** Starts a run of the job through Augur's mutation; answers the run's global id. */
async function startRun(platformId: string): Promise<string> {
  const jobId = stack.augur.services.codec.encode('CivisJob', platformId);
  const r = await stack.gql(`mutation($i: RunCivisJobInput!) { runCivisJob(input: $i) { run { id state } userErrors { message } } }`, {
    i: { jobId },
  });
  expect(r.data!.runCivisJob.userErrors).toEqual([]);
  expect(r.data!.runCivisJob.run.state).toBe('QUEUED');
  return r.data!.runCivisJob.run.id as string;
}

function expectFailedRun(sub: Subscription, id: string): void {
  const runs = sub.events.map((e) => {
    expect(e.errors).toBeUndefined();
    return e.data.civisJobRun;
  });
  expect(runs.map((r) => r.state)).toEqual(['RUNNING', 'FAILED']);
  expect(runs[0]).toMatchObject({ id, error: null, finishedAt: null });
  expect(runs[1]).toMatchObject({ id, error: ERROR, startedAt: expect.any(String), finishedAt: expect.any(String) });
}

describe('a failing civisJobRun', () => {
  it('over SSE: RUNNING, then FAILED with its error, then complete, and the poller stops', async () => {
    const job = await failingScript();
    const id = await startRun(job);
    const sub = await sseSubscribe(stack.url, WATCH_RUN, { id });
    expect(sub.status).toBe(200);
    await sub.done;
    expectFailedRun(sub, id);
    // One read per poll (the run fails on its third), the last one finding it failed; nothing more is read.
    expect((await stack.requests('civis')).byRoute[RUN_ROUTE]).toBe(3);
    await until(() => stack.augur.live.activePollers === 0, 5_000, 'the poller to stop');
    await new Promise((r) => setTimeout(r, 200));
    expect((await stack.requests('civis')).byRoute[RUN_ROUTE]).toBe(3);
  });

  it('over WebSocket: RUNNING, then FAILED with its error, then complete, and the poller stops', async () => {
    const job = await failingScript();
    const id = await startRun(job);
    const client = wsClient(stack.url, { 'x-civis-api-key': CIVIS_DEMO_API_KEY });
    try {
      const sub = wsSubscribe(client, WATCH_RUN, { id });
      // `done` resolves on the protocol's `complete` message (and rejects on an `error` one).
      await sub.done;
      expectFailedRun(sub, id);
      expect((await stack.requests('civis')).byRoute[RUN_ROUTE]).toBe(3);
      await until(() => stack.augur.live.activePollers === 0 && stack.augur.live.subscriptions === 0, 5_000, 'the poller to stop');
    } finally {
      await client.dispose();
    }
  });

  it('a subscriber joining after the run failed gets FAILED with its error at once, then complete', async () => {
    const job = await failingScript();
    const id = await startRun(job);
    const first = await sseSubscribe(stack.url, WATCH_RUN, { id });
    await first.done;
    const late = await sseSubscribe(stack.url, WATCH_RUN, { id });
    await late.done;
    expect(late.events.map((e) => [e.data.civisJobRun.state, e.data.civisJobRun.error])).toEqual([['FAILED', ERROR]]);
    // The first poller stopped at FAILED: the late subscriber's poller reads the run once, finds it final, and stops.
    expect((await stack.requests('civis')).byRoute[RUN_ROUTE]).toBe(4);
  });
});
