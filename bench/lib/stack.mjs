/**
 * Benchmark support (not part of Augur's public code): starts the emulators and the gateway as separate child
 * processes on loopback, talks to the emulators' control planes, and reads CPU and memory figures from /proc.
 */
import { spawn, execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const PLATFORMS = ['prevision', 'dataiku', 'civis', 'previsto'];

/** Dataiku endpoints of the emulator's demo service, declared to the gateway as a real API node requires. */
export const DATAIKU_ENDPOINTS =
  'augur-demo/churn:PREDICTION,augur-demo/price:PREDICTION,augur-demo/sales-forecast:FORECAST,' +
  'augur-demo/uplift:CAUSAL_PREDICTION,augur-demo/customers-sql:SQL_QUERY,augur-demo/customers-lookup:DATASET_LOOKUP,' +
  'augur-demo/score:FUNCTION';

/** Previsto's per-key limit for the run, given once to the emulator and to the gateway's client-side budget. */
export function previstoRateLimit(env = process.env) {
  const raw = env.BENCH_PREVISTO_RATE_LIMIT ?? '1000000';
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > 1_000_000) {
    throw new Error(
      `BENCH_PREVISTO_RATE_LIMIT must be an integer between 1 and 1000000 (the gateway's PREVISTO_RATE_LIMIT range), got "${raw}".`,
    );
  }
  return n;
}

const children = new Set();
let exitHookInstalled = false;

/**
 * Kills a child, never throwing: `ChildProcess.kill` emits 'error' when the signal cannot be sent (EPERM), and an
 * 'error' event nobody listens to is thrown, which inside an exit handler ends the harness with nothing but a stack.
 */
function killQuietly(c, signal) {
  if (c.exitCode !== null || c.signalCode !== null) return;
  try {
    c.kill(signal);
  } catch {
    // Already gone, or not ours to signal any more.
  }
}

function track(child) {
  children.add(child);
  child.once('exit', () => children.delete(child));
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    // Never leave a child of this run behind, whatever ends the harness.
    process.once('exit', () => {
      for (const c of children) killQuietly(c, 'SIGKILL');
    });
    for (const sig of ['SIGINT', 'SIGTERM']) {
      process.once(sig, () => {
        for (const c of children) killQuietly(c, 'SIGTERM');
        process.exit(130);
      });
    }
  }
}

/**
 * Resolves once a child has exited AND its stdout and stderr are drained. Node emits 'exit' possibly before the
 * child's last output was read, so a harness that reports a dead child from its 'exit' handler may report it with
 * no output at all (only its own stack); 'close' comes after both.
 */
export function closed(child) {
  if (!child.augurClosed) {
    child.augurClosed = new Promise((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) {
        if (
          (!child.stdout || child.stdout.readableEnded || child.stdout.destroyed) &&
          (!child.stderr || child.stderr.readableEnded || child.stderr.destroyed)
        )
          return resolve();
      }
      child.once('close', () => resolve());
    });
  }
  return child.augurClosed;
}

/** Keeps the last lines a child wrote, for error messages. */
function tail(child, max = 40) {
  const lines = [];
  const push = (chunk) => {
    for (const line of chunk.toString('utf8').split('\n')) {
      if (!line.trim()) continue;
      lines.push(line);
      if (lines.length > max) lines.shift();
    }
  };
  child.stdout?.on('data', push);
  child.stderr?.on('data', push);
  // A child that cannot be spawned (EAGAIN, ENOMEM on a loaded machine) or signalled emits 'error'; unheard, it would
  // be thrown. It is recorded with the output instead, and the wait for the child reports it.
  child.on('error', (err) => push(`[harness] child process error: ${err.message}`));
  closed(child);
  return lines;
}

/**
 * An error about a child process, for the harness to print as its message alone: the child's last output, quoted
 * line by line, so that a stack the child printed is never mistaken for the harness's own (nor glued to it).
 */
export function childError(message, lines) {
  const quoted = lines.length ? lines.map((l) => `  | ${l}`).join('\n') : '  | (no output)';
  const err = new Error(`${message}\nIts last output:\n${quoted}`);
  err.childProcess = true;
  return err;
}

