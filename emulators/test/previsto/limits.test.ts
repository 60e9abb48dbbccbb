import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { previstoEmulator } from '../../src/previsto/index.js';
import type { Emulator } from '../../src/framework/emulator.js';
import { PK, SK, call, requests, reset } from './http.js';

const OTHER_SK = 'sk_other_tenant';

describe('previsto emulator: rate limits', () => {
  let clock = 1_000_000;
  let emulator: Emulator;
  let url = '';

  beforeAll(async () => {
    emulator = previstoEmulator.create({
      tenants: [
        { secretKey: SK, publicKey: PK, seed: 4104 },
        { secretKey: OTHER_SK, seed: 7 },
      ],
      rateLimitPerMinute: 3,
      publicRateLimitPerMinute: 2,
      now: () => clock,
    });
    url = await emulator.listen(0);
  });
  afterAll(() => emulator.close());
  afterEach(async () => {
    clock = 1_000_000;
    await reset(url);
  });

  it('answers 429 past the limit per key, with Retry-After counting down to the window reset', async () => {
    for (let i = 0; i < 3; i++) expect((await call(url, 'GET', '/contacts?size=1')).status).toBe(200);
    const limited = await call(url, 'GET', '/contacts?size=1');
    expect(limited.status).toBe(429);
    expect(limited.json).toEqual({ type: 'invalid_request_error', message: 'Rate limit exceeded' });
    expect(limited.headers.get('retry-after')).toBe('60');
    clock += 15_000;
    expect((await call(url, 'GET', '/contacts/x')).headers.get('retry-after')).toBe('45');
    // Another key has its own window.
    expect((await call(url, 'GET', '/contacts?size=1', { key: OTHER_SK })).status).toBe(200);
    clock += 45_000;
    expect((await call(url, 'GET', '/contacts?size=1')).status).toBe(200);
    expect(await requests(url)).toEqual({ total: 7, byRoute: { 'GET /contacts': 6, 'GET /contacts/{id}': 1 } });
  });

  it('limits public keys more strictly, and counts their forbidden calls too', async () => {
    expect((await call(url, 'POST', '/contacts', { key: PK, json: { name: 'A' } })).status).toBe(200);
    expect((await call(url, 'GET', '/contacts', { key: PK })).status).toBe(403);
    const third = await call(url, 'POST', '/contacts', { key: PK, json: { name: 'B' } });
    expect(third.status).toBe(429);
    expect(third.json.message).toBe('Rate limit exceeded');
    // The secret key of the same tenant is limited separately.
    expect((await call(url, 'GET', '/contacts?size=1')).status).toBe(200);
  });

  it('does not count rejected credentials, and reset clears the windows', async () => {
    for (let i = 0; i < 5; i++) expect((await call(url, 'GET', '/contacts', { key: 'sk_wrong' })).status).toBe(401);
    for (let i = 0; i < 3; i++) expect((await call(url, 'GET', '/contacts?size=1')).status).toBe(200);
    expect((await call(url, 'GET', '/contacts?size=1')).status).toBe(429);
    await reset(url);
    expect((await call(url, 'GET', '/contacts?size=1')).status).toBe(200);
  });

  it('defaults to 120 requests per minute per secret key and 30 per public key', async () => {
    let now = 0;
    const e = previstoEmulator.create({ now: () => now });
    const u = await e.listen(0);
    try {
      const statuses = async (n: number, key: string, path: string) => {
        const out: number[] = [];
        for (let i = 0; i < n; i++) out.push((await call(u, 'GET', path, { key })).status);
        return out;
      };
      const sk = await statuses(121, SK, '/account');
      expect(sk.slice(0, 120).every((s) => s === 200)).toBe(true);
      expect(sk[120]).toBe(429);
      const pk = await statuses(31, PK, '/addresses?q=Algade');
      expect(pk.slice(0, 30).every((s) => s === 200)).toBe(true);
      expect(pk[30]).toBe(429);
      now = 60_000;
      expect(await statuses(1, SK, '/account')).toEqual([200]);
    } finally {
      await e.close();
    }
  });
});

