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
 * Environment: BENCH_DURATION (s per throughput scenario, default 8), BENCH_THROUGHPUT_ROUNDS (direct and single
 * alternate in this many rounds, default 2), BENCH_LATENCY_ROUNDS (default 3, 2 s per side each),
 * BENCH_CONNECTIONS (default 50), BENCH_COUNT_OPS (default 20), BENCH_COLD_RUNS (default 5),
 * BENCH_PREVISTO_RATE_LIMIT (default 1000000 per minute, given to the emulator and to the gateway alike),
 * BENCH_HOTSET_SECONDS (s per hot-set run, default 60; 0 skips it), BENCH_HOTSET_USERS (default 100),
 * BENCH_HOTSET_TTL (the entity cache's Previsto TTL in the hot set's cache-on run, default 300).
 */
import http from 'node:http';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { baselineBuild } from './lib/baseline.mjs';
import { floorOf, recordingProxies } from './lib/floor.mjs';
import { hotSet } from './lib/hotset.mjs';
import { load, latencyOf, mergeRuns } from './lib/load.mjs';
import { CHECKS, DIRECT, QUERIES, graphqlRequest } from './lib/scenarios.mjs';
import {
  childError,
  closed,
  createControl,
  freePort,
  gqlOk,
  intEnv,
  loadavg,
  median,
  memory,
  previstoRateLimit,
  ROOT,
  round,
  sampleProcesses,
  sleep,
  spawnGateway,
  startEmulators,
  startGateway,
  stopChild,
} from './lib/stack.mjs';
import { formatSummary, summarizeFile } from './profile-summary.mjs';

const RESULTS = path.join(ROOT, 'bench', 'results');

const DURATION = intEnv('BENCH_DURATION', 8, 1, 120);
const LATENCY_ROUNDS = intEnv('BENCH_LATENCY_ROUNDS', 3, 1, 20);
const CONNECTIONS = intEnv('BENCH_CONNECTIONS', 50, 1, 1000);
const ROUNDS = intEnv('BENCH_THROUGHPUT_ROUNDS', 2, 1, 20);
const COUNT_OPS = intEnv('BENCH_COUNT_OPS', 20, 1, 1000);
const COLD_RUNS = intEnv('BENCH_COLD_RUNS', 5, 1, 50);
const PREVISTO_LIMIT = previstoRateLimit();
const HOTSET_SECONDS = intEnv('BENCH_HOTSET_SECONDS', 60, 0, 600);
const HOTSET_USERS = intEnv('BENCH_HOTSET_USERS', 100, 1, 1000);
const HOTSET_TTL = intEnv('BENCH_HOTSET_TTL', 300, 1, 86_400);

const log = (...args) => console.error(...args);

/** The load of each GraphQL scenario, with the string every good answer contains. */
const GRAPHQL = {
  single: graphqlRequest(QUERIES.single, '"prediction"'),
  scoredContacts: graphqlRequest(QUERIES.scoredContacts, '"prediction"'),
  aliasedPredicts: graphqlRequest(QUERIES.aliasedPredicts, '"p49"'),
  assignmentsWithContacts: graphqlRequest(QUERIES.assignmentsWithContacts, '"contact"'),
};
const LABEL = {
  direct: 'direct (Dataiku REST)',
  single: 'single',
  singleUnbatched: 'single, no cross-op batch',
  scoredContacts: 'scored-contacts',
  aliasedPredicts: 'aliased-predicts',
  assignmentsWithContacts: 'assignments-with-contacts',
};

