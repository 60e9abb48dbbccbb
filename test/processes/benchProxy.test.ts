/**
 * `npm run bench:proxy` (bench/proxy.mjs), bounded: the bare proxy answers the aliased-predicts operation as the
 * gateway does, and the script reports both processes' CPU per operation beside the floor. Speeds are compared in the
 * bench itself, not here.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);

describe('bench:proxy', () => {
  it('measures the bare proxy and the gateway on the same operation and reports them against its floor', async () => {
    const { stdout } = await run(process.execPath, ['bench/proxy.mjs'], {
      env: { ...process.env, PROXY_ROUNDS: '1', PROXY_SECONDS: '1', BENCH_CONNECTIONS: '4' },
      timeout: 120_000,
    });
    const result = JSON.parse(stdout.trim().split('\n').at(-1)!) as Record<string, number | string>;
    expect(result['scenario']).toBe('aliasedPredicts');
    for (const key of ['floorUs', 'bareProxyCpuUsPerOp', 'gatewayCpuUsPerOp', 'bareProxyFloorMultiple', 'gatewayFloorMultiple']) {
      expect(result[key], key).toBeGreaterThan(0);
    }
  }, 150_000);
});
