/**
 * Test-only: `startStack()` in a worker thread. A test whose subject may hang the gateway's event loop (a document
 * that costs seconds of CPU to validate) drives it from here: the test thread's timers and fetch timeouts still fire,
 * so a hang fails its test within the timeout instead of freezing the whole file, and `restart()` brings up a fresh
 * stack for the next test (terminating a worker stops its JavaScript even mid-computation).
 *
 * Vitest transforms TypeScript only in its own thread, so the worker's entry is bundled first with esbuild (project
 * files inlined, packages left to Node) into `dist/test-helpers/`, where the schema lookup finds `schema/`.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { build } from 'esbuild';
import type { StackOptions } from './stack.js';
import type { StackWorkerMessage } from './stackWorker.js';
import type { PlatformName } from '../../src/core/upstream.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const OUT = path.join(ROOT, 'dist', 'test-helpers', 'stackWorker.mjs');

export interface ThreadStack {
  /** The gateway's `/graphql` URL. */
  readonly url: string;
  /** `GET /_emulator/requests` of one emulator. */
  requests(platform: PlatformName, timeoutMs?: number): Promise<{ total: number; byRoute: Record<string, number> }>;
  /** Request totals of every emulator, by platform. */
  totals(timeoutMs?: number): Promise<Record<PlatformName, number>>;
  /** Resets every emulator (data, counters, faults, windows). */
  reset(timeoutMs?: number): Promise<void>;
  /** Terminates the worker, whatever it is doing, and starts a fresh stack with the same options. */
  restart(): Promise<void>;
  /** Terminates the worker as a crash would: nothing is closed or released first. */
  kill(): Promise<void>;
  close(): Promise<void>;
}

let bundled: Promise<void> | undefined;

function bundle(): Promise<void> {
  mkdirSync(path.dirname(OUT), { recursive: true });
  bundled ??= build({
    entryPoints: [path.join(ROOT, 'test', 'helpers', 'stackWorker.ts')],
    outfile: OUT,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    logLevel: 'error',
  }).then(() => undefined);
  return bundled;
}

interface Running {
  worker: Worker;
  url: string;
  emulators: Record<string, string>;
}

async function spawn(options: StackOptions): Promise<Running> {
  await bundle();
  const worker = new Worker(OUT, { workerData: options, execArgv: [], stdout: true, stderr: true });
  // Captured and dropped: the stack logs at debug level.
  worker.stdout.resume();
  worker.stderr.resume();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      void worker.terminate();
      reject(new Error('The stack worker did not start within 30 s.'));
    }, 30_000);
    worker.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    worker.on('message', (m: StackWorkerMessage) => {
      if (m.type === 'ready') {
        clearTimeout(timer);
        resolve({ worker, url: m.url, emulators: m.emulators });
      } else if (m.type === 'failed') {
        clearTimeout(timer);
        void worker.terminate();
        reject(new Error(`The stack worker failed to start: ${m.error}`));
      }
    });
  });
}

async function stop(running: Running): Promise<void> {
  const closed = new Promise<void>((resolve) => {
    running.worker.on('message', (m: StackWorkerMessage) => m.type === 'closed' && resolve());
    running.worker.once('exit', () => resolve());
  });
  running.worker.postMessage({ type: 'close' });
  // A worker stuck in a computation never answers: terminate it after a grace period.
  await Promise.race([closed, new Promise((r) => setTimeout(r, 5_000))]);
  await running.worker.terminate();
}

async function control(url: string, init: RequestInit, timeoutMs: number): Promise<unknown> {
  const res = await fetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs) });
  if (!res.ok) throw new Error(`${init.method ?? 'GET'} ${url} answered ${res.status}: ${await res.text()}`);
  return res.json();
}

/** Starts emulators and gateway (`startStack(options)`) in a worker thread. */
export async function startThreadStack(options: StackOptions = {}): Promise<ThreadStack> {
  let running = await spawn(options);
  const emulatorUrl = (platform: PlatformName): string => {
    const url = running.emulators[platform];
    if (!url) throw new Error(`${platform} is not emulated in this stack`);
    return url;
  };
  const requests = (platform: PlatformName, timeoutMs = 2_000) =>
    control(`${emulatorUrl(platform)}/_emulator/requests`, {}, timeoutMs) as Promise<{ total: number; byRoute: Record<string, number> }>;
  return {
    get url() {
      return running.url;
    },
    requests,
    async totals(timeoutMs) {
      const platforms = Object.keys(running.emulators) as PlatformName[];
      const counts = await Promise.all(platforms.map((p) => requests(p, timeoutMs)));
      return Object.fromEntries(platforms.map((p, i) => [p, counts[i]!.total])) as Record<PlatformName, number>;
    },
    async reset(timeoutMs = 2_000) {
      await Promise.all(Object.values(running.emulators).map((url) => control(`${url}/_emulator/reset`, { method: 'POST' }, timeoutMs)));
    },
    async restart() {
      await running.worker.terminate();
      running = await spawn(options);
    },
    async kill() {
      await running.worker.terminate();
    },
    close: () => stop(running),
  };
}
