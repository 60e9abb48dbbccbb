#!/usr/bin/env node
/**
 * `npm run bench:hotset`: the hot-set scenario of `npm run bench` on its own (see bench/lib/hotset.mjs): simulated
 * front-end users against Previsto's real 120 requests per minute, with the entity cache on and off. Prints a table,
 * then one JSON line (also written to bench/results/hotset-latest.json).
 *
 * Environment: BENCH_HOTSET_SECONDS (default 60), BENCH_HOTSET_USERS (default 100), BENCH_HOTSET_TTL (default 300).
 */
import { hotSet } from './lib/hotset.mjs';
import { intEnv, report, runMain } from './lib/stack.mjs';

runMain(async () => {
  const result = await hotSet({
    users: intEnv('BENCH_HOTSET_USERS', 100, 1, 1000),
    seconds: intEnv('BENCH_HOTSET_SECONDS', 60, 1, 600),
    ttlSeconds: intEnv('BENCH_HOTSET_TTL', 300, 1, 86_400),
    log: (...args) => console.error(...args),
  });
  const lines = [
    `Hot set: ${result.users} users, ${result.seconds} s per run, Previsto limit ${result.previstoLimitPerMinute}/min`,
    ...[result.on, result.off].map(
      (h) =>
        `${h.label}: ${h.operationsWithDataPerMinute} ops/min with data, ${h.rateLimited} RATE_LIMITED, ${h.staleReadsAfterOwnWrites} stale of ${h.readsAfterOwnWrites} reads after own writes (${h.readsAfterOwnWritesOverwrittenByOthers} overwritten by another user meanwhile), ${h.previstoCallsPerMinute} Previsto calls/min (at most ${h.previstoMaxCallsIn60s} in any 60 s), p50 ${h.p50Ms} ms, p99 ${h.p99Ms} ms; outcomes ${JSON.stringify(h.outcomes)}`,
    ),
  ];
  report('hotset', lines, result);
  return result.on.staleReadsAfterOwnWrites === 0 ? 0 : 1;
});
