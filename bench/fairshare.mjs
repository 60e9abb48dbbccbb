#!/usr/bin/env node
/**
 * `npm run bench:fairshare`: fair use of Previsto's 120 requests per minute per key. The built gateway
 * (`dist/augur/main.js`) runs against the emulators (separate processes on loopback) with Previsto limited to 120 per
 * minute on both sides. One greedy caller loops the heaviest operation it may send, 30 aliased
 * `contacts(first: 1, search: ...)` fields (30 Previsto calls), while five light callers each send one light Previsto
 * query every 5 s. Callers are told apart by their gateway API keys. The light callers send their first query before
 * the greedy one starts, as callers already using a key do when a greedy one arrives.
 *
 * Two modes, one after the other, each with fresh emulators: `single` (one gateway) and `replicas` (two gateways
 * sharing a redis-server started here on a free port; callers alternate between them).
 *
 * Prints per caller: operations sent, answered with data (every field), fields answered with data, operations and
 * errors answered RATE_LIMITED (how many said the key is shared fairly) with the range of retryAfter seen; then the
 * calls the Previsto emulator received, how many it answered 429 and the most in any minute. The last line is JSON
 * (also written to bench/results/fairshare-latest.json).
 *
 * Environment: FAIRSHARE_SECONDS (default 120), FAIRSHARE_MODES (default `single,replicas`),
 * FAIRSHARE_GREEDY_PAUSE_MS (pause between the greedy caller's operations, default 50).
 */
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  createControl,
  freePort,
  intEnv,
  loadavg,
  ROOT,
  round,
  sleep,
  startEmulators,
  startGateway,
  stopChild,
  runMain,
} from './lib/stack.mjs';

const SECONDS = intEnv('FAIRSHARE_SECONDS', 120, 5, 3600);
const GREEDY_PAUSE_MS = intEnv('FAIRSHARE_GREEDY_PAUSE_MS', 50, 0, 60_000);
const MODES = (process.env.FAIRSHARE_MODES ?? 'single,replicas')
  .split(',')
  .map((m) => m.trim())
  .filter(Boolean);
for (const m of MODES) if (m !== 'single' && m !== 'replicas') throw new Error(`FAIRSHARE_MODES lists single and/or replicas, got "${m}".`);

const LIMIT = 120;
const WINDOW_MS = 60_000;
const LIGHT_EVERY_MS = 5000;
const ALIASES = 30;
const CALLERS = [
  { name: 'greedy', key: 'bench-greedy-key-00000000' },
  ...Array.from({ length: 5 }, (_, i) => ({ name: `light-${i + 1}`, key: `bench-light-key-${i + 1}-0000000` })),
];
const GREEDY_QUERY = `{ ${Array.from({ length: ALIASES }, (_, i) => `c${i}: contacts(first: 1, search: "x${i}") { edges { node { name } } }`).join(' ')} }`;
const LIGHT_QUERY = '{ contacts(first: 1) { edges { node { name } } } }';

/** A redis-server of this run, persistence off. */
async function startRedis() {
  const port = await freePort();
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`redis-server did not start within 10 s: ${output}`)), 10_000);
    child.once('error', (err) =>
      reject(new Error(`redis-server could not start (${err.message}); install it: apt-get install -y redis-server`)),
    );
    child.stdout.on('data', (d) => {
      output += d.toString();
      if (output.includes('Ready to accept connections')) {
        clearTimeout(timer);
        resolve();
      }
    });
  });
  return { url: `redis://127.0.0.1:${port}`, stop: () => stopChild(child) };
}

function tally(name) {
  return {
    caller: name,
    sent: 0,
    answered: 0,
    fieldsWithData: 0,
    rateLimitedOperations: 0,
    rateLimited: 0,
    fairShareMessages: 0,
    retryAfterSeconds: null,
    otherErrors: {},
  };
}

function count(t, status, body) {
  t.sent++;
  t.fieldsWithData += Object.values(body.data ?? {}).filter((v) => v !== null).length;
  if (status === 200 && body.data && !body.errors) t.answered++;
  if ((body.errors ?? []).some((e) => e.extensions?.code === 'RATE_LIMITED')) t.rateLimitedOperations++;
  for (const e of body.errors ?? []) {
    const code = e.extensions?.code ?? `HTTP ${status}`;
    const retryAfter = e.extensions?.retryAfter;
    if (code === 'RATE_LIMITED' && typeof retryAfter === 'number' && retryAfter > 0) {
      t.rateLimited++;
      const seen = (t.retryAfterSeconds ??= { min: retryAfter, max: retryAfter });
      seen.min = Math.min(seen.min, retryAfter);
      seen.max = Math.max(seen.max, retryAfter);
      if (/fairly among/.test(e.message)) t.fairShareMessages++;
    } else t.otherErrors[code] = (t.otherErrors[code] ?? 0) + 1;
  }
}

async function send(url, key, query) {
  try {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': key },
      body: JSON.stringify({ query }),
    });
    return { status: res.status, body: await res.json() };
  } catch (err) {
    return { status: 0, body: { errors: [{ message: String(err), extensions: { code: 'TRANSPORT' } }] } };
  }
}

/** The most entries of `times` in any [s, s + windowMs), as Previsto's fixed windows count. */
function maxInWindow(times, windowMs) {
  const sorted = [...times].sort((a, b) => a - b);
  let max = 0;
  for (let start = 0, end = 0; end < sorted.length; end++) {
    while (sorted[end] - sorted[start] >= windowMs) start++;
    max = Math.max(max, end - start + 1);
  }
  return max;
}

