/**
 * `npm start` as a developer runs it: stopping npm, with Ctrl-C (SIGINT to the terminal's process group) or with
 * SIGTERM to npm's own pid, stops the server, and nothing keeps the port. Every platform points at an unused address,
 * so no emulator binds its fixed port and tests running beside this one are not disturbed; the server answers
 * `{ __typename }` and `GET /` without calling any platform.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const NOWHERE = 'http://127.0.0.1:9';

let npm: ChildProcess | undefined;
afterEach(() => {
  if (npm?.pid && npm.exitCode === null && npm.signalCode === null) {
    try {
      process.kill(-npm.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  npm = undefined;
});

/** `npm start` without its prestart build (the suite's global setup built dist/), in a process group of its own. */
async function npmStart(): Promise<{ port: number; child: ChildProcess }> {
  const child = spawn('npm', ['start', '--ignore-scripts', '--silent'], {
    cwd: ROOT,
    detached: true,
    env: {
      ...process.env,
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
      PREVISTO_URL: NOWHERE,
      PREVISION_URL: NOWHERE,
      CIVIS_API_ENDPOINT: NOWHERE,
      DATAIKU_APINODE_URL: NOWHERE,
      AUGUR_DATAIKU_ENDPOINTS: 'svc/churn:PREDICTION',
      AUGUR_SHUTDOWN_GRACE_MS: '2000',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  npm = child;
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
  const url = await new Promise<string>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`npm start exited with ${code} before listening: ${stderr}`)));
    createInterface({ input: child.stdout }).on('line', (text) => {
      if (!text.startsWith('{')) return;
      const line = JSON.parse(text) as Record<string, unknown>;
      if (line['event'] === 'listening') resolve(line['url'] as string);
    });
  });
  return { port: Number(new URL(url).port), child };
}

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

async function portClosesWithin(port: number, ms: number): Promise<boolean> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (!(await portOpen(port))) return true;
    await new Promise((r) => setTimeout(r, 200));
  }
  return false;
}

describe('npm start', { timeout: 60_000 }, () => {
  it('answers GET / with where things are, to a client that is not a browser', async () => {
    const { port } = await npmStart();
    const res = await fetch(`http://127.0.0.1:${port}/`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ service: 'augur', graphql: '/graphql', health: '/healthz' });
    const graphql = await fetch(`http://127.0.0.1:${port}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ __typename }' }),
    });
    expect(await graphql.json()).toEqual({ data: { __typename: 'Query' } });
  });

  it('stops the server when npm gets SIGTERM, leaving nothing on the port', async () => {
    const { port, child } = await npmStart();
    expect(await portOpen(port)).toBe(true);
    child.kill('SIGTERM');
    expect(await portClosesWithin(port, 15_000)).toBe(true);
  });

  it('stops the server on Ctrl-C (SIGINT to the process group)', async () => {
    const { port, child } = await npmStart();
    process.kill(-child.pid!, 'SIGINT');
    expect(await portClosesWithin(port, 15_000)).toBe(true);
  });
});
