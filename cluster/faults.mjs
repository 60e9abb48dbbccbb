/**
 * `npm run cluster:faults`: faults under load on the cluster of `npm run cluster` (three replicas behind haproxy,
 * Redis, the emulators). For FAULTS_SECONDS (60) it sends FAULTS_RATE (200) operations per second, open loop: mostly
 * reads of Dataiku, Prevision and Civis, Previsto reads the response cache answers, and one Previsto write
 * (`createContact`) per second, within Previsto's 120 calls per minute per key (FAULTS_GREEDY_PER_MINUTE adds a second
 * caller asking for more than its share). The emulators answer Dataiku 40 ms and Previsto's creates 800 ms late, so
 * operations are in flight when a fault strikes. Meanwhile it
 *   (a) restarts each replica in turn: SIGTERM, wait for the exit, start it again, wait until haproxy routes to it;
 *   (b) kills with SIGKILL a replica that holds a write in flight (haproxy's runtime API shows which), then starts it
 *       again;
 *   (c) restarts Redis (SIGTERM, 3 s down, started again from its append-only file; with FAULTS_REDIS_PERSISTENCE=0
 *       it runs without one and comes back empty).
 *
 * An operation fails when it gets no HTTP answer, a status other than 200, or any `errors` (the second caller's
 * RATE_LIMITED answers are the budget at work, counted apart). Every operation sends its own x-request-id, which
 * haproxy logs with the replica it went to and its times. An operation was in flight on the killed replica when that
 * log line names the replica and spans the SIGKILL, or when haproxy wrote no line for it because it closed the
 * caller's connection unanswered (see `inFlightOnVictim`). Reads go as GET, which haproxy may send to another replica
 * when the killed one's connection closes unanswered; writes go as POST and are never sent twice. At the end every
 * acknowledged write is looked up (by the run's metadata tag) and must exist exactly once.
 *
 * Targets: no failed operation during the rolling restart, the Redis restart or the rest of the run; during the
 * SIGKILL only operations in flight on the killed replica may fail; no acknowledged write lost or duplicated; Previsto
 * never sees more than 120 calls (with the key) in any 60 s, and never answers 429. Prints a summary, then one JSON
 * line; exits 0 when every target is met, 1 otherwise.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import { emulatorLog, endpointIds, startCluster } from './lib/cluster.mjs';
import { sleep } from './lib/processes.mjs';

function intEnv(name, fallback, min, max) {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) throw new Error(`${name} must be an integer between ${min} and ${max}, got "${raw}".`);
  return n;
}

const SECONDS = intEnv('FAULTS_SECONDS', 60, 45, 600);
const RATE = intEnv('FAULTS_RATE', 200, 10, 2000);
const PREVISTO_LIMIT = 120;
const RUN = randomBytes(4).toString('hex');

// ---- The operations. Per second, at 200/s: the reads below by weight and one write; and, with
// FAULTS_GREEDY_PER_MINUTE, Previsto reads from a second caller (scaled to RATE).

const READS = {
  predict: {
    weight: 120,
    // Selections use only fields every version of Augur's schema has had (a prediction's explanations, a contact's
    // name), so the load stays the same as the schema evolves; each `predict` is one record scored upstream.
    query: 'query Score($churn: ID!, $f: JSONObject!) { predict(endpoint: $churn, features: $f) { explanations { feature value } } }',
    variables: (i) => ({ churn: ENDPOINTS.churn, f: { name: `Customer ${i % 500}`, city: ['Aarhus', 'Odense', 'Aalborg'][i % 3] } }),
  },
  predictBatch: {
    weight: 22,
    query:
      'query Batch($churn: ID!, $price: ID!, $a: JSONObject!, $b: JSONObject!, $c: JSONObject!) { a: predict(endpoint: $churn, features: $a) { ...Scored } b: predict(endpoint: $churn, features: $b) { ...Scored } c: predict(endpoint: $price, features: $c) { ...Scored } } fragment Scored on Prediction { explanations { feature } }',
    variables: (i) => ({
      churn: ENDPOINTS.churn,
      price: ENDPOINTS.price,
      a: { name: `A ${i % 97}` },
      b: { name: `B ${i % 89}` },
      c: { surface: 50 + (i % 100), rooms: 1 + (i % 5), city: 'Aarhus' },
    }),
  },
  cachedContacts: { weight: 20, query: 'query Contacts { contacts(first: 10) { edges { node { id name } } } }' },
  previsionProjects: { weight: 20, query: 'query Projects { prevision { projects(first: 5) { nodes { name } } } }' },
  endpoints: { weight: 15, query: 'query Endpoints { endpoints(first: 20) { nodes { name type platform } } }' },
  civisMe: { weight: 2, query: 'query Me { civis { me { username } } }' },
  // FAULTS_GREEDY_PER_MINUTE of these (default none): never cached (a new search each time) and sent with the
  // caller's own copy of the key, which makes it a caller of its own. Asking for more than its fair share (half the
  // key's 120 a minute, two callers sharing it), it is answered RATE_LIMITED for the rest by design, and keeps
  // Previsto's window full: the setting for finding what lets more than the budget through (see docs/deploying.md).
  greedy: {
    weight: 0,
    query: 'query Greedy($s: String!) { contacts(first: 1, search: $s) { totalCount } }',
    variables: (i) => ({ s: `g${RUN}${i}` }),
    headers: { 'x-previsto-api-key': 'sk_augur_demo' },
  },
};
/**
 * `createContact`'s selection and how to read its acknowledgement: the contact itself, or (once the schema wraps it in a
 * payload) the payload's contact and its user errors. Asked of the running schema at start.
 */