function waitFor(child, lines, predicate, what, timeoutMs) {
  return new Promise((resolve, reject) => {
    let buffer = '';
    const timer = setTimeout(() => done(childError(`${what} did not become ready within ${timeoutMs} ms.`, lines)), timeoutMs);
    const onData = (chunk) => {
      buffer += chunk.toString('utf8');
      let nl;
      while ((nl = buffer.indexOf('\n')) !== -1) {
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 1);
        const value = predicate(line);
        if (value !== undefined) return done(undefined, value);
      }
    };
    let settled = false;
    // 'close', not 'exit': the child's last words (often the reason it died) are read by then.
    const onClose = () =>
      done(childError(`${what} exited (code ${child.exitCode}, signal ${child.signalCode}) before it was ready.`, lines));
    function done(err, value) {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      child.stdout.off('data', onData);
      child.off('close', onClose);
      if (err) reject(err);
      else resolve(value);
    }
    child.stdout.on('data', onData);
    child.once('close', onClose);
  });
}

/** Spawns `node <args>` (a bench helper server) and waits until it prints `listening`. */
export async function startNodeServer(args, what, options) {
  const started = spawnNode(args, options);
  await waitFor(started.child, started.lines, (line) => (line.trim() === 'listening' ? true : undefined), what, 15_000);
  return started;
}

/** Stops a child this harness started (SIGTERM, then SIGKILL after `graceMs`), resolving once it has exited. */
export function stopChild(child, graceMs = 10_000) {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => killQuietly(child, 'SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    killQuietly(child, 'SIGTERM');
  });
}

/**
 * Starts every emulator in one child process (`node dist/augur/emulators.js`) on free ports.
 * @returns {{ child, pid, urls: Record<string, string>, stop(): Promise<void> }}
 */
