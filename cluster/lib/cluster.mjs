/**
 * Cluster harness support (not part of Augur's public code): a real `redis-server`, one set of emulators, three Augur
 * replicas (the built bundle, started as `npm start` starts it) sharing `AUGUR_ID_SECRET` and `REDIS_URL`, haproxy
 * in front of them (deploy/haproxy/haproxy.cfg), and optionally the reviews subgraph with Hive Gateway serving the
 * supergraph of both. Everything listens on loopback.
 */
import { randomBytes } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DATAIKU_ENDPOINTS, gatewayNodeFlags } from '../../bench/lib/stack.mjs';
import { freePorts, jsonLine, redisPing, Service, sleep, waitUntil } from './processes.mjs';
import { composeSupergraph, fetchSubgraphSdl, reviewsSdl } from './supergraph.mjs';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const PLATFORMS = ['prevision', 'dataiku', 'civis', 'previsto'];
/** deploy/haproxy/haproxy.cfg names three servers. */
export const REPLICAS = 3;
/** How long a replica keeps serving after SIGTERM with /readyz failing: above haproxy's 2 checks 500 ms apart. */
export const SHUTDOWN_DELAY_MS = 2000;
export const SHUTDOWN_GRACE_MS = 10_000;

/** Demo credentials of the emulators. */
export const CREDENTIALS = {
  DATAIKU_API_KEY: 'augur-demo-dataiku',
  PREVISTO_API_KEY: 'sk_augur_demo',
  PREVISION_MASTER_TOKEN: 'augur-demo-prevision',
  CIVIS_API_KEY: 'augur-demo-civis',
};

/** Throws with what to install when a program the cluster needs is missing. */
function requireProgram(program, apt) {
  try {
    execFileSync(program, ['-v'], { stdio: 'ignore' });
  } catch (err) {
    if (err.code === 'ENOENT')
      throw new Error(`${program} is not installed; install it (Debian/Ubuntu: apt-get install -y ${apt}) and try again.`);
  }
}

/** `node <file>` from package.json's emulators script: what `npm run emulators` runs, without its build step. */
function emulatorsEntry() {
  const script = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')).scripts?.emulators ?? '';
  const m = /^node((?: --[\w-]+(?:=\S+)?)*) (\S+\.m?js)$/.exec(script);
  if (!m) throw new Error(`package.json's emulators script is not "node [--flags] <file>.js": "${script}"`);
  return [...m[1].split(' ').filter(Boolean), m[2]];
}

/** The haproxy executable: HAPROXY if set, else `haproxy` on the PATH (Debian installs /usr/sbin/haproxy). */
function haproxyProgram() {
  if (process.env.HAPROXY) return process.env.HAPROXY;
  for (const candidate of ['/usr/sbin/haproxy', '/usr/local/sbin/haproxy']) if (existsSync(candidate)) return candidate;
  return 'haproxy';
}