async function writeShape(graphqlUrl) {
  const res = await fetch(graphqlUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: '{ __type(name: "CreateContactPayload") { name } }' }),
  });
  const payload = !!(await res.json()).data?.__type;
  return payload
    ? {
        query:
          'mutation Create($input: CreateContactInput!) { createContact(input: $input) { contact { id name } userErrors { message } } }',
        acknowledged: (data) => (data.createContact?.userErrors?.length === 0 ? data.createContact.contact?.id : undefined),
      }
    : {
        query: 'mutation Create($input: CreateContactInput!) { createContact(input: $input) { id name } }',
        acknowledged: (data) => data.createContact?.id,
      };
}
let WRITE;
/** Endpoint ids by name, read from the cluster at start. */
let ENDPOINTS;

const GREEDY_PER_MINUTE = intEnv('FAULTS_GREEDY_PER_MINUTE', 0, 0, 600);
const REDIS_PERSISTENCE = intEnv('FAULTS_REDIS_PERSISTENCE', 1, 0, 1) === 1;

/** The kinds of two seconds of operations (2 × RATE), spread so every second has the same mix. */
const pattern = (() => {
  const slots = 2 * RATE;
  const scale = slots / 400;
  const kinds = [];
  for (const [kind, { weight }] of Object.entries(READS)) for (let n = 0; n < Math.round(weight * 2 * scale); n++) kinds.push(kind);
  const special = ['write', 'write', ...Array(Math.round(GREEDY_PER_MINUTE / 30)).fill('greedy')];
  kinds.length = Math.min(kinds.length, slots - special.length);
  while (kinds.length < slots - special.length) kinds.push('predict');
  const spread = kinds
    .map((k, i) => [((i * 7919) % kinds.length) + i / 1e6, k])
    .sort((a, b) => a[0] - b[0])
    .map(([, k]) => k);
  special.forEach((kind, n) => spread.splice(Math.floor(((n + 0.5) * slots) / special.length), 0, kind));
  return spread;
})();

