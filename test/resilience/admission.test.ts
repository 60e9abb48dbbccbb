import http from 'node:http';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AdmissionGate, type AdmissionTicket } from '../../src/server/admission.js';
import { parseConfig } from '../../src/server/config.js';
import { startStack, type TestStack } from '../helpers/stack.js';

const PREDICT = `{ predict(endpointName: "churn", features: {name: "A"}) { raw } }`;
/** Estimated cost 1 + 100 x 3 = 301. */
const HEAVY = `{ contacts(first: 100) { edges { node { name } } } }`;
const SLOW_CIVIS = `{ civis { me { username } } }`;

const isTicket = (x: unknown): x is AdmissionTicket => !!x && !(x instanceof Promise);

describe('AdmissionGate', () => {
  it('admits operations while their summed cost fits, then in arrival order as cost is given back', async () => {
    const gate = new AdmissionGate({ maxActiveCost: 10, maxQueued: 10, slotMs: 60_000 });
    const a = gate.enter(4);
    const b = gate.enter(4);
    expect(isTicket(a) && isTicket(b)).toBe(true);
    const order: string[] = [];
    const c = (gate.enter(4) as Promise<AdmissionTicket>).then((t) => (order.push('c'), t));
    // Cheap enough to fit, but it arrived after c: no overtaking.
    const d = (gate.enter(1) as Promise<AdmissionTicket>).then((t) => (order.push('d'), t));
    expect([gate.activeCount, gate.activeCost, gate.queuedCount]).toEqual([2, 8, 2]);
    gate.leave(a as AdmissionTicket);
    gate.leave(a as AdmissionTicket); // leaving twice gives back once
    await Promise.all([c, d]);
    expect(order).toEqual(['c', 'd']);
    expect([gate.activeCount, gate.activeCost, gate.queuedCount]).toEqual([3, 9, 0]);
    gate.leave(b as AdmissionTicket);
    gate.leave(await c);
    gate.leave(await d);
    expect([gate.activeCount, gate.activeCost]).toEqual([0, 0]);
    gate.close();
  });

  it('gives the next slot to the client with the least cost executing, so a heavy client waits behind its own work', async () => {
    const gate = new AdmissionGate({ maxActiveCost: 10, maxQueued: 100, slotMs: 60_000 });
    const heavy = [gate.enter(5, 'greedy'), gate.enter(5, 'greedy')] as AdmissionTicket[];
    const order: string[] = [];
    const greedyWaiting = [1, 2, 3].map((i) =>
      (gate.enter(5, 'greedy') as Promise<AdmissionTicket>).then((t) => (order.push(`greedy ${i}`), t)),
    );
    const light = (gate.enter(2, 'light') as Promise<AdmissionTicket>).then((t) => (order.push('light'), t));
    expect(gate.queuedCount).toBe(4);
    gate.leave(heavy[0]!); // 5 free: the light client (nothing executing) goes before the greedy one's queue
    await light;
    expect(order).toEqual(['light']);
    expect([gate.activeCost, gate.queuedCount]).toEqual([7, 3]);
    gate.leave(heavy[1]!);
    gate.leave(await light);
    await greedyWaiting[0];
    await greedyWaiting[1];
    expect(order).toEqual(['light', 'greedy 1', 'greedy 2']);
    gate.leave(await greedyWaiting[0]!);
    gate.leave(await greedyWaiting[1]!);
    gate.leave(await greedyWaiting[2]!);
    expect([gate.activeCost, gate.queuedCount]).toEqual([0, 0]);
    gate.close();
  });

  it('admits a client with nothing executing at once when its operation fits, though another client waits', () => {
    const gate = new AdmissionGate({ maxActiveCost: 10, maxQueued: 100, slotMs: 60_000 });
    void gate.enter(6, 'greedy'); // admitted at once; it holds its share until close()
    const waiting = gate.enter(6, 'greedy');
    expect(waiting).toBeInstanceOf(Promise);
    const light = gate.enter(3, 'light');
    // Admitted within enter: the promise is already settled with a ticket.
    expect([gate.activeCost, gate.queuedCount]).toEqual([9, 1]);
    expect(light).toBeInstanceOf(Promise);
    gate.close();
  });

  it('runs an operation costing more than the whole budget alone', async () => {
    const gate = new AdmissionGate({ maxActiveCost: 10, maxQueued: 10, slotMs: 60_000 });
    const big = gate.enter(5000);
    expect(isTicket(big)).toBe(true);
    expect(gate.activeCost).toBe(10);
    const small = gate.enter(1);
    expect(small).toBeInstanceOf(Promise);
    gate.leave(big as AdmissionTicket);
    gate.leave(await small!);
    const bigAgain = gate.enter(5000) as Promise<AdmissionTicket> | AdmissionTicket;
    expect(isTicket(bigAgain)).toBe(true);
    gate.close();
  });

  it('refuses past maxQueued and counts the refusals', () => {
    const gate = new AdmissionGate({ maxActiveCost: 1, maxQueued: 1, slotMs: 60_000 });
    void gate.enter(1); // admitted at once; it holds the whole budget until close()
    expect(gate.enter(1)).toBeInstanceOf(Promise);
    expect(gate.enter(1)).toBeUndefined();
    expect(gate.refused).toBe(1);
    gate.close();
  });

  it('takes the share back from an operation older than slotMs, so a slow one cannot hold the queue', async () => {
    let now = 0;
    const gate = new AdmissionGate({ maxActiveCost: 1, maxQueued: 10, slotMs: 20 }, () => now);
    const slow = gate.enter(1) as AdmissionTicket;
    const waiting = gate.enter(1) as Promise<AdmissionTicket>;
    now = 25; // the gate's timer runs on the real clock and reads this one
    const next = await waiting;
    expect(gate.activeCost).toBe(1);
    gate.leave(slow); // finishing late gives back nothing more
    expect(gate.activeCost).toBe(1);
    gate.leave(next);
    expect(gate.activeCost).toBe(0);
    gate.close();
  });

  it('admits everything at once when maxActiveCost is 0', () => {
    const gate = new AdmissionGate({ maxActiveCost: 0, maxQueued: 0, slotMs: 1 });
    for (let i = 0; i < 100; i++) expect(isTicket(gate.enter(1000))).toBe(true);
    expect(gate.activeCount).toBe(0);
  });

  it('is configured from the environment, with defaults and bounds', () => {
    expect(parseConfig({}).admission).toEqual({ maxActiveCost: 3000, maxQueued: 1000, slotMs: 100 });
    expect(parseConfig({ AUGUR_MAX_ACTIVE_COST: '0', AUGUR_MAX_QUEUED_OPERATIONS: '5', AUGUR_ACTIVE_SLOT_MS: '250' }).admission).toEqual({
      maxActiveCost: 0,
      maxQueued: 5,
      slotMs: 250,
    });
    expect(() => parseConfig({ AUGUR_MAX_ACTIVE_COST: '-1' })).toThrow(/AUGUR_MAX_ACTIVE_COST/);
    expect(() => parseConfig({ AUGUR_ACTIVE_SLOT_MS: '0' })).toThrow(/AUGUR_ACTIVE_SLOT_MS/);
  });
});