/** Upstream calls of `n` operations, read from the emulators after a reset; and whether one operation repeats a call. */
async function upstreamCalls(control, graphqlUrl, name, n) {
  await control.resetAll();
  const data = await gqlOk(graphqlUrl, QUERIES[name], LABEL[name]);
  CHECKS[name](data);
  const duplicates = [];
  const perPlatformOne = {};
  for (const [platform, c] of Object.entries(await control.counts())) {
    perPlatformOne[platform] = c.total;
    if (c.total === 0) continue;
    const keys = (await control.log(platform)).map((l) => `${l.method} ${l.path}?${l.query}`);
    const seen = new Set();
    for (const k of keys) {
      if (seen.has(k)) duplicates.push(`${platform}: ${k}`);
      seen.add(k);
    }
  }
  await control.resetAll();
  for (let i = 0; i < n; i++) await gqlOk(graphqlUrl, QUERIES[name], LABEL[name]);
  const counts = await control.counts();
  const byPlatform = {};
  const byRoute = {};
  let total = 0;
  for (const [platform, c] of Object.entries(counts)) {
    if (c.total === 0) continue;
    byPlatform[platform] = round(c.total / n, 3);
    for (const [route, k] of Object.entries(c.byRoute)) byRoute[`${platform} ${route}`] = round(k / n, 3);
    total += c.total;
  }
  return { perOp: round(total / n, 3), operations: n, byPlatform, byRoute, firstOp: perPlatformOne, duplicatesInOneOp: duplicates };
}

/** One throughput run with a 1 s unmeasured warm-up, sampling the processes' CPU and RSS. */
async function throughput(origin, request, pids) {
  await load({ url: origin, requests: [request], connections: CONNECTIONS, duration: 1 });
  const sampler = sampleProcesses(pids);
  const run = await load({ url: origin, requests: [request], connections: CONNECTIONS, duration: DURATION });
  return { ...run, processes: sampler.stop() };
}

/**
 * Direct and single at CONNECTIONS connections, alternating in ROUNDS rounds (DURATION s in all per side), so that
 * both see the same machine when other work shares its cores; the gateway is a process of its own.
 */
async function directVsSingle(urls, emulatorsPid, control) {
  const gateway = await startGateway(urls, { port: 0, previstoLimit: PREVISTO_LIMIT });
  // The same gateway with cross-operation batching off: what single predictions cost without it, in the same rounds.
  const unbatched = await startGateway(urls, { port: 0, previstoLimit: PREVISTO_LIMIT, env: { AUGUR_CROSS_BATCH: 'false' } });
  try {
    CHECKS.single(await gqlOk(gateway.graphqlUrl, QUERIES.single, LABEL.single));
    CHECKS.single(await gqlOk(unbatched.graphqlUrl, QUERIES.single, LABEL.single));
    const pids = { gateway: gateway.pid, emulators: emulatorsPid };
    const targets = {
      direct: [urls.dataiku, DIRECT, pids],
      single: [gateway.url, GRAPHQL.single, pids],
      singleUnbatched: [unbatched.url, GRAPHQL.single, { gateway: unbatched.pid, emulators: emulatorsPid }],
    };
    for (const [origin, request] of Object.values(targets))
      await load({ url: origin, requests: [request], connections: CONNECTIONS, duration: 1 });
    const slice = Math.max(1, Math.round(DURATION / ROUNDS));
    const parts = { direct: [], single: [], singleUnbatched: [] };
    // Dataiku calls made during each side's slices, read from the emulator's counter around them.
    const dataikuCalls = { single: 0, singleUnbatched: 0 };
    for (let r = 0; r < ROUNDS; r++) {
      for (const [name, [origin, request, who]] of Object.entries(targets)) {
        const before = (await control.counts()).dataiku.total;
        const sampler = sampleProcesses(who);
        const run = await load({ url: origin, requests: [request], connections: CONNECTIONS, duration: slice });
        parts[name].push({ ...run, processes: sampler.stop() });
        if (name in dataikuCalls) dataikuCalls[name] += (await control.counts()).dataiku.total - before;
      }
    }
    const mem = memory(gateway.pid);
    const merged = Object.fromEntries(Object.entries(parts).map(([n, p]) => [n, mergeRuns(p)]));
    for (const name of Object.keys(dataikuCalls)) merged[name].upstreamCallsPerOp = round(dataikuCalls[name] / merged[name].completed, 3);
    return {
      direct: merged.direct,
      single: { ...merged.single, gatewayHwmMb: round(mem.hwmKb / 1024, 1), gatewayRssAfterMb: round(mem.rssKb / 1024, 1) },
      singleUnbatched: {
        ...merged.singleUnbatched,
        gatewayHwmMb: round(memory(unbatched.pid).hwmKb / 1024, 1),
        gatewayRssAfterMb: round(memory(unbatched.pid).rssKb / 1024, 1),
      },
    };
  } finally {
    await Promise.all([gateway.stop(), unbatched.stop()]);
  }
}

