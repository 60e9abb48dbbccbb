/**
 * Benchmark support (not part of Augur's public code): the upstream calls one GraphQL operation makes, counted by the emulators.
 */
import { CHECKS, LABEL, QUERIES } from './scenarios.mjs';
import { gqlOk, round } from './stack.mjs';

/** Upstream calls of `n` operations, read from the emulators after a reset; and whether one operation repeats a call. */
export async function upstreamCalls(control, graphqlUrl, name, n) {
  await control.resetAll();
  const data = await gqlOk(graphqlUrl, QUERIES[name], LABEL[name]);
  CHECKS[name](data);
  const duplicates = [];
  const perPlatformOne = {};
  for (const [platform, c] of Object.entries(await control.counts())) {
    perPlatformOne[platform] = c.total;
    if (c.total === 0) continue;
    const keys = (await control.log(platform)).map((l) => `${l.method} ${l.path}?${l.query}`);
    const seen = new Set();
    for (const k of keys) {
      if (seen.has(k)) duplicates.push(`${platform}: ${k}`);
      seen.add(k);
    }
  }
  await control.resetAll();
  for (let i = 0; i < n; i++) await gqlOk(graphqlUrl, QUERIES[name], LABEL[name]);
  const counts = await control.counts();
  const byPlatform = {};
  const byRoute = {};
  let total = 0;
  for (const [platform, c] of Object.entries(counts)) {
    if (c.total === 0) continue;
    byPlatform[platform] = round(c.total / n, 3);
    for (const [route, k] of Object.entries(c.byRoute)) byRoute[`${platform} ${route}`] = round(k / n, 3);
    total += c.total;
  }
  return { perOp: round(total / n, 3), operations: n, byPlatform, byRoute, firstOp: perPlatformOne, duplicatesInOneOp: duplicates };
}
