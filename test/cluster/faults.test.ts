/**
 * The cluster under faults (cluster/faults.mjs, `npm run cluster:faults`): three replicas behind haproxy with Redis,
 * 200 operations per second for 60 s through a rolling restart, a SIGKILL and a Redis restart.
 */
import { describe, expect, it } from 'vitest';
import { runClusterScript } from './script.js';

interface FaultsResult {
  operations: { sent: number; ok: number; failed: number; outcomes: Record<string, number> };
  rollingRestart: { operations: number; failed: number; exitCodes: Record<string, number | null> };
  sigkill: {
    replica: string;
    operations: number;
    failed: number;
    failedInFlightOnKilled: number;
    failedOther: number;
    heldAtKill: { writes: number; reads: number };
  };
  redisRestart: { operations: number; failed: number };
  steady: { failed: number };
  writes: { sent: number; acknowledged: number; lost: number; duplicated: number };
  greedyCaller: { sent: number; answered: number; refusedByBudget: number };
  previsto: { limitPerMinute: number; maxInAnySixtySeconds: number; answered429: number; calls: number };
  failures: unknown[];
  targets: Record<string, boolean>;
  pass: boolean;
}

describe('cluster under faults', () => {
  it('loses no operation to a rolling restart or a Redis restart, only in-flight ones to a SIGKILL, and keeps every write and the Previsto budget', async () => {
    const { code, result, output } = await runClusterScript<FaultsResult>('cluster/faults.mjs');
    const context = `\n${output.split('\n').slice(0, 12).join('\n')}\nfailures: ${JSON.stringify(result.failures)}`;
    expect(result.operations.sent, context).toBe(12_000);
    expect(result.rollingRestart.operations, context).toBeGreaterThan(1000);
    expect(result.rollingRestart.failed, context).toBe(0);
    // Each replica drained what it held and exited 0.
    expect(Object.values(result.rollingRestart.exitCodes), context).toEqual([0, 0, 0]);
    expect(result.redisRestart.operations, context).toBeGreaterThan(1000);
    expect(result.redisRestart.failed, context).toBe(0);
    expect(result.steady.failed, context).toBe(0);
    // The replica was killed while it held a write.
    expect(result.sigkill.heldAtKill.writes, context).toBeGreaterThan(0);
    expect(result.sigkill.failedOther, context).toBe(0);
    expect(result.sigkill.failed, context).toBe(result.sigkill.failedInFlightOnKilled);
    expect(result.writes.acknowledged, context).toBeGreaterThan(50);
    expect(result.writes.lost, context).toBe(0);
    expect(result.writes.duplicated, context).toBe(0);
    expect(result.greedyCaller.sent).toBe(0);
    expect(result.previsto.calls, context).toBeGreaterThan(result.writes.acknowledged);
    expect(result.previsto.maxInAnySixtySeconds, context).toBeLessThanOrEqual(result.previsto.limitPerMinute);
    expect(result.previsto.answered429, context).toBe(0);
    expect(result.targets, context).toEqual(Object.fromEntries(Object.keys(result.targets).map((k) => [k, true])));
    expect(code, context).toBe(0);
  }, 300_000);
});