/** Server rows of haproxy's stats CSV for the `augur` backend: `{ name, status }`. */
export async function haproxyServers(statsUrl) {
  const csv = await (await fetch(`${statsUrl};csv`)).text();
  const [header, ...rows] = csv.trim().split('\n');
  const columns = header.replace(/^# /, '').split(',');
  const at = (name) => columns.indexOf(name);
  return rows
    .map((row) => row.split(','))
    .filter((f) => f[at('pxname')] === 'augur' && !['FRONTEND', 'BACKEND'].includes(f[at('svname')]))
    .map((f) => ({ name: f[at('svname')], status: f[at('status')] }));
}

/** haproxy's method numbers in `show sess` (its http_meth_t). */
const METHODS = ['OPTIONS', 'GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'TRACE', 'CONNECT'];

/** The requests haproxy is forwarding to a server now, from its runtime API: `[{ server, method, answered }]`. */
export function haproxySessions(socketPath) {
  return new Promise((resolve, reject) => {
    const socket = net.connect(socketPath);
    let out = '';
    socket.on('connect', () => socket.write('show sess all\n'));
    socket.on('data', (d) => (out += d.toString('utf8')));
    socket.on('error', reject);
    socket.on('close', () => {
      const sessions = [];
      for (const block of out.split(/\n(?=0x[0-9a-f]+: \[)/)) {
        const server = /\n\s+server=(\S+)/.exec(block)?.[1];
        const txn = /\n\s+txn=\S+ flags=\S+ meth=(\d+) status=(-?\d+)/.exec(block);
        if (!server || server === '<NONE>' || !txn) continue;
        sessions.push({ server, method: METHODS[Number(txn[1])] ?? 'OTHER', answered: Number(txn[2]) !== -1 });
      }
      resolve(sessions);
    });
  });
}

/**
 * Starts the cluster. Options: `ports` (`{ lb, stats, router }`, 0 for a free port; default free), `router` (start the
 * reviews subgraph and Hive Gateway; default true), `runDir` (logs and the supergraph; default a new temporary
 * folder), `keepLbLog` (keep haproxy's JSON log lines in `lbLog`), `replicaEnv` (added to each replica's environment),
 * `redisPersistence` (Redis's append-only file, so a restart keeps its data; default true).
 */
export async function startCluster(options = {}) {
  if (!existsSync(path.join(ROOT, 'dist', 'augur', 'main.js'))) throw new Error('dist/augur/main.js is missing: run npm run build first.');
  requireProgram('redis-server', 'redis-server');
  requireProgram(haproxyProgram(), 'haproxy');
  const withRouter = options.router ?? true;
  const runDir = options.runDir ?? mkdtempSync(path.join(os.tmpdir(), 'augur-cluster-'));
  const [redisPort, reviewsPort, ...replicaPorts] = await freePorts(2 + REPLICAS);
  const wanted = { lb: 0, stats: 0, router: 0, ...options.ports };
  const free = await freePorts(3);
  const lbPort = wanted.lb || free[0];
  const statsPort = wanted.stats || free[1];
  const routerPort = wanted.router || free[2];
  const services = [];
  const track = (service) => (services.push(service), service);
  const stopAllServices = async () => {
    // Front to back, so nothing is left routing to a stopped process.
    for (const group of [['router', 'reviews'], ['haproxy'], ['augur'], ['emulators', 'redis']]) {
      await Promise.all(services.filter((s) => group.some((g) => s.name.startsWith(g))).map((s) => s.close()));
    }
  };

  try {
    // ---- Redis, with its append-only file in the run folder (`redisPersistence: false` for none): a restart keeps
    // the rate windows, so the replicas do not count Previsto's last minute from zero again.
    const persistence = options.redisPersistence ?? true;
    const redis = track(
      new Service({
        name: 'redis',
        command: 'redis-server',
        args: [
          '--port',
          String(redisPort),
          '--bind',
          '127.0.0.1',
          '--protected-mode',
          'yes',
          '--save',
          '',
          '--dir',
          runDir,
          ...(persistence ? ['--appendonly', 'yes', '--appendfsync', 'everysec'] : ['--appendonly', 'no']),
        ],
        logFile: path.join(runDir, 'redis.log'),
        ready: () => redisPing(redisPort),
      }),
    );

    // ---- The emulators: one process, free ports, printed URLs.
    const emulatorUrls = {};
    const emulatorEnv = { PATH: process.env.PATH ?? '', AUGUR_EMULATOR_HOST: '127.0.0.1' };
    for (const p of PLATFORMS) emulatorEnv[`AUGUR_EMULATOR_${p.toUpperCase()}_PORT`] = '0';
    let controlPlaneLine = false;
    const emulators = track(
      new Service({
        name: 'emulators',
        command: process.execPath,
        args: emulatorsEntry(),
        cwd: ROOT,
        env: emulatorEnv,
        logFile: path.join(runDir, 'emulators.log'),
        ready: () => controlPlaneLine && PLATFORMS.every((p) => emulatorUrls[p]),
      }),
    );
    emulators.onLine((line) => {
      const m = /^(\w+)\s+(http:\/\/\S+)\s*$/.exec(line);
      if (m && PLATFORMS.includes(m[1])) emulatorUrls[m[1]] = m[2];
      if (line.startsWith('Control plane')) controlPlaneLine = true;
    });
    await Promise.all([redis.start(), emulators.start()]);

    // ---- Augur replicas, exactly as `npm start` starts the bundle.
    const idSecret = randomBytes(32).toString('hex');
    const replicaEnv = (port) => ({
      PATH: process.env.PATH ?? '',
      HOST: '127.0.0.1',
      PORT: String(port),
      LOG_LEVEL: 'info',
      DATAIKU_APINODE_URL: emulatorUrls.dataiku,
      PREVISTO_URL: emulatorUrls.previsto,
      PREVISION_URL: emulatorUrls.prevision,
      CIVIS_API_ENDPOINT: emulatorUrls.civis,
      ...CREDENTIALS,
      AUGUR_DATAIKU_ENDPOINTS: DATAIKU_ENDPOINTS,
      AUGUR_ID_SECRET: idSecret,
      REDIS_URL: `redis://127.0.0.1:${redisPort}`,
      AUGUR_REPLICAS: String(REPLICAS),
      AUGUR_SHUTDOWN_DELAY_MS: String(SHUTDOWN_DELAY_MS),
      AUGUR_SHUTDOWN_GRACE_MS: String(SHUTDOWN_GRACE_MS),
      AUGUR_TRUSTED_PROXIES: '127.0.0.1',
      AUGUR_FEDERATION: 'true',
      AUGUR_CACHE_TTLS: 'Contact=30,Endpoint=300',
      AUGUR_RESPONSE_CACHE: 'true',
      ...options.replicaEnv,
    });
    const replicas = replicaPorts.map((port, i) => {
      let listeningAt = 0;
      const service = track(
        new Service({
          name: `augur${i + 1}`,
          command: process.execPath,
          args: [...gatewayNodeFlags({}), 'dist/augur/main.js'],
          cwd: ROOT,
          env: replicaEnv(port),
          logFile: path.join(runDir, `augur${i + 1}.log`),
          ready: () => listeningAt > 0,
          stopGraceMs: SHUTDOWN_DELAY_MS + SHUTDOWN_GRACE_MS + 5000,
        }),
      );
      service.onLine((line) => {
        if (jsonLine(line)?.event === 'listening') listeningAt = Date.now();
      });
      const start = service.start.bind(service);
      service.start = () => ((listeningAt = 0), start());
      return Object.assign(service, { port, url: `http://127.0.0.1:${port}/graphql` });
    });
    await Promise.all(replicas.map((r) => r.start()));

    // ---- haproxy.
    const statsUrl = `http://127.0.0.1:${statsPort}/`;
    const socketPath = path.join(runDir, 'haproxy.sock');
    const lbLog = [];
    const haproxy = track(
      new Service({
        name: 'haproxy',
        command: haproxyProgram(),
        args: ['-db', '-f', path.join(ROOT, 'deploy', 'haproxy', 'haproxy.cfg')],
        env: {
          PATH: process.env.PATH ?? '',
          AUGUR_LB_BIND: `127.0.0.1:${lbPort}`,
          AUGUR_LB_STATS_BIND: `127.0.0.1:${statsPort}`,
          AUGUR_LB_SOCKET: socketPath,
          ...Object.fromEntries(replicas.map((r, i) => [`AUGUR_${i + 1}`, `127.0.0.1:${r.port}`])),
        },
        logFile: path.join(runDir, 'haproxy.log'),
        ready: async () => (await haproxyServers(statsUrl)).every((s) => s.status === 'UP'),
      }),
    );
    if (options.keepLbLog) {
      haproxy.onLine((line) => {
        const entry = jsonLine(line);
        if (entry) lbLog.push(entry);
      });
    }
    await haproxy.start();
    const graphqlUrl = `http://127.0.0.1:${lbPort}/graphql`;

    // ---- The reviews subgraph and Hive Gateway over the supergraph.
    let reviews;
    let router;
    let supergraphFile;
    if (withRouter) {
      reviews = track(
        new Service({
          name: 'reviews',
          command: process.execPath,
          args: ['subgraphs/reviews/server.mjs'],
          cwd: ROOT,
          env: { PATH: process.env.PATH ?? '', PORT: String(reviewsPort), HOST: '127.0.0.1' },
          logFile: path.join(runDir, 'reviews.log'),
          ready: (s) => s.lastLines.some((l) => l.startsWith('reviews subgraph listening')),
        }),
      );
      await reviews.start();
      const reviewsUrl = `http://127.0.0.1:${reviewsPort}/graphql`;
      const supergraph = composeSupergraph([
        { name: 'augur', url: graphqlUrl, sdl: await fetchSubgraphSdl(graphqlUrl) },
        { name: 'reviews', url: reviewsUrl, sdl: reviewsSdl() },
      ]);
      supergraphFile = path.join(runDir, 'supergraph.graphql');
      writeFileSync(supergraphFile, supergraph);
      const routerOrigin = `http://127.0.0.1:${routerPort}`;
      router = track(
        new Service({
          name: 'router',
          command: process.execPath,
          args: [
            path.join(ROOT, 'node_modules', '@graphql-hive', 'gateway', 'dist', 'bin.js'),
            'supergraph',
            supergraphFile,
            '--config-path',
            path.join(ROOT, 'deploy', 'router', 'gateway.config.mjs'),
            '--host',
            '127.0.0.1',
            '--port',
            String(routerPort),
          ],
          cwd: runDir,
          env: { PATH: process.env.PATH ?? '', NODE_ENV: 'production' },
          logFile: path.join(runDir, 'router.log'),
          ready: async () => (await fetch(`${routerOrigin}/readiness`)).ok,
        }),
      );
      await router.start();
      const { version } = JSON.parse(readFileSync(path.join(ROOT, 'node_modules', '@graphql-hive', 'gateway', 'package.json'), 'utf8'));
      Object.assign(router, { url: `${routerOrigin}/graphql`, version });
      Object.assign(reviews, { url: reviewsUrl });
    }

    return {
      runDir,
      graphqlUrl,
      statsUrl,
      redisUrl: `redis://127.0.0.1:${redisPort}`,
      emulatorUrls,
      redis,
      emulators,
      replicas,
      haproxy,
      lbLog,
      reviews,
      router,
      supergraphFile,
      /** haproxy's view of each replica: `{ augur1: 'UP', ... }`. */
      async serverStatus() {
        return Object.fromEntries((await haproxyServers(statsUrl)).map((s) => [s.name, s.status]));
      },
      /** Requests haproxy is forwarding right now: `[{ server, method, answered }]` (its runtime API's `show sess`). */
      sessions: () => haproxySessions(socketPath),
      /** Waits until haproxy reports `name` with `status` (`UP`, `DOWN`...). */
      waitForServer(name, status, timeoutMs = 20_000) {
        return waitUntil(async () => (await this.serverStatus())[name] === status, {
          timeoutMs,
          intervalMs: 50,
          what: `haproxy reporting ${name} ${status}`,
        });
      },
      stop: stopAllServices,
    };
  } catch (err) {
    await stopAllServices();
    throw err;
  }
}

/**
 * Global ids of the endpoints, by name (`{ churn: 'RW5kcG9pbnQ6...', ... }`), from `endpoints`. Queries pass these
 * ids: the one way of naming an endpoint every version of the schema accepts.
 */
export async function endpointIds(graphqlUrl, headers = {}) {
  const res = await fetch(graphqlUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query: '{ endpoints(first: 100) { nodes { id name } } }' }),
  });
  const body = await res.json();
  const nodes = body.data?.endpoints?.nodes;
  if (!nodes) throw new Error(`Listing the endpoints failed: ${JSON.stringify(body).slice(0, 300)}`);
  return Object.fromEntries(nodes.map((n) => [n.name, n.id]));
}

/** Resets the emulators' counters, logs and data (`POST /_emulator/reset` on each). */
export async function resetEmulators(urls) {
  await Promise.all(PLATFORMS.map((p) => fetch(`${urls[p]}/_emulator/reset`, { method: 'POST' }).then((r) => r.arrayBuffer())));
}

/** `{ platform: { total, byRoute } }` from each emulator's `GET /_emulator/requests`. */
export async function emulatorCounts(urls) {
  const out = {};
  for (const p of PLATFORMS) out[p] = await (await fetch(`${urls[p]}/_emulator/requests`)).json();
  return out;
}

/** One emulator's request log (`GET /_emulator/requests?log=1`): `[{ at, method, route, status, ... }]`. */
export async function emulatorLog(urls, platform) {
  return (await (await fetch(`${urls[platform]}/_emulator/requests?log=1`)).json()).log;
}

export { sleep };
