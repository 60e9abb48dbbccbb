/**
 * The result `npm run bench` prints (bench/lib/result.mjs): the floor multiples use the gateway's CPU per operation
 * from the alternating runs when a baseline was measured (several rounds, steadier), and from the one throughput run
 * of each scenario otherwise, and say which.
 */
import { describe, expect, it } from 'vitest';
// @ts-expect-error bench/ is plain JavaScript, outside the typecheck
import { summarize } from '../../bench/lib/result.mjs';

const SCENARIOS = ['single', 'scoredContacts', 'aliasedPredicts', 'assignmentsWithContacts'];

/** A run at 100 rps whose gateway (or, for direct, emulators) used `cpuPct` % of a core: cpuPct / 100 ms per op. */
function run(cpuPct: number) {
  return {
    errors: 0,
    rps: 100,
    gatewayHwmMb: 120,
    upstreamCallsPerOp: 1,
    processes: { cpuPct: { gateway: cpuPct, emulators: cpuPct } },
  };
}

function inputs(comparison?: unknown) {
  const runs = Object.fromEntries(['direct', 'singleUnbatched', ...SCENARIOS].map((n) => [n, run(100)]));
  return {
    runs,
    latency: { errors: 0, single: { p50: 1, p99: 2 }, direct: { p50: 0.1, p99: 0.2 } },
    calls: { scoredContacts: { perOp: 2 }, aliasedPredicts: { perOp: 1 }, assignmentsWithContacts: { perOp: 4 } },
    floor: Object.fromEntries(SCENARIOS.map((n) => [n, { floorUs: 100, upstreamBytes: 1, responseBytes: 1 }])),
    comparison,
    baseline: comparison ? { ref: 'base', commit: '0123456789abcdef' } : undefined,
    cold: { medianMs: 400, bareNodeMedianMs: 100 },
    hot: undefined,
  };
}

describe('bench result: floor multiples', () => {
  it('use the throughput runs without a baseline', () => {
    const { floorOut } = summarize(inputs());
    // 100% of a core at 100 rps: 10 ms per operation, 100 times a 100 µs floor.
    expect(floorOut.scoredContacts).toMatchObject({ cpuUsPerOp: 10_000, floorMultiple: 100, cpuUsPerItem: 100, cpuFrom: 'throughput run' });
  });

  it('use the alternating runs against a baseline', () => {
    const perOp = Object.fromEntries(SCENARIOS.map((n) => [n, 0.5]));
    const comparison = {
      cpuMsPerOp: { current: perOp, baseline: perOp },
      cpuRatio: Object.fromEntries(SCENARIOS.map((n) => [n, 1])),
      addedLatencyP99Ratio: 1,
      addedLatencyP99Ms: { current: 1, baseline: 1 },
      rssPeakMb: { current: {}, baseline: {} },
    };
    const { floorOut } = summarize(inputs(comparison));
    expect(floorOut.scoredContacts).toMatchObject({ cpuUsPerOp: 500, floorMultiple: 5, cpuUsPerItem: 5, cpuFrom: 'alternating runs' });
    expect(floorOut.single).toMatchObject({ cpuUsPerOp: 500, floorMultiple: 5 });
  });
});
