/**
 * Benchmark support (not part of Augur's public code): the report `npm run bench` prints before its result, a table
 * per measurement, then the targets each figure is held to.
 */
import os from 'node:os';
import { cpuPerOp } from './result.mjs';
import { LABEL, SCENARIOS } from './scenarios.mjs';
import {
  COLD_RUNS,
  CONNECTIONS,
  COUNT_OPS,
  DURATION,
  LATENCY_AFTER_START,
  LATENCY_ROUNDS,
  LATENCY_WARMUP,
  PREVISTO_LIMIT,
  ROUNDS,
  WARMUP,
} from './settings.mjs';
import { round } from './stack.mjs';

/** `v` as a table cell `n` characters wide, right-aligned unless `right` (then left-aligned); `-` for no value. */
function pad(v, n, right = false) {
  const s = v === null || v === undefined ? '-' : String(v);
  return right ? s.padEnd(n) : s.padStart(n);
}

/** The report's lines, from the measurements and the result `summarize` made of them. */
export function reportLines({
  runs,
  latency,
  calls,
  idleMem,
  heaviest,
  cold,
  hot,
  floor,
  floorOut,
  comparison,
  baseline,
  result,
  failed,
  loadStart,
  loadEnd,
}) {
  const rssPeakMb = runs[heaviest].gatewayHwmMb;
  const out = [];
  out.push('');
  out.push(
    `Augur benchmark, ${new Date().toISOString()}: node ${process.version}, ${os.cpus().length} cores (${os.cpus()[0]?.model ?? '?'})`,
  );
  out.push(`loadavg before: ${loadStart}   after: ${loadEnd}`);
  out.push(`gateway and emulators are separate processes on loopback; Previsto limit ${PREVISTO_LIMIT}/min (emulator and gateway budget)`);
  out.push('');
  out.push(
    `Throughput: ${CONNECTIONS} connections, ${DURATION} s each after ${WARMUP} s of warm-up (direct and single alternate in ${ROUNDS} rounds). CPU % is of one core (200 = both cores), from /proc: gateway, emulators, load generator (this process), and every other process on the machine.`,
  );
  out.push('CPU ms/op: CPU time per operation of the process doing the work (the emulators for direct, the gateway otherwise).');
  out.push(
    `${pad('scenario', 27, true)}${pad('rps', 9)}${pad('p50 ms', 9)}${pad('p99 ms', 9)}${pad('errors', 8)}${pad('calls/op', 10)}${pad('gw CPU%', 9)}${pad('emu CPU%', 10)}${pad('gen CPU%', 10)}${pad('other CPU%', 12)}${pad('gw RSS MB', 11)}${pad('CPU ms/op', 11)}`,
  );
  for (const [name, r] of Object.entries(runs)) {
    out.push(
      `${pad(LABEL[name], 27, true)}${pad(r.rps.toFixed(0), 9)}${pad(r.latencyMs.p50.toFixed(2), 9)}${pad(r.latencyMs.p99.toFixed(2), 9)}${pad(r.errors, 8)}` +
        `${pad(name === 'direct' ? 1 : (r.upstreamCallsPerOp ?? calls[name].perOp), 10)}${pad(r.processes.cpuPct.gateway ?? '-', 9)}${pad(r.processes.cpuPct.emulators, 10)}` +
        `${pad(r.processes.cpuPct.loadGenerator, 10)}${pad(r.processes.cpuPct.others, 12)}${pad(name === 'direct' ? '-' : r.gatewayHwmMb, 11)}${pad(cpuPerOp(name, r).toFixed(3), 11)}`,
    );
  }
  for (const [name, r] of Object.entries(runs)) {
    if (r.errors)
      out.push(
        `  FAILED MEASUREMENT ${LABEL[name]}: ${r.errors} error responses ${JSON.stringify(r.outcomes)} transport ${JSON.stringify(r.transport)}`,
      );
  }
  out.push('');
  out.push(
    `Added latency: 1 connection, back to back, ${LATENCY_ROUNDS} interleaved rounds of 2 s per side after ${LATENCY_WARMUP} s of warm-up (high-resolution times of every response).`,
  );
  out.push(`${pad('', 27, true)}${pad('samples', 9)}${pad('p50 ms', 9)}${pad('p90 ms', 9)}${pad('p99 ms', 9)}${pad('mean ms', 9)}`);
  for (const name of ['direct', 'single']) {
    const l = latency[name];
    out.push(
      `${pad(LABEL[name], 27, true)}${pad(l.samples, 9)}${pad(l.p50.toFixed(3), 9)}${pad(l.p90.toFixed(3), 9)}${pad(l.p99.toFixed(3), 9)}${pad(l.mean.toFixed(3), 9)}`,
    );
  }
  out.push(
    `${pad('added by Augur', 27, true)}${pad('', 9)}${pad((latency.single.p50 - latency.direct.p50).toFixed(3), 9)}${pad((latency.single.p90 - latency.direct.p90).toFixed(3), 9)}` +
      `${pad((latency.single.p99 - latency.direct.p99).toFixed(3), 9)}${pad((latency.single.mean - latency.direct.mean).toFixed(3), 9)}`,
  );
  if (latency.errors) out.push(`  FAILED MEASUREMENT latency: ${latency.errors} error responses ${JSON.stringify(latency.outcomes)}`);
  out.push('');
  out.push(`Upstream calls per operation (emulator counters after a reset, ${COUNT_OPS} operations):`);
  for (const [name, c] of Object.entries(calls)) {
    out.push(
      `  ${pad(LABEL[name], 26, true)}${pad(c.perOp, 6)}  ${Object.entries(c.byRoute)
        .map(([k, v]) => `${k} ×${v}`)
        .join(', ')}`,
    );
    out.push(
      `  ${pad('', 26, true)}${pad('', 6)}  duplicate requests in one operation: ${c.duplicatesInOneOp.length ? c.duplicatesInOneOp.join(', ') : 'none'}`,
    );
  }
  out.push('');
  out.push(
    `Gateway RSS: ${round(idleMem.rssKb / 1024, 1)} MB idle after start; peak ${rssPeakMb} MB (VmHWM of the gateway process that ran ${LABEL[heaviest]}, the heaviest scenario), ` +
      `${runs[heaviest].gatewayRssAfterMb} MB at its end. Each scenario runs in a fresh gateway process (gw RSS MB column: its VmHWM).`,
  );
  out.push(
    `Cold start (spawn to first successful predict answer, ${COLD_RUNS} runs): median ${cold.medianMs.toFixed(1)} ms [${cold.runsMs.join(', ')}], of which main() to listening (the gateway's logged startupMs) ${cold.mainToListeningMedianMs ?? '-'} ms, the rest being Node's start, module loading and the first answer; a bare Node HTTP server: ${cold.bareNodeMedianMs.toFixed(1)} ms.`,
  );
  out.push(
    `Emulators are not the bottleneck: during single they used ${runs.single.processes.cpuPct.emulators}% of a core while the gateway used ${runs.single.processes.cpuPct.gateway}%; ` +
      `served directly they answer ${runs.direct.rps.toFixed(0)} rps (${round(runs.direct.rps / runs.single.rps, 1)}× single).`,
  );
  if (hot) {
    out.push('');
    out.push(
      `Hot set: ${hot.users} front-end users (think time 1 to 2.2 s) for ${hot.seconds} s per run against Previsto's real 120/min limit, Zipf over 200 hot contacts and their assignments, 2% writes each read back by its writer; fresh emulator state and gateway per run.`,
    );
    out.push(
      `${pad('run', 27, true)}${pad('ops', 7)}${pad('data/min', 10)}${pad('RATE_LIM', 10)}${pad('stale', 7)}${pad('writes', 8)}${pad('Previsto/min', 14)}${pad('max in 60 s', 13)}${pad('p50 ms', 9)}${pad('p99 ms', 9)}`,
    );
    for (const h of [hot.on, hot.off]) {
      out.push(
        `${pad(h.label, 27, true)}${pad(h.operations, 7)}${pad(h.operationsWithDataPerMinute, 10)}${pad(h.rateLimited, 10)}${pad(h.staleReadsAfterOwnWrites, 7)}${pad(h.writes, 8)}${pad(h.previstoCallsPerMinute, 14)}${pad(h.previstoMaxCallsIn60s, 13)}${pad(h.p50Ms, 9)}${pad(h.p99Ms, 9)}`,
      );
    }
  }
  out.push('');
  out.push(
    `Floor: per operation, JSON.parse of the upstream bodies it receives (recorded by a proxy) and JSON.stringify of its response, in this process; the gateway CPU per operation (from the ${floorOut.single.cpuFrom}) as a multiple of it.`,
  );
  out.push(
    `${pad('scenario', 27, true)}${pad('bodies', 8)}${pad('floor µs', 10)}${pad('gw CPU µs', 11)}${pad('x floor', 9)}${pad('µs/item', 9)}`,
  );
  for (const name of SCENARIOS) {
    const f = floorOut[name];
    out.push(
      `${pad(LABEL[name], 27, true)}${pad(floor[name].upstreamBodies, 8)}${pad(f.floorUs, 10)}${pad(f.cpuUsPerOp, 11)}${pad(f.floorMultiple, 9)}${pad(f.cpuUsPerItem, 9)}`,
    );
  }
  if (comparison) {
    out.push('');
    out.push(
      `Against the baseline ${baseline.ref} (${baseline.commit.slice(0, 12)}), same run, alternating ${ROUNDS} rounds per scenario at ${CONNECTIONS} connections; Node.js flags "${comparison.nodeFlags.current}" for this build, "${comparison.nodeFlags.baseline}" for the baseline (each its own npm start's):`,
    );
    out.push(
      `${pad('scenario', 27, true)}${pad('CPU ms/op', 11)}${pad('baseline', 10)}${pad('ratio', 8)}${pad('rps', 9)}${pad('baseline', 10)}${pad('RSS MB', 8)}${pad('baseline', 10)}`,
    );
    for (const name of SCENARIOS) {
      out.push(
        `${pad(LABEL[name], 27, true)}${pad(comparison.cpuMsPerOp.current[name], 11)}${pad(comparison.cpuMsPerOp.baseline[name], 10)}${pad(comparison.cpuRatio[name], 8)}` +
          `${pad(comparison.rps.current[name], 9)}${pad(comparison.rps.baseline[name], 10)}${pad(comparison.rssPeakMb.current[name], 8)}${pad(comparison.rssPeakMb.baseline[name], 10)}`,
      );
    }
    out.push(
      `added latency p99 at 1 connection, steady (after ${LATENCY_WARMUP} s at one connection): ${comparison.addedLatencyP99Ms.current} ms, baseline ${comparison.addedLatencyP99Ms.baseline} ms (ratio ${comparison.addedLatencyP99Ratio})`,
      `added latency p99 at 1 connection, in the first ${LATENCY_AFTER_START} s after start: ${comparison.addedLatencyP99MsAfterStart.current} ms, baseline ${comparison.addedLatencyP99MsAfterStart.baseline} ms (ratio ${comparison.addedLatencyP99RatioAfterStart})`,
    );
  }
  out.push('');
  const target = (label, value, goal, met) =>
    out.push(
      `  ${pad(label, 34, true)}${pad(value ?? 'failed', 12)}  target ${pad(goal, 8, true)} ${value === null ? 'FAILED' : met ? 'met' : 'MISSED'}`,
    );
  out.push('Targets:');
  target('throughput ratio single/direct', result.throughputRatioSingleVsDirect, '>= 0.1', result.throughputRatioSingleVsDirect >= 0.1);
  target('added latency p50 (ms)', result.addedLatencyP50Ms, '<= 1', result.addedLatencyP50Ms <= 1);
  target('added latency p99 (ms)', result.addedLatencyP99Ms, '<= 5', result.addedLatencyP99Ms <= 5);
  target('gateway RSS peak (MB)', result.rssPeakMb, '<= 100', result.rssPeakMb <= 100);
  target('cold start (ms)', result.coldStartMs, '<= 500', result.coldStartMs <= 500);
  target('cold start / bare Node server', result.coldStartVsBareNode, '<= 2', result.coldStartVsBareNode <= 2);
  for (const name of ['scoredContacts', 'aliasedPredicts', 'assignmentsWithContacts'])
    target(`${LABEL[name]}: x floor`, floorOut[name].floorMultiple, '<= 3', floorOut[name].floorMultiple <= 3);
  if (comparison) {
    const goals = { single: 0.6, scoredContacts: 0.45, aliasedPredicts: 0.5, assignmentsWithContacts: 0.45 };
    for (const [name, goal] of Object.entries(goals))
      target(`CPU/op vs baseline: ${LABEL[name]}`, comparison.cpuRatio[name], `<= ${goal}`, comparison.cpuRatio[name] <= goal);
    target('added p99 vs baseline', comparison.addedLatencyP99Ratio, '<= 0.5', comparison.addedLatencyP99Ratio <= 0.5);
  }
  target('calls/op scored-contacts', result.upstreamCallsPerOp.scoredContacts, '2', result.upstreamCallsPerOp.scoredContacts === 2);
  target('calls/op aliased-predicts', result.upstreamCallsPerOp.aliasedPredicts, '1', result.upstreamCallsPerOp.aliasedPredicts === 1);
  target(
    'calls/op assignments-with-contacts',
    result.upstreamCallsPerOp.assignmentsWithContacts,
    '<= 4',
    result.upstreamCallsPerOp.assignmentsWithContacts <= 4,
  );
  target(
    'single: upstream calls/op (50 conn)',
    result.singlePredictions.upstreamCallsPerOp,
    '<= 0.2',
    result.singlePredictions.upstreamCallsPerOp <= 0.2,
  );
  target(
    'single: rps batched / unbatched',
    result.singlePredictions.throughputRatioBatchedVsUnbatched,
    '>= 1.5',
    result.singlePredictions.throughputRatioBatchedVsUnbatched >= 1.5,
  );
  if (hot) {
    target('hot set: ops/min with data', hot.on.operationsWithDataPerMinute, '>= 3000', hot.on.operationsWithDataPerMinute >= 3000);
    target('hot set: RATE_LIMITED', hot.on.rateLimited, '0', hot.on.rateLimited === 0);
    target('hot set: stale reads after own writes', hot.on.staleReadsAfterOwnWrites, '0', hot.on.staleReadsAfterOwnWrites === 0);
    target('hot set: Previsto calls/min', hot.on.previstoCallsPerMinute, '<= 120', hot.on.previstoCallsPerMinute <= 120);
    target('hot set: Previsto calls in any 60 s', hot.on.previstoMaxCallsIn60s, '<= 120', hot.on.previstoMaxCallsIn60s <= 120);
  }
  target(
    'duplicate requests (assignments)',
    calls.assignmentsWithContacts.duplicatesInOneOp.length,
    '0',
    calls.assignmentsWithContacts.duplicatesInOneOp.length === 0,
  );
  if (failed.length)
    out.push(`FAILED MEASUREMENTS (error responses under load): ${failed.join(', ')}; their figures are null in the JSON.`);
  out.push('');
  return out;
}