describe('previsto emulator: faults on GET /contacts', () => {
  let emulator: Emulator;
  let url = '';
  const fault = (spec: object) => fetch(`${url}/_emulator/faults`, { method: 'POST', body: JSON.stringify(spec) });

  beforeAll(async () => {
    emulator = previstoEmulator.create({ rateLimitPerMinute: 1_000_000 });
    url = await emulator.listen(0);
  });
  afterAll(() => emulator.close());
  afterEach(() => reset(url));

  it('injects a status at a rate with Retry-After, in the api_error envelope', async () => {
    expect((await fault({ status: 503, rate: 0.5, retryAfter: 7, routes: ['GET /contacts'] })).status).toBe(200);
    const answers = [];
    for (let i = 0; i < 4; i++) answers.push(await call(url, 'GET', '/contacts?size=1'));
    // With rate 0.5 every second matching request fails.
    expect(answers.map((a) => a.status)).toEqual([200, 503, 200, 503]);
    expect(answers[1]!.json).toEqual({ type: 'api_error', message: 'Injected fault: HTTP 503' });
    expect(answers[1]!.headers.get('retry-after')).toBe('7');
    expect(answers[0]!.json).toHaveLength(1);
    expect((await call(url, 'GET', '/agreements?size=1')).status).toBe(200);
    expect(await requests(url)).toEqual({ total: 5, byRoute: { 'GET /contacts': 4, 'GET /agreements': 1 } });
  });

  it('stops a burst after count failures', async () => {
    await fault({ status: 502, count: 2, routes: ['/contacts'] });
    const s = [];
    for (let i = 0; i < 3; i++) s.push((await call(url, 'GET', '/contacts?size=1')).status);
    expect(s).toEqual([502, 502, 200]);
  });

  it('hangs until the client gives up', async () => {
    await fault({ hang: true, routes: ['GET /contacts'] });
    await expect(call(url, 'GET', '/contacts', { signal: AbortSignal.timeout(150) })).rejects.toThrow();
    expect((await requests(url)).byRoute).toEqual({ 'GET /contacts': 1 });
  });

  it('resets the connection', async () => {
    await fault({ reset: true, routes: ['GET /contacts'] });
    await expect(call(url, 'GET', '/contacts')).rejects.toThrow();
    expect((await requests(url)).byRoute['GET /contacts']).toBe(1);
  });

  it('answers 200 with malformed JSON', async () => {
    await fault({ malformed: true, routes: ['GET /contacts'] });
    const res = await fetch(`${url}/contacts`, { headers: { authorization: `Basic ${Buffer.from(`${SK}:`).toString('base64')}` } });
    expect(res.status).toBe(200);
    await expect(res.json()).rejects.toThrow();
  });

  it('adds latency without failing', async () => {
    await fault({ latencyMs: 150, routes: ['GET /contacts'] });
    const t0 = performance.now();
    const r = await call(url, 'GET', '/contacts?size=2');
    expect(performance.now() - t0).toBeGreaterThanOrEqual(140);
    expect(r.status).toBe(200);
    expect(r.json).toHaveLength(2);
    const t1 = performance.now();
    await call(url, 'GET', '/agreements?size=2');
    expect(performance.now() - t1).toBeLessThan(140);
  });
});

describe('previsto emulator: module', () => {
  it('declares the platform, its port and the documented routes', async () => {
    expect(previstoEmulator.platform).toBe('previsto');
    expect(previstoEmulator.defaultPort).toBe(4104);
    expect(previstoEmulator.create().routeKeys()).toEqual([
      'GET /accounts/current',
      'POST /accounts/current',
      'GET /account',
      'POST /account',
      'POST /accounts/actions/sendTwoFactorToken',
      'DELETE /accounts/{id}',
      'GET /organization',
      'POST /organizations',
      'POST /organizations/{id}',
      'PUT /organizations/{id}',
      'PATCH /organizations/{id}',
      'DELETE /organizations/{id}',
      'GET /contacts',
      'POST /contacts',
      'GET /contacts/{id}',
      'POST /contacts/{id}',
      'PUT /contacts/{id}',
      'PATCH /contacts/{id}',
      'DELETE /contacts/{id}',
      'GET /agreements',
      'POST /agreements',
      'GET /agreements/{id}',
      'POST /agreements/{id}',
      'PUT /agreements/{id}',
      'PATCH /agreements/{id}',
      'DELETE /agreements/{id}',
      'GET /assignments',
      'POST /assignments',
      'GET /assignments/{id}',
      'POST /assignments/{id}',
      'PUT /assignments/{id}',
      'PATCH /assignments/{id}',
      'DELETE /assignments/{id}',
      'GET /addresses',
    ]);
  });

  it('reads overrides only from the env map it is given', async () => {
    expect(previstoEmulator.optionsFromEnv({})).toEqual({});
    const opts = previstoEmulator.optionsFromEnv({
      AUGUR_EMULATOR_PREVISTO_SECRET_KEY: 'sk_env',
      AUGUR_EMULATOR_PREVISTO_RATE_LIMIT: '50',
      AUGUR_EMULATOR_PREVISTO_PUBLIC_RATE_LIMIT: '5',
    });
    expect(opts).toEqual({
      tenants: [{ secretKey: 'sk_env', publicKey: 'pk_augur_demo', seed: 4104 }],
      rateLimitPerMinute: 50,
      publicRateLimitPerMinute: 5,
    });
    expect(() => previstoEmulator.optionsFromEnv({ AUGUR_EMULATOR_PREVISTO_RATE_LIMIT: 'lots' })).toThrow(
      /AUGUR_EMULATOR_PREVISTO_RATE_LIMIT/,
    );
    expect(() => previstoEmulator.optionsFromEnv({ AUGUR_EMULATOR_PREVISTO_PUBLIC_KEY: 'sk_augur_demo' })).toThrow(/must differ/);
    const e = previstoEmulator.create(opts);
    const u = await e.listen(0);
    try {
      expect((await call(u, 'GET', '/account', { key: 'sk_env' })).status).toBe(200);
      expect((await call(u, 'GET', '/account', { key: SK })).status).toBe(401);
    } finally {
      await e.close();
    }
  });

  it('refuses a key configured twice', () => {
    expect(() =>
      previstoEmulator.create({
        tenants: [
          { secretKey: 'sk_a', seed: 1 },
          { secretKey: 'sk_b', publicKey: 'sk_a', seed: 2 },
        ],
      }),
    ).toThrow(/configured twice/);
  });

  it('describes the demo credentials and limits', () => {
    expect(previstoEmulator.describe()).toEqual([
      'HTTP Basic with the API key as username and an empty password (curl -u <key>: <url>/contacts)',
      'secret key: sk_augur_demo (full access), public key: pk_augur_demo (create contacts/agreements, 2FA, addresses), seed 4104',
      'secret key: sk_augur_demo_2 (full access), seed 4105',
      'rate limit: 120/minute per secret key, 30/minute per public key',
    ]);
  });
});
