#!/usr/bin/env node
/**
 * `npm run bench:soak`: 10,000 GraphQL operations, 100 at a time, against the gateway and the emulators (separate
 * processes on loopback) with faults injected upstream: Dataiku fails 5% of calls with 503, Previsto answers 5 ms
 * late, Civis fails 5% with 503 and answers 2 ms late, Prevision answers 2 ms late. The mix is 40% single predict,
 * 30% contacts(first: 20) scored with churn, 20% assignments(first: 20) with their contacts, 10% platforms.
 * Reports responses by outcome (ok, or the `errors[].extensions.code` values of a response), the faults the
 * emulators injected, upstream calls, and the gateway's RSS at start, half-way and end; the last line is JSON
 * (also written to bench/results/soak-latest.json).
 *
 * Environment: SOAK_OPERATIONS (default 10000), SOAK_CONNECTIONS (default 100), SOAK_STATUS_TTL_MS (the gateway's
 * AUGUR_STATUS_TTL_MS, default 100), BENCH_PREVISTO_RATE_LIMIT.
 */
import os from 'node:os';
import { load } from './lib/load.mjs';
import { QUERIES, graphqlRequest } from './lib/scenarios.mjs';
import {
  PLATFORMS,
  createControl,
  gqlOk,
  intEnv,
  loadavg,
  memory,
  previstoRateLimit,
  round,
  sampleProcesses,
  startEmulators,
  startGateway,
  runMain,
  report,
} from './lib/stack.mjs';

const OPERATIONS = intEnv('SOAK_OPERATIONS', 10_000, 100, 1_000_000);
const CONNECTIONS = intEnv('SOAK_CONNECTIONS', 100, 1, 1000);
const PREVISTO_LIMIT = previstoRateLimit();
/**
 * Civis and Prevision are reached only by `platforms` status probes, which the gateway reuses for 5 s by default;
 * a shorter reuse makes those probes, and so the faults on those platforms, part of the soak.
 */
const STATUS_TTL_MS = intEnv('SOAK_STATUS_TTL_MS', 100, 0, 3_600_000);
/** The soak stops by itself after this long, whatever is left. */
const MAX_SECONDS = 300;

const FAULTS = {
  dataiku: { status: 503, rate: 0.05 },
  previsto: { latencyMs: 5 },
  civis: { status: 503, rate: 0.05, latencyMs: 2 },
  prevision: { latencyMs: 2 },
};

/** Ten requests per cycle, giving the mix; each connection walks the cycle from the start. */
const MIX = [
  ...Array.from({ length: 4 }, (_, i) =>
    graphqlRequest(`{ predict(endpointName: "churn", features: {name: "Soak ${i}", city: "Aarhus"}) { raw } }`, '"prediction"', 'single'),
  ),
  ...Array.from({ length: 3 }, () => graphqlRequest(QUERIES.scoredContacts20, '"contacts"', 'scoredContacts20')),
  ...Array.from({ length: 2 }, () => graphqlRequest(QUERIES.assignmentsWithContacts20, '"assignments"', 'assignmentsWithContacts20')),
  graphqlRequest(QUERIES.platforms, '"platforms"', 'platforms'),
];

const mb = (kb) => round(kb / 1024, 1);