export async function startEmulators({ previstoLimit }) {
  const env = { ...process.env, AUGUR_EMULATOR_HOST: '127.0.0.1', AUGUR_EMULATOR_PREVISTO_RATE_LIMIT: String(previstoLimit) };
  for (const p of PLATFORMS) env[`AUGUR_EMULATOR_${p.toUpperCase()}_PORT`] = '0';
  const child = spawn(process.execPath, ['dist/augur/emulators.js'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  track(child);
  const lines = tail(child);
  const urls = {};
  await waitFor(
    child,
    lines,
    (line) => {
      const m = /^(\w+)\s+(http:\/\/\S+)\s*$/.exec(line);
      if (m && PLATFORMS.includes(m[1])) urls[m[1]] = m[2];
      return line.startsWith('Control plane') ? true : undefined;
    },
    'The emulators (node dist/augur/emulators.js)',
    15_000,
  );
  for (const p of PLATFORMS) if (!urls[p]) throw new Error(`The emulators did not print a URL for ${p}. Output:\n${lines.join('\n')}`);
  const limitLine = lines.find((l) => l.includes('rate limit:') && l.includes('per secret key'));
  if (!limitLine?.includes(`${previstoLimit}/`)) {
    throw new Error(`The Previsto emulator did not take the configured limit ${previstoLimit}: it printed "${limitLine ?? '(nothing)'}".`);
  }
  return { child, pid: child.pid, urls, stop: () => stopChild(child) };
}

/** The gateway's environment against separately started emulators. */
export function gatewayEnv(urls, { port, previstoLimit }) {
  return {
    ...process.env,
    PORT: String(port),
    HOST: '127.0.0.1',
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'info',
    DATAIKU_APINODE_URL: urls.dataiku,
    PREVISTO_URL: urls.previsto,
    // The host, as documented; Augur adds /ext/v1 (and accepts a URL that already ends with it).
    PREVISION_URL: urls.prevision,
    CIVIS_API_ENDPOINT: urls.civis,
    DATAIKU_API_KEY: 'augur-demo-dataiku',
    PREVISTO_API_KEY: 'sk_augur_demo',
    PREVISION_MASTER_TOKEN: 'augur-demo-prevision',
    CIVIS_API_KEY: 'augur-demo-civis',
    AUGUR_DATAIKU_ENDPOINTS: DATAIKU_ENDPOINTS,
    PREVISTO_RATE_LIMIT: String(previstoLimit),
  };
}

/**
 * The Node.js flags `npm start` passes (package.json's start script: `node <flags> dist/augur/main.js`), so the
 * benchmark measures the gateway exactly as it is started; `root` is the build whose package.json to read (another
 * checkout's, for `--baseline`: each build runs as its own `npm start` runs it). BENCH_NODE_FLAGS (space-separated)
 * replaces them for every build, to measure other memory/speed trade-offs; set it to a single space for none.
 */
export function gatewayNodeFlags(env = process.env, root = ROOT) {
  if (env.BENCH_NODE_FLAGS !== undefined) return env.BENCH_NODE_FLAGS.split(' ').filter(Boolean);
  const start = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')).scripts?.start ?? '';
  // `exec` makes the shell npm starts become Node.js, so npm's SIGTERM reaches Augur (no orphan on the port).
  const m = /^(?:exec )?node((?: --[\w-]+(?:=\S+)?)*) dist\/augur\/main\.js$/.exec(start);
  if (!m) throw new Error(`package.json's start script is not "[exec] node [--flags] dist/augur/main.js": "${start}"`);
  return m[1].split(' ').filter(Boolean);
}

/**
 * Spawns `node <flags of npm start> [nodeArgs] dist/augur/main.js` (what `npm start` runs) with the benchmark
 * environment; does not wait. `root` is the build to run (another checkout's, for `--baseline`).
 */
export function spawnGateway(urls, { port = 0, previstoLimit, nodeArgs = [], env = {}, root = ROOT }) {
  return spawnNode([...gatewayNodeFlags(process.env, root), ...nodeArgs, 'dist/augur/main.js'], {
    cwd: root,
    env: { ...gatewayEnv(urls, { port, previstoLimit }), ...env },
  });
}

/** Spawns `node <args>`, stopped with the harness, keeping its last lines of output for error messages. */
export function spawnNode(args, { cwd = ROOT, env = process.env } = {}) {
  const child = spawn(process.execPath, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  track(child);
  const lines = tail(child);
  return { child, pid: child.pid, lines };
}

/**
 * Starts the gateway and waits for its `listening` log line.
 * @returns {{ child, pid, url: string, graphqlUrl: string, startupMs: number, stop(): Promise<void> }}
 */
export async function startGateway(urls, options) {
  const { child, pid, lines } = spawnGateway(urls, options);
  const listening = await waitFor(
    child,
    lines,
    (line) => {
      if (!line.startsWith('{')) return undefined;
      try {
        const entry = JSON.parse(line);
        return entry.event === 'listening' ? entry : undefined;
      } catch {
        return undefined;
      }
    },
    'The gateway (node dist/augur/main.js)',
    15_000,
  );
  for (const p of PLATFORMS) {
    if (listening.platforms?.[p]?.emulated !== false) {
      throw new Error(
        `The gateway reports ${p} as emulated: it must run against the separately started emulators. Log: ${JSON.stringify(listening)}`,
      );
    }
  }
  const graphqlUrl = listening.url;
  return {
    child,
    pid,
    graphqlUrl,
    url: graphqlUrl.replace(/\/graphql$/, ''),
    startupMs: listening.startupMs,
    lines,
    stop: () => stopChild(child),
  };
}

/** A free loopback port (for the cold-start runs, which must know the port before the gateway logs it). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

// ---- GraphQL and control plane ----

/** One GraphQL operation over HTTP; answers `{ status, body }` with the parsed JSON body. */
export async function gql(graphqlUrl, query, variables) {
  const res = await fetch(graphqlUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(variables ? { query, variables } : { query }),
  });
  const text = await res.text();
  let body;
  try {
    body = JSON.parse(text);
  } catch {
    throw new Error(`The gateway answered HTTP ${res.status} with a body that is not JSON: ${text.slice(0, 200)}`);
  }
  return { status: res.status, body };
}

/** Throws unless the operation answered 200 without `errors`; returns `data`. */
export async function gqlOk(graphqlUrl, query, what) {
  const { status, body } = await gql(graphqlUrl, query);
  if (status !== 200 || body.errors) {
    throw new Error(`${what}: expected HTTP 200 without errors, got HTTP ${status} ${JSON.stringify(body).slice(0, 500)}`);
  }
  return body.data;
}

async function control(url, method, route, body) {
  const res = await fetch(`${url}/_emulator/${route}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = await res.json();
  if (!res.ok) throw new Error(`${method} ${url}/_emulator/${route} answered ${res.status}: ${JSON.stringify(json)}`);
  return json;
}

export function createControl(urls) {
  return {
    /** Resets counters, logs, faults, data and rate windows of every emulator. */
    resetAll: () => Promise.all(PLATFORMS.map((p) => control(urls[p], 'POST', 'reset'))),
    /** `{ platform: { total, byRoute } }` */
    async counts() {
      const out = {};
      for (const p of PLATFORMS) out[p] = await control(urls[p], 'GET', 'requests');
      return out;
    },
    log: (platform) => control(urls[platform], 'GET', 'requests?log=1').then((r) => r.log),
    setFaults: (platform, spec) => control(urls[platform], 'POST', 'faults', spec),
    faults: (platform) => control(urls[platform], 'GET', 'faults').then((r) => r.faults),
    clearFaults: () => Promise.all(PLATFORMS.map((p) => control(urls[p], 'DELETE', 'faults'))),
  };
}

// ---- /proc sampling ----

let clkTck;
function clockTicks() {
  if (clkTck === undefined) {
    try {
      clkTck = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      clkTck = 100;
    }
  }
  return clkTck;
}

/** CPU seconds (user + system) a process has used so far. */
export function cpuSeconds(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // After "pid (comm) ", field 3 (state) is index 0; utime and stime are fields 14 and 15.
  return (Number(fields[11]) + Number(fields[12])) / clockTicks();
}

/** `{ rssKb, hwmKb }` from /proc/<pid>/status. */
export function memory(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (name) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { rssKb: kb('VmRSS'), hwmKb: kb('VmHWM') };
}

/** Busy CPU seconds of the whole machine (all cores) from /proc/stat. */
export function machineBusySeconds() {
  const line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0];
  const f = line.trim().split(/\s+/).slice(1).map(Number);
  // user nice system idle iowait irq softirq steal ...: busy is everything but idle and iowait.
  const total = f.slice(0, 8).reduce((a, b) => a + b, 0);
  return (total - f[3] - f[4]) / clockTicks();
}

export function loadavg() {
  return readFileSync('/proc/loadavg', 'utf8').trim();
}

/**
 * Samples CPU use and RSS of some processes (and of this one) over a window.
 * `stop()` answers `{ wallS, cpuPct: { name: % of one core }, rssPeakMb: { name } }`.
 */
export function sampleProcesses(pids, intervalMs = 100) {
  const startWall = performance.now();
  const startCpu = Object.fromEntries(Object.entries(pids).map(([name, pid]) => [name, cpuSeconds(pid)]));
  const startSelf = process.cpuUsage();
  const startMachine = machineBusySeconds();
  const peakKb = Object.fromEntries(Object.keys(pids).map((name) => [name, 0]));
  const sample = () => {
    for (const [name, pid] of Object.entries(pids)) {
      try {
        peakKb[name] = Math.max(peakKb[name], memory(pid).rssKb);
      } catch {
        // the process may be exiting
      }
    }
  };
  sample();
  const timer = setInterval(sample, intervalMs);
  return {
    stop() {
      clearInterval(timer);
      sample();
      const wallS = (performance.now() - startWall) / 1000;
      const cpuPct = {};
      for (const [name, pid] of Object.entries(pids)) {
        let cpu;
        try {
          cpu = cpuSeconds(pid);
        } catch (err) {
          // Say which process died during the measurement, rather than only where /proc could not be read.
          throw new Error(`The ${name} process (pid ${pid}) exited during the measurement: ${err.message}`);
        }
        cpuPct[name] = round(((cpu - startCpu[name]) / wallS) * 100, 1);
      }
      const self = process.cpuUsage(startSelf);
      cpuPct.loadGenerator = round(((self.user + self.system) / 1e6 / wallS) * 100, 1);
      // Whatever else ran on the machine meanwhile (other work sharing the cores), in % of one core.
      const machinePct = ((machineBusySeconds() - startMachine) / wallS) * 100;
      const ours = Object.values(cpuPct).reduce((a, b) => a + b, 0);
      cpuPct.others = round(Math.max(0, machinePct - ours), 1);
      const rssPeakMb = Object.fromEntries(Object.entries(peakKb).map(([n, kb]) => [n, round(kb / 1024, 1)]));
      return { wallS: round(wallS, 2), cpuPct, rssPeakMb };
    },
  };
}

// ---- numbers ----

export function round(n, digits = 2) {
  if (n === null || n === undefined || !Number.isFinite(n)) return n ?? null;
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}

/** Exact percentile (nearest rank) of a numeric array. */
export function percentile(sorted, p) {
  if (sorted.length === 0) return NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))];
}

export function median(values) {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** An integer setting from the environment, `fallback` when unset; anything else outside [min, max] stops the bench. */
export function intEnv(name, fallback, min, max) {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) throw new Error(`${name} must be an integer between ${min} and ${max}, got "${raw}".`);
  return n;
}

/** Prints a bench's report lines, then its result as the last line, also written to `bench/results/<name>-latest.json`. */
export function report(name, lines, result) {
  mkdirSync(path.join(ROOT, 'bench', 'results'), { recursive: true });
  writeFileSync(path.join(ROOT, 'bench', 'results', `${name}-latest.json`), `${JSON.stringify(result, null, 2)}\n`);
  console.log(lines.join('\n'));
  console.log(JSON.stringify(result));
}

/** Runs a bench's `main`, exiting with the code it answers (1 on a crash, with the stack printed). */
export function runMain(main) {
  main().then(
    (code) => process.exit(code),
    (err) => {
      console.error(err?.childProcess ? `bench: ${err.message}` : err instanceof Error ? err.stack : err);
      process.exit(1);
    },
  );
}