async function send(graphqlUrl, i) {
  const kind = pattern[i % pattern.length];
  const id = `f${RUN}-${i}`;
  const op = { i, id, kind, sentAt: Date.now() };
  try {
    let res;
    if (kind === 'write') {
      op.name = `Fault ${RUN} ${i}`;
      res = await fetch(graphqlUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-request-id': id },
        body: JSON.stringify({ query: WRITE.query, variables: { input: { name: op.name, meta: { run: RUN } } } }),
        signal: AbortSignal.timeout(30_000),
      });
    } else {
      const { query, variables, headers } = READS[kind];
      const url = new URL(graphqlUrl);
      url.searchParams.set('query', query);
      if (variables) url.searchParams.set('variables', JSON.stringify(variables(i)));
      // GraphQL over GET: a query, which haproxy may send again; the header satisfies Apollo's CSRF prevention.
      res = await fetch(url, {
        headers: { 'apollo-require-preflight': 'true', 'x-request-id': id, ...headers },
        signal: AbortSignal.timeout(30_000),
      });
    }
    op.status = res.status;
    const text = await res.text();
    let body;
    try {
      body = JSON.parse(text);
    } catch {
      body = undefined;
    }
    op.errorCodes = body?.errors ? [...new Set(body.errors.map((e) => e.extensions?.code ?? 'UNKNOWN'))] : [];
    op.ok = res.status === 200 && body?.data && op.errorCodes.length === 0;
    // The greedy caller past its share: Augur refusing it is the budget at work, not a failure.
    op.refused = kind === 'greedy' && res.status === 200 && op.errorCodes.length === 1 && op.errorCodes[0] === 'RATE_LIMITED';
    if (!op.ok && !op.refused) op.detail = text.slice(0, 300);
    if (kind === 'write' && op.ok) {
      op.acknowledged = WRITE.acknowledged(body.data);
      if (!op.acknowledged) {
        op.ok = false;
        op.detail = text.slice(0, 300);
      }
    }
  } catch (err) {
    op.ok = false;
    op.transport = err.cause?.code ?? err.name ?? 'error';
  }
  op.doneAt = Date.now();
  return op;
}

