#!/usr/bin/env node
/**
 * `npm run bench`: Augur's benchmark. Starts the four emulators and the gateway as separate processes on loopback,
 * then measures, in one run and side by side:
 *   direct                     Dataiku's REST predict, straight to the emulator
 *   single                     the same prediction through Augur as a one-field GraphQL operation
 *   scored-contacts            contacts(first: 100) each scored with churn
 *   aliased-predicts           50 aliased predict fields in one operation
 *   assignments-with-contacts  assignments(first: 100) with their contacts
 *   single, no cross-op batch  single with AUGUR_CROSS_BATCH=false, alternating with single in the same rounds
 *   cold start                 gateway process start to first successful GraphQL answer
 *   hot set                    front-end users against Previsto's real 120/min, entity cache on and off
 * Prints a table, then as its last line one JSON object (also written to bench/results/latest.json).
 *
 *   npm run bench                      the measurements
 *   npm run bench -- --baseline <ref>  also the same scenarios against the build of a git ref (built once into a
 *                                      temporary folder), alternating with this build, and the ratios of the two
 *   npm run bench -- --profile         instead, CPU profiles of the gateway under the single and scored-contacts load
 *
 * Each GraphQL scenario also gets its floor: the time, in this process, to JSON.parse the upstream bodies one
 * operation receives (recorded by a proxy in front of the emulators) and to JSON.stringify its response; the gateway's
 * CPU per operation is printed as a multiple of it, and per list item for the list scenarios.
 *
 * Environment: BENCH_DURATION (s per throughput scenario, default 8), BENCH_WARMUP (s of unmeasured load before each
 * process's throughput runs, default 8), BENCH_THROUGHPUT_ROUNDS (direct and single
 * alternate in this many rounds, default 2), BENCH_LATENCY_ROUNDS (default 3, 2 s per side each),
 * BENCH_LATENCY_WARMUP (s of one-connection load a gateway serves before the latency rounds count, default 10),
 * BENCH_CONNECTIONS (default 50), BENCH_COUNT_OPS (default 20), BENCH_COLD_RUNS (default 5),
 * BENCH_PREVISTO_RATE_LIMIT (default 1000000 per minute, given to the emulator and to the gateway alike),
 * BENCH_HOTSET_SECONDS (s per hot-set run, default 60; 0 skips it), BENCH_HOTSET_USERS (default 100),
 * BENCH_HOTSET_TTL (the entity cache's Previsto TTL in the hot set's cache-on run, default 300).
 */
import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { baselineBuild } from './lib/baseline.mjs';
import { upstreamCalls } from './lib/calls.mjs';
import { coldStart } from './lib/coldstart.mjs';
import { compare } from './lib/comparison.mjs';
import { floors } from './lib/floor.mjs';
import { hotSet } from './lib/hotset.mjs';
import { load, latencyOf } from './lib/load.mjs';
import { reportLines } from './lib/report.mjs';
import { summarize, writeResults } from './lib/result.mjs';
import { DIRECT, GRAPHQL, LABEL, QUERIES, SCENARIOS } from './lib/scenarios.mjs';
import {
  CONNECTIONS,
  COUNT_OPS,
  DURATION,
  HOTSET_SECONDS,
  HOTSET_TTL,
  HOTSET_USERS,
  LATENCY_ROUNDS,
  LATENCY_WARMUP,
  PREVISTO_LIMIT,
  RESULTS,
} from './lib/settings.mjs';
import { createControl, gqlOk, loadavg, memory, ROOT, round, sleep, startEmulators, startGateway } from './lib/stack.mjs';
import { directVsSingle, gatewayThroughput } from './lib/throughput.mjs';
import { formatSummary, summarizeFile } from './profile-summary.mjs';

const log = (...args) => console.error(...args);

