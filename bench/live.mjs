#!/usr/bin/env node
/**
 * `npm run bench:live`: subscriptions at scale (docs/live.md). The built gateway (`dist/augur/main.js`) runs against
 * the emulators (separate processes on loopback). LIVE_QUERIES Civis SQL queries are started with `createCivisQuery`
 * (the emulator finishes a query on its LIVE_READS-th polling read), then LIVE_SUBSCRIBERS subscribers open one SSE
 * stream each (`POST /graphql/stream`), spread evenly over the queries, and wait for every query to end SUCCEEDED.
 *
 * Measured:
 * - RSS added per subscriber: the gateway's RSS with every subscriber holding its first event, minus its RSS before
 *   any subscribed (after a warm-up subscription), divided by the number of subscribers;
 * - change-to-subscriber latency: for each subscriber, from the emulator receiving the poll that returned SUCCEEDED
 *   (the query's last read before the event arrived, from the emulator's request log; same machine, same clock) to
 *   the SUCCEEDED event reaching the subscriber;
 * - upstream polls: reads of the queries per minute while they ran, against the number of pollers (queries), and the
 *   number of subscribers.
 *
 * Environment: LIVE_SUBSCRIBERS (default 1000), LIVE_QUERIES (default 20), LIVE_READS (default 5),
 * LIVE_POLL_MIN_MS (default 1000, the gateway's AUGUR_LIVE_POLL_MIN_MS). The last line is JSON (also written to
 * bench/results/live-latest.json).
 */
import os from 'node:os';
import { gqlOk, intEnv, loadavg, memory, percentile, report, round, runMain, sleep, startEmulators, startGateway } from './lib/stack.mjs';

const SUBSCRIBERS = intEnv('LIVE_SUBSCRIBERS', 1000, 1, 100_000);
const QUERIES = intEnv('LIVE_QUERIES', 20, 1, 90);
const READS = intEnv('LIVE_READS', 5, 2, 100);
const POLL_MIN_MS = intEnv('LIVE_POLL_MIN_MS', 1000, 10, 60_000);
const WATCH = 'subscription($id: ID) { civisQuery(id: $id) { id platformId state error } }';

/** Opens one SSE subscription; calls `onEvent(payload, arrivedAt)` for each `next`; resolves `done` on `complete`. */
async function subscribe(graphqlUrl, id, onEvent) {
  const controller = new AbortController();
  const res = await fetch(`${graphqlUrl}/stream`, {
    method: 'POST',
    headers: { accept: 'text/event-stream', 'content-type': 'application/json' },
    body: JSON.stringify({ query: WATCH, variables: { id } }),
    signal: controller.signal,
  });
  if (res.status !== 200) throw new Error(`subscribe answered HTTP ${res.status}: ${await res.text()}`);
  const done = (async () => {
    const decoder = new TextDecoder();
    let buffer = '';
    for await (const chunk of res.body) {
      const arrivedAt = Date.now();
      buffer += decoder.decode(chunk, { stream: true });
      let end;
      while ((end = buffer.indexOf('\n\n')) !== -1) {
        const message = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const event = /^event: (.*)$/m.exec(message)?.[1];
        const data = /^data: (.*)$/m.exec(message)?.[1];
        if (event === 'next') onEvent(JSON.parse(data), arrivedAt);
        if (event === 'complete') return;
      }
    }
  })();
  return { done, close: () => controller.abort() };
}