/**
 * A GraphQL throughput run against a gateway process of its own, so each scenario's memory peak (VmHWM) and heap
 * are its own and not inherited from the scenario before.
 */
async function gatewayThroughput(urls, emulatorsPid, name) {
  const gateway = await startGateway(urls, { port: 0, previstoLimit: PREVISTO_LIMIT });
  try {
    CHECKS[name](await gqlOk(gateway.graphqlUrl, QUERIES[name], LABEL[name]));
    const run = await throughput(gateway.url, GRAPHQL[name], { gateway: gateway.pid, emulators: emulatorsPid });
    const mem = memory(gateway.pid);
    return { ...run, gatewayHwmMb: round(mem.hwmKb / 1024, 1), gatewayRssAfterMb: round(mem.rssKb / 1024, 1) };
  } finally {
    await gateway.stop();
  }
}

/** List items per operation of the list scenarios (CPU per item = CPU per operation / items). */
const ITEMS = { scoredContacts: 100, aliasedPredicts: 50, assignmentsWithContacts: 100 };
const SCENARIOS = ['single', 'scoredContacts', 'aliasedPredicts', 'assignmentsWithContacts'];

/** Each scenario's floor: one operation through a gateway whose upstream bodies a recording proxy keeps. */
async function floors(urls) {
  const proxies = await recordingProxies(urls);
  const gateway = await startGateway(proxies.urls, {
    port: 0,
    previstoLimit: PREVISTO_LIMIT,
    env: { AUGUR_ENTITY_CACHE_TTLS: 'previsto=0' },
  });
  try {
    const out = {};
    for (const name of SCENARIOS) {
      await gqlOk(gateway.graphqlUrl, QUERIES[name], LABEL[name]);
      proxies.clear();
      const res = await fetch(gateway.graphqlUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: QUERIES[name] }),
      });
      const text = await res.text();
      CHECKS[name](JSON.parse(text).data);
      out[name] = floorOf([...proxies.bodies], text);
    }
    return out;
  } finally {
    await gateway.stop();
    await proxies.close();
  }
}

/**
 * This build against the baseline's, scenario by scenario: a gateway of each, loaded alternately in ROUNDS slices,
 * their CPU per operation read from /proc; then added latency at one connection, alternating likewise.
 */
