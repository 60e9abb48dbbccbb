/**
 * Benchmark support (not part of Augur's public code): the "hot set" scenario. Simulated front-end users against the
 * emulators with Previsto's real limit (120 requests per minute per key, on the emulator and in the gateway): each
 * user opens one page of the contact or assignment list, then, after a think time, reads a contact or an assignment
 * (with its contact) picked from a Zipf-distributed set of hot contacts; 2% of operations rename a contact, and that
 * user's next operation reads it back (a read that does not show the new name is a stale read after an own write).
 * Run with the entity cache on and off, each against a fresh emulator state and a fresh gateway.
 */
import { createControl, percentile, round, sleep, startEmulators, startGateway } from './stack.mjs';

const LIMIT = 120;

const CONTACT = 'query HotContact($id: ID!) { contact(id: $id) { id name email } }';
const ASSIGNMENT = 'query HotAssignment($id: ID!) { assignment(id: $id) { id status contact { id name } } }';
const RENAME = 'mutation Rename($i: UpdateContactInput!) { updateContact(input: $i) { contact { id name } userErrors { code message } } }';
const CONTACT_PAGE =
  'query ContactPage($after: String) { contacts(first: 100, after: $after) { edges { node { id name } } pageInfo { endCursor hasNextPage } } }';
const ASSIGNMENT_PAGE =
  'query AssignmentPage($after: String) { assignments(first: 100, after: $after) { edges { node { id contactId status } } pageInfo { endCursor hasNextPage } } }';

/** A small deterministic generator (mulberry32), so runs are comparable. */
function random(seed) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Picks ranks 0..n-1 with probability proportional to 1/(rank+1). */
function zipf(n, rand) {
  const cdf = [];
  let sum = 0;
  for (let k = 1; k <= n; k++) cdf.push((sum += 1 / k));
  return () => {
    const x = rand() * sum;
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cdf[mid] < x) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
}

async function post(url, query, variables, operationName) {
  const started = performance.now();
  try {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query, variables, operationName }),
    });
    const body = await res.json();
    return { status: res.status, body, ms: performance.now() - started };
  } catch (err) {
    return {
      status: 0,
      body: { errors: [{ extensions: { code: `TRANSPORT_${err?.cause?.code ?? 'ERROR'}` } }] },
      ms: performance.now() - started,
    };
  }
}

/** Reads every list page through a throwaway gateway: the hot ids and the cursors the users' list views use. */
async function setup(urls) {
  const gateway = await startGateway(urls, { port: 0, previstoLimit: LIMIT });
  try {
    const pages = async (query, key) => {
      const cursors = [null];
      const nodes = [];
      for (;;) {
        const r = await post(gateway.graphqlUrl, query, { after: cursors.at(-1) });
        const conn = r.body.data?.[key];
        if (!conn) throw new Error(`hot set setup: ${key} failed: ${JSON.stringify(r.body).slice(0, 300)}`);
        nodes.push(...conn.edges.map((e) => e.node));
        if (!conn.pageInfo.hasNextPage) break;
        cursors.push(conn.pageInfo.endCursor);
      }
      return { cursors, nodes };
    };
    const contacts = await pages(CONTACT_PAGE, 'contacts');
    const assignments = await pages(ASSIGNMENT_PAGE, 'assignments');
    const hot = contacts.nodes.slice(0, 200).map((c) => c.id);
    const byContact = new Map(hot.map((id) => [id, []]));
    for (const a of assignments.nodes) byContact.get(a.contactId)?.push(a.id);
    return {
      hot,
      byContact,
      listViews: [
        ...contacts.cursors.map((after) => ({ query: CONTACT_PAGE, name: 'ContactPage', variables: { after } })),
        ...assignments.cursors.map((after) => ({ query: ASSIGNMENT_PAGE, name: 'AssignmentPage', variables: { after } })),
      ],
    };
  } finally {
    await gateway.stop();
  }
}

