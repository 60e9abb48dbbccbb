/**
 * WebSocket connections are authenticated as `/graphql` requests are: signed tokens (a local JWKS), gateway keys and
 * tenants, from connectionParams or the upgrade request's headers. Refusals close the connection with graphql-ws's
 * codes and a reason; a token's scopes apply to each subscription; an expiring token closes its connection (and ends
 * an SSE stream).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CIVIS_DEMO_API_KEY, CIVIS_DEMO_API_KEY_2, SEED_IDS } from '@augur/emulators/civis';
import { PREVISTO_DEMO_SECRET_KEY } from '@augur/emulators/previsto';
import { signingKey, TestIssuer } from '../helpers/issuer.js';
import { startStack, type TestStack } from '../helpers/stack.js';
import { sseSubscribe, until, wsClient, wsSubscribe, type Subscription } from '../helpers/live.js';

const KEY = 'ws-auth-gateway-key-0123456789abcdef';
const WATCH_RUN = 'subscription($id: ID!) { civisJobRun(id: $id) { id state error } }';
const RUN_ROUTE = 'GET /jobs/{id}/runs/{run_id}';
const READ = 'civis:read';

// acme and globex have Civis keys of their own; hooli shares globex's; initech has none.
const dir = mkdtempSync(join(tmpdir(), 'augur-ws-tenants-'));
const tenantsFile = join(dir, 'tenants.yaml');
writeFileSync(
  tenantsFile,
  `tenants:
  acme:
    civis: ${CIVIS_DEMO_API_KEY}
  globex:
    civis: ${CIVIS_DEMO_API_KEY_2}
  hooli:
    civis: ${CIVIS_DEMO_API_KEY_2}
  initech:
    previsto: ${PREVISTO_DEMO_SECRET_KEY}
`,
);

let issuer: TestIssuer;
let stack: TestStack;
/** The global id of the seeded run that stays RUNNING: its watchers poll until they leave. */
let frozen: string;

beforeAll(async () => {
  issuer = await TestIssuer.start();
  stack = await startStack({
    env: issuer.env({
      AUGUR_API_KEYS: KEY,
      AUGUR_TENANT_CLAIM: 'org',
      AUGUR_TENANTS_FILE: tenantsFile,
      // Expiry is exact: no tolerance past `exp`.
      AUGUR_JWT_CLOCK_SKEW_SECONDS: '0',
      AUGUR_LIVE_POLL_MIN_MS: '50',
      AUGUR_LIVE_POLL_MAX_MS: '100',
    }),
  });
  const r = await stack.gql(`{ civis { job(platformId: "${SEED_IDS.runningJob}") { lastRun { id state } } } }`, {}, { 'x-api-key': KEY });
  expect(r.data!.civis.job.lastRun.state).toBe('RUNNING');
  frozen = r.data!.civis.job.lastRun.id as string;
});
afterAll(async () => {
  await stack?.close();
  await issuer?.close();
});
beforeEach(async () => {
  await until(() => stack.augur.live.activePollers === 0, 10_000, 'the previous test’s pollers to stop');
  await stack.reset();
});

const reads = async (): Promise<number> => (await stack.requests('civis')).byRoute[RUN_ROUTE] ?? 0;
const token = (org: string, scope = READ, expiresIn?: number) =>
  issuer.token({ org, sub: `user@${org}`, scope }, expiresIn === undefined ? {} : { expiresIn });

/** What a subscription ended with: undefined when it completed, else the close event or the protocol error. */
async function outcome(sub: Subscription): Promise<{ code?: number; reason?: string; errors?: unknown } | undefined> {
  return sub.done.then(
    () => undefined,
    (e: { errors?: { code?: number; reason?: string } }) => e.errors as never,
  );
}