async function measure(baselineRef) {
  const loadStart = loadavg();
  log(`Augur benchmark: node ${process.version}, ${os.cpus().length} cores, loadavg ${loadStart}`);
  const baseline = baselineRef ? baselineBuild(baselineRef, log) : null;
  const emulators = await startEmulators({ previstoLimit: PREVISTO_LIMIT });
  // Calls per operation are measured with the entity cache off, so they show what one operation costs by itself
  // (with it on, repeats of an operation cost nothing); the hot-set scenario measures the cache.
  const gateway = await startGateway(emulators.urls, {
    port: 0,
    previstoLimit: PREVISTO_LIMIT,
    env: { AUGUR_ENTITY_CACHE_TTLS: 'previsto=0' },
  });
  const idleMem = memory(gateway.pid);
  const control = createControl(emulators.urls);
  log(
    `emulators pid ${emulators.pid}: ${Object.entries(emulators.urls)
      .map(([p, u]) => `${p} ${u}`)
      .join(', ')}`,
  );
  log(
    `gateway pid ${gateway.pid}: ${gateway.graphqlUrl} (startup ${gateway.startupMs} ms); Previsto limit ${PREVISTO_LIMIT}/min on both sides`,
  );
  const dataikuOrigin = emulators.urls.dataiku;
  const direct = { ...DIRECT };

  try {
    // 1. Every scenario answers correctly, and its upstream calls per operation, counted by the emulators.
    const calls = {};
    for (const name of ['single', 'scoredContacts', 'aliasedPredicts', 'assignmentsWithContacts']) {
      calls[name] = await upstreamCalls(control, gateway.graphqlUrl, name, COUNT_OPS);
      log(
        `calls/op ${LABEL[name]}: ${calls[name].perOp} ${JSON.stringify(calls[name].byRoute)}${calls[name].duplicatesInOneOp.length ? ` DUPLICATES ${calls[name].duplicatesInOneOp.join(', ')}` : ''}`,
      );
    }
    await control.resetAll();
    const floor = await floors(emulators.urls);
    for (const [name, f] of Object.entries(floor))
      log(
        `floor ${LABEL[name]}: ${f.floorUs} µs (parse ${f.upstreamBodies} upstream bodies ${f.parseUs} µs, stringify ${f.stringifyUs} µs)`,
      );

    // 2. Added latency: one connection, back to back, direct and single interleaved in rounds, once the gateway has
    // served LATENCY_WARMUP seconds at one connection (V8 optimizes that path for several seconds after start).
    const latencyRuns = { direct: [], single: [] };
    await load({ url: dataikuOrigin, requests: [direct], connections: 1, duration: 1 });
    await load({ url: gateway.url, requests: [GRAPHQL.single], connections: 1, duration: LATENCY_WARMUP });
    for (let r = 0; r < LATENCY_ROUNDS; r++) {
      latencyRuns.direct.push(await load({ url: dataikuOrigin, requests: [direct], connections: 1, duration: 2 }));
      latencyRuns.single.push(await load({ url: gateway.url, requests: [GRAPHQL.single], connections: 1, duration: 2 }));
    }
    const latency = {
      direct: latencyOf(latencyRuns.direct),
      single: latencyOf(latencyRuns.single),
      errors: [...latencyRuns.direct, ...latencyRuns.single].reduce((n, r) => n + r.errors, 0),
      outcomes: {
        direct: latencyRuns.direct.map((r) => r.outcomes),
        single: latencyRuns.single.map((r) => r.outcomes),
      },
    };
    log(`latency 1 conn: direct p50 ${latency.direct.p50.toFixed(3)} ms, single p50 ${latency.single.p50.toFixed(3)} ms`);

    // 3. Throughput at CONNECTIONS connections.
    const runs = {};
    // Each throughput scenario gets a gateway process of its own (memory peaks are then the scenario's own).
    await gateway.stop();
    Object.assign(runs, await directVsSingle(emulators.urls, emulators.pid, control));
    log(
      `direct: ${runs.direct.rps.toFixed(0)} rps, ${runs.direct.errors} errors, emulators CPU ${runs.direct.processes.cpuPct.emulators}%`,
    );
    log(
      `single: ${runs.single.rps.toFixed(0)} rps, ${runs.single.errors} errors, gateway CPU ${runs.single.processes.cpuPct.gateway}%, ${runs.single.upstreamCallsPerOp} Dataiku calls/op`,
    );
    log(
      `single, cross-operation batching off: ${runs.singleUnbatched.rps.toFixed(0)} rps, ${runs.singleUnbatched.upstreamCallsPerOp} Dataiku calls/op`,
    );
    for (const name of ['scoredContacts', 'aliasedPredicts', 'assignmentsWithContacts']) {
      runs[name] = await gatewayThroughput(emulators.urls, emulators.pid, name);
      log(
        `${LABEL[name]}: ${runs[name].rps.toFixed(0)} rps, ${runs[name].errors} errors, gateway CPU ${runs[name].processes.cpuPct.gateway}%, RSS peak ${runs[name].gatewayHwmMb} MB`,
      );
    }

    // 3b. The same scenarios against the baseline build, alternating.
    const comparison = baseline ? await compare(emulators.urls, emulators.pid, baseline) : null;

    // 4. Cold start (the load gateway is stopped; the emulators keep running).
    const cold = await coldStart(emulators.urls);
    log(`cold start: median ${cold.medianMs.toFixed(1)} ms (${cold.runsMs.join(', ')}); bare node ${cold.bareNodeMedianMs.toFixed(1)} ms`);

    // 5. The hot set: front-end users against Previsto's real 120 per minute, entity cache on and off.
    const hot = HOTSET_SECONDS > 0 ? await hotSet({ users: HOTSET_USERS, seconds: HOTSET_SECONDS, ttlSeconds: HOTSET_TTL, log }) : null;
    const loadEnd = loadavg();

    // ---- report ----
    const { result, failed, heaviest, floorOut } = summarize({ runs, latency, calls, floor, comparison, baseline, cold, hot });
    const out = reportLines({
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
    });
    writeResults({ result, runs, latency, calls, idleMem, heaviest, cold, hot, failed, loadStart, loadEnd });
    console.log(out.join('\n'));
    console.log(JSON.stringify(result));
    return failed.length ? 1 : 0;
  } finally {
    await gateway.stop();
    await emulators.stop();
  }
}