async function main() {
  const loadStart = loadavg();
  console.error(
    `Soak: ${OPERATIONS} operations, ${CONNECTIONS} concurrent; node ${process.version}, ${os.cpus().length} cores, loadavg ${loadStart}`,
  );
  const emulators = await startEmulators({ previstoLimit: PREVISTO_LIMIT });
  const gateway = await startGateway(emulators.urls, {
    port: 0,
    previstoLimit: PREVISTO_LIMIT,
    env: { AUGUR_STATUS_TTL_MS: String(STATUS_TTL_MS) },
  });
  const control = createControl(emulators.urls);
  try {
    // One clean pass of each operation first, so a broken stack fails here rather than as 10,000 errors.
    for (const r of MIX) await gqlOk(gateway.graphqlUrl, JSON.parse(r.body).query, `soak ${r.kind}`);
    await control.resetAll();
    for (const [platform, spec] of Object.entries(FAULTS)) await control.setFaults(platform, spec);

    const rssStart = memory(gateway.pid);
    let rssHalf;
    const sampler = sampleProcesses({ gateway: gateway.pid, emulators: emulators.pid });
    const started = performance.now();
    let stopTimer;
    const run = await load({
      url: gateway.url,
      requests: MIX,
      connections: CONNECTIONS,
      amount: OPERATIONS,
      timeout: 30,
      onProgress(done) {
        if (done === Math.floor(OPERATIONS / 2)) rssHalf = memory(gateway.pid);
      },
      onStart(instance) {
        stopTimer = setTimeout(() => instance.stop(), MAX_SECONDS * 1000);
      },
    });
    clearTimeout(stopTimer);
    const elapsedS = (performance.now() - started) / 1000;
    const processes = sampler.stop();
    const rssEnd = memory(gateway.pid);
    const injected = {};
    for (const p of PLATFORMS) {
      const f = (await control.faults(p))[0];
      injected[p] = f ? { seen: f.seen, injected: f.injected } : null;
    }
    const counts = await control.counts();
    await control.clearFaults();
    const loadEnd = loadavg();

    const completed = Object.values(run.outcomes).reduce((a, b) => a + b, 0);
    const result = {
      operations: OPERATIONS,
      completed,
      concurrency: CONNECTIONS,
      durationS: round(elapsedS, 1),
      opsPerSec: round(completed / elapsedS, 1),
      outcomes: run.outcomes,
      byOperation: run.byKind,
      transportErrors: run.transport.errors,
      timeouts: run.transport.timeouts,
      latencyMs: { p50: run.latencyMs.p50, p99: run.latencyMs.p99, max: run.latencyMs.max },
      faultsInjected: injected,
      upstreamCalls: Object.fromEntries(Object.entries(counts).map(([p, c]) => [p, c.total])),
      gatewayRssMb: { start: mb(rssStart.rssKb), half: rssHalf ? mb(rssHalf.rssKb) : null, end: mb(rssEnd.rssKb), peak: mb(rssEnd.hwmKb) },
      cpuPct: processes.cpuPct,
      loadavg: { before: loadStart, after: loadEnd },
    };

    const out = [''];
    out.push(
      `Augur soak, ${new Date().toISOString()}: node ${process.version}, ${os.cpus().length} cores; loadavg before ${loadStart}, after ${loadEnd}`,
    );
    out.push(
      `faults: ${Object.entries(FAULTS)
        .map(([p, f]) => `${p} ${JSON.stringify(f)}`)
        .join(', ')}; gateway AUGUR_STATUS_TTL_MS=${STATUS_TTL_MS}`,
    );
    out.push(
      `${completed} of ${OPERATIONS} operations in ${result.durationS} s (${result.opsPerSec} ops/s) at ${CONNECTIONS} concurrent; p50 ${run.latencyMs.p50.toFixed(1)} ms, p99 ${run.latencyMs.p99.toFixed(1)} ms, max ${run.latencyMs.max.toFixed(0)} ms`,
    );
    out.push('');
    out.push(`${'operation'.padEnd(28)}${'responses'.padStart(10)}  outcomes`);
    for (const [kind, o] of Object.entries(run.byKind)) {
      const n = Object.values(o).reduce((a, b) => a + b, 0);
      out.push(
        `${kind.padEnd(28)}${String(n).padStart(10)}  ${Object.entries(o)
          .sort((a, b) => b[1] - a[1])
          .map(([k, v]) => `${k} ${v}`)
          .join(', ')}`,
      );
    }
    out.push(
      `${'all'.padEnd(28)}${String(completed).padStart(10)}  ${Object.entries(run.outcomes)
        .sort((a, b) => b[1] - a[1])
        .map(([k, v]) => `${k} ${v}`)
        .join(', ')}`,
    );
    out.push(`transport errors ${run.transport.errors}, timeouts ${run.transport.timeouts}`);
    out.push('');
    out.push(
      `faults injected by the emulators: ${Object.entries(injected)
        .map(([p, f]) => `${p} ${f ? `${f.injected} of ${f.seen}` : '-'}`)
        .join(', ')}`,
    );
    out.push(
      `upstream calls: ${Object.entries(result.upstreamCalls)
        .map(([p, n]) => `${p} ${n}`)
        .join(', ')}`,
    );
    out.push(
      `gateway RSS: start ${result.gatewayRssMb.start} MB, half-way ${result.gatewayRssMb.half ?? '-'} MB, end ${result.gatewayRssMb.end} MB, peak ${result.gatewayRssMb.peak} MB`,
    );
    out.push(
      `CPU (% of one core): gateway ${processes.cpuPct.gateway}, emulators ${processes.cpuPct.emulators}, load generator ${processes.cpuPct.loadGenerator}, other processes ${processes.cpuPct.others}`,
    );
    out.push('');
    report('soak', out, result);
    return completed === OPERATIONS && run.transport.errors === 0 && run.transport.timeouts === 0 ? 0 : 1;
  } finally {
    await gateway.stop();
    await emulators.stop();
  }
}

runMain(main);
