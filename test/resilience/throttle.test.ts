import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client } from 'undici';
import { RefusalThrottle } from '../../src/server/throttle.js';
import { startStack, type TestStack } from '../helpers/stack.js';

const DELAY_MS = 400;
const ALLOWANCE = 5;

/** One request from `localAddress` (every 127.x.y.z address reaches the stack's 127.0.0.1): status, body and time taken. */
async function send(url: string, localAddress: string, body: unknown): Promise<{ status: number; body: any; ms: number }> {
  const target = new URL(url);
  const client = new Client(target.origin, { localAddress });
  const started = performance.now();
  try {
    const res = await client.request({
      path: target.pathname,
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: res.statusCode, body: await res.body.json(), ms: performance.now() - started };
  } finally {
    await client.close();
  }
}

const TOO_DEEP = { query: `{ ${'platforms { '.repeat(20)}kind${' }'.repeat(20)} }` };
const GOOD = { query: '{ contacts(first: 1) { edges { node { name } } } }' };

describe('RefusalThrottle', () => {
  it('lets a caller through until its allowance is spent, then makes it wait, and refills with time', () => {
    let now = 0;
    const throttle = new RefusalThrottle({ perMinute: 3, delayMs: 100 }, () => now);
    expect(throttle.verdict('a')).toBe('go');
    expect([throttle.refused('a'), throttle.refused('a'), throttle.refused('a')]).toEqual([false, false, true]);
    expect(throttle.verdict('a')).toBe('wait');
    expect(throttle.verdict('b')).toBe('go');
    now += 20_000; // a third of a minute: one refusal back
    expect(throttle.verdict('a')).toBe('go');
  });

  it('forgets the least recently refused callers past maxCallers', () => {
    const throttle = new RefusalThrottle({ perMinute: 1, delayMs: 100, maxCallers: 2 }, () => 0);
    throttle.refused('a');
    throttle.refused('b');
    throttle.refused('c');
    expect(throttle.callers).toBe(2);
    expect(throttle.verdict('a')).toBe('go');
    expect(throttle.verdict('c')).toBe('wait');
  });

  it('refuses instead of holding once maxHeld requests wait', async () => {
    const throttle = new RefusalThrottle({ perMinute: 1, delayMs: 50, maxHeld: 1 }, () => 0);
    throttle.refused('a');
    expect(throttle.verdict('a')).toBe('wait');
    const held = throttle.hold();
    expect(throttle.verdict('a')).toBe('refuse');
    await held;
    expect(throttle.verdict('a')).toBe('wait');
  });
});

describe('a client whose requests keep being refused', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startStack({ env: { AUGUR_REFUSALS_PER_MINUTE: String(ALLOWANCE), AUGUR_REFUSAL_DELAY_MS: String(DELAY_MS) } });
  });
  afterAll(() => stack.close());

  it('is slowed once its allowance is spent, still gets correct answers, and other clients are not slowed', async () => {
    const attacker = '127.0.0.2';
    for (let i = 0; i < ALLOWANCE; i++) {
      const r = await send(stack.url, attacker, TOO_DEEP);
      expect(r.status).toBe(400);
      expect(r.body.errors[0].extensions.code).toBe('LIMIT_EXCEEDED');
      expect(r.ms).toBeLessThan(DELAY_MS);
    }
    const slowed = await send(stack.url, attacker, TOO_DEEP);
    expect(slowed.status).toBe(400);
    expect(slowed.ms).toBeGreaterThanOrEqual(DELAY_MS - 5);
    expect(stack.logs.some((l) => l['event'] === 'caller_slowed' && l['client'] === `addr:${attacker}`)).toBe(true);

    // A good request from the slowed client is answered in full, only later.
    const before = (await stack.requests('previsto')).total;
    const good = await send(stack.url, attacker, GOOD);
    expect(good.status).toBe(200);
    expect(good.body.data.contacts.edges).toHaveLength(1);
    expect(good.ms).toBeGreaterThanOrEqual(DELAY_MS - 5);
    expect((await stack.requests('previsto')).total).toBe(before + 1);

    // Another client is not slowed.
    const other = await send(stack.url, '127.0.0.3', GOOD);
    expect(other.status).toBe(200);
    expect(other.ms).toBeLessThan(DELAY_MS);

    const metrics = await (await fetch(stack.url.replace('/graphql', '/metrics'))).text();
    expect(Number(/^augur_http_slowed_total (\d+)/m.exec(metrics)?.[1])).toBeGreaterThanOrEqual(2);
  });

  it('counts errors the caller could have avoided inside an operation too (a malformed id), not upstream failures', async () => {
    const client = '127.0.0.4';
    for (let i = 0; i < ALLOWANCE; i++) {
      const r = await send(stack.url, client, {
        query: 'query($id: ID!) { contact(id: $id) { name } }',
        variables: { id: 'A'.repeat(5000) },
      });
      expect(r.body.errors[0].extensions.code).toBe('BAD_USER_INPUT');
      expect(r.ms).toBeLessThan(DELAY_MS);
    }
    expect((await send(stack.url, client, GOOD)).ms).toBeGreaterThanOrEqual(DELAY_MS - 5);
  });

  it('does not count an upstream failure against the caller', async () => {
    const client = '127.0.0.5';
    await stack.faults('previsto', { status: 500 });
    try {
      for (let i = 0; i < ALLOWANCE + 2; i++) {
        const r = await send(stack.url, client, GOOD);
        expect(r.body.errors[0].extensions.code).not.toBe('BAD_USER_INPUT');
        expect(r.ms).toBeLessThan(DELAY_MS);
      }
    } finally {
      await stack.reset();
    }
    expect((await send(stack.url, client, GOOD)).ms).toBeLessThan(DELAY_MS);
  });
});
