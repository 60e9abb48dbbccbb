/**
 * Benchmark support (not part of Augur's public code): this build measured against a baseline build
 * (`npm run bench -- --baseline <ref>`, built by baseline.mjs), scenario by scenario, in the same run.
 */
import { latencyOf, load, mergeRuns } from './load.mjs';
import { CHECKS, DIRECT, GRAPHQL, LABEL, QUERIES, SCENARIOS } from './scenarios.mjs';
import { CONNECTIONS, DURATION, LATENCY_AFTER_START, LATENCY_ROUNDS, LATENCY_WARMUP, PREVISTO_LIMIT, ROUNDS, WARMUP } from './settings.mjs';
import { gatewayNodeFlags, gqlOk, memory, round, sampleProcesses, startGateway } from './stack.mjs';

const log = (...args) => console.error(...args);

/**
 * This build against the baseline's, scenario by scenario: a gateway of each, loaded alternately in ROUNDS slices (the
 * order reversed every other round), their CPU per operation read from /proc; then added latency at one connection,
 * alternating likewise.
 */
export async function compare(urls, emulatorsPid, baseline) {
  const builds = { current: undefined, baseline: baseline.root };
  const out = { cpuMsPerOp: { current: {}, baseline: {} }, rps: { current: {}, baseline: {} }, rssPeakMb: { current: {}, baseline: {} } };
  // Each build runs with the Node.js flags of its own `npm start` (unless BENCH_NODE_FLAGS sets them for both).
  out.nodeFlags = { current: gatewayNodeFlags().join(' '), baseline: gatewayNodeFlags(process.env, baseline.root).join(' ') };
  log(`baseline: this build runs with "${out.nodeFlags.current}", ${baseline.ref} with "${out.nodeFlags.baseline}"`);
  const cpuMs = (r) => ((r.processes.cpuPct.gateway / 100) * 1000) / r.rps;
  for (const name of SCENARIOS) {
    const gateways = {};
    for (const [build, root] of Object.entries(builds))
      gateways[build] = await startGateway(urls, { port: 0, previstoLimit: PREVISTO_LIMIT, root });
    try {
      for (const g of Object.values(gateways)) {
        CHECKS[name](await gqlOk(g.graphqlUrl, QUERIES[name], LABEL[name]));
        // Past the first seconds, where V8 is still optimizing and CPU per operation falls by half or more.
        await load({ url: g.url, requests: [GRAPHQL[name]], connections: CONNECTIONS, duration: WARMUP });
      }
      const parts = { current: [], baseline: [] };
      const slice = Math.max(1, Math.round(DURATION / ROUNDS));
      for (let r = 0; r < ROUNDS; r++) {
        // Each round runs the builds in the other order than the round before, so neither always follows the other.
        const order = r % 2 === 0 ? Object.entries(gateways) : Object.entries(gateways).reverse();
        for (const [build, g] of order) {
          const sampler = sampleProcesses({ gateway: g.pid, emulators: emulatorsPid });
          const run = await load({ url: g.url, requests: [GRAPHQL[name]], connections: CONNECTIONS, duration: slice });
          parts[build].push({ ...run, processes: sampler.stop() });
        }
      }
      for (const build of Object.keys(builds)) {
        const merged = mergeRuns(parts[build]);
        if (merged.errors) throw new Error(`--baseline: ${LABEL[name]} on the ${build} build answered ${merged.errors} errors`);
        out.cpuMsPerOp[build][name] = round(cpuMs(merged), 4);
        out.rps[build][name] = round(merged.rps, 1);
        out.rssPeakMb[build][name] = round(memory(gateways[build].pid).hwmKb / 1024, 1);
      }
    } finally {
      await Promise.all(Object.values(gateways).map((g) => g.stop()));
    }
    log(
      `baseline ${LABEL[name]}: CPU ms/op ${out.cpuMsPerOp.current[name]} (this build) vs ${out.cpuMsPerOp.baseline[name]} (${baseline.ref}): ${round(out.cpuMsPerOp.current[name] / out.cpuMsPerOp.baseline[name], 3)}x`,
    );
  }
  // Added latency at one connection: direct, this build and the baseline interleaved in rounds, twice. First right
  // after start (1 s of warm-up), while V8 is still optimizing the one-connection path; then once each gateway has
  // served LATENCY_WARMUP seconds at one connection, the steady state the target is about.
  const gateways = {};
  for (const [build, root] of Object.entries(builds))
    gateways[build] = await startGateway(urls, { port: 0, previstoLimit: PREVISTO_LIMIT, root });
  try {
    const targets = {
      direct: [urls.dataiku, DIRECT],
      current: [gateways.current.url, GRAPHQL.single],
      baseline: [gateways.baseline.url, GRAPHQL.single],
    };
    const oneConnection = ([origin, request], duration) => load({ url: origin, requests: [request], connections: 1, duration });
    const addedP99 = async () => {
      const runs = { direct: [], current: [], baseline: [] };
      for (let r = 0; r < LATENCY_ROUNDS; r++) {
        // Direct first in every round; the two builds swap places from one round to the next.
        const order = r % 2 === 0 ? ['direct', 'current', 'baseline'] : ['direct', 'baseline', 'current'];
        for (const name of order) runs[name].push(await oneConnection(targets[name], 2));
      }
      const lat = Object.fromEntries(Object.entries(runs).map(([n, r]) => [n, latencyOf(r)]));
      return { current: round(lat.current.p99 - lat.direct.p99, 3), baseline: round(lat.baseline.p99 - lat.direct.p99, 3) };
    };
    for (const target of Object.values(targets)) await oneConnection(target, 1);
    out.addedLatencyP99MsAfterStart = await addedP99();
    if (LATENCY_WARMUP > LATENCY_AFTER_START)
      for (const build of Object.keys(builds)) await oneConnection(targets[build], LATENCY_WARMUP - LATENCY_AFTER_START);
    out.addedLatencyP99Ms = await addedP99();
  } finally {
    await Promise.all(Object.values(gateways).map((g) => g.stop()));
  }
  out.cpuRatio = Object.fromEntries(SCENARIOS.map((n) => [n, round(out.cpuMsPerOp.current[n] / out.cpuMsPerOp.baseline[n], 3)]));
  const ratio = ({ current, baseline }) => (baseline > 0 ? round(current / baseline, 3) : null);
  out.addedLatencyP99Ratio = ratio(out.addedLatencyP99Ms);
  out.addedLatencyP99RatioAfterStart = ratio(out.addedLatencyP99MsAfterStart);
  return out;
}
