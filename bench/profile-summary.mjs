#!/usr/bin/env node
/**
 * Prints the top self-time functions of a V8 `.cpuprofile` (as written by `node --cpu-prof`), then self time by
 * area (Augur's own folders, each npm package, Node internals, GC).
 *
 *   node bench/profile-summary.mjs bench/results/single.cpuprofile [--top 25] [--inclusive tryDecode,cursor]
 *
 * `--inclusive` adds the total time spent in (and below) the named functions, e.g. a helper whose own frames are
 * cheap but whose callees are not.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** A short, readable location for a profile node's script URL. */
function where(url) {
  if (!url) return '';
  let p = url.startsWith('file://') ? fileURLToPath(url) : url;
  const nm = p.lastIndexOf('/node_modules/');
  if (nm !== -1) return p.slice(nm + '/node_modules/'.length);
  if (p.startsWith(ROOT + path.sep)) p = p.slice(ROOT.length + 1);
  return p;
}

/** The area a function belongs to: Augur's folder, an npm package, Node's internals, or a V8 pseudo-node. */
function areaOf(functionName, url) {
  if (!url) return functionName.startsWith('(') ? functionName : '(native)';
  const p = url.startsWith('file://') ? fileURLToPath(url) : url;
  const nm = p.lastIndexOf('/node_modules/');
  if (nm !== -1) {
    const rest = p.slice(nm + '/node_modules/'.length).split('/');
    return rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
  }
  if (p.startsWith('node:')) return 'node internals';
  const rel = p.startsWith(ROOT + path.sep) ? p.slice(ROOT.length + 1) : p;
  const m = /^dist\/src\/([^/]+)\//.exec(rel);
  if (m) return `augur src/${m[1]}`;
  return rel;
}

/**
 * Self time per function, from samples and their time deltas (each sample lasts until the next one).
 * @returns {{ totalMs: number, idleMs: number, functions: Array, areas: Array }}
 */
export function summarize(profile) {
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfUs = new Map();
  const { samples, timeDeltas } = profile;
  for (let i = 0; i < samples.length; i++) {
    const dt = i + 1 < timeDeltas.length ? timeDeltas[i + 1] : 0;
    selfUs.set(samples[i], (selfUs.get(samples[i]) ?? 0) + Math.max(0, dt));
  }
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const frame = (id) => {
    const cf = nodes.get(id).callFrame;
    return `${cf.functionName || '(anonymous)'}${cf.url ? ` ${where(cf.url)}:${cf.lineNumber + 1}` : ''}`;
  };
  const byFunction = new Map();
  const byArea = new Map();
  let totalUs = 0;
  for (const [id, us] of selfUs) {
    const { callFrame } = nodes.get(id);
    const name = callFrame.functionName || '(anonymous)';
    const loc = callFrame.url ? `${where(callFrame.url)}:${callFrame.lineNumber + 1}:${callFrame.columnNumber + 1}` : '';
    const key = `${name} ${loc}`;
    const f = byFunction.get(key) ?? { name, location: loc, selfUs: 0, callers: new Map() };
    f.selfUs += us;
    // The caller chain (up to 4 frames) this node's samples came through, to say where a hot function is used.
    const chain = [];
    for (let p = parent.get(id); p !== undefined && chain.length < 4; p = parent.get(p)) chain.push(frame(p));
    const path = chain.join(' < ');
    f.callers.set(path, (f.callers.get(path) ?? 0) + us);
    byFunction.set(key, f);
    const area = areaOf(name, callFrame.url);
    byArea.set(area, (byArea.get(area) ?? 0) + us);
    totalUs += us;
  }
  const idleUs = byArea.get('(idle)') ?? 0;
  const busyUs = totalUs - idleUs;
  const pct = (us) => Math.round((us / (busyUs || 1)) * 1000) / 10;
  const functions = [...byFunction.values()]
    .filter((f) => f.name !== '(idle)')
    .sort((a, b) => b.selfUs - a.selfUs)
    .map((f) => {
      const [caller, callerUs] = [...f.callers.entries()].sort((a, b) => b[1] - a[1])[0] ?? ['', 0];
      return {
        name: f.name,
        location: f.location,
        selfMs: Math.round(f.selfUs / 100) / 10,
        pctOfBusy: pct(f.selfUs),
        mainCaller: caller,
        mainCallerShare: Math.round((callerUs / (f.selfUs || 1)) * 100) / 100,
      };
    });
  const areas = [...byArea.entries()]
    .filter(([a]) => a !== '(idle)')
    .sort((a, b) => b[1] - a[1])
    .map(([area, us]) => ({ area, selfMs: Math.round(us / 100) / 10, pctOfBusy: pct(us) }));
  return { totalMs: Math.round(totalUs / 1000), idleMs: Math.round(idleUs / 1000), busyMs: Math.round(busyUs / 1000), functions, areas };
}

