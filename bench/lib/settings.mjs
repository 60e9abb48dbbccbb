/**
 * Benchmark support (not part of Augur's public code): the settings of `npm run bench`, read from the environment once (see
 * bench/run.mjs for what each one means), and where its results are written.
 */
import path from 'node:path';
import { intEnv, previstoRateLimit, ROOT } from './stack.mjs';

export const RESULTS = path.join(ROOT, 'bench', 'results');

export const DURATION = intEnv('BENCH_DURATION', 8, 1, 120);
/** Seconds of load a process serves, unmeasured, before its throughput runs (see bench/run.mjs). */
export const WARMUP = intEnv('BENCH_WARMUP', 8, 1, 120);
export const LATENCY_ROUNDS = intEnv('BENCH_LATENCY_ROUNDS', 3, 1, 20);
/** Seconds of one-connection load a gateway serves before its steady-state latency rounds (see bench/run.mjs). */
export const LATENCY_WARMUP = intEnv('BENCH_LATENCY_WARMUP', 10, 1, 120);
/** Seconds of one-connection load each gateway has served when its after-start latency rounds end: 1 s, then 2 s a round. */
export const LATENCY_AFTER_START = 1 + 2 * LATENCY_ROUNDS;
export const CONNECTIONS = intEnv('BENCH_CONNECTIONS', 50, 1, 1000);
export const ROUNDS = intEnv('BENCH_THROUGHPUT_ROUNDS', 2, 1, 20);
export const COUNT_OPS = intEnv('BENCH_COUNT_OPS', 20, 1, 1000);
export const COLD_RUNS = intEnv('BENCH_COLD_RUNS', 5, 1, 50);
export const PREVISTO_LIMIT = previstoRateLimit();
export const HOTSET_SECONDS = intEnv('BENCH_HOTSET_SECONDS', 60, 0, 600);
export const HOTSET_USERS = intEnv('BENCH_HOTSET_USERS', 100, 1, 1000);
export const HOTSET_TTL = intEnv('BENCH_HOTSET_TTL', 300, 1, 86_400);
