/**
 * `npm run bench:proxy` (bench/proxy.mjs), bounded: the bare proxy and the minimal Apollo Server answer the
 * aliased-predicts operation as the gateway does (the script checks each answer before measuring), and the script
 * reports the three processes' CPU per operation beside the floor, their peak RSS and their cold starts beside a bare
 * Node server's. Speeds are compared in the bench itself, not here.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const SERVERS = ['bareProxy', 'apollo', 'gateway'];

describe('bench:proxy', () => {
  it('measures the bare proxy, a minimal Apollo Server and the gateway on the same operation', async () => {
    const { stdout } = await run(process.execPath, ['bench/proxy.mjs'], {
      env: { ...process.env, PROXY_ROUNDS: '1', PROXY_SECONDS: '1', BENCH_CONNECTIONS: '4', BENCH_COLD_RUNS: '1', BENCH_WARMUP: '1' },
      timeout: 150_000,
    });
    const result = JSON.parse(stdout.trim().split('\n').at(-1)!) as Record<string, unknown>;
    expect(result['scenario']).toBe('aliasedPredicts');
    expect(result['floorUs']).toBeGreaterThan(0);
    for (const table of ['cpuUsPerOp', 'floorMultiple', 'rssPeakMb', 'coldStartMs', 'coldStartVsBareNode']) {
      const values = result[table] as Record<string, number>;
      for (const name of SERVERS) expect(values[name], `${table}.${name}`).toBeGreaterThan(0);
    }
    expect((result['coldStartMs'] as Record<string, number>)['bareNode']).toBeGreaterThan(0);
  }, 180_000);
});
