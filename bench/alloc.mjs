#!/usr/bin/env node
/**
 * `npm run bench:alloc [-- scenario...]`: what the gateway allocates per operation, and where. Starts the emulators and
 * the gateway (as `npm start` runs it, plus `--inspect` on a loopback port), puts each scenario's load on it, and
 * samples every allocation with V8's sampling heap profiler, objects collected by the garbage collector included (so
 * the figure is what was allocated, not what survived). Prints KB allocated per operation and the functions that
 * allocate the most, by self and inclusive size; each profile is written to bench/results/<scenario>.heapprofile
 * (Chrome DevTools, Memory tab, opens it).
 *
 * Scenarios: single, scoredContacts, aliasedPredicts, assignmentsWithContacts (default: all four).
 * Environment: ALLOC_DURATION (s of load per scenario, default 4), ALLOC_CONNECTIONS (default 50), ALLOC_TOP (rows, 20).
 * The profiler slows the gateway: compare KB per operation between runs, not the rps printed beside it.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { load } from './lib/load.mjs';
import { QUERIES, graphqlRequest } from './lib/scenarios.mjs';
import { ROOT, freePort, startEmulators, startGateway, previstoRateLimit } from './lib/stack.mjs';

const SCENARIOS = ['single', 'scoredContacts', 'aliasedPredicts', 'assignmentsWithContacts'];
const chosen = process.argv.slice(2).filter((a) => !a.startsWith('-'));
for (const s of chosen) if (!SCENARIOS.includes(s)) throw new Error(`Unknown scenario "${s}"; choose among ${SCENARIOS.join(', ')}.`);
const DURATION = Number(process.env.ALLOC_DURATION ?? 4);
const CONNECTIONS = Number(process.env.ALLOC_CONNECTIONS ?? 50);
const TOP = Number(process.env.ALLOC_TOP ?? 20);
const RESULTS = path.join(ROOT, 'bench', 'results');
if (typeof WebSocket !== 'function') throw new Error('Run with node --experimental-websocket (npm run bench:alloc does).');

/** A minimal Chrome DevTools Protocol client over the inspector's WebSocket. */
async function inspector(port) {
  const [target] = await (await fetch(`http://127.0.0.1:${port}/json/list`)).json();
  const ws = new WebSocket(target.webSocketDebuggerUrl);
  await new Promise((resolve, reject) => {
    ws.addEventListener('open', resolve, { once: true });
    ws.addEventListener('error', reject, { once: true });
  });
  let id = 0;
  const pending = new Map();
  ws.addEventListener('message', (e) => {
    const m = JSON.parse(e.data);
    if (m.id && pending.has(m.id)) {
      pending.get(m.id)(m);
      pending.delete(m.id);
    }
  });
  return {
    call(method, params = {}) {
      return new Promise((resolve, reject) => {
        const i = ++id;
        pending.set(i, (m) => (m.error ? reject(new Error(`${method}: ${m.error.message}`)) : resolve(m.result)));
        ws.send(JSON.stringify({ id: i, method, params }));
      });
    },
    close: () => ws.close(),
  };
}

/** Self and inclusive sizes per function (name, file, line) of a sampling heap profile. */
function summarize(profile) {
  const self = new Map();
  const inclusive = new Map();
  let total = 0;
  const key = (cf) =>
    `${cf.functionName || '(anonymous)'}  ${cf.url ? `${path.relative(ROOT, cf.url.replace(/^file:\/\//, ''))}:${cf.lineNumber + 1}` : '(builtin or compiled query)'}`;
  const walk = (node, stack) => {
    const k = key(node.callFrame);
    total += node.selfSize;
    self.set(k, (self.get(k) ?? 0) + node.selfSize);
    const next = stack.includes(k) ? stack : [...stack, k];
    for (const f of next) inclusive.set(f, (inclusive.get(f) ?? 0) + node.selfSize);
    for (const child of node.children) walk(child, next);
  };
  walk(profile.head, []);
  return { total, self, inclusive };
}

const emulators = await startEmulators({ previstoLimit: previstoRateLimit() });
const summary = {};
try {
  for (const scenario of chosen.length ? chosen : SCENARIOS) {
    const port = await freePort();
    const gateway = await startGateway(emulators.urls, {
      port: 0,
      previstoLimit: previstoRateLimit(),
      nodeArgs: [`--inspect=127.0.0.1:${port}`],
    });
    const cdp = await inspector(port);
    try {
      const requests = [graphqlRequest(QUERIES[scenario], '"data"')];
      await load({ url: gateway.url, requests, connections: CONNECTIONS, duration: 2 }); // warm-up, not sampled
      await cdp.call('HeapProfiler.enable');
      await cdp.call('HeapProfiler.startSampling', {
        samplingInterval: 4096,
        includeObjectsCollectedByMajorGC: true,
        includeObjectsCollectedByMinorGC: true,
      });
      const run = await load({ url: gateway.url, requests, connections: CONNECTIONS, duration: DURATION });
      const { profile } = await cdp.call('HeapProfiler.stopSampling');
      if (run.errors) throw new Error(`${scenario}: ${run.errors} failed responses (${JSON.stringify(run.outcomes)})`);
      mkdirSync(RESULTS, { recursive: true });
      writeFileSync(path.join(RESULTS, `${scenario}.heapprofile`), JSON.stringify(profile));
      const { total, self, inclusive } = summarize(profile);
      const perOp = (bytes) => (bytes / 1024 / run.completed).toFixed(1).padStart(8);
      summary[scenario] = { kbPerOperation: Math.round((total / 1024 / run.completed) * 10) / 10, operations: run.completed };
      console.log(
        `\n== ${scenario}: ${run.completed} operations (${Math.round(run.rps)} rps with the profiler on), ${perOp(total).trim()} KB allocated per operation`,
      );
      console.log(`${'KB/op'.padStart(8)}  self: the function allocated it`);
      for (const [k, v] of [...self].sort((a, b) => b[1] - a[1]).slice(0, TOP)) console.log(`${perOp(v)}  ${k}`);
      console.log(`${'KB/op'.padStart(8)}  inclusive: allocated in the function or what it called`);
      for (const [k, v] of [...inclusive].sort((a, b) => b[1] - a[1]).slice(0, TOP)) console.log(`${perOp(v)}  ${k}`);
    } finally {
      cdp.close();
      await gateway.stop();
    }
  }
} finally {
  await emulators.stop();
}
console.log(`\n${JSON.stringify(summary)}`);
process.exit(0);
