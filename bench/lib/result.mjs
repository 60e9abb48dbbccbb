/**
 * Benchmark support (not part of Augur's public code): the result of `npm run bench`, the JSON object it prints last,
 * computed from the measurements, and the files it is kept in (bench/results/latest.json, latest-detail.json).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ITEMS, SCENARIOS } from './scenarios.mjs';
import { COLD_RUNS, CONNECTIONS, COUNT_OPS, DURATION, LATENCY_ROUNDS, PREVISTO_LIMIT, RESULTS, ROUNDS } from './settings.mjs';
import { round } from './stack.mjs';

/**
 * CPU time per operation (ms) of the process doing the work in run `r` of scenario `name` (emulators for direct,
 * gateway otherwise): unlike rps it hardly depends on what else runs on the machine.
 */
export const cpuPerOp = (name, r) => ((r.processes.cpuPct[name === 'direct' ? 'emulators' : 'gateway'] / 100) * 1000) / r.rps;

/** The hot-set figures the JSON result keeps. */
function pickHot(h) {
  return {
    operationsWithDataPerMinute: h.operationsWithDataPerMinute,
    rateLimited: h.rateLimited,
    staleReadsAfterOwnWrites: h.staleReadsAfterOwnWrites,
    previstoCallsPerMinute: h.previstoCallsPerMinute,
    previstoMaxCallsIn60s: h.previstoMaxCallsIn60s,
    p50Ms: h.p50Ms,
    p99Ms: h.p99Ms,
  };
}

/**
 * The result of a run, from its measurements, with the scenarios whose runs failed, the one with the highest memory
 * peak, and each scenario's floor figures. Sets each run's `cpuMsPerOp`.
 */
export function summarize({ runs, latency, calls, floor, comparison, baseline, cold, hot }) {
  const failed = Object.entries(runs)
    .filter(([, r]) => r.errors > 0)
    .map(([n]) => n);
  if (latency.errors > 0) failed.push('latency');
  const heaviest = Object.entries(runs)
    .filter(([n]) => n !== 'direct')
    .sort((a, b) => b[1].gatewayHwmMb - a[1].gatewayHwmMb)[0][0];
  const rssPeakMb = runs[heaviest].gatewayHwmMb;
  const ok = (name) => (runs[name].errors === 0 ? round(runs[name].rps, 1) : null);
  for (const [name, r] of Object.entries(runs)) r.cpuMsPerOp = round(cpuPerOp(name, r), 4);
  // Against a baseline, the floor multiples use this build's CPU per operation from the alternating runs (several
  // rounds, each beside the baseline's): steadier than the one throughput run of each scenario.
  const cpuMsFor = (name) => (comparison ? comparison.cpuMsPerOp.current[name] : runs[name].cpuMsPerOp);
  const floorOut = Object.fromEntries(
    SCENARIOS.map((name) => [
      name,
      {
        floorUs: floor[name].floorUs,
        upstreamBytes: floor[name].upstreamBytes,
        responseBytes: floor[name].responseBytes,
        cpuUsPerOp: round(cpuMsFor(name) * 1000, 1),
        cpuFrom: comparison ? 'alternating runs' : 'throughput run',
        floorMultiple: round((cpuMsFor(name) * 1000) / floor[name].floorUs, 2),
        ...(ITEMS[name] ? { cpuUsPerItem: round((cpuMsFor(name) * 1000) / ITEMS[name], 2) } : {}),
      },
    ]),
  );
  const result = {
    throughputRatioSingleVsDirect: runs.direct.errors || runs.single.errors ? null : round(runs.single.rps / runs.direct.rps, 3),
    addedLatencyP50Ms: latency.errors ? null : round(latency.single.p50 - latency.direct.p50, 3),
    addedLatencyP99Ms: latency.errors ? null : round(latency.single.p99 - latency.direct.p99, 3),
    upstreamCallsPerOp: {
      scoredContacts: calls.scoredContacts.perOp,
      aliasedPredicts: calls.aliasedPredicts.perOp,
      assignmentsWithContacts: calls.assignmentsWithContacts.perOp,
    },
    rssPeakMb,
    coldStartMs: round(cold.medianMs, 1),
    coldStartVsBareNode: round(cold.medianMs / cold.bareNodeMedianMs, 2),
    floor: floorOut,
    ...(comparison
      ? {
          baseline: {
            ref: baseline.ref,
            commit: baseline.commit.slice(0, 12),
            nodeFlags: comparison.nodeFlags,
            cpuRatio: comparison.cpuRatio,
            addedLatencyP99Ratio: comparison.addedLatencyP99Ratio,
            addedLatencyP99Ms: comparison.addedLatencyP99Ms,
            addedLatencyP99RatioAfterStart: comparison.addedLatencyP99RatioAfterStart,
            addedLatencyP99MsAfterStart: comparison.addedLatencyP99MsAfterStart,
            cpuMsPerOp: comparison.cpuMsPerOp,
            rssPeakMb: comparison.rssPeakMb,
          },
        }
      : {}),
    singlePredictions: {
      upstreamCallsPerOp: runs.single.upstreamCallsPerOp,
      upstreamCallsPerOpUnbatched: runs.singleUnbatched.upstreamCallsPerOp,
      throughputRatioBatchedVsUnbatched:
        runs.single.errors || runs.singleUnbatched.errors ? null : round(runs.single.rps / runs.singleUnbatched.rps, 3),
    },
    hotSet: hot && {
      users: hot.users,
      seconds: hot.seconds,
      ttlSeconds: hot.ttlSeconds,
      on: pickHot(hot.on),
      off: pickHot(hot.off),
    },
    rps: {
      direct: ok('direct'),
      single: ok('single'),
      singleUnbatched: ok('singleUnbatched'),
      scoredContacts: ok('scoredContacts'),
      aliasedPredicts: ok('aliasedPredicts'),
      assignmentsWithContacts: ok('assignmentsWithContacts'),
    },
  };
  return { result, failed, heaviest, floorOut };
}

/** Writes the result to bench/results/latest.json and, with every measurement behind it, to latest-detail.json. */
export function writeResults({ result, runs, latency, calls, idleMem, heaviest, cold, hot, failed, loadStart, loadEnd }) {
  mkdirSync(RESULTS, { recursive: true });
  writeFileSync(path.join(RESULTS, 'latest.json'), `${JSON.stringify(result)}\n`);
  const strip = (r) => {
    const { times: _t, ...rest } = r;
    return rest;
  };
  writeFileSync(
    path.join(RESULTS, 'latest-detail.json'),
    `${JSON.stringify(
      {
        at: new Date().toISOString(),
        node: process.version,
        cores: os.cpus().length,
        loadavg: { before: loadStart, after: loadEnd },
        settings: {
          connections: CONNECTIONS,
          durationS: DURATION,
          throughputRounds: ROUNDS,
          latencyRounds: LATENCY_ROUNDS,
          countOps: COUNT_OPS,
          coldRuns: COLD_RUNS,
          previstoLimit: PREVISTO_LIMIT,
        },
        result,
        throughput: Object.fromEntries(Object.entries(runs).map(([n, r]) => [n, strip(r)])),
        latency,
        calls,
        gatewayIdleMemoryKb: idleMem,
        heaviestScenario: heaviest,
        coldStart: cold,
        hotSet: hot,
        failed,
      },
      null,
      2,
    )}\n`,
  );
}
