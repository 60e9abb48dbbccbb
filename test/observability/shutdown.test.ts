import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import http from 'node:http';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { scoreChurn } from '@augur/emulators/dataiku';
import { EMULATORS, type Emulator } from '@augur/emulators';
import { SEED_IDS } from '@augur/emulators/civis';
import { sseSubscribe, until, wsClient, wsSubscribe } from '../helpers/live.js';

// The gateway process from the unbundled build (test/processes/start.test.ts runs the bundle `npm start` runs);
// `dist/` is built by the suite's global setup.
const MAIN = fileURLToPath(new URL('../../dist/src/server/main.js', import.meta.url));
const SLOW = `query Slow { predict(endpointName: "churn", features: { name: "Anna Jensen" }) { raw } }`;

const emulators = {} as Record<keyof typeof EMULATORS, Emulator>;
beforeAll(async () => {
  if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: build with "npm run build" (the test suite's global setup does).`);
  for (const platform of Object.keys(EMULATORS) as Array<keyof typeof EMULATORS>) {
    emulators[platform] = EMULATORS[platform].create();
    await emulators[platform].listen(0);
  }
});
afterAll(async () => {
  await Promise.all(Object.values(emulators).map((e) => e.close()));
});
beforeEach(async () => {
  await Promise.all(Object.values(emulators).map((e) => fetch(`${e.url}/_emulator/reset`, { method: 'POST' })));
});

interface Gateway {
  child: ChildProcess;
  url: string;
  logs: Array<Record<string, unknown>>;
  exit: Promise<number | null>;
  /** Resolves with the first log line of this event. */
  next(event: string): Promise<Record<string, unknown>>;
}

let running: ChildProcess | undefined;
afterEach(() => {
  if (running && running.exitCode === null && running.signalCode === null) running.kill('SIGKILL');
  running = undefined;
});

/** Spawns `node dist/src/server/main.js` against the emulators of this process and waits until it listens. */
async function spawnGateway(env: Record<string, string> = {}): Promise<Gateway> {
  const child = spawn(process.execPath, [MAIN], {
    env: {
      PATH: process.env['PATH'] ?? '',
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
      DATAIKU_APINODE_URL: emulators.dataiku.url,
      DATAIKU_API_KEY: 'augur-demo-dataiku',
      AUGUR_DATAIKU_ENDPOINTS: 'augur-demo/churn:PREDICTION',
      PREVISTO_URL: emulators.previsto.url,
      PREVISTO_API_KEY: 'sk_augur_demo',
      PREVISION_URL: `${emulators.prevision.url}/ext/v1`,
      PREVISION_MASTER_TOKEN: 'augur-demo-prevision',
      CIVIS_API_ENDPOINT: emulators.civis.url,
      CIVIS_API_KEY: 'augur-demo-civis',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running = child;
  const logs: Array<Record<string, unknown>> = [];
  const waiters: Array<{ event: string; resolve(line: Record<string, unknown>): void }> = [];
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
  createInterface({ input: child.stdout }).on('line', (text) => {
    let line: Record<string, unknown>;
    try {
      line = JSON.parse(text) as Record<string, unknown>;
    } catch {
      return;
    }
    logs.push(line);
    for (const w of waiters.filter((w) => w.event === line['event'])) {
      waiters.splice(waiters.indexOf(w), 1);
      w.resolve(line);
    }
  });
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const next = (event: string) => {
    const seen = logs.find((l) => l['event'] === event);
    return seen ? Promise.resolve(seen) : new Promise<Record<string, unknown>>((resolve) => waiters.push({ event, resolve }));
  };
  const listening = await Promise.race([
    next('listening'),
    exit.then((code) => {
      throw new Error(`the gateway exited with ${code} before listening: ${stderr}`);
    }),
  ]);
  return { child, url: listening['url'] as string, logs, exit, next };
}

/** Posts a GraphQL operation on a fresh connection. */
function post(url: string, query: string): Promise<{ status: number; body: string; endedAt: number }> {
  return new Promise((resolve, reject) => {
    const payload = JSON.stringify({ query });
    const req = http.request(
      url,
      { method: 'POST', agent: false, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } },
      (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString('utf8')));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body, endedAt: Date.now() }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

/** GETs on a fresh connection: a pooled keep-alive socket may be the one the gateway closes as it starts draining. */
function get(url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { agent: false }, (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString('utf8')));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        res.on('error', reject);
      })
      .on('error', reject);
  });
}

/** Resolves once the Dataiku emulator has received a request (it then holds it for the injected latency). */
async function dataikuReceived(): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const { total } = (await (await fetch(`${emulators.dataiku.url}/_emulator/requests`)).json()) as { total: number };
    if (total > 0) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error('the slow operation never reached the Dataiku emulator');
}

async function slowDataiku(latencyMs: number): Promise<void> {
  const res = await fetch(`${emulators.dataiku.url}/_emulator/faults`, { method: 'POST', body: JSON.stringify({ latencyMs }) });
  expect(res.status).toBe(200);
}