function rssMb(pid) {
  try {
    // A process that has exited but not been reaped yet has no VmRSS line.
    const kb = Number(/^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]);
    return Number.isFinite(kb) ? kb / 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** The most timestamps in any window of `windowMs`. */
function maxInWindow(times, windowMs) {
  const sorted = [...times].sort((a, b) => a - b);
  let max = 0;
  for (let start = 0, end = 0; end < sorted.length; end++) {
    while (sorted[end] - sorted[start] >= windowMs) start++;
    max = Math.max(max, end - start + 1);
  }
  return max;
}

const round = (n, d = 1) => Math.round(n * 10 ** d) / 10 ** d;

async function main() {
  const cluster = await startCluster({ router: false, keepLbLog: true, redisPersistence: REDIS_PERSISTENCE });
  const events = [];
  const note = (what, extra = {}) => events.push({ at: Date.now(), what, ...extra });
  const rssPeak = {};
  const sampler = setInterval(() => {
    for (const r of cluster.replicas) {
      const mb = r.running ? rssMb(r.pid) : undefined;
      if (mb !== undefined) rssPeak[r.name] = Math.max(rssPeak[r.name] ?? 0, mb);
    }
  }, 250);
  let result;
  try {
    result = await run(cluster, note);
  } finally {
    clearInterval(sampler);
    await cluster.stop();
  }
  result.replicas = Object.fromEntries(
    cluster.replicas.map((r) => [r.name, { served: result.served[r.name] ?? 0, rssPeakMb: round(rssPeak[r.name] ?? NaN) }]),
  );
  delete result.served;
  result.events = events.map((e) => ({ ...e, at: e.at - result.startedAt }));
  delete result.startedAt;
  if (result.pass && process.env.CLUSTER_KEEP_LOGS !== '1') rmSync(cluster.runDir, { recursive: true, force: true });
  else result.logs = cluster.runDir;
  return result;
}

/** Upstream latency, so operations are in flight when a fault strikes (the emulators otherwise answer in under 1 ms). */
const LATENCY = { dataiku: { latencyMs: 40 }, previsto: { latencyMs: 800, routes: ['POST /contacts'] } };

async function run(cluster, note) {
  const { graphqlUrl, replicas, redis } = cluster;
  WRITE = await writeShape(graphqlUrl);
  ENDPOINTS = await endpointIds(graphqlUrl);
  for (const [platform, fault] of Object.entries(LATENCY)) {
    const res = await fetch(`${cluster.emulatorUrls[platform]}/_emulator/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(fault),
    });
    if (!res.ok) throw new Error(`Setting ${platform}'s latency failed: HTTP ${res.status} ${await res.text()}`);
  }
  const total = SECONDS * RATE;
  const ops = [];
  const pending = new Set();
  const startedAt = Date.now();
  const t0 = performance.now();
  let next = 0;
  const launcher = setInterval(() => {
    const due = Math.min(total, Math.floor(((performance.now() - t0) / 1000) * RATE));
    while (next < due) {
      const p = send(graphqlUrl, next++).then((op) => {
        ops.push(op);
        pending.delete(p);
      });
      pending.add(p);
    }
  }, 2);
  const at = (seconds) => sleep(Math.max(0, startedAt + seconds * 1000 - Date.now()));
  const windows = {};

  // (a) Rolling restart.
  await at(3);
  windows.rollingRestart = { from: Date.now() };
  const exits = {};
  for (const r of replicas) {
    note('sigterm', { replica: r.name });
    const { code } = await r.stop('SIGTERM');
    exits[r.name] = code;
    note('exited', { replica: r.name, code });
    await r.start();
    await cluster.waitForServer(r.name, 'UP');
    note('up', { replica: r.name });
  }
  windows.rollingRestart.to = Date.now();

  // (b) SIGKILL, at a moment a replica holds a write in flight (haproxy's runtime API shows the requests each
  // replica holds): that replica is killed, so what happens to a write cut off mid-way is seen, not left to chance.
  await at(Math.max(22, (windows.rollingRestart.to - startedAt) / 1000 + 3));
  let victim;
  let holding = [];
  for (const deadline = Date.now() + 8000; !victim && Date.now() < deadline;) {
    const sessions = await cluster.sessions();
    const write = sessions.find((x) => x.method === 'POST' && !x.answered && x.server.startsWith('augur'));
    if (write) {
      victim = replicas.find((r) => r.name === write.server);
      holding = sessions.filter((x) => x.server === write.server && !x.answered);
    } else await sleep(5);
  }
  victim ??= replicas[1];
  const held = { writes: holding.filter((x) => x.method === 'POST').length, reads: holding.filter((x) => x.method === 'GET').length };
  windows.sigkill = { from: Date.now(), replica: victim.name, held };
  const killAt = Date.now();
  victim.child.kill('SIGKILL');
  await victim.exited;
  note('sigkill', { replica: victim.name, held });
  await cluster.waitForServer(victim.name, 'DOWN');
  note('down', { replica: victim.name });
  await sleep(2000);
  await victim.start();
  await cluster.waitForServer(victim.name, 'UP');
  note('up', { replica: victim.name });
  windows.sigkill.to = Date.now();

  // (c) Redis restart: the replicas fall back to local state while it is down, then use it again.
  await at(Math.max(36, (windows.sigkill.to - startedAt) / 1000 + 3));
  windows.redisRestart = { from: Date.now() };
  await redis.stop('SIGTERM');
  note('redis stopped');
  await sleep(3000);
  await redis.start();
  note('redis started');
  // The replicas reconnect within a second or so; count the next 5 s in the window too.
  await sleep(5000);
  windows.redisRestart.to = Date.now();

  await at(SECONDS);
  clearInterval(launcher);
  while (next < total) {
    const p = send(graphqlUrl, next++).then((op) => ops.push(op));
    pending.add(p);
  }
  await Promise.all(pending);
  const loadEnd = Date.now();

  // ---- Writes: every acknowledged one exists exactly once (looked up through the cluster, within the budget).
  const found = new Map();
  let after = null;
  let waits = 0;
  for (let page = 0; page < 20; page++) {
    const res = await fetch(graphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': `f${RUN}-check-${page}` },
      body: JSON.stringify({
        query:
          'query Check($run: String!, $after: String) { contacts(first: 100, after: $after, filter: { meta: [{ key: "run", value: $run }] }) { pageInfo { hasNextPage endCursor } edges { node { id name } } } }',
        variables: { run: RUN, after },
      }),
    });
    const body = await res.json();
    // A run that asked for more than the budget may have used this minute's: wait as told, then ask again.
    const retryAfter = body.errors?.find((e) => e.extensions?.code === 'RATE_LIMITED')?.extensions.retryAfter;
    if (retryAfter !== undefined && waits++ < 3) {
      await new Promise((r) => setTimeout(r, retryAfter * 1000));
      page--;
      continue;
    }
    if (body.errors) throw new Error(`Looking up the run's contacts failed: ${JSON.stringify(body.errors)}`);
    for (const { node } of body.data.contacts.edges) found.set(node.name, (found.get(node.name) ?? 0) + 1);
    if (!body.data.contacts.pageInfo.hasNextPage) break;
    after = body.data.contacts.pageInfo.endCursor;
  }
  const writes = ops.filter((o) => o.kind === 'write');
  const acknowledged = writes.filter((o) => o.acknowledged);
  const unacknowledged = writes.filter((o) => !o.acknowledged);
  const writeCheck = {
    sent: writes.length,
    acknowledged: acknowledged.length,
    lost: acknowledged.filter((o) => !found.get(o.name)).length,
    duplicated: [...found.values()].filter((n) => n > 1).length,
    unacknowledgedApplied: unacknowledged.filter((o) => found.get(o.name)).length,
  };

  // ---- Previsto's budget, from the emulator's own log: calls made with the key (unauthenticated readiness probes,
  // answered 401, are not counted against it).
  const log = await emulatorLog(cluster.emulatorUrls, 'previsto');
  const keyed = log.filter((e) => e.status !== 401);
  const perMinute = [];
  for (let m = startedAt; m < Date.now(); m += 60_000) perMinute.push(keyed.filter((e) => e.at >= m && e.at < m + 60_000).length);
  const previsto = {
    limitPerMinute: PREVISTO_LIMIT,
    calls: keyed.length,
    maxInAnySixtySeconds: maxInWindow(
      keyed.map((e) => e.at),
      60_000,
    ),
    perMinuteFromStart: perMinute,
    answered429: keyed.filter((e) => e.status === 429).length,
    byRoute: keyed.reduce((acc, e) => ((acc[e.route] = (acc[e.route] ?? 0) + 1), acc), {}),
  };

  // ---- Operations by phase, and failures explained by haproxy's log.
  const lbById = new Map();
  const served = {};
  for (const entry of cluster.lbLog) {
    if (!entry.server?.startsWith('augur')) continue;
    lbById.set(entry.id, entry);
    served[entry.server] = (served[entry.server] ?? 0) + 1;
  }
  const overlaps = (op, w) => op.sentAt <= w.to && op.doneAt >= w.from;
  // In flight on the killed replica: haproxy's log line names it and spans the kill; or haproxy wrote no line at
  // all because it closed the caller's connection without an answer (what it does, under `http-reuse safe`, when a
  // reused connection to a server dies under a request it will not resend), the operation having been sent before
  // the kill and cut off within a second after it.
  const inFlightOnVictim = (op) => {
    const entry = lbById.get(op.id);
    if (!entry) return !!op.transport && op.sentAt <= killAt && op.doneAt >= killAt && op.doneAt <= killAt + 1000;
    if (entry.server !== windows.sigkill.replica) return false;
    const end = entry.at + Math.max(entry.ta, 0);
    return entry.at <= killAt + 5 && end >= killAt - 5;
  };
  const failed = ops.filter((o) => !o.ok && !o.refused);
  const phase = (name) => {
    const w = windows[name];
    const inWindow = ops.filter((o) => overlaps(o, w));
    return { durationMs: w.to - w.from, operations: inWindow.length, failed: inWindow.filter((o) => !o.ok && !o.refused).length };
  };
  const sigkill = phase('sigkill');
  const retried = [...lbById.values()].filter((e) => e.retries !== '0');
  Object.assign(sigkill, {
    replica: windows.sigkill.replica,
    // Requests haproxy was forwarding to the replica when it was killed (a snapshot taken just before).
    heldAtKill: windows.sigkill.held,
    failedInFlightOnKilled: failed.filter(inFlightOnVictim).length,
    failedOther: failed.filter((o) => overlaps(o, windows.sigkill) && !inFlightOnVictim(o)).length,
    // Reads the killed replica held that haproxy sent again to another one (their log line names the other replica).
    readsRetriedElsewhere: retried.filter(
      (e) => e.at <= killAt + 5 && e.at + Math.max(e.ta, 0) >= killAt - 5 && e.server !== windows.sigkill.replica,
    ).length,
  });
  const greedy = ops.filter((o) => o.kind === 'greedy');
  const steadyFailed = failed.filter((o) => !Object.values(windows).some((w) => overlaps(o, w))).length;
  const codes = {};
  for (const o of ops) {
    const key = o.ok
      ? 'ok'
      : o.refused
        ? 'refused:RATE_LIMITED'
        : o.transport
          ? `transport:${o.transport}`
          : o.status !== 200
            ? `http:${o.status}`
            : o.errorCodes.join('+');
    codes[key] = (codes[key] ?? 0) + 1;
  }
  const rollingRestart = { ...phase('rollingRestart'), exitCodes: exits };
  const redisRestart = phase('redisRestart');
  const targets = {
    rollingRestartNoFailures: rollingRestart.failed === 0,
    redisRestartNoFailures: redisRestart.failed === 0,
    steadyNoFailures: steadyFailed === 0,
    sigkillOnlyInFlightFailed: sigkill.failedOther === 0,
    noLostOrDuplicatedWrites: writeCheck.lost === 0 && writeCheck.duplicated === 0 && writeCheck.acknowledged > 0,
    previstoBudgetHeld: previsto.maxInAnySixtySeconds <= PREVISTO_LIMIT && previsto.answered429 === 0,
    rateAchieved: ops.length === total && (loadEnd - startedAt) / 1000 <= SECONDS + 35,
  };
  return {
    bench: 'cluster-faults',
    startedAt,
    seconds: SECONDS,
    ratePerSecond: RATE,
    upstreamLatency: LATENCY,
    redisPersistence: REDIS_PERSISTENCE,
    operations: { sent: ops.length, ok: ops.filter((o) => o.ok).length, failed: failed.length, outcomes: codes },
    greedyCaller: {
      sent: greedy.length,
      answered: greedy.filter((o) => o.ok).length,
      refusedByBudget: greedy.filter((o) => o.refused).length,
    },
    rollingRestart,
    sigkill,
    redisRestart,
    steady: { failed: steadyFailed },
    writes: writeCheck,
    previsto,
    served,
    failures: failed.slice(0, 10).map((o) => ({
      id: o.id,
      kind: o.kind,
      status: o.status,
      transport: o.transport,
      codes: o.errorCodes,
      lb: lbById.get(o.id),
      detail: o.detail,
    })),
    targets,
    pass: Object.values(targets).every(Boolean),
  };
}

main().then(
  (result) => {
    const t = result.targets;
    console.log(
      [
        `Faults under load: ${result.operations.sent} operations in ${result.seconds} s (${result.ratePerSecond}/s), ${result.operations.failed} failed`,
        `  rolling restart: ${result.rollingRestart.operations} operations, ${result.rollingRestart.failed} failed`,
        `  SIGKILL ${result.sigkill.replica}: ${result.sigkill.operations} operations, ${result.sigkill.failed} failed (${result.sigkill.failedInFlightOnKilled} in flight on it, ${result.sigkill.failedOther} other); ${result.sigkill.readsRetriedElsewhere} reads sent again to another replica`,
        `  Redis restart: ${result.redisRestart.operations} operations, ${result.redisRestart.failed} failed`,
        `  writes: ${result.writes.acknowledged} acknowledged, ${result.writes.lost} lost, ${result.writes.duplicated} duplicated`,
        ...(result.greedyCaller.sent
          ? [
              `  second caller: ${result.greedyCaller.sent} sent, ${result.greedyCaller.answered} answered, ${result.greedyCaller.refusedByBudget} refused RATE_LIMITED`,
            ]
          : []),
        `  Previsto: ${result.previsto.calls} calls, at most ${result.previsto.maxInAnySixtySeconds} in any 60 s (limit ${result.previsto.limitPerMinute}), ${result.previsto.answered429} answered 429`,
        `  targets: ${Object.entries(t)
          .map(([k, v]) => `${k} ${v ? 'met' : 'MISSED'}`)
          .join(', ')}`,
      ].join('\n'),
    );
    console.log(JSON.stringify(result));
    process.exit(result.pass ? 0 : 1);
  },
  (err) => {
    console.error(err instanceof Error ? err.stack : err);
    process.exit(1);
  },
);
