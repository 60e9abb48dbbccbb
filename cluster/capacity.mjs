/**
 * `npm run cluster:capacity`: how much one replica serves, for sizing. Starts the cluster of `npm run cluster` and
 * sends the fault test's read mix (single and batched Dataiku predictions, Prevision projects, endpoints, Previsto
 * contacts from the response cache; no Civis, whose emulator allows 1,000 calls per 5 minutes) as fast as
 * CAPACITY_CONNECTIONS (48) connections allow, for CAPACITY_SECONDS (20) after 3 s of warm-up. Per replica it reports
 * the operations served (its own /metrics), the CPU it used (/proc), the CPU milliseconds per operation and so the
 * operations per second one core sustains, and its memory (RSS at rest and at its peak). On a machine whose cores the
 * replicas share with the emulators, haproxy and the load generator, the cluster's total rate says more about the
 * machine than about Augur; CPU per operation does not. Prints a table, then one JSON line.
 */
import { readFileSync } from 'node:fs';
import { Pool } from 'undici';
import { endpointIds, startCluster } from './lib/cluster.mjs';
import { sleep } from './lib/processes.mjs';
import { cpuSeconds, loadavg, machineBusySeconds, memory } from '../bench/lib/stack.mjs';

function intEnv(name, fallback, min, max) {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) throw new Error(`${name} must be an integer between ${min} and ${max}, got "${raw}".`);
  return n;
}
const SECONDS = intEnv('CAPACITY_SECONDS', 20, 5, 600);
const CONNECTIONS = intEnv('CAPACITY_CONNECTIONS', 48, 1, 1000);

const MIX = [
  ...Array(60).fill([
    'predict',
    'query($churn: ID!, $f: JSONObject!) { predict(endpoint: $churn, features: $f) { explanations { feature value } } }',
    (i, ids) => ({ churn: ids.churn, f: { name: `C ${i % 500}` } }),
  ]),
  ...Array(12).fill([
    'predictBatch',
    'query($churn: ID!, $price: ID!, $a: JSONObject!, $b: JSONObject!, $c: JSONObject!) { a: predict(endpoint: $churn, features: $a) { ...Scored } b: predict(endpoint: $churn, features: $b) { ...Scored } c: predict(endpoint: $price, features: $c) { ...Scored } } fragment Scored on Prediction { explanations { feature } }',
    (i, ids) => ({
      churn: ids.churn,
      price: ids.price,
      a: { name: `A ${i % 97}` },
      b: { name: `B ${i % 89}` },
      c: { surface: 50 + (i % 100), rooms: 1 + (i % 5), city: 'Aarhus' },
    }),
  ]),
  ...Array(10).fill(['cachedContacts', '{ contacts(first: 10) { edges { node { id name } } } }']),
  ...Array(10).fill(['previsionProjects', '{ prevision { projects(first: 5) { nodes { name } } } }']),
  ...Array(8).fill(['endpoints', '{ endpoints(first: 20) { nodes { name type platform } } }']),
];

const round = (n, d = 1) => Math.round(n * 10 ** d) / 10 ** d;

/** Operations a replica answered so far, from its own /metrics (augur_graphql_operations_total). */
async function operationsServed(replica) {
  const text = await (await fetch(`http://127.0.0.1:${replica.port}/metrics`)).text();
  let sum = 0;
  for (const m of text.matchAll(/^augur_graphql_operations_total\{[^}]*\} (\d+)/gm)) sum += Number(m[1]);
  return sum;
}