describe('SIGTERM', () => {
  it('completes every open subscription with SHUTTING_DOWN, then drains and exits 0', async () => {
    const gateway = await spawnGateway({ AUGUR_LIVE_POLL_MIN_MS: '50' });
    // The seeded run that stays RUNNING: its subscriptions stay open until the gateway stops.
    const r = await fetch(gateway.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: `{ civis { job(platformId: "${SEED_IDS.runningJob}") { lastRun { id } } } }` }),
    });
    const id = ((await r.json()) as { data: { civis: { job: { lastRun: { id: string } } } } }).data.civis.job.lastRun.id;
    const query = 'subscription($id: ID!) { civisJobRun(id: $id) { state } }';
    const sse = await sseSubscribe(gateway.url, query, { id });
    const client = wsClient(gateway.url);
    const ws = wsSubscribe(client, query, { id });
    await until(() => sse.events.length === 1 && ws.events.length === 1, 15_000, 'first events');
    gateway.child.kill('SIGTERM');
    await Promise.all([sse.done, ws.done]);
    for (const events of [sse.events, ws.events]) {
      expect(events[0]!.data).toEqual({ civisJobRun: { state: 'RUNNING' } });
      expect(events.at(-1)!.errors![0]!.extensions!['code']).toBe('SHUTTING_DOWN');
    }
    expect(await gateway.exit).toBe(0);
    expect(gateway.logs.find((l) => l['event'] === 'subscriptions_closing')).toMatchObject({ subscriptions: 2 });
    expect(gateway.logs.find((l) => l['event'] === 'stopped')).toMatchObject({ drained: true });
    await client.dispose();
  });

  it('stops accepting connections, answers the operation in flight with its data, then exits 0', async () => {
    const gateway = await spawnGateway();
    await slowDataiku(1500);
    const inFlight = post(gateway.url, SLOW);
    inFlight.catch(() => undefined); // awaited below; this only keeps a failed run from also reporting it unhandled
    await dataikuReceived();
    const signalledAt = Date.now();
    gateway.child.kill('SIGTERM');

    expect(await gateway.next('shutdown')).toMatchObject({ signal: 'SIGTERM', inFlight: 1, graceMs: 10_000 });
    // A new connection is refused, or reset when it reached the backlog just before the listener closed.
    await expect(post(gateway.url, `{ __typename }`)).rejects.toThrow(/ECONNREFUSED|ECONNRESET/);

    const answered = await inFlight;
    expect(answered.status).toBe(200);
    expect(JSON.parse(answered.body)).toEqual({
      data: { predict: { raw: scoreChurn({ name: 'Anna Jensen' }) } },
    });
    expect(answered.endedAt).toBeGreaterThan(signalledAt);
    expect(await gateway.exit).toBe(0);
    expect(gateway.logs.find((l) => l['event'] === 'operation')).toMatchObject({ operationName: 'Slow', outcome: 'ok', upstreamCalls: 1 });
    expect(gateway.logs.find((l) => l['event'] === 'stopped')).toMatchObject({ drained: true });
    const { byRoute } = (await (await fetch(`${emulators.dataiku.url}/_emulator/requests`)).json()) as { byRoute: Record<string, number> };
    expect(byRoute).toEqual({ 'POST /public/api/v1/{service}/{endpoint}/predict': 1 });
  });

  it('with AUGUR_SHUTDOWN_DELAY_MS, fails readiness at once and keeps serving for the delay before draining', async () => {
    const gateway = await spawnGateway({ AUGUR_SHUTDOWN_DELAY_MS: '800' });
    const readyz = gateway.url.replace(/graphql$/, 'readyz');
    expect((await get(readyz)).status).toBe(200);
    const signalledAt = Date.now();
    gateway.child.kill('SIGTERM');
    expect(await gateway.next('shutdown_delay')).toMatchObject({ signal: 'SIGTERM', delayMs: 800 });

    // Not ready, without probing any platform...
    const before = (await (await fetch(`${emulators.dataiku.url}/_emulator/requests`)).json()) as { total: number };
    const notReady = await get(readyz);
    expect(notReady.status).toBe(503);
    expect(JSON.parse(notReady.body)).toEqual({ ready: false, draining: true });
    // ...yet a request arriving on a new connection during the delay is still answered, closing its connection.
    const late = await new Promise<{ status: number; connection: string | undefined; body: string }>((resolve, reject) => {
      const payload = JSON.stringify({ query: SLOW });
      const req = http.request(gateway.url, { method: 'POST', agent: false, headers: { 'content-type': 'application/json' } }, (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString('utf8')));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, connection: res.headers.connection, body }));
      });
      req.on('error', reject);
      req.end(payload);
    });
    expect(Date.now() - signalledAt).toBeLessThan(800);
    expect(late.status).toBe(200);
    expect(late.connection).toBe('close');
    expect(JSON.parse(late.body).data.predict.raw.prediction).toEqual(expect.any(String));
    const after = (await (await fetch(`${emulators.dataiku.url}/_emulator/requests`)).json()) as { total: number };
    expect(after.total - before.total).toBe(1); // the predict; readiness probed nothing

    // After the delay the listener closes and the process drains and exits.
    await gateway.next('shutdown');
    expect(Date.now() - signalledAt).toBeGreaterThanOrEqual(790);
    await expect(post(gateway.url, `{ __typename }`)).rejects.toThrow(/ECONNREFUSED|ECONNRESET/);
    expect(await gateway.exit).toBe(0);
    expect(gateway.logs.filter((l) => (l['level'] as number) >= 40)).toEqual([]);
  });

  it('gives up on requests still in flight after AUGUR_SHUTDOWN_GRACE_MS and exits 1', async () => {
    const gateway = await spawnGateway({ AUGUR_SHUTDOWN_GRACE_MS: '300' });
    await slowDataiku(5000);
    const inFlight = post(gateway.url, SLOW).then(
      (r) => r,
      (err: Error) => err,
    );
    await dataikuReceived();
    const signalledAt = Date.now();
    gateway.child.kill('SIGTERM');
    expect(await gateway.exit).toBe(1);
    expect(Date.now() - signalledAt).toBeLessThan(3000);
    expect(await inFlight).toBeInstanceOf(Error); // the connection was closed unanswered
    expect(gateway.logs.find((l) => l['event'] === 'shutdown_timeout')).toMatchObject({ inFlight: 1, graceMs: 300 });
    expect(gateway.logs.find((l) => l['event'] === 'stopped')).toMatchObject({ drained: false });
  });
});