/** The scenarios `--profile` runs: BENCH_PROFILE (comma-separated names), else single and scored-contacts. */
const PROFILED = (process.env.BENCH_PROFILE ?? 'single,scoredContacts').split(',').filter((n) => SCENARIOS.includes(n));

/** `--profile`: a fresh gateway under `node --cpu-prof` per scenario, loaded as in the throughput runs. */
async function profile() {
  mkdirSync(RESULTS, { recursive: true });
  log(`Profiling: node ${process.version}, loadavg ${loadavg()}`);
  const emulators = await startEmulators({ previstoLimit: PREVISTO_LIMIT });
  const summaries = {};
  try {
    for (const name of PROFILED) {
      const file = path.join(RESULTS, `${name}.cpuprofile`);
      rmSync(file, { force: true });
      const gateway = await startGateway(emulators.urls, {
        port: 0,
        previstoLimit: PREVISTO_LIMIT,
        nodeArgs: ['--cpu-prof', '--cpu-prof-dir=bench/results', `--cpu-prof-name=${name}.cpuprofile.tmp`],
      });
      let run;
      try {
        await gqlOk(gateway.graphqlUrl, QUERIES[name], LABEL[name]);
        await load({ url: gateway.url, requests: [GRAPHQL[name]], connections: CONNECTIONS, duration: 1 });
        run = await load({ url: gateway.url, requests: [GRAPHQL[name]], connections: CONNECTIONS, duration: DURATION });
      } finally {
        await gateway.stop();
      }
      const tmp = path.join(RESULTS, `${name}.cpuprofile.tmp`);
      for (let i = 0; i < 100 && !existsSync(tmp); i++) await sleep(50);
      if (!existsSync(tmp))
        throw new Error(`The gateway did not write ${tmp}: it must exit cleanly on SIGTERM for --cpu-prof to save the profile.`);
      renameSync(tmp, file);
      const summary = summarizeFile(file);
      summaries[name] = { file: path.relative(ROOT, file), rpsUnderProfiler: round(run.rps, 1), errors: run.errors, ...summary };
      console.log(
        formatSummary(summary, {
          top: 25,
          title: `\n== ${LABEL[name]} under load (${CONNECTIONS} connections, ${DURATION} s, ${run.rps.toFixed(0)} rps with the profiler on, ${run.errors} errors): ${path.relative(ROOT, file)}`,
        }),
      );
    }
  } finally {
    await emulators.stop();
  }
  writeFileSync(path.join(RESULTS, 'profile-summary.json'), `${JSON.stringify(summaries, null, 2)}\n`);
  console.log(
    `\nloadavg after: ${loadavg()}. Full profiles open in Chrome DevTools (Performance > Load profile); summaries in bench/results/profile-summary.json.`,
  );
  return Object.values(summaries).some((s) => s.errors > 0) ? 1 : 0;
}

const args = process.argv.slice(2);
const at = args.indexOf('--baseline');
const baselineRef = at >= 0 ? args[at + 1] : undefined;
const unknown = args.filter((a, i) => a !== '--profile' && !(at >= 0 && (i === at || i === at + 1)));
if (unknown.length || (at >= 0 && !baselineRef)) {
  console.error(
    `Unknown argument(s) ${unknown.join(' ') || '--baseline without a ref'}. Usage: npm run bench [-- --profile | --baseline <git ref>]`,
  );
  process.exit(2);
}
(args.includes('--profile') ? profile() : measure(baselineRef)).then(
  (code) => process.exit(code),
  (err) => {
    // A child process that died is reported by its own output, not by the harness's stack (see childError).
    console.error(err?.childProcess ? `bench: ${err.message}` : err instanceof Error ? err.stack : err);
    process.exit(1);
  },
);
