import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type TestStack } from '../helpers/stack.js';

interface Readiness {
  ready: boolean;
  platforms: Record<string, { reachable: boolean; emulated: boolean; latencyMs: number | null; error: string | null; checkedAt: string }>;
}

let stack: TestStack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack.close());

async function readyz(): Promise<{ status: number; body: Readiness }> {
  const res = await fetch(stack.url.replace('/graphql', '/readyz'));
  return { status: res.status, body: (await res.json()) as Readiness };
}

describe('GET /readyz', () => {
  it('answers 200 with every platform reachable, then 503 naming the platform within a second of it going down', async () => {
    const up = await readyz();
    expect(up.status).toBe(200);
    expect(up.body.ready).toBe(true);
    expect(Object.keys(up.body.platforms).sort()).toEqual(['civis', 'dataiku', 'prevision', 'previsto']);
    for (const p of Object.values(up.body.platforms))
      expect(p).toMatchObject({ reachable: true, emulated: true, error: null, latencyMs: expect.any(Number) });

    await stack.embedded.emulators.previsto!.close();
    const started = Date.now();
    let down = await readyz();
    while (down.status === 200 && Date.now() - started < 3000) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      down = await readyz();
    }
    expect(down.status).toBe(503);
    expect(Date.now() - started).toBeLessThan(2500); // checks are reused for 1 s at most
    expect(down.body.ready).toBe(false);
    expect(down.body.platforms['previsto']).toMatchObject({ reachable: false, latencyMs: expect.any(Number), error: 'ECONNREFUSED' });
    for (const p of ['civis', 'dataiku', 'prevision']) expect(down.body.platforms[p]!.reachable).toBe(true);

    // Liveness is not readiness: the process still answers /healthz.
    const health = await fetch(stack.url.replace('/graphql', '/healthz'));
    expect(health.status).toBe(200);
  });
});