/** One run: `users` users for `seconds` s against a fresh gateway with `env`. */
async function run(urls, control, data, { users, seconds, env, label }) {
  await control.resetAll();
  const gateway = await startGateway(urls, { port: 0, previstoLimit: LIMIT, env });
  const outcomes = {};
  const times = [];
  let withData = 0;
  let stale = 0;
  let writes = 0;
  let readsAfterWrite = 0;
  let overwritten = 0;
  // Every rename of the run, per contact: another user may rename a hot contact between a user's write and its read.
  const renames = new Map();
  try {
    const started = performance.now();
    const until = started + seconds * 1000;
    const user = async (u) => {
      const rand = random(1000 + u);
      const pick = zipf(data.hot.length, rand);
      let pending; // { id, name } of this user's last write, read back next
      let n = 0;
      const view = data.listViews[u % data.listViews.length];
      const ops = [() => ({ ...view, check: (d) => !!Object.values(d)[0] })];
      while (performance.now() < until) {
        let op = ops.shift();
        if (!op) {
          const contactId = data.hot[pick()];
          if (pending) {
            const expected = pending;
            pending = undefined;
            readsAfterWrite++;
            op = () => ({
              query: CONTACT,
              name: 'HotContact',
              variables: { id: expected.id },
              check: (d) => {
                const seen = d.contact?.name;
                if (seen !== expected.name) {
                  // Not stale if what is seen was written by a rename acknowledged after this user's was sent (a
                  // concurrent or later write); stale if it is older: the seed's name or a rename finished before.
                  const other = renames.get(expected.id)?.find((w) => w.name === seen);
                  if (other && other.ackedAt > expected.sentAt) overwritten++;
                  else stale++;
                }
                return !!d.contact;
              },
            });
          } else if (rand() < 0.02) {
            const name = `Hot ${u}-${++n}`;
            writes++;
            const sentAt = performance.now();
            op = () => ({
              query: RENAME,
              name: 'Rename',
              variables: { i: { id: contactId, name } },
              check: (d) => {
                const ok = d.updateContact?.contact?.name === name;
                if (ok) {
                  pending = { id: contactId, name, sentAt };
                  if (!renames.has(contactId)) renames.set(contactId, []);
                  renames.get(contactId).push({ name, ackedAt: performance.now() });
                }
                return ok;
              },
            });
          } else if (rand() < 0.5) {
            op = () => ({ query: CONTACT, name: 'HotContact', variables: { id: contactId }, check: (d) => !!d.contact });
          } else {
            const own = data.byContact.get(contactId);
            const id = own.length ? own[Math.floor(rand() * own.length)] : undefined;
            op = id
              ? () => ({ query: ASSIGNMENT, name: 'HotAssignment', variables: { id }, check: (d) => !!d.assignment?.contact })
              : () => ({ query: CONTACT, name: 'HotContact', variables: { id: contactId }, check: (d) => !!d.contact });
          }
        }
        const o = op();
        const r = await post(gateway.graphqlUrl, o.query, o.variables, o.name);
        times.push(r.ms);
        const codes = (r.body?.errors ?? []).map((e) => e?.extensions?.code ?? 'NO_CODE');
        const outcome =
          r.status === 200 && codes.length === 0 && r.body.data && o.check(r.body.data)
            ? 'data'
            : codes.sort().join('+') || `HTTP_${r.status}`;
        outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
        if (outcome === 'data') withData++;
        // Think time of a front-end user: 1 to 2.2 s.
        await sleep(1000 + rand() * 1200);
      }
    };
    await Promise.all(Array.from({ length: users }, (_, u) => user(u)));
    const minutes = (performance.now() - started) / 60_000;
    const counts = await control.counts();
    const previsto = counts.previsto.total;
    // The most Previsto calls in any 60 s: what Previsto's own per-minute limit sees.
    const at = (await control.log('previsto')).map((l) => l.at).sort((a, b) => a - b);
    let maxPerMinute = 0;
    for (let start = 0, end = 0; end < at.length; end++) {
      while (at[end] - at[start] >= 60_000) start++;
      maxPerMinute = Math.max(maxPerMinute, end - start + 1);
    }
    const sorted = [...times].sort((a, b) => a - b);
    const rateLimited = Object.entries(outcomes)
      .filter(([k]) => k.includes('RATE_LIMITED'))
      .reduce((s, [, v]) => s + v, 0);
    return {
      label,
      operations: times.length,
      operationsWithDataPerMinute: round(withData / minutes, 1),
      rateLimited,
      staleReadsAfterOwnWrites: stale,
      readsAfterOwnWrites: readsAfterWrite,
      readsAfterOwnWritesOverwrittenByOthers: overwritten,
      writes,
      previstoCallsPerMinute: round(previsto / minutes, 1),
      previstoMaxCallsIn60s: maxPerMinute,
      previstoByRoute: counts.previsto.byRoute,
      p50Ms: round(percentile(sorted, 50), 2),
      p99Ms: round(percentile(sorted, 99), 2),
      outcomes,
      minutes: round(minutes, 2),
    };
  } finally {
    await gateway.stop();
  }
}

/**
 * The hot-set scenario, cache on and cache off, each against a fresh emulator state. `ttlSeconds` is the entity
 * cache's TTL for Previsto in the cache-on run (writes through Augur keep it true, so it can be long).
 */
export async function hotSet({ users = 100, seconds = 60, ttlSeconds = 300, log = () => {} } = {}) {
  const emulators = await startEmulators({ previstoLimit: LIMIT });
  try {
    const control = createControl(emulators.urls);
    const data = await setup(emulators.urls);
    log(`hot set: ${data.hot.length} hot contacts, ${data.listViews.length} list pages; ${users} users for ${seconds} s per run`);
    const on = await run(emulators.urls, control, data, {
      users,
      seconds,
      label: `cache on (previsto=${ttlSeconds})`,
      env: { AUGUR_ENTITY_CACHE_TTLS: `previsto=${ttlSeconds}` },
    });
    log(
      `hot set, ${on.label}: ${on.operationsWithDataPerMinute} ops/min with data, ${on.rateLimited} RATE_LIMITED, ${on.previstoCallsPerMinute} Previsto calls/min, ${on.staleReadsAfterOwnWrites} stale`,
    );
    // Previsto's window and the gateway's budget start afresh (the emulators' reset clears their windows).
    const off = await run(emulators.urls, control, data, {
      users,
      seconds,
      label: 'cache off',
      env: { AUGUR_ENTITY_CACHE_TTLS: 'previsto=0' },
    });
    log(
      `hot set, ${off.label}: ${off.operationsWithDataPerMinute} ops/min with data, ${off.rateLimited} RATE_LIMITED, ${off.previstoCallsPerMinute} Previsto calls/min, ${off.staleReadsAfterOwnWrites} stale`,
    );
    return { users, seconds, ttlSeconds, previstoLimitPerMinute: LIMIT, on, off };
  } finally {
    await emulators.stop();
  }
}