describe('admission through HTTP', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startStack({ env: { AUGUR_MAX_ACTIVE_COST: '100', AUGUR_MAX_QUEUED_OPERATIONS: '1', AUGUR_ACTIVE_SLOT_MS: '10000' } });
  });
  afterAll(() => stack.close());
  beforeEach(() => stack.reset());

  it('answers 503 SERVER_BUSY with Retry-After past the queue, without calling any upstream for it', async () => {
    await stack.faults('previsto', { latencyMs: 300 });
    const answers = await Promise.all([stack.gql(HEAVY), stack.gql(HEAVY), stack.gql(HEAVY)]);
    const busy = answers.filter((a) => a.status === 503);
    expect(busy).toHaveLength(1);
    expect(busy[0]!.headers.get('retry-after')).toBe('1');
    expect(busy[0]!.errors).toEqual([
      {
        message: expect.stringContaining('capacity'),
        extensions: { code: 'SERVER_BUSY', retryAfter: 1, limit: 'maxQueuedOperations', max: 1, requestId: expect.any(String) },
      },
    ]);
    expect(answers.filter((a) => a.status === 200 && a.data?.contacts?.edges?.length === 100)).toHaveLength(2);
    expect((await stack.requests('previsto')).total).toBe(2);
    const metrics = await (await fetch(stack.url.replace(/graphql$/, 'metrics'))).text();
    expect(metrics).toMatch(/^augur_operations_refused_total 1$/m);
    expect(metrics).toMatch(/^augur_operations_active 0$/m);
    expect(metrics).toMatch(/^augur_operations_queued 0$/m);
    expect(metrics).toMatch(/^augur_operations_active_cost 0$/m);
  });

  it('queues a cheap operation behind one that takes the whole budget, and runs cheap ones side by side', async () => {
    await stack.faults('previsto', { latencyMs: 300 });
    const finished: string[] = [];
    const heavy = stack.gql(HEAVY, undefined, { 'x-request-id': 'admission-heavy' }).then((r) => (finished.push('heavy'), r));
    await new Promise((r) => setTimeout(r, 50));
    const cheap = stack.gql(PREDICT, undefined, { 'x-request-id': 'admission-cheap' }).then((r) => (finished.push('cheap'), r));
    expect((await heavy).status).toBe(200);
    expect((await cheap).data?.predict?.raw.prediction).toEqual(expect.any(String));
    expect(finished).toEqual(['heavy', 'cheap']);
    // Each operation's log line says how long it waited for admission: the cheap one about the heavy one's 300 ms.
    const line = (id: string) => stack.logs.find((l) => l['event'] === 'operation' && l['requestId'] === id)!;
    expect(line('admission-heavy')['queuedMs']).toBe(0);
    expect(line('admission-cheap')['queuedMs']).toBeGreaterThan(150);
    expect(line('admission-cheap')['queuedMs']).toBeLessThanOrEqual(line('admission-cheap')['durationMs'] as number);

    // 25 predictions cost 100 together: they all run at once.
    await stack.faults('dataiku', { latencyMs: 200 });
    const started = performance.now();
    const many = await Promise.all(Array.from({ length: 25 }, () => stack.gql(PREDICT)));
    expect(many.every((r) => r.status === 200)).toBe(true);
    // One at a time they would take 25 x 200 ms; together, about one latency.
    expect(performance.now() - started).toBeLessThan((25 * 200) / 2);
  });
  it('drops, unexecuted, an operation whose caller hung up while it waited', async () => {
    await stack.faults('previsto', { latencyMs: 300 });
    const first = stack.gql(HEAVY);
    await new Promise((r) => setTimeout(r, 50));
    // A second caller queues behind it, then hangs up before its turn.
    await new Promise<void>((resolve) => {
      const req = http.request(stack.url, { method: 'POST', headers: { 'content-type': 'application/json' } });
      req.on('error', () => resolve());
      req.end(JSON.stringify({ query: HEAVY }));
      setTimeout(() => {
        req.destroy();
        resolve();
      }, 50);
    });
    expect((await first).status).toBe(200);
    const dropped = async (): Promise<Record<string, unknown> | undefined> => {
      for (let i = 0; i < 50; i++) {
        const line = stack.logs.find(
          (l) => l['event'] === 'operation' && (l['errorCodes'] as string[] | undefined)?.includes('CALLER_GONE'),
        );
        if (line) return line;
        await new Promise((r) => setTimeout(r, 20));
      }
      return undefined;
    };
    expect(await dropped()).toMatchObject({ outcome: 'error', upstreamCalls: 0 });
    expect((await stack.requests('previsto')).total).toBe(1);
    // The gate is free again.
    await stack.faults('previsto', []);
    expect((await stack.gql(HEAVY)).status).toBe(200);
  });
});

describe('a slow upstream does not hold the queue', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startStack({ env: { AUGUR_MAX_ACTIVE_COST: '1', AUGUR_ACTIVE_SLOT_MS: '50' } });
  });
  afterAll(() => stack.close());

  it('lets an operation through while an earlier one is still running past its slot', async () => {
    await stack.faults('civis', { latencyMs: 1500 });
    const finished: string[] = [];
    const slow = stack.gql(SLOW_CIVIS).then((r) => (finished.push('slow'), r));
    await new Promise((r) => setTimeout(r, 20));
    const fast = stack.gql(PREDICT).then((r) => (finished.push('fast'), r));
    const [s, f] = await Promise.all([slow, fast]);
    expect(f.data?.predict?.raw.prediction).toEqual(expect.any(String));
    expect(s.errors).toBeUndefined();
    expect(finished).toEqual(['fast', 'slow']);
  });
});
