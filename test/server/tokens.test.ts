import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SignJWT } from 'jose';
import { startStack, type TestStack } from '../helpers/stack.js';
import { AUDIENCE, b64url, bearer, ISSUER, signingKey, TestIssuer } from '../helpers/issuer.js';
import { KeySet } from '../../src/server/tokens.js';

let issuer: TestIssuer;
let stack: TestStack;

const CONTACTS = '{ contacts(first: 2) { nodes { platformId } } }';

beforeAll(async () => {
  issuer = await TestIssuer.start();
  stack = await startStack({ env: issuer.env() });
});
afterAll(async () => {
  await stack?.close();
  await issuer?.close();
});
beforeEach(() => stack.reset());

describe('signed tokens', () => {
  it('accepts tokens signed with the RSA and the EC key of the JWKS', async () => {
    for (const key of [issuer.rsa, issuer.ec]) {
      const res = await stack.gql(CONTACTS, undefined, bearer(await issuer.token({ scope: 'previsto:read' }, { key })));
      expect(res.status).toBe(200);
      expect(res.errors).toBeUndefined();
      expect(res.data!.contacts.nodes).toHaveLength(2);
    }
    expect((await stack.requests('previsto')).total).toBe(2);
  });

  it('refuses every kind of bad token with 401, a reason in WWW-Authenticate, and no upstream call', async () => {
    const good = await issuer.token({ scope: 'previsto:read' });
    const [header, payload, signature] = good.split('.') as [string, string, string];
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
    const now = Math.floor(Date.now() / 1000);
    const hmacWithPublicKey = await new SignJWT({ scope: 'previsto:read' })
      .setProtectedHeader({ alg: 'HS256', kid: issuer.rsa.kid })
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setExpirationTime(now + 300)
      .sign(new TextEncoder().encode(JSON.stringify(issuer.rsa.publicJwk)));
    const stranger = await signingKey('RS256', issuer.rsa.kid);
    const cases: Array<[string, string, string]> = [
      ['expired', await issuer.token({ scope: 'previsto:read' }, { expiresIn: -120 }), 'expired'],
      ['not yet valid', await issuer.token({ scope: 'previsto:read' }, { notBefore: 600 }), 'not_yet_valid'],
      ['wrong issuer', await issuer.token({ scope: 'previsto:read' }, { issuer: 'https://evil.example/' }), 'wrong_issuer'],
      ['wrong audience', await issuer.token({ scope: 'previsto:read' }, { audience: 'someone-else' }), 'wrong_audience'],
      ['alg none', `${b64url({ alg: 'none', typ: 'JWT' })}.${payload}.`, 'algorithm_not_allowed'],
      ['HS256 signed with the public key', hmacWithPublicKey, 'algorithm_not_allowed'],
      ['unknown kid', await issuer.token({ scope: 'previsto:read' }, { kid: 'nobody' }), 'unknown_key'],
      ['another key under a known kid', await issuer.token({ scope: 'previsto:read' }, { key: stranger }), 'bad_signature'],
      [
        'tampered payload',
        `${header}.${b64url({ ...claims, scope: 'previsto:read previsto:write civis:write' })}.${signature}`,
        'bad_signature',
      ],
      ['not a JWT at all', 'eyJhbGciOiJSUzI1NiJ9.e30', 'malformed'],
    ];
    for (const [name, token, reason] of cases) {
      const res = await stack.gql(CONTACTS, undefined, bearer(token));
      expect(res.status, name).toBe(401);
      expect(res.headers.get('www-authenticate'), name).toBe(`Bearer realm="augur", error="invalid_token", error_description="${reason}"`);
      expect(res.errors?.[0]?.extensions, name).toMatchObject({ code: 'UNAUTHENTICATED', reason });
      // Never which key was tried, nor the token.
      const body = JSON.stringify(res.errors);
      expect(body, name).not.toContain(issuer.rsa.kid);
      expect(body, name).not.toContain(token.slice(0, 30));
    }
    expect((await stack.requests('previsto')).total).toBe(0);
    expect(JSON.stringify(stack.logs)).not.toContain(signature);
  });

  it('tolerates the configured clock skew (30 s by default) on expiry', async () => {
    const justExpired = await issuer.token({ scope: 'previsto:read' }, { expiresIn: -5 });
    expect((await stack.gql(CONTACTS, undefined, bearer(justExpired))).status).toBe(200);
    const notYet = await issuer.token({ scope: 'previsto:read' }, { notBefore: 5 });
    expect((await stack.gql(CONTACTS, undefined, bearer(notYet))).status).toBe(200);
  });

  it('reads the key set again for unknown kids at most once per refresh interval', async () => {
    await stack.gql(CONTACTS, undefined, bearer(await issuer.token({ scope: 'previsto:read' })));
    const before = issuer.reads;
    const forged = await Promise.all([1, 2, 3, 4, 5, 6, 7, 8].map((i) => issuer.token({}, { kid: `forged-${i}` })));
    const answers = await Promise.all(forged.map((t) => stack.gql(CONTACTS, undefined, bearer(t))));
    expect(answers.map((a) => a.status)).toEqual(forged.map(() => 401));
    // The first read happened moments ago, well within the 60 s interval: not one more.
    expect(issuer.reads - before).toBe(0);
  });

  it('keeps gateway keys working beside tokens, and refuses requests with neither when keys are set', async () => {
    const both = await startStack({ env: issuer.env({ AUGUR_API_KEYS: 'machine-key-0123456789' }) });
    try {
      const byKey = await both.gql(`{ contacts(first: 1) { nodes { platformId } } civis { me { username } } }`, undefined, {
        'x-api-key': 'machine-key-0123456789',
      });
      expect(byKey.errors).toBeUndefined();
      const byToken = await both.gql(CONTACTS, undefined, bearer(await issuer.token({ scope: 'previsto:read' })));
      expect(byToken.errors).toBeUndefined();
      const none = await both.gql(CONTACTS);
      expect(none.status).toBe(401);
      expect(none.headers.get('www-authenticate')).toBe('Bearer realm="augur"');
    } finally {
      await both.close();
    }
  });
});

describe('KeySet', () => {
  it('re-reads a JWKS URL for an unknown kid only once the refresh interval has passed, then finds a rotated key', async () => {
    let now = 1_000_000;
    const keys = new KeySet({ url: issuer.jwksUrl }, { refreshMs: 60_000, now: () => now });
    const before = issuer.reads;
    await keys.getKey({ alg: 'RS256', kid: issuer.rsa.kid }, undefined as never);
    expect(issuer.reads - before).toBe(1);
    const rotated = await signingKey('ES256', 'ec-2');
    issuer.published = [issuer.ec, rotated];
    now += 59_000;
    await expect(keys.getKey({ alg: 'ES256', kid: 'ec-2' }, undefined as never)).rejects.toThrow();
    expect(issuer.reads - before).toBe(1);
    now += 2_000;
    await expect(keys.getKey({ alg: 'ES256', kid: 'ec-2' }, undefined as never)).resolves.toBeDefined();
    expect(issuer.reads - before).toBe(2);
    // The retired key is gone with the re-read, and asking again within the interval reads nothing.
    await expect(keys.getKey({ alg: 'RS256', kid: issuer.rsa.kid }, undefined as never)).rejects.toThrow();
    expect(issuer.reads - before).toBe(2);
    issuer.published = [issuer.rsa, issuer.ec];
  });
});
