#!/usr/bin/env node
/**
 * `npm run bench:proxy`: how far the floor of aliased-predicts (JSON.parse of the upstream body and JSON.stringify of
 * the response, bench/lib/floor.mjs) is from what any Node process must spend, and where the gateway stands between
 * them. Starts the emulators, a bare Node proxy that answers the same operation without GraphQL
 * (bench/lib/bareProxy.cjs) and the gateway as `npm start` runs it, loads them alternately (PROXY_ROUNDS rounds of
 * PROXY_SECONDS s each, 50 connections) and reads each process's CPU per operation from /proc. The last line is JSON
 * (also bench/results/proxy-latest.json).
 */
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { floors } from './lib/floor.mjs';
import { load } from './lib/load.mjs';
import { CHECKS, DIRECT, GRAPHQL } from './lib/scenarios.mjs';
import { CONNECTIONS, PREVISTO_LIMIT, RESULTS } from './lib/settings.mjs';
import { cpuSeconds, freePort, intEnv, loadavg, round, ROOT, runMain, startEmulators, startGateway, stopChild } from './lib/stack.mjs';

const ROUNDS = intEnv('PROXY_ROUNDS', 3, 1, 20);
const SECONDS = intEnv('PROXY_SECONDS', 4, 1, 60);

async function startBareProxy(dataikuUrl) {
  const port = await freePort();
  const child = spawn(
    process.execPath,
    [path.join(ROOT, 'bench/lib/bareProxy.cjs'), String(port), dataikuUrl, DIRECT.headers.authorization],
    {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  await new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`bench/lib/bareProxy.cjs exited with ${code} before listening`)));
    child.stdout.once('data', resolve);
  });
  return { child, pid: child.pid, url: `http://127.0.0.1:${port}` };
}

async function main() {
  console.error(`Bare proxy against the floor: node ${process.version}, loadavg ${loadavg()}`);
  const emulators = await startEmulators({ previstoLimit: PREVISTO_LIMIT });
  const floor = (await floors(emulators.urls)).aliasedPredicts;
  const bare = await startBareProxy(emulators.urls.dataiku);
  const gateway = await startGateway(emulators.urls, { port: 0, previstoLimit: PREVISTO_LIMIT });
  try {
    const sides = { bareProxy: bare, gateway };
    for (const side of Object.values(sides)) {
      const res = await fetch(`${side.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: GRAPHQL.aliasedPredicts.body,
      });
      CHECKS.aliasedPredicts((await res.json()).data);
      await load({ url: side.url, requests: [GRAPHQL.aliasedPredicts], connections: CONNECTIONS, duration: 1 });
    }
    const totals = { bareProxy: { cpuS: 0, ops: 0 }, gateway: { cpuS: 0, ops: 0 } };
    for (let r = 0; r < ROUNDS; r++) {
      for (const [name, side] of Object.entries(sides)) {
        const before = cpuSeconds(side.pid);
        const run = await load({ url: side.url, requests: [GRAPHQL.aliasedPredicts], connections: CONNECTIONS, duration: SECONDS });
        if (run.errors > 0) throw new Error(`${name}: ${run.errors} failed requests`);
        totals[name].cpuS += cpuSeconds(side.pid) - before;
        totals[name].ops += run.completed;
      }
    }
    const us = (t) => (t.cpuS * 1e6) / t.ops;
    const result = {
      scenario: 'aliasedPredicts',
      floorUs: floor.floorUs,
      bareProxyCpuUsPerOp: round(us(totals.bareProxy), 1),
      gatewayCpuUsPerOp: round(us(totals.gateway), 1),
      bareProxyFloorMultiple: round(us(totals.bareProxy) / floor.floorUs, 2),
      gatewayFloorMultiple: round(us(totals.gateway) / floor.floorUs, 2),
      gatewayOverBareProxy: round(us(totals.gateway) / us(totals.bareProxy), 2),
      rounds: ROUNDS,
      secondsPerRound: SECONDS,
    };
    console.log(
      [
        `aliased-predicts at ${CONNECTIONS} connections, ${ROUNDS} alternating rounds of ${SECONDS} s:`,
        `  floor (JSON.parse of the upstream body, JSON.stringify of the response)   ${result.floorUs} µs`,
        `  bare Node proxy, no GraphQL: CPU per operation   ${result.bareProxyCpuUsPerOp} µs   ${result.bareProxyFloorMultiple} x floor`,
        `  gateway:                     CPU per operation   ${result.gatewayCpuUsPerOp} µs   ${result.gatewayFloorMultiple} x floor, ${result.gatewayOverBareProxy} x the bare proxy`,
      ].join('\n'),
    );
    mkdirSync(RESULTS, { recursive: true });
    writeFileSync(path.join(RESULTS, 'proxy-latest.json'), `${JSON.stringify(result)}\n`);
    console.log(JSON.stringify(result));
  } finally {
    await gateway.stop();
    await stopChild(bare.child);
    await emulators.stop();
  }
}

runMain(main);
