/**
 * Test-only helpers: real gateway processes (`node dist/src/server/main.js`, built by the global setup) and the
 * emulators they share, started in the test process.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { EMULATORS, type Emulator, type LoggedRequest } from '@augur/emulators';
import { freePort } from '../helpers/ports.js';

export interface GraphQLResult {
  status: number;
  data?: Record<string, any> | null;
  errors?: Array<{ message: string; extensions?: Record<string, unknown> }>;
  ms: number;
}

export interface Replica {
  name: string;
  url: string;
  origin: string;
  /** Every JSON log line the process wrote so far. */
  logs: Array<Record<string, unknown>>;
  gql(query: string, variables?: Record<string, unknown>, headers?: Record<string, string>): Promise<GraphQLResult>;
  /** Waits until a log line matches, among the lines from index `from` on (default: all). */
  waitForLog(match: (line: Record<string, unknown>) => boolean, timeoutMs?: number, from?: number): Promise<Record<string, unknown>>;
  metrics(): Promise<string>;
  stop(): Promise<void>;
}

export async function post(url: string, body: unknown, headers: Record<string, string> = {}): Promise<GraphQLResult> {
  const started = performance.now();
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  const json = (await res.json()) as { data?: Record<string, any> | null; errors?: GraphQLResult['errors'] };
  return { status: res.status, ...json, ms: performance.now() - started };
}

/** Starts one gateway process with `env` (and nothing else from this process's environment but PATH). */
export async function startReplica(name: string, env: Record<string, string>): Promise<Replica> {
  const port = await freePort();
  const child: ChildProcess = spawn(process.execPath, ['dist/src/server/main.js'], {
    // Sharing between operations (docs/caching.md) is off unless a suite turns it on: these suites count upstream calls.
    env: {
      PATH: process.env['PATH'] ?? '',
      HOST: '127.0.0.1',
      PORT: String(port),
      LOG_LEVEL: 'info',
      AUGUR_ENTITY_CACHE_TTLS: 'previsto=0',
      AUGUR_SHARE_READS: 'false',
      AUGUR_CROSS_BATCH: 'false',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: Array<Record<string, unknown>> = [];
  let stderr = '';
  let buffered = '';
  const waiters = new Set<() => void>();
  child.stdout!.on('data', (chunk: Buffer) => {
    buffered += chunk.toString('utf8');
    const lines = buffered.split('\n');
    buffered = lines.pop()!;
    for (const line of lines) {
      if (!line.trim()) continue;
      try {
        logs.push(JSON.parse(line) as Record<string, unknown>);
      } catch {
        logs.push({ raw: line });
      }
    }
    for (const w of waiters) w();
  });
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

  const waitForLog = (match: (line: Record<string, unknown>) => boolean, timeoutMs = 10_000, from = 0): Promise<Record<string, unknown>> =>
    new Promise((resolve, reject) => {
      const check = (): boolean => {
        const found = logs.find((line, i) => i >= from && match(line));
        if (found) {
          waiters.delete(onData);
          clearTimeout(timer);
          resolve(found);
        }
        return !!found;
      };
      const onData = (): void => void check();
      const timer = setTimeout(() => {
        waiters.delete(onData);
        reject(
          new Error(
            `${name}: no matching log line within ${timeoutMs} ms. stderr: ${stderr.slice(-2000)} last logs: ${JSON.stringify(logs.slice(-5))}`,
          ),
        );
      }, timeoutMs);
      if (!check()) waiters.add(onData);
    });

  try {
    await Promise.race([
      waitForLog((l) => l['event'] === 'listening', 20_000),
      exited.then((code) => {
        throw new Error(`${name} exited with ${code} before listening: ${stderr.slice(-2000)} ${JSON.stringify(logs.slice(-5))}`);
      }),
    ]);
  } catch (err) {
    child.kill('SIGKILL');
    throw err;
  }
  const origin = `http://127.0.0.1:${port}`;
  const url = `${origin}/graphql`;
  return {
    name,
    url,
    origin,
    logs,
    gql: (query, variables, headers) => post(url, { query, variables }, headers),
    waitForLog,
    metrics: async () => (await fetch(`${origin}/metrics`)).text(),
    async stop() {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** One emulator of each platform (two Dataiku ones, so replicas can see different upstream health). */
export interface SharedUpstreams {
  previsto: Emulator;
  dataikuA: Emulator;
  dataikuB: Emulator;
  prevision: Emulator;
  civis: Emulator;
  /** The environment pointing a replica at these emulators (`dataiku` picks A or B). */
  env(dataiku: 'A' | 'B'): Record<string, string>;
  previstoLog(): Promise<LoggedRequest[]>;
  close(): Promise<void>;
}

export async function startUpstreams(previstoOptions: Record<string, unknown>): Promise<SharedUpstreams> {
  const previsto = EMULATORS.previsto.create(previstoOptions as never);
  const dataikuA = EMULATORS.dataiku.create();
  const dataikuB = EMULATORS.dataiku.create();
  const prevision = EMULATORS.prevision.create();
  const civis = EMULATORS.civis.create();
  const all = [previsto, dataikuA, dataikuB, prevision, civis];
  await Promise.all(all.map((e) => e.listen(0)));
  return {
    previsto,
    dataikuA,
    dataikuB,
    prevision,
    civis,
    env: (dataiku) => ({
      PREVISTO_URL: previsto.url,
      PREVISTO_API_KEY: 'sk_augur_demo',
      DATAIKU_APINODE_URL: (dataiku === 'A' ? dataikuA : dataikuB).url,
      DATAIKU_API_KEY: 'augur-demo-dataiku',
      AUGUR_DATAIKU_ENDPOINTS: 'augur-demo/churn:PREDICTION',
      PREVISION_URL: prevision.url,
      PREVISION_MASTER_TOKEN: 'augur-demo-prevision',
      CIVIS_API_ENDPOINT: civis.url,
      CIVIS_API_KEY: 'augur-demo-civis',
    }),
    async previstoLog() {
      const res = (await (await fetch(`${previsto.url}/_emulator/requests?log=1`)).json()) as { log: LoggedRequest[] };
      return res.log;
    },
    close: async () => void (await Promise.all(all.map((e) => e.close()))),
  };
}

/** The most requests in any `windowMs` interval of a log. */
export function maxInWindow(times: number[], windowMs: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let max = 0;
  let start = 0;
  for (let end = 0; end < sorted.length; end++) {
    while (sorted[end]! - sorted[start]! >= windowMs) start++;
    max = Math.max(max, end - start + 1);
  }
  return max;
}
