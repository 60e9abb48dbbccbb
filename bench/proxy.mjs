#!/usr/bin/env node
/**
 * `npm run bench:proxy`: how far the floor of aliased-predicts (JSON.parse of the upstream body and JSON.stringify of
 * the response, bench/lib/floor.mjs) is from what any Node process must spend, and from what any server on Augur's
 * stack must spend, and where the gateway stands. Starts the emulators and three servers that answer the same
 * operation, each with the Node.js flags of `npm start`:
 *
 * - a bare Node proxy without GraphQL (bench/lib/bareProxy.cjs),
 * - a minimal Apollo Server 5 with DataLoader and undici (bench/lib/apolloProxy.mjs),
 * - the gateway as `npm start` runs it (the first two are bundled here as Augur's build is);
 *
 * loads them alternately (PROXY_ROUNDS rounds of PROXY_SECONDS s each, 50 connections), reads each process's CPU per
 * operation from /proc and its peak RSS (VmHWM), then times each one's cold start (spawn to the first correct answer,
 * BENCH_COLD_RUNS runs, in turn) beside a bare Node HTTP server's. The last line is JSON (also
 * bench/results/proxy-latest.json).
 */
import { build } from 'esbuild';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { bareNodeColdStart, timeToFirstAnswer } from './lib/coldstart.mjs';
import { floors } from './lib/floor.mjs';
import { load } from './lib/load.mjs';
import { CHECKS, DIRECT, GRAPHQL } from './lib/scenarios.mjs';
import { COLD_RUNS, CONNECTIONS, PREVISTO_LIMIT, RESULTS, WARMUP } from './lib/settings.mjs';
import {
  cpuSeconds,
  freePort,
  gatewayNodeFlags,
  intEnv,
  loadavg,
  median,
  memory,
  round,
  ROOT,
  runMain,
  spawnGateway,
  spawnNode,
  startEmulators,
  startGateway,
  startNodeServer,
  stopChild,
} from './lib/stack.mjs';

const ROUNDS = intEnv('PROXY_ROUNDS', 3, 1, 20);
const SECONDS = intEnv('PROXY_SECONDS', 4, 1, 60);
const LABELS = { bareProxy: 'bare Node proxy, no GraphQL', apollo: 'minimal Apollo Server', gateway: 'gateway' };

/**
 * Bundles the two helper servers as scripts/bundle.mjs bundles Augur (one file each, production mode), so that their
 * cold starts compare with the gateway's: module resolution across node_modules would otherwise dominate them.
 */
async function bundleHelpers() {
  const dir = path.join(RESULTS, 'proxy-servers');
  const common = {
    bundle: true,
    platform: 'node',
    target: 'node20',
    logLevel: 'error',
    minifyWhitespace: true,
    minifySyntax: true,
    charset: 'ascii',
    define: { 'process.env.NODE_ENV': '"production"' },
  };
  const bareProxy = path.join(dir, 'bareProxy.cjs');
  const apollo = path.join(dir, 'apolloProxy.mjs');
  await build({ ...common, entryPoints: [path.join(ROOT, 'bench/lib/bareProxy.cjs')], format: 'cjs', outfile: bareProxy });
  await build({
    ...common,
    entryPoints: [path.join(ROOT, 'bench/lib/apolloProxy.mjs')],
    format: 'esm',
    outfile: apollo,
    banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
  });
  return { bareProxy, apollo };
}

