/**
 * Fair shares of one Previsto key through the real GraphQL HTTP stack: a greedy caller looping Previsto-heavy
 * operations next to five light callers. Limit 24 per 2 s in both Augur and the emulator, callers told apart by
 * their gateway API keys.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { LoggedRequest } from '@augur/emulators';
import { expectFairOutcome, runScenario, type Send } from '../helpers/fairshare.js';
import { startStack, type TestStack } from '../helpers/stack.js';

const GREEDY_KEY = 'greedy-gateway-key-000000';
const LIGHT_KEYS = Array.from({ length: 5 }, (_, i) => `light-gateway-key-${i}-000000`);
const LIMIT = 24;
const WINDOW_MS = 2000;

let stack: TestStack | undefined;
afterEach(async () => {
  await stack?.close();
  stack = undefined;
});

async function start(fairShare: boolean): Promise<TestStack> {
  return startStack({
    env: {
      LOG_LEVEL: 'warn',
      AUGUR_API_KEYS: [GREEDY_KEY, ...LIGHT_KEYS].join(','),
      AUGUR_FAIR_SHARE: String(fairShare),
      PREVISTO_RATE_LIMIT: String(LIMIT),
      AUGUR_PREVISTO_RATE_WINDOW_MS: String(WINDOW_MS),
      // Waits longer than this answer RATE_LIMITED at once, so a refused caller sees it.
      AUGUR_REQUEST_BUDGET_MS: '300',
    },
    emulatorOptions: { previsto: { rateLimitPerMinute: LIMIT, rateWindowMs: WINDOW_MS } },
  });
}

function caller(s: TestStack, key: string): Send {
  return (query) => s.gql(query, undefined, { 'x-api-key': key });
}

async function previstoLog(s: TestStack): Promise<LoggedRequest[]> {
  const res = await fetch(`${s.embedded.emulators.previsto!.url}/_emulator/requests?log=1`);
  return ((await res.json()) as { log: LoggedRequest[] }).log;
}

const scenario = (s: TestStack) =>
  runScenario({
    greedy: caller(s, GREEDY_KEY),
    lights: LIGHT_KEYS.map((k) => caller(s, k)),
    aliases: 6,
    greedyLoops: 2,
    lightEveryMs: 1000,
    durationMs: 3 * WINDOW_MS,
  });

describe('fair share of a Previsto key', () => {
  it('keeps answering light callers while a greedy one loops heavy operations, and tells the greedy one why it waits', async () => {
    stack = await start(true);
    const { greedy, lights, elapsedMs } = await scenario(stack);
    const log = await previstoLog(stack);
    console.log(
      JSON.stringify({
        fairShare: true,
        elapsedMs,
        greedy,
        lights,
        previsto: { requests: log.length, status429: log.filter((l) => l.status === 429).length },
      }),
    );

    // Six callers share 24 calls per window: ceil(24 / 6) = 4 each.
    expectFairOutcome({ greedy, lights, elapsedMs }, log, { windowMs: WINDOW_MS, limit: LIMIT, share: 4 });
    expect((await stack.requests('previsto')).total).toBe(log.length);
  }, 25_000);

  it('lets the greedy caller starve the others when fair share is off', async () => {
    stack = await start(false);
    const { greedy, lights } = await scenario(stack);
    const log = await previstoLog(stack);
    const sent = lights.reduce((n, t) => n + t.sent, 0);
    const answered = lights.reduce((n, t) => n + t.answered, 0);
    console.log(
      JSON.stringify({
        fairShare: false,
        greedyFields: greedy.fields,
        lightsSent: sent,
        lightsAnswered: answered,
        status429: log.filter((l) => l.status === 429).length,
      }),
    );
    expect(answered / sent).toBeLessThan(0.8);
    expect(greedy.fairShareMessages).toBe(0);
    expect(log.filter((l) => l.status === 429)).toEqual([]);
  }, 25_000);
});