/** Subscribes to the frozen run over a new connection, and waits for its first event. */
async function watching(params: Record<string, string>, headers: Record<string, string> = {}) {
  const client = wsClient(stack.url, params, headers);
  const sub = wsSubscribe(client, WATCH_RUN, { id: frozen });
  await until(() => sub.events.length >= 1, 10_000, 'first event');
  return { client, sub };
}

describe('WebSocket authentication', () => {
  it('accepts a valid token in connectionParams, whatever the case of its name', async () => {
    const { client, sub } = await watching({ Authorization: `Bearer ${await token('acme')}` });
    try {
      await until(() => sub.events.length === 1, 10_000, 'first event');
      expect(sub.events[0]!.data.civisJobRun).toMatchObject({ id: frozen, state: 'RUNNING' });
      expect(await reads()).toBeGreaterThanOrEqual(1);
    } finally {
      sub.close();
      await client.dispose();
    }
  });

  it('accepts a valid token in the upgrade request’s headers', async () => {
    const { client, sub } = await watching({}, { authorization: `Bearer ${await token('acme')}` });
    try {
      await until(() => sub.events.length === 1, 10_000, 'first event');
      expect(sub.events[0]!.data.civisJobRun.state).toBe('RUNNING');
    } finally {
      sub.close();
      await client.dispose();
    }
  });

  it('prefers connectionParams to the upgrade headers', async () => {
    const expired = await token('acme', READ, -120);
    const client = wsClient(stack.url, { authorization: `Bearer ${expired}` }, { authorization: `Bearer ${await token('acme')}` });
    try {
      expect(await outcome(wsSubscribe(client, WATCH_RUN, { id: frozen }))).toMatchObject({ code: 4401, reason: 'token expired' });
    } finally {
      await client.dispose();
    }
  });

  it('closes with 4401 and the reason for an expired token, a wrong audience, a bad signature and no credential, reading nothing', async () => {
    const stranger = await signingKey('RS256', issuer.rsa.kid);
    const cases: Array<[Record<string, string>, number, string]> = [
      [{ authorization: `Bearer ${await token('acme', READ, -120)}` }, 4401, 'token expired'],
      [
        { authorization: `Bearer ${await issuer.token({ org: 'acme', scope: READ }, { audience: 'someone-else' })}` },
        4401,
        'wrong audience',
      ],
      [{ authorization: `Bearer ${await issuer.token({ org: 'acme', scope: READ }, { key: stranger })}` }, 4401, 'bad signature'],
      [{}, 4401, 'key required'],
      [{ 'x-api-key': 'not-the-key' }, 4401, 'key required'],
      [{ authorization: `Bearer ${await issuer.token({ scope: READ })}` }, 4403, 'tenant missing'],
      [{ authorization: `Bearer ${await token('umbrella')}` }, 4403, 'tenant unknown'],
    ];
    const secrets = cases.flatMap(([params]) => Object.values(params).map((v) => v.replace(/^Bearer /, '')));
    for (const [params, code, reason] of cases) {
      const client = wsClient(stack.url, params);
      try {
        const closed = await outcome(wsSubscribe(client, WATCH_RUN, { id: frozen }));
        expect(closed, reason).toMatchObject({ code, reason });
        // The reason never carries the credential.
        for (const secret of secrets) if (secret) expect(closed!.reason).not.toContain(secret);
      } finally {
        await client.dispose();
      }
    }
    expect((await stack.requests('civis')).total).toBe(0);
    // Each refusal is logged with its reason, never a token or a key.
    const refused = stack.logs.filter((l) => l['event'] === 'refused' && l['transport'] === 'ws');
    expect(refused.map((l) => l['detail'])).toEqual(
      expect.arrayContaining(['expired', 'wrong_audience', 'bad_signature', 'key_required', 'tenant_missing', 'tenant_unknown']),
    );
    const logged = JSON.stringify(stack.logs);
    for (const secret of secrets) if (secret) expect(logged).not.toContain(secret);
  });

  it('serves a gateway key with every scope and the gateway’s own upstream keys', async () => {
    const { client, sub } = await watching({ 'x-api-key': KEY });
    try {
      await until(() => sub.events.length === 1, 10_000, 'first event');
      expect(sub.events[0]!.data.civisJobRun.state).toBe('RUNNING');
    } finally {
      sub.close();
      await client.dispose();
    }
  });

  it('refuses a subscription the token’s scopes do not cover with FORBIDDEN before any poll, and keeps the connection', async () => {
    const client = wsClient(stack.url, { authorization: `Bearer ${await token('acme', 'previsto:read')}` });
    try {
      const refused = await outcome(wsSubscribe(client, WATCH_RUN, { id: frozen }));
      expect(refused).toEqual([expect.objectContaining({ extensions: expect.objectContaining({ code: 'FORBIDDEN' }) })]);
      expect(JSON.stringify(refused)).toContain('civis:read');
      expect((await stack.requests('civis')).total).toBe(0);
      expect(stack.augur.live.activePollers).toBe(0);
      // The connection stays open: a query the token may make still runs on it.
      const answer = await new Promise<unknown>((resolve, reject) => {
        client.subscribe({ query: '{ gateway { version } }' }, { next: resolve, error: reject, complete: () => undefined });
      });
      expect(answer).toMatchObject({ data: { gateway: { version: expect.any(String) } } });
    } finally {
      await client.dispose();
    }
  });

  it('closes an open connection with 4401 "token expired" when its token expires, and stops its poller', async () => {
    const { client, sub } = await watching({ authorization: `Bearer ${await token('acme', READ, 2)}` });
    try {
      await until(() => sub.events.length === 1, 10_000, 'first event');
      expect(stack.augur.live.activePollers).toBe(1);
      const closed = await outcome(sub);
      expect(closed).toMatchObject({ code: 4401, reason: 'token expired' });
      await until(() => stack.augur.live.activePollers === 0 && stack.augur.live.subscriptions === 0, 5_000, 'the poller to stop');
      const after = await reads();
      expect(after).toBeGreaterThanOrEqual(2);
      await new Promise((r) => setTimeout(r, 300));
      expect(await reads()).toBe(after);
      expect(stack.logs.some((l) => l['event'] === 'ws_closed' && l['reason'] === 'token_expired')).toBe(true);
    } finally {
      await client.dispose();
    }
  });

  it('ends an open SSE stream with UNAUTHENTICATED "expired" when its token expires, then completes, and stops its poller', async () => {
    const sub = await sseSubscribe(stack.url, WATCH_RUN, { id: frozen }, { authorization: `Bearer ${await token('acme', READ, 2)}` });
    expect(sub.status).toBe(200);
    await until(() => sub.events.length === 1, 10_000, 'first event');
    expect(sub.events[0]!.data.civisJobRun.state).toBe('RUNNING');
    await sub.done;
    expect(sub.events).toHaveLength(2);
    expect(sub.events[1]!.errors).toEqual([
      expect.objectContaining({ extensions: expect.objectContaining({ code: 'UNAUTHENTICATED', reason: 'expired' }) }),
    ]);
    await until(() => stack.augur.live.activePollers === 0 && stack.augur.live.subscriptions === 0, 5_000, 'the poller to stop');
    const after = await reads();
    await new Promise((r) => setTimeout(r, 300));
    expect(await reads()).toBe(after);
  });

  it('never shares a poller or an event between tenants, even two with the same upstream key', async () => {
    // A tenant without a Civis key is refused on its own, without a call: the gateway's key is never used for it.
    const initech = wsClient(stack.url, { authorization: `Bearer ${await token('initech')}` });
    try {
      const refused = await outcome(wsSubscribe(initech, WATCH_RUN, { id: frozen }));
      expect(refused).toEqual([expect.objectContaining({ extensions: expect.objectContaining({ code: 'UNAUTHENTICATED' }) })]);
      expect((await stack.requests('civis')).total).toBe(0);
    } finally {
      await initech.dispose();
    }

    const subs = await Promise.all(
      ['acme', 'globex', 'hooli'].map(async (org) => watching({ authorization: `Bearer ${await token(org)}` })),
    );
    try {
      // One poller per tenant, each having read the run once to emit at once.
      expect(stack.augur.live.activePollers).toBe(3);
      expect(stack.augur.live.subscriptions).toBe(3);
      expect(await reads()).toBeGreaterThanOrEqual(3);
      for (const { sub } of subs) expect(sub.events[0]!.data.civisJobRun).toMatchObject({ id: frozen, state: 'RUNNING' });
      // A second subscriber of the same tenant joins its tenant's poller.
      const again = await watching({ authorization: `Bearer ${await token('globex')}` });
      expect(stack.augur.live.activePollers).toBe(3);
      again.sub.close();
      await again.client.dispose();
    } finally {
      for (const { sub, client } of subs) {
        sub.close();
        await client.dispose();
      }
    }
  });
});