/** Time spent in or below each named function (by function name), once per sample, in ms and % of busy time. */
export function inclusive(profile, names) {
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const totals = Object.fromEntries(names.map((n) => [n, 0]));
  let busyUs = 0;
  const { samples, timeDeltas } = profile;
  for (let i = 0; i < samples.length; i++) {
    const dt = i + 1 < timeDeltas.length ? Math.max(0, timeDeltas[i + 1]) : 0;
    if (nodes.get(samples[i]).callFrame.functionName === '(idle)') continue;
    busyUs += dt;
    const seen = new Set();
    for (let id = samples[i]; id !== undefined; id = parent.get(id)) {
      const name = nodes.get(id).callFrame.functionName;
      if (name in totals && !seen.has(name)) {
        seen.add(name);
        totals[name] += dt;
      }
    }
  }
  return names.map((name) => ({
    name,
    ms: Math.round(totals[name] / 100) / 10,
    pctOfBusy: Math.round((totals[name] / (busyUs || 1)) * 1000) / 10,
  }));
}

export function summarizeFile(file) {
  return summarize(JSON.parse(readFileSync(file, 'utf8')));
}

/** The summary as text: top `top` functions by self time, then the areas. */
export function formatSummary(summary, { top = 25, callers = 10, title = '' } = {}) {
  const lines = [];
  if (title) lines.push(title);
  lines.push(`profiled ${summary.totalMs} ms, busy ${summary.busyMs} ms, idle ${summary.idleMs} ms; % are of busy time`);
  lines.push(`${'self ms'.padStart(9)} ${'%'.padStart(6)}  function  (location)`);
  for (const f of summary.functions.slice(0, top)) {
    lines.push(
      `${f.selfMs.toFixed(1).padStart(9)} ${f.pctOfBusy.toFixed(1).padStart(6)}  ${f.name}${f.location ? `  (${f.location})` : ''}`,
    );
  }
  lines.push(
    '',
    `where the top ${Math.min(callers, summary.functions.length)} are called from (heaviest caller chain, share of the function's self time):`,
  );
  for (const f of summary.functions.slice(0, callers)) {
    if (f.mainCaller) lines.push(`  ${f.name}: ${Math.round(f.mainCallerShare * 100)}% via ${f.mainCaller}`);
  }
  lines.push('', 'self time by area:');
  for (const a of summary.areas.slice(0, 15))
    lines.push(`${a.selfMs.toFixed(1).padStart(9)} ${a.pctOfBusy.toFixed(1).padStart(6)}  ${a.area}`);
  return lines.join('\n');
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  const args = process.argv.slice(2);
  const topAt = args.indexOf('--top');
  const top = topAt === -1 ? 25 : Number(args[topAt + 1]);
  const inclAt = args.indexOf('--inclusive');
  const names = inclAt === -1 ? [] : (args[inclAt + 1] ?? '').split(',').filter(Boolean);
  const values = new Set([topAt, inclAt].filter((i) => i !== -1).map((i) => i + 1));
  const files = args.filter((a, i) => !a.startsWith('--') && !values.has(i));
  if (files.length === 0 || !Number.isInteger(top) || top < 1) {
    console.error('Usage: node bench/profile-summary.mjs <file.cpuprofile> [more files] [--top 25] [--inclusive fnA,fnB]');
    process.exit(2);
  }
  for (const file of files) {
    console.log(formatSummary(summarizeFile(file), { top, title: `== ${file}` }));
    if (names.length) {
      console.log('\ntime in and below:');
      for (const r of inclusive(JSON.parse(readFileSync(file, 'utf8')), names))
        console.log(`${r.ms.toFixed(1).padStart(9)} ${r.pctOfBusy.toFixed(1).padStart(6)}  ${r.name}`);
    }
    console.log('');
  }
}