async function main() {
  // The emulator finishes a query on its READS-th polling read (read from its environment at start).
  process.env.AUGUR_EMULATOR_CIVIS_RUN_READS = String(READS);
  const upstream = await startEmulators({ previstoLimit: 120 });
  const env = {
    AUGUR_LIVE_POLL_MIN_MS: String(POLL_MIN_MS),
    AUGUR_LIVE_MAX_SUBSCRIPTIONS: String(Math.max(10_000, SUBSCRIBERS * 2)),
  };
  const gateway = await startGateway(upstream.urls, { previstoLimit: 120, env });
  const civis = upstream.urls.civis;
  const control = async (path, init) => (await fetch(`${civis}/_emulator/${path}`, init)).json();
  try {
    const create = async () => {
      const r = await gqlOk(
        gateway.graphqlUrl,
        `mutation { createCivisQuery(input: { databaseName: "redshift-general", sql: "SELECT customer_id FROM public.customers LIMIT 2" }) { query { id platformId } userErrors { message } } }`,
        'createCivisQuery',
      );
      return r.createCivisQuery.query;
    };
    // Warm-up: one subscription to its end, so the code paths are loaded before the baseline.
    const warm = await create();
    await (
      await subscribe(gateway.graphqlUrl, warm.id, () => undefined)
    ).done;
    await sleep(500);
    const baseline = memory(gateway.pid).rssKb;

    const queries = [];
    for (let i = 0; i < QUERIES; i++) queries.push(await create());
    const before = await control('requests');
    const startedAt = Date.now();
    const arrivals = []; // per subscriber: { query, first, succeededAt }
    const subs = [];
    for (let i = 0; i < SUBSCRIBERS; i += 100) {
      const batch = [];
      for (let j = i; j < Math.min(SUBSCRIBERS, i + 100); j++) {
        const query = queries[j % QUERIES];
        const entry = { query: query.platformId, states: [], succeededAt: undefined };
        arrivals.push(entry);
        batch.push(
          subscribe(gateway.graphqlUrl, query.id, (payload, at) => {
            const state = payload.data?.civisQuery?.state ?? `error:${payload.errors?.[0]?.extensions?.code}`;
            entry.states.push(state);
            if (state === 'SUCCEEDED') entry.succeededAt = at;
          }),
        );
      }
      subs.push(...(await Promise.all(batch)));
    }
    const openedMs = Date.now() - startedAt;
    // Every subscriber holds its first event: the RSS with all of them open.
    const deadline = Date.now() + 120_000;
    while (arrivals.some((a) => a.states.length === 0) && Date.now() < deadline) await sleep(20);
    const withSubscribers = memory(gateway.pid).rssKb;
    const metricsText = await (await fetch(`${gateway.url}/metrics`)).text();
    const active = Number(/^augur_subscriptions_active\{transport="sse"\} (\d+)/m.exec(metricsText)?.[1] ?? NaN);
    const pollers = Number(/^augur_live_pollers_active (\d+)/m.exec(metricsText)?.[1] ?? NaN);
    await Promise.all(subs.map((s) => s.done));
    const endedAt = Date.now();

    const log = await control('requests?log=1');
    const reads = new Map();
    for (const entry of log.log ?? []) {
      const m = /^\/queries\/(\d+)$/.exec(entry.path);
      if (!m || entry.method !== 'GET') continue;
      const list = reads.get(m[1]) ?? [];
      list.push(entry.at);
      reads.set(m[1], list);
    }
    const latencies = [];
    for (const a of arrivals) {
      // The poll that returned SUCCEEDED is the query's last read before the event arrived (the poller stops there).
      const polledAt = (reads.get(a.query) ?? []).filter((at) => at <= (a.succeededAt ?? 0)).at(-1);
      if (polledAt !== undefined && a.succeededAt !== undefined) latencies.push(a.succeededAt - polledAt);
    }
    latencies.sort((x, y) => x - y);
    const queryReads = [...reads.values()].reduce((n, l) => n + l.length, 0);
    const after = await control('requests');
    const minutes = (endedAt - startedAt) / 60_000;
    const complete = arrivals.filter((a) => a.states.at(-1) === 'SUCCEEDED').length;
    const duplicates = arrivals.filter((a) => new Set(a.states).size !== a.states.length).length;
    const result = {
      subscribers: SUBSCRIBERS,
      queries: QUERIES,
      readsToFinish: READS,
      pollMinMs: POLL_MIN_MS,
      openedMs,
      durationS: round((endedAt - startedAt) / 1000, 1),
      completedSucceeded: complete,
      subscribersWithDuplicates: duplicates,
      activeSubscriptionsSeen: active,
      pollersSeen: pollers,
      rssBaselineMb: round(baseline / 1024, 1),
      rssWithSubscribersMb: round(withSubscribers / 1024, 1),
      rssPerSubscriberKb: round((withSubscribers - baseline) / SUBSCRIBERS, 2),
      changeToSubscriberMs: {
        samples: latencies.length,
        p50: percentile(latencies, 0.5),
        p99: percentile(latencies, 0.99),
        max: latencies.at(-1),
      },
      upstreamQueryReads: queryReads,
      upstreamCallsTotal: after.total - before.total,
      upstreamReadsPerMinute: round(queryReads / minutes, 1),
      readsPerPoller: round(queryReads / QUERIES, 2),
      cpus: os.cpus().length,
      loadavg: loadavg(),
    };
    report(
      'live',
      [
        `${SUBSCRIBERS} SSE subscribers over ${QUERIES} Civis queries (each finishing on its ${READS}th read), opened in ${openedMs} ms`,
        `  ${complete}/${SUBSCRIBERS} ended SUCCEEDED, ${duplicates} saw a state twice; ${active} subscriptions and ${pollers} pollers open at the peak`,
        `  RSS ${result.rssBaselineMb} MB → ${result.rssWithSubscribersMb} MB: ${result.rssPerSubscriberKb} KB per subscriber`,
        `  change polled → event at subscriber: p50 ${result.changeToSubscriberMs.p50} ms, p99 ${result.changeToSubscriberMs.p99} ms (${latencies.length} samples)`,
        `  upstream: ${queryReads} reads of the queries (${result.readsPerPoller} per poller), ${result.upstreamReadsPerMinute}/min over ${result.durationS} s`,
      ],
      result,
    );
    return complete === SUBSCRIBERS && duplicates === 0 ? 0 : 1;
  } finally {
    await gateway.stop();
    await upstream.stop();
  }
}

runMain(main);