async function main() {
  const cluster = await startCluster({ router: false });
  try {
    const origin = new URL(cluster.graphqlUrl).origin;
    const ids = await endpointIds(cluster.graphqlUrl);
    const pool = new Pool(origin, { connections: CONNECTIONS, pipelining: 1 });
    await sleep(1000);
    const idleRss = Object.fromEntries(cluster.replicas.map((r) => [r.name, memory(r.pid).rssKb / 1024]));
    let n = 0;
    let errors = 0;
    let stop = false;
    let counting = false;
    let counted = 0;
    const worker = async () => {
      while (!stop) {
        const i = n++;
        const [, query, variables] = MIX[i % MIX.length];
        const params = new URLSearchParams({ query });
        if (variables) params.set('variables', JSON.stringify(variables(i, ids)));
        try {
          const res = await pool.request({
            path: `/graphql?${params}`,
            method: 'GET',
            headers: { 'apollo-require-preflight': 'true', 'x-request-id': `cap-${i}` },
          });
          const body = await res.body.json();
          if (res.statusCode !== 200 || body.errors) errors++;
        } catch {
          errors++;
        }
        if (counting) counted++;
      }
    };
    const workers = Array.from({ length: CONNECTIONS }, worker);
    await sleep(3000);
    // Measure: CPU and RSS per process over the window.
    const pids = Object.fromEntries([
      ...cluster.replicas.map((r) => [r.name, r.pid]),
      ['emulators', cluster.emulators.pid],
      ['haproxy', cluster.haproxy.pid],
      ['redis', cluster.redis.pid],
    ]);
    const cpu0 = Object.fromEntries(Object.entries(pids).map(([k, pid]) => [k, cpuSeconds(pid)]));
    const self0 = process.cpuUsage();
    const machine0 = machineBusySeconds();
    const served0 = Object.fromEntries(await Promise.all(cluster.replicas.map(async (r) => [r.name, await operationsServed(r)])));
    const peak = { ...idleRss };
    const sampler = setInterval(() => {
      for (const r of cluster.replicas) peak[r.name] = Math.max(peak[r.name], memory(r.pid).rssKb / 1024);
    }, 100);
    counting = true;
    const t0 = performance.now();
    await sleep(SECONDS * 1000);
    counting = false;
    const wall = (performance.now() - t0) / 1000;
    clearInterval(sampler);
    const cpu = Object.fromEntries(Object.entries(pids).map(([k, pid]) => [k, cpuSeconds(pid) - cpu0[k]]));
    const self = process.cpuUsage(self0);
    const machine = machineBusySeconds() - machine0;
    const served = Object.fromEntries(
      await Promise.all(cluster.replicas.map(async (r) => [r.name, (await operationsServed(r)) - served0[r.name]])),
    );
    stop = true;
    await Promise.all(workers);
    await pool.close();

    const replicas = {};
    for (const r of cluster.replicas) {
      const cpuMsPerOp = (cpu[r.name] * 1000) / served[r.name];
      replicas[r.name] = {
        opsPerSecond: round(served[r.name] / wall),
        cpuPct: round((cpu[r.name] / wall) * 100),
        cpuMsPerOp: round(cpuMsPerOp, 3),
        opsPerCoreSecond: Math.round(1000 / cpuMsPerOp),
        rssIdleMb: round(idleRss[r.name]),
        rssPeakMb: round(peak[r.name]),
      };
    }
    const generatorCpu = (self.user + self.system) / 1e6;
    const ours = Object.values(cpu).reduce((a, b) => a + b, 0) + generatorCpu;
    return {
      bench: 'cluster-capacity',
      seconds: SECONDS,
      connections: CONNECTIONS,
      cores: readFileSync('/proc/cpuinfo', 'utf8')
        .split('\n')
        .filter((l) => l.startsWith('processor')).length,
      loadavg: loadavg(),
      operations: counted,
      opsPerSecond: round(counted / wall),
      errors,
      replicas,
      cpuPct: {
        emulators: round((cpu.emulators / wall) * 100),
        haproxy: round((cpu.haproxy / wall) * 100),
        redis: round((cpu.redis / wall) * 100),
        loadGenerator: round((generatorCpu / wall) * 100),
        others: round(Math.max(0, (machine - ours) / wall) * 100),
      },
    };
  } finally {
    await cluster.stop();
  }
}

main().then(
  (result) => {
    const rows = Object.entries(result.replicas).map(
      ([name, r]) =>
        `  ${name}  ${String(r.opsPerSecond).padStart(7)} ops/s  CPU ${String(r.cpuPct).padStart(5)}%  ${r.cpuMsPerOp} ms/op  ${r.opsPerCoreSecond} ops per core-second  RSS ${r.rssIdleMb} MB at rest, ${r.rssPeakMb} MB peak`,
    );
    console.log(
      [
        `Cluster capacity: ${result.opsPerSecond} ops/s over ${result.seconds} s on ${result.connections} connections (${result.cores} cores, loadavg ${result.loadavg}), ${result.errors} errors`,
        ...rows,
        `  CPU of the rest: ${Object.entries(result.cpuPct)
          .map(([k, v]) => `${k} ${v}%`)
          .join(', ')}`,
      ].join('\n'),
    );
    console.log(JSON.stringify(result));
    process.exit(result.errors === 0 ? 0 : 1);
  },
  (err) => {
    console.error(err instanceof Error ? err.stack : err);
    process.exit(1);
  },
);
