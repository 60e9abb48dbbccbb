import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type TestStack } from '../helpers/stack.js';

const KEY_A = 'sk_tenant_alpha';
const KEY_B = 'sk_tenant_beta';

let stack: TestStack;
beforeAll(async () => {
  stack = await startStack({
    env: { PREVISTO_RATE_LIMIT: '100000' },
    emulatorOptions: {
      previsto: {
        rateLimitPerMinute: 100_000,
        tenants: [
          { secretKey: KEY_A, publicKey: 'pk_tenant_alpha', seed: 11 },
          { secretKey: KEY_B, publicKey: 'pk_tenant_beta', seed: 22 },
        ],
      },
    },
  });
});
afterAll(() => stack.close());

/** Every contact of a tenant, read directly from the emulator. */
async function direct(key: string): Promise<Array<{ id: string; name: string }>> {
  const all: Array<{ id: string; name: string }> = [];
  for (let page = 0; ; page++) {
    const res = await fetch(`${stack.embedded.emulators.previsto!.url}/contacts?page=${page}&size=100`, {
      headers: { authorization: `Basic ${Buffer.from(`${key}:`).toString('base64')}` },
    });
    const items = (await res.json()) as Array<{ id: string; name: string }>;
    all.push(...items);
    if (items.length < 100) return all;
  }
}

describe('two callers with different upstream keys', () => {
  it("never serve one caller data loaded with the other caller's key, even under concurrency", async () => {
    const [a, b] = await Promise.all([direct(KEY_A), direct(KEY_B)]);
    const idsA = new Set(a.map((c) => c.id));
    const idsB = new Set(b.map((c) => c.id));
    expect([...idsA].some((id) => idsB.has(id))).toBe(false);
    const query = `{ contacts(first: 100) { edges { node { platformId name } } } assignments(first: 30) { edges { node { contact { platformId } } } } }`;
    const runs = await Promise.all(
      Array.from({ length: 20 }, (_, i) => {
        const key = i % 2 === 0 ? KEY_A : KEY_B;
        return stack.gql(query, undefined, { 'x-previsto-api-key': key }).then((r) => ({ key, r }));
      }),
    );
    for (const { key, r } of runs) {
      expect(r.errors).toBeUndefined();
      const own = key === KEY_A ? idsA : idsB;
      const seen = [
        ...r.data!.contacts.edges.map((e: any) => e.node.platformId),
        ...r.data!.assignments.edges.map((e: any) => e.node.contact.platformId),
      ];
      for (const id of seen) expect(own.has(id), `${key} saw ${id}`).toBe(true);
    }
  });
});

describe('writes under faults', () => {
  it('creates every acknowledged contact exactly once, and no unacknowledged one', async () => {
    await stack.reset();
    await stack.faults('previsto', [
      { status: 503, rate: 0.3, routes: ['POST /contacts'] },
      { reset: true, rate: 0.1, routes: ['GET /contacts'] },
    ]);
    const names = Array.from({ length: 30 }, (_, i) => `Write Test ${i}`);
    const results = await Promise.all(
      names.map((name) =>
        stack.gql(
          `mutation($n: String!) { createContact(input: {name: $n}) { contact { platformId name } } }`,
          { n: name },
          { 'x-previsto-api-key': KEY_A },
        ),
      ),
    );
    await stack.faults('previsto', []);
    const acknowledged = results.filter((r) => !r.errors).map((r) => r.data!.createContact.contact.name as string);
    expect(acknowledged.length).toBeGreaterThan(0);
    expect(acknowledged.length).toBeLessThan(30);
    for (const r of results.filter((x) => x.errors))
      expect(r.errors![0]!.extensions).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', platform: 'previsto' });
    const stored = await direct(KEY_A);
    const storedNames = stored.map((c) => c.name).filter((n) => n.startsWith('Write Test'));
    for (const name of acknowledged) expect(storedNames.filter((n) => n === name)).toHaveLength(1);
    expect(storedNames.length).toBe(acknowledged.length);
    expect((await stack.requests('previsto')).byRoute['POST /contacts']).toBe(30);
  });
});

describe('Previsto rate budget', () => {
  it('answers RATE_LIMITED with retryAfter instead of sending more than the per-key limit', async () => {
    const limited = await startStack({
      env: { PREVISTO_RATE_LIMIT: '5', AUGUR_REQUEST_BUDGET_MS: '200' },
      emulatorOptions: { previsto: { rateLimitPerMinute: 5 } },
    });
    try {
      const results = [];
      for (let i = 0; i < 8; i++) results.push(await limited.gql(`{ contacts(first: 1) { totalCount } }`));
      const ok = results.filter((r) => !r.errors).length;
      const rateLimited = results.filter((r) => r.errors?.[0]?.extensions?.['code'] === 'RATE_LIMITED');
      expect(ok).toBe(5);
      expect(rateLimited).toHaveLength(3);
      expect(rateLimited[0]!.errors![0]!.extensions!['retryAfter']).toBeGreaterThan(0);
      const counts = await limited.requests('previsto');
      expect(counts.total).toBe(5);
      const log = (
        (await (await fetch(`${limited.embedded.emulators.previsto!.url}/_emulator/requests?log=1`)).json()) as {
          log: Array<{ status: number }>;
        }
      ).log;
      expect(log.some((l) => l.status === 429)).toBe(false);
    } finally {
      await limited.close();
    }
  });
});