async function runMode(mode) {
  const emulators = await startEmulators({ previstoLimit: LIMIT });
  const redis = mode === 'replicas' ? await startRedis() : undefined;
  const gateways = [];
  try {
    const env = {
      AUGUR_API_KEYS: CALLERS.map((c) => c.key).join(','),
      AUGUR_PREVISTO_RATE_WINDOW_MS: String(WINDOW_MS),
      ...(redis ? { REDIS_URL: redis.url, AUGUR_REPLICAS: '2' } : {}),
    };
    for (let i = 0; i < (redis ? 2 : 1); i++) gateways.push(await startGateway(emulators.urls, { port: 0, previstoLimit: LIMIT, env }));
    const control = createControl(emulators.urls);
    const tallies = new Map(CALLERS.map((c) => [c.name, tally(c.name)]));
    // Each caller alternates between the gateways.
    const turns = new Map();
    const call = async (c, query) => {
      const turn = turns.get(c.name) ?? 0;
      turns.set(c.name, turn + 1);
      const { status, body } = await send(gateways[turn % gateways.length].graphqlUrl, c.key, query);
      count(tallies.get(c.name), status, body);
    };
    const [greedy, ...lights] = CALLERS;
    await Promise.all(lights.map((c) => call(c, LIGHT_QUERY)));
    const started = Date.now();
    const until = started + SECONDS * 1000;
    const greedyLoop = async () => {
      while (Date.now() < until) {
        await call(greedy, GREEDY_QUERY);
        await sleep(GREEDY_PAUSE_MS);
      }
    };
    const lightLoop = async (c, offset) => {
      for (let next = started + offset; next < until; next += LIGHT_EVERY_MS) {
        await sleep(Math.max(0, next - Date.now()));
        await call(c, LIGHT_QUERY);
      }
    };
    // The first light queries were sent above; the loops carry on 5 s later, staggered by a second.
    await Promise.all([greedyLoop(), ...lights.map((c, i) => lightLoop(c, LIGHT_EVERY_MS + i * 1000))]);
    const elapsedS = (Date.now() - started) / 1000;
    const log = (await control.log('previsto')).filter((l) => l.route === 'GET /contacts');
    const previsto = {
      requests: log.length,
      status429: log.filter((l) => l.status === 429).length,
      maxInAnyMinute: maxInWindow(
        log.map((l) => l.at),
        WINDOW_MS,
      ),
    };
    return { mode, gateways: gateways.length, seconds: round(elapsedS, 1), callers: [...tallies.values()], previsto };
  } finally {
    await Promise.all(gateways.map((g) => g.stop()));
    await redis?.stop();
    await emulators.stop();
  }
}

function report(r) {
  const lines = [`mode ${r.mode}: ${r.gateways} gateway(s), ${r.seconds} s`];
  lines.push(
    'caller       sent  answered  fields with data  RATE_LIMITED ops / errors (fair-share message)  retryAfter seen  other errors',
  );
  for (const t of r.callers) {
    const seen = t.retryAfterSeconds ? `${t.retryAfterSeconds.min}-${t.retryAfterSeconds.max} s` : '-';
    const other =
      Object.entries(t.otherErrors)
        .map(([c, n]) => `${c} ${n}`)
        .join(', ') || '-';
    const limited = `${t.rateLimitedOperations} / ${t.rateLimited} (${t.fairShareMessages})`;
    lines.push(
      `${t.caller.padEnd(10)}${String(t.sent).padStart(7)}${String(t.answered).padStart(10)}${String(t.fieldsWithData).padStart(18)}  ${limited.padStart(45)}  ${seen.padStart(15)}  ${other}`,
    );
  }
  const lights = r.callers.filter((t) => t.caller !== 'greedy');
  const sent = lights.reduce((n, t) => n + t.sent, 0);
  const answered = lights.reduce((n, t) => n + t.answered, 0);
  lines.push(`light callers answered with data: ${answered} of ${sent} (${round((answered / sent) * 100, 1)}%)`);
  lines.push(
    `Previsto emulator: ${r.previsto.requests} GET /contacts, ${r.previsto.status429} answered 429, at most ${r.previsto.maxInAnyMinute} in any minute (limit ${LIMIT})`,
  );
  return lines.join('\n');
}

async function main() {
  const loadStart = loadavg();
  console.error(
    `Fair share: ${MODES.join(', ')}; ${SECONDS} s each; node ${process.version}, ${os.cpus().length} cores, loadavg ${loadStart}`,
  );
  const runs = [];
  for (const mode of MODES) runs.push(await runMode(mode));
  const result = {
    limitPerMinute: LIMIT,
    greedyAliases: ALIASES,
    lightEveryS: LIGHT_EVERY_MS / 1000,
    greedyPauseMs: GREEDY_PAUSE_MS,
    runs,
    loadavg: { before: loadStart, after: loadavg() },
  };
  console.log(['', `Augur fair share, ${new Date().toISOString()}`, ...runs.map(report), ''].join('\n\n'));
  mkdirSync(path.join(ROOT, 'bench', 'results'), { recursive: true });
  writeFileSync(path.join(ROOT, 'bench', 'results', 'fairshare-latest.json'), `${JSON.stringify(result, null, 2)}\n`);
  console.log(JSON.stringify(result));
  const ok = runs.every((r) => r.previsto.status429 === 0);
  return ok ? 0 : 1;
}

runMain(main);