async function main() {
  console.error(`Floor, bare proxy, minimal Apollo Server and gateway: node ${process.version}, loadavg ${loadavg()}`);
  const bundles = await bundleHelpers();
  const emulators = await startEmulators({ previstoLimit: PREVISTO_LIMIT });
  const floor = (await floors(emulators.urls)).aliasedPredicts;
  const flags = gatewayNodeFlags();
  const proxyArgs = (port) => [String(port), emulators.urls.dataiku, DIRECT.headers.authorization];
  // Each server's command line, given a port.
  const commands = {
    bareProxy: (port) => [...flags, bundles.bareProxy, ...proxyArgs(port)],
    apollo: (port) => [...flags, bundles.apollo, ...proxyArgs(port)],
  };
  const spawnServer = (name, port) =>
    name === 'gateway' ? spawnGateway(emulators.urls, { port, previstoLimit: PREVISTO_LIMIT }) : spawnNode(commands[name](port));
  const startServer = async (name) => {
    const port = await freePort();
    const started = await startNodeServer(commands[name](port), LABELS[name]);
    return { ...started, url: `http://127.0.0.1:${port}`, stop: () => stopChild(started.child) };
  };
  const sides = {
    bareProxy: await startServer('bareProxy'),
    apollo: await startServer('apollo'),
    gateway: await startGateway(emulators.urls, { port: 0, previstoLimit: PREVISTO_LIMIT }),
  };
  try {
    for (const side of Object.values(sides)) {
      const res = await fetch(`${side.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: GRAPHQL.aliasedPredicts.body,
      });
      CHECKS.aliasedPredicts((await res.json()).data);
      await load({ url: side.url, requests: [GRAPHQL.aliasedPredicts], connections: CONNECTIONS, duration: WARMUP });
    }
    const names = Object.keys(sides);
    const totals = Object.fromEntries(names.map((n) => [n, { cpuS: 0, ops: 0 }]));
    for (let r = 0; r < ROUNDS; r++) {
      // Each round in another order, so no server always runs right after the same other one.
      const order = names.map((_, i) => names[(i + r) % names.length]);
      for (const name of order) {
        const side = sides[name];
        const before = cpuSeconds(side.pid);
        const run = await load({ url: side.url, requests: [GRAPHQL.aliasedPredicts], connections: CONNECTIONS, duration: SECONDS });
        if (run.errors > 0) throw new Error(`${name}: ${run.errors} failed requests`);
        totals[name].cpuS += cpuSeconds(side.pid) - before;
        totals[name].ops += run.completed;
      }
    }
    const rssPeakMb = Object.fromEntries(names.map((n) => [n, round(memory(sides[n].pid).hwmKb / 1024, 1)]));
    for (const side of Object.values(sides)) await side.stop();

    // Cold starts, in turn: spawn to the first correct aliased-predicts answer; the bare Node server answers `{}`.
    const okAliased = (a) => a.status === 200 && a.text.includes('"p49"') && !a.text.includes('"errors"');
    const cold = Object.fromEntries([...names, 'bareNode'].map((n) => [n, []]));
    for (let i = 0; i < COLD_RUNS; i++) {
      cold.bareNode.push(await bareNodeColdStart(GRAPHQL.aliasedPredicts.body));
      for (const name of names) {
        const port = await freePort();
        cold[name].push((await timeToFirstAnswer(() => spawnServer(name, port), port, GRAPHQL.aliasedPredicts.body, okAliased)).ms);
      }
    }
    const coldMs = Object.fromEntries(Object.entries(cold).map(([n, runs]) => [n, round(median(runs), 1)]));

    const us = (t) => (t.cpuS * 1e6) / t.ops;
    const result = {
      scenario: 'aliasedPredicts',
      floorUs: floor.floorUs,
      cpuUsPerOp: Object.fromEntries(names.map((n) => [n, round(us(totals[n]), 1)])),
      floorMultiple: Object.fromEntries(names.map((n) => [n, round(us(totals[n]) / floor.floorUs, 2)])),
      gatewayOverApollo: round(us(totals.gateway) / us(totals.apollo), 2),
      gatewayOverBareProxy: round(us(totals.gateway) / us(totals.bareProxy), 2),
      rssPeakMb,
      coldStartMs: coldMs,
      coldStartVsBareNode: Object.fromEntries(names.map((n) => [n, round(coldMs[n] / coldMs.bareNode, 2)])),
      rounds: ROUNDS,
      secondsPerRound: SECONDS,
      coldRuns: COLD_RUNS,
    };
    const row = (n) =>
      `  ${LABELS[n].padEnd(28)} ${String(result.cpuUsPerOp[n]).padStart(8)} µs  ${String(result.floorMultiple[n]).padStart(6)} x floor  ` +
      `RSS peak ${String(rssPeakMb[n]).padStart(6)} MB  cold start ${String(coldMs[n]).padStart(6)} ms (${result.coldStartVsBareNode[n]} x bare Node)`;
    console.log(
      [
        `aliased-predicts at ${CONNECTIONS} connections, ${ROUNDS} alternating rounds of ${SECONDS} s; cold starts: medians of ${COLD_RUNS}:`,
        `  floor (JSON.parse of the upstream body, JSON.stringify of the response)   ${result.floorUs} µs`,
        `  bare Node HTTP server answering {}: cold start ${coldMs.bareNode} ms`,
        `  ${''.padEnd(28)} CPU per operation`,
        ...names.map(row),
        `  gateway: ${result.gatewayOverApollo} x the minimal Apollo Server's CPU per operation, ${result.gatewayOverBareProxy} x the bare proxy's`,
      ].join('\n'),
    );
    mkdirSync(RESULTS, { recursive: true });
    writeFileSync(path.join(RESULTS, 'proxy-latest.json'), `${JSON.stringify(result)}\n`);
    console.log(JSON.stringify(result));
  } finally {
    for (const side of Object.values(sides)) if (side.child.exitCode === null) await side.stop();
    await emulators.stop();
  }
}

runMain(main);