describe('WebSocket authentication when the key set cannot be read', () => {
  it('closes with 1013 "keys unavailable; retry shortly", reading nothing', async () => {
    // The issuer is gone: its JWKS URL refuses connections.
    const gone = await TestIssuer.start();
    const env = gone.env({ AUGUR_LIVE_POLL_MIN_MS: '50' });
    await gone.close();
    const down = await startStack({ env });
    const client = wsClient(down.url, { authorization: `Bearer ${await issuer.token({ scope: READ })}` });
    try {
      const closed = await outcome(wsSubscribe(client, WATCH_RUN, { id: frozen }));
      expect(closed).toMatchObject({ code: 1013, reason: 'keys unavailable; retry shortly' });
      expect((await down.requests('civis')).total).toBe(0);
    } finally {
      await client.dispose();
      await down.close();
    }
  });
});

describe('WebSocket refusals and the refusal throttle', () => {
  it('spends the same allowance as /graphql refusals: once it is spent, connections and requests of that client wait', async () => {
    const slow = await startStack({
      env: { AUGUR_API_KEYS: KEY, AUGUR_REFUSALS_PER_MINUTE: '2', AUGUR_REFUSAL_DELAY_MS: '600', AUGUR_LIVE_POLL_MIN_MS: '50' },
    });
    const refusedAfter = async (): Promise<{ ms: number; closed: unknown }> => {
      const started = performance.now();
      const client = wsClient(slow.url, { 'x-api-key': 'not-the-key' });
      try {
        const closed = await outcome(wsSubscribe(client, WATCH_RUN, { id: frozen }));
        return { ms: performance.now() - started, closed };
      } finally {
        await client.dispose();
      }
    };
    try {
      // The allowance (2) is spent by two refused connections, each refused at once.
      for (let i = 0; i < 2; i++) {
        const { ms, closed } = await refusedAfter();
        expect(closed).toMatchObject({ code: 4401, reason: 'key required' });
        expect(ms).toBeLessThan(600);
      }
      // The third waits out the delay before it is refused; so does a /graphql request of the same client (the same
      // address, no key).
      const third = await refusedAfter();
      expect(third.closed).toMatchObject({ code: 4401, reason: 'key required' });
      expect(third.ms).toBeGreaterThanOrEqual(550);
      const started = performance.now();
      const res = await fetch(slow.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"query":"{ __typename }"}',
      });
      expect(res.status).toBe(401);
      expect(performance.now() - started).toBeGreaterThanOrEqual(550);
      // A caller with the gateway key is another client: not slowed.
      const keyed = performance.now();
      expect((await slow.gql('{ __typename }', {}, { 'x-api-key': KEY })).data).toEqual({ __typename: 'Query' });
      expect(performance.now() - keyed).toBeLessThan(550);
      expect(slow.logs.some((l) => l['event'] === 'caller_slowed')).toBe(true);
      expect((await slow.requests('civis')).total).toBe(0);
    } finally {
      await slow.close();
    }
  });
});
