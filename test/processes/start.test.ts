/**
 * What `npm start` runs: package.json's start script (Node.js flags included) on the bundle in dist/augur/, built by
 * the suite's global setup. Checks the heap flags take effect, and that the bundle's lazily loaded chunks (compiled
 * execution, Federation) and its shims work in a real process.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const START = (
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { scripts: Record<string, string> }
).scripts['start']!.replace(/^exec /, '');

let running: ChildProcess | undefined;
afterEach(() => {
  if (running && running.exitCode === null && running.signalCode === null) running.kill('SIGKILL');
  running = undefined;
});

/** Runs the start script's command line (without a shell) with every platform emulated in-process. */
async function start(env: Record<string, string> = {}): Promise<{ url: string; listening: Record<string, unknown> }> {
  const [node, ...args] = START.split(' ');
  expect(node).toBe('node');
  expect(args.at(-1)).toBe('dist/augur/main.js');
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: { PATH: process.env['PATH'] ?? '', PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running = child;
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
  const listening = await new Promise<Record<string, unknown>>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`the gateway exited with ${code} before listening: ${stderr}`)));
    createInterface({ input: child.stdout }).on('line', (text) => {
      try {
        const line = JSON.parse(text) as Record<string, unknown>;
        if (line['event'] === 'listening') resolve(line);
      } catch {
        // not a log line
      }
    });
  });
  return { url: listening['url'] as string, listening };
}

async function gql(url: string, query: string): Promise<{ status: number; body: Record<string, any> }> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query }) });
  return { status: res.status, body: (await res.json()) as Record<string, any> };
}

describe('npm start', () => {
  it('starts with the heap its flags set, and answers through compiled execution', async () => {
    expect(START).toMatch(/--max-old-space-size=1024/);
    const { url, listening } = await start();
    // heap_size_limit is the old generation's limit plus the young generation's.
    expect(listening['heapLimitMb']).toBeGreaterThanOrEqual(1024);
    expect(listening['heapLimitMb']).toBeLessThan(1100);
    expect(Object.values(listening['platforms'] as Record<string, { emulated: boolean }>).every((p) => p.emulated)).toBe(true);
    const r = await gql(
      url,
      `{ predict(endpointName: "churn", features: {name: "Anna Jensen"}) { raw } assignments(first: 5) { edges { node { contact { name } } } } }`,
    );
    expect(r.status).toBe(200);
    expect(r.body['errors']).toBeUndefined();
    expect(r.body['data'].predict.raw.prediction).toEqual(expect.any(String));
    expect(r.body['data'].assignments.edges).toHaveLength(5);
    // The same document again is served from Apollo's document cache, keyed by the query's hash.
    expect(
      (await gql(url, `{ predict(endpointName: "churn", features: {name: "Anna Jensen"}) { raw } }`)).body['data'].predict.raw.prediction,
    ).toEqual(r.body['data'].predict.raw.prediction);
  });

  it('loads an optional feature from its own chunk when configured (Federation)', async () => {
    const { url } = await start({ AUGUR_FEDERATION: 'true' });
    const r = await gql(url, `{ _service { sdl } }`);
    expect(r.status).toBe(200);
    expect(r.body['data']._service.sdl).toContain('type Contact');
  });

  it('downloads a Civis result file through the bundled HTTP client', async () => {
    // The bundle's undici is a shim (scripts/bundle-shims/undici.cjs): its `request` reads Civis result files.
    const { url } = await start();
    const created = await gql(
      url,
      `mutation { createCivisQuery(input: {databaseName: "redshift-general", sql: "SELECT customer_id, email FROM public.customers LIMIT 12", previewRows: 1}) { query { id } userErrors { message } } }`,
    );
    expect(created.body['data'].createCivisQuery.userErrors).toEqual([]);
    const id = created.body['data'].createCivisQuery.query.id as string;
    let rows: Record<string, any> | undefined;
    for (let i = 0; i < 10 && !rows; i++) {
      const r = await gql(url, `{ civis { query(id: "${id}") { state rows(first: 20) { totalCount nodes { values } } } } }`);
      if (r.body['data']?.civis.query.state === 'SUCCEEDED') rows = r.body['data'].civis.query.rows;
    }
    expect(rows?.['totalCount']).toBe(12);
    expect(rows?.['nodes'][11].values).toEqual(['12', 'user12@example.com']);
  });
});