async function compare(urls, emulatorsPid, baseline) {
  const builds = { current: undefined, baseline: baseline.root };
  const out = { cpuMsPerOp: { current: {}, baseline: {} }, rps: { current: {}, baseline: {} }, rssPeakMb: { current: {}, baseline: {} } };
  const cpuMs = (r) => ((r.processes.cpuPct.gateway / 100) * 1000) / r.rps;
  for (const name of SCENARIOS) {
    const gateways = {};
    for (const [build, root] of Object.entries(builds))
      gateways[build] = await startGateway(urls, { port: 0, previstoLimit: PREVISTO_LIMIT, root });
    try {
      for (const g of Object.values(gateways)) {
        CHECKS[name](await gqlOk(g.graphqlUrl, QUERIES[name], LABEL[name]));
        await load({ url: g.url, requests: [GRAPHQL[name]], connections: CONNECTIONS, duration: 1 });
      }
      const parts = { current: [], baseline: [] };
      const slice = Math.max(1, Math.round(DURATION / ROUNDS));
      for (let r = 0; r < ROUNDS; r++) {
        for (const [build, g] of Object.entries(gateways)) {
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
  // Added latency at one connection: direct, this build and the baseline interleaved in rounds.
  const gateways = {};
  for (const [build, root] of Object.entries(builds))
    gateways[build] = await startGateway(urls, { port: 0, previstoLimit: PREVISTO_LIMIT, root });
  try {
    const runs = { direct: [], current: [], baseline: [] };
    const targets = {
      direct: [urls.dataiku, DIRECT],
      current: [gateways.current.url, GRAPHQL.single],
      baseline: [gateways.baseline.url, GRAPHQL.single],
    };
    for (const [origin, request] of Object.values(targets)) await load({ url: origin, requests: [request], connections: 1, duration: 1 });
    for (let r = 0; r < LATENCY_ROUNDS; r++)
      for (const [name, [origin, request]] of Object.entries(targets))
        runs[name].push(await load({ url: origin, requests: [request], connections: 1, duration: 2 }));
    const lat = Object.fromEntries(Object.entries(runs).map(([n, r]) => [n, latencyOf(r)]));
    out.addedLatencyP99Ms = {
      current: round(lat.current.p99 - lat.direct.p99, 3),
      baseline: round(lat.baseline.p99 - lat.direct.p99, 3),
    };
  } finally {
    await Promise.all(Object.values(gateways).map((g) => g.stop()));
  }
  out.cpuRatio = Object.fromEntries(SCENARIOS.map((n) => [n, round(out.cpuMsPerOp.current[n] / out.cpuMsPerOp.baseline[n], 3)]));
  out.addedLatencyP99Ratio =
    out.addedLatencyP99Ms.baseline > 0 ? round(out.addedLatencyP99Ms.current / out.addedLatencyP99Ms.baseline, 3) : null;
  return out;
}

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

/** Minimal POST over a fresh connection (no pooling), for polling a starting process. */
function postOnce(port, body) {
  return new Promise((resolve) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        path: '/graphql',
        method: 'POST',
        agent: false,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
      },
      (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode, text: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', () => resolve(undefined));
      },
    );
    req.on('error', () => resolve(undefined));
    req.end(body);
  });
}

/**
 * Spawns a process and polls until `ok(answer)`; answers the ms from spawn to that answer, and the `startupMs` the
 * gateway logged with its `listening` line (its own time from main() to listening), when there is one.
 */
async function timeToFirstAnswer(spawnIt, port, body, ok) {
  const t0 = performance.now();
  const { child, lines } = spawnIt(port);
  try {
    for (;;) {
      if (child.exitCode !== null) {
        await closed(child);
        const error = childError(`The process exited (code ${child.exitCode}) before answering.`, lines);
        // The port was free when picked, but another process on the machine may have taken it since.
        error.portTaken = lines.some((l) => l.includes('EADDRINUSE'));
        throw error;
      }
      const answer = await postOnce(port, body);
      if (answer && ok(answer)) {
        const ms = performance.now() - t0;
        const listening = lines.map((l) => /"event":"listening".*"startupMs":(\d+)/.exec(l)).find(Boolean);
        return { ms, startupMs: listening ? Number(listening[1]) : undefined };
      }
      if (performance.now() - t0 > 20_000)
        throw childError(`No successful answer within 20 s. Last answer: ${JSON.stringify(answer)}.`, lines);
      await sleep(2);
    }
  } finally {
    await stopChild(child);
  }
}

async function coldStart(urls) {
  const body = JSON.stringify({ query: QUERIES.single });
  const okGraphql = (a) => a.status === 200 && a.text.includes('"prediction"') && !a.text.includes('"errors"');
  const gatewayRuns = [];
  const mainMs = [];
  for (let i = 0; i < COLD_RUNS; i++) {
    let r;
    for (let attempt = 1; ; attempt++) {
      const port = await freePort();
      try {
        r = await timeToFirstAnswer((p) => spawnGateway(urls, { port: p, previstoLimit: PREVISTO_LIMIT }), port, body, okGraphql);
        break;
      } catch (err) {
        if (!err.portTaken || attempt === 3) throw err;
        log(`cold start: port ${port} was taken by another process before the gateway bound it; retrying on another port`);
      }
    }
    gatewayRuns.push(r.ms);
    if (r.startupMs !== undefined) mainMs.push(r.startupMs);
  }
  // Context: the same measure for a bare Node HTTP server, i.e. what Node itself costs before any Augur code runs.
  const bare = `require('http').createServer((q, s) => { q.resume(); q.on('end', () => s.end('{}')); }).listen(Number(process.argv[1]), '127.0.0.1')`;
  const nodeRuns = [];
  for (let i = 0; i < COLD_RUNS; i++) {
    const port = await freePort();
    nodeRuns.push(
      (
        await timeToFirstAnswer(
          (p) => {
            const child = spawn(process.execPath, ['-e', bare, String(p)], { stdio: ['ignore', 'pipe', 'pipe'] });
            return { child, lines: [] };
          },
          port,
          body,
          (a) => a.status === 200,
        )
      ).ms,
    );
  }
  return {
    medianMs: median(gatewayRuns),
    runsMs: gatewayRuns.map((v) => round(v, 1)),
    mainToListeningMedianMs: mainMs.length ? median(mainMs) : null,
    bareNodeMedianMs: median(nodeRuns),
    bareNodeRunsMs: nodeRuns.map((v) => round(v, 1)),
  };
}

function pad(v, n, right = false) {
  const s = v === null || v === undefined ? '-' : String(v);
  return right ? s.padEnd(n) : s.padStart(n);
}

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

    // 2. Added latency: one connection, back to back, direct and single interleaved in rounds.
    const latencyRuns = { direct: [], single: [] };
    await load({ url: dataikuOrigin, requests: [direct], connections: 1, duration: 1 });
    await load({ url: gateway.url, requests: [GRAPHQL.single], connections: 1, duration: 1 });
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
    const failed = Object.entries(runs)
      .filter(([, r]) => r.errors > 0)
      .map(([n]) => n);
    if (latency.errors > 0) failed.push('latency');
    const heaviest = Object.entries(runs)
      .filter(([n]) => n !== 'direct')
      .sort((a, b) => b[1].gatewayHwmMb - a[1].gatewayHwmMb)[0][0];
    const rssPeakMb = runs[heaviest].gatewayHwmMb;
    const ok = (name) => (runs[name].errors === 0 ? round(runs[name].rps, 1) : null);
    // CPU time per operation of the process doing the work (emulators for direct, gateway otherwise): unlike rps it
    // hardly depends on what else runs on the machine.
    const cpuPerOp = (name, r) => ((r.processes.cpuPct[name === 'direct' ? 'emulators' : 'gateway'] / 100) * 1000) / r.rps;
    for (const [name, r] of Object.entries(runs)) r.cpuMsPerOp = round(cpuPerOp(name, r), 4);
    const floorOut = Object.fromEntries(
      SCENARIOS.map((name) => [
        name,
        {
          floorUs: floor[name].floorUs,
          upstreamBytes: floor[name].upstreamBytes,
          responseBytes: floor[name].responseBytes,
          cpuUsPerOp: round(runs[name].cpuMsPerOp * 1000, 1),
          floorMultiple: round((runs[name].cpuMsPerOp * 1000) / floor[name].floorUs, 2),
          ...(ITEMS[name] ? { cpuUsPerItem: round((runs[name].cpuMsPerOp * 1000) / ITEMS[name], 2) } : {}),
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
              cpuRatio: comparison.cpuRatio,
              addedLatencyP99Ratio: comparison.addedLatencyP99Ratio,
              addedLatencyP99Ms: comparison.addedLatencyP99Ms,
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

    const out = [];
    out.push('');
    out.push(
      `Augur benchmark, ${new Date().toISOString()}: node ${process.version}, ${os.cpus().length} cores (${os.cpus()[0]?.model ?? '?'})`,
    );
    out.push(`loadavg before: ${loadStart}   after: ${loadEnd}`);
    out.push(
      `gateway and emulators are separate processes on loopback; Previsto limit ${PREVISTO_LIMIT}/min (emulator and gateway budget)`,
    );
    out.push('');
    out.push(
      `Throughput: ${CONNECTIONS} connections, ${DURATION} s each after a 1 s warm-up (direct and single alternate in ${ROUNDS} rounds). CPU % is of one core (200 = both cores), from /proc: gateway, emulators, load generator (this process), and every other process on the machine.`,
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
      `Added latency: 1 connection, back to back, ${LATENCY_ROUNDS} interleaved rounds of 2 s per side (high-resolution times of every response).`,
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
      'Floor: per operation, JSON.parse of the upstream bodies it receives (recorded by a proxy) and JSON.stringify of its response, in this process; the gateway CPU per operation as a multiple of it.',
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
        `Against the baseline ${baseline.ref} (${baseline.commit.slice(0, 12)}), same run, alternating ${ROUNDS} rounds per scenario at ${CONNECTIONS} connections:`,
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
        `added latency p99 at 1 connection: ${comparison.addedLatencyP99Ms.current} ms, baseline ${comparison.addedLatencyP99Ms.baseline} ms (ratio ${comparison.addedLatencyP99Ratio})`,
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
