/**
 * Test-only: one greedy caller and several light ones sharing one Previsto key, and what each of them got back.
 * The light callers start first, as callers already using a key do when a greedy one arrives.
 */

import { expect } from 'vitest';
import { maxInWindow } from '../scaleout/processes.js';

export interface Answer {
  status: number;
  data?: Record<string, any> | null;
  errors?: Array<{ message: string; extensions?: Record<string, unknown> }>;
}

/** Sends one operation as one caller. */
export type Send = (query: string) => Promise<Answer>;

export interface CallerTally {
  /** Operations sent. */
  sent: number;
  /** Operations answered with every field's data. */
  answered: number;
  /** Fields answered with data (a greedy operation has several). */
  fields: number;
  /** RATE_LIMITED errors carrying a positive `retryAfter`. */
  rateLimited: number;
  /** Of those, the ones saying the key is shared fairly. */
  fairShareMessages: number;
  /** Largest `retryAfter` seen, in seconds. */
  maxRetryAfter: number;
  /** Anything else (other codes, HTTP failures), for failure messages. */
  other: string[];
}

export const LIGHT_QUERY = '{ contacts(first: 1) { edges { node { name } } } }';

/** `aliases` Previsto calls in one operation: distinct searches cannot share a request. */
export function greedyQuery(aliases: number): string {
  const fields = Array.from({ length: aliases }, (_, i) => `c${i}: contacts(first: 1, search: "a${i}") { edges { node { name } } }`);
  return `{ ${fields.join(' ')} }`;
}

function tally(): CallerTally {
  return { sent: 0, answered: 0, fields: 0, rateLimited: 0, fairShareMessages: 0, maxRetryAfter: 0, other: [] };
}

function count(t: CallerTally, r: Answer): void {
  t.sent++;
  t.fields += Object.values(r.data ?? {}).filter((v) => v !== null).length;
  if (r.status === 200 && r.data && !r.errors) t.answered++;
  for (const e of r.errors ?? []) {
    const retryAfter = e.extensions?.['retryAfter'];
    if (e.extensions?.['code'] === 'RATE_LIMITED' && typeof retryAfter === 'number' && retryAfter > 0) {
      t.rateLimited++;
      t.maxRetryAfter = Math.max(t.maxRetryAfter, retryAfter);
      if (/shares Previsto's limit .* fairly among the \d+ callers/.test(e.message)) t.fairShareMessages++;
    } else t.other.push(`${r.status} ${String(e.extensions?.['code'])}: ${e.message}`);
  }
  if (r.status !== 200 && !r.errors) t.other.push(`HTTP ${r.status}`);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface Scenario {
  greedy: Send;
  lights: Send[];
  /** Previsto calls per greedy operation. */
  aliases: number;
  /** Greedy operations in flight at once. */
  greedyLoops: number;
  lightEveryMs: number;
  durationMs: number;
}

/** Runs the scenario: every light caller once, then all of them for `durationMs`. */
export async function runScenario(s: Scenario): Promise<{ greedy: CallerTally; lights: CallerTally[]; elapsedMs: number }> {
  const greedy = tally();
  const lights = s.lights.map(tally);
  await Promise.all(s.lights.map(async (send, i) => count(lights[i]!, await send(LIGHT_QUERY))));
  const started = Date.now();
  const until = started + s.durationMs;
  const query = greedyQuery(s.aliases);
  const greedyLoop = async () => {
    while (Date.now() < until) {
      count(greedy, await s.greedy(query));
      // A short pause, so refused operations do not turn into a busy loop on a shared test machine.
      await sleep(20);
    }
  };
  const lightLoop = async (send: Send, t: CallerTally, offset: number) => {
    await sleep(offset);
    for (let next = Date.now(); next < until; next += s.lightEveryMs) {
      await sleep(next - Date.now());
      count(t, await send(LIGHT_QUERY));
    }
  };
  await Promise.all([
    ...Array.from({ length: s.greedyLoops }, greedyLoop),
    ...s.lights.map((send, i) => lightLoop(send, lights[i]!, (i * s.lightEveryMs) / s.lights.length)),
  ]);
  return { greedy, lights, elapsedMs: Date.now() - started };
}

/**
 * The fair-share outcome both setups must show: the light callers answered (at least 95%), the greedy one refused
 * with the fair-share message and a `retryAfter` and held to `share` calls per window, and Previsto never past its
 * limit nor answering 429, every field answered being one call it saw.
 */
export function expectFairOutcome(
  run: { greedy: CallerTally; lights: CallerTally[]; elapsedMs: number },
  log: ReadonlyArray<{ at: number; status: number }>,
  rule: { windowMs: number; limit: number; share: number },
): void {
  const { greedy, lights, elapsedMs } = run;
  for (const t of [greedy, ...lights]) expect(t.other).toEqual([]);
  const sent = lights.reduce((n, t) => n + t.sent, 0);
  expect(lights.reduce((n, t) => n + t.answered, 0) / sent).toBeGreaterThanOrEqual(0.95);
  expect(greedy.fairShareMessages).toBeGreaterThan(0);
  expect(greedy.maxRetryAfter).toBeGreaterThan(0);
  // At most `share` calls per window it ran in, plus the window it began in.
  expect(greedy.fields).toBeGreaterThan(0);
  expect(greedy.fields).toBeLessThanOrEqual(rule.share * (Math.ceil(elapsedMs / rule.windowMs) + 1));
  expect(log.filter((l) => l.status === 429)).toEqual([]);
  expect(
    maxInWindow(
      log.map((l) => l.at),
      rule.windowMs,
    ),
  ).toBeLessThanOrEqual(rule.limit);
  expect(log.length).toBe(greedy.fields + lights.reduce((n, t) => n + t.fields, 0));
}
