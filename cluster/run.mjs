/**
 * `npm run cluster`: three Augur replicas behind haproxy, sharing a real Redis, over one set of emulators, with the
 * reviews subgraph and Hive Gateway serving the supergraph of both; everything on loopback. Prints the URLs and stops
 * everything on Ctrl-C (SIGINT) or SIGTERM.
 *
 * Ports: CLUSTER_PORT (haproxy, default 8080), CLUSTER_ROUTER_PORT (Hive Gateway, default 4080), CLUSTER_STATS_PORT
 * (haproxy's stats page, default 8404); 0 picks a free one. CLUSTER_ROUTER=false leaves the router out.
 */
import { readFileSync } from 'node:fs';
import { endpointIds, startCluster } from './lib/cluster.mjs';
import { stopAll } from './lib/processes.mjs';

function port(name, fallback) {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0 || n > 65535) {
    console.error(`${name} must be a port number (0 to 65535; 0 picks a free one), got "${raw}".`);
    process.exit(2);
  }
  return n;
}

const ports = { lb: port('CLUSTER_PORT', 8080), router: port('CLUSTER_ROUTER_PORT', 4080), stats: port('CLUSTER_STATS_PORT', 8404) };
const router = (process.env.CLUSTER_ROUTER ?? 'true') !== 'false';

let cluster;
let stopping;
const stop = (signal) => {
  stopping ??= (async () => {
    console.log(`\n${signal}: stopping the cluster...`);
    try {
      await (cluster ? cluster.stop() : stopAll());
      console.log('Stopped.');
      process.exit(0);
    } catch (err) {
      console.error(err);
      process.exit(1);
    }
  })();
};
// Ctrl-C in a terminal also reaches the children themselves (same process group); each drains its own way while this
// waits for all of them, and a signal sent to this process alone is passed on by cluster.stop().
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => stop(signal));

/**
 * Under `npm run cluster`, npm is an ancestor (npm, sh, this) and does not pass on a signal sent to it alone: when it
 * is gone, stop as if interrupted, rather than leave the cluster running.
 */
function stopWithNpm() {
  if (!process.env.npm_lifecycle_event) return;
  let pid = process.ppid;
  for (let depth = 0; depth < 3 && pid > 1; depth++) {
    let cmdline;
    let stat;
    try {
      cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    } catch {
      return; // not Linux, or already gone
    }
    if (/(^|\/|\0)npm(-cli\.js)?(\0| |$)/.test(cmdline)) {
      const npm = pid;
      const timer = setInterval(() => {
        try {
          process.kill(npm, 0);
        } catch {
          clearInterval(timer);
          stop('npm exited');
        }
      }, 500);
      timer.unref();
      return;
    }
    pid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  }
}
stopWithNpm();

try {
  console.log(
    'Starting Redis, the emulators, three Augur replicas, haproxy' + (router ? ', the reviews subgraph and Hive Gateway...' : '...'),
  );
  cluster = await startCluster({ ports, router });
} catch (err) {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
}
if (stopping) await stopping;

const rows = [
  ['GraphQL (haproxy)', cluster.graphqlUrl],
  ...(cluster.router ? [['Supergraph (Hive Gateway)', cluster.router.url]] : []),
  ['haproxy stats', cluster.statsUrl],
  ...cluster.replicas.map((r) => [`replica ${r.name}`, `${r.url} (pid ${r.pid})`]),
  ['Redis', cluster.redisUrl],
  ...Object.entries(cluster.emulatorUrls).map(([p, url]) => [`emulator ${p}`, url]),
  ...(cluster.reviews ? [['reviews subgraph', cluster.reviews.url]] : []),
  ['logs', cluster.runDir],
];
const width = Math.max(...rows.map(([k]) => k.length));
console.log(`\nAugur cluster ready:\n${rows.map(([k, v]) => `  ${k.padEnd(width)}  ${v}`).join('\n')}`);
// The churn model's global id (the ids are signed with this run's AUGUR_ID_SECRET), for the examples.
const churn = (await endpointIds(cluster.graphqlUrl).catch(() => ({}))).churn ?? '<id from { endpoints { nodes { id name } } }>';
const scored = `predict(endpoint: \\"${churn}\\", explanations: { enabled: true }) { explanations { feature value } }`;
console.log(
  `\nTry:\n  curl -s ${cluster.graphqlUrl} -H 'content-type: application/json' -d '{"query":"{ contacts(first: 3) { edges { node { name ${scored} } } } }"}'`,
);
if (cluster.router) {
  console.log(
    `  curl -s ${cluster.router.url} -H 'content-type: application/json' -H 'x-previsto-api-key: sk_augur_demo' -d '{"query":"{ contacts(first: 3) { edges { node { name rating reviews { stars text } ${scored} } } } }"}'`,
  );
}
console.log('\nCtrl-C stops everything.');
