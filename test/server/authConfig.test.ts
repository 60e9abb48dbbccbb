import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/server/config.js';
import { parseTenantsFile } from '../../src/server/config/auth.js';
import { ConfigError } from '../../src/server/config/env.js';

const JWT = {
  AUGUR_JWT_JWKS_URL: 'https://login.example.com/jwks.json',
  AUGUR_JWT_ISSUER: 'https://login.example.com/',
  AUGUR_JWT_AUDIENCE: 'augur',
};
const files = (map: Record<string, string>) => (path: string) => {
  if (!(path in map)) throw new Error('ENOENT');
  return map[path]!;
};

describe('parseConfig: auth', () => {
  it('keeps today’s behaviour without any auth variable: no tokens, no tenants, forwarded keys on', () => {
    expect(parseConfig({}).auth).toEqual({
      jwt: undefined,
      tenantClaim: undefined,
      tenantsFile: undefined,
      envTenants: {},
      forwardedKeys: true,
    });
  });

  it('reads the token settings with their defaults', () => {
    expect(parseConfig(JWT).auth.jwt).toEqual({
      jwksUrl: 'https://login.example.com/jwks.json',
      jwksFile: undefined,
      issuers: ['https://login.example.com/'],
      audiences: ['augur'],
      algorithms: ['RS256', 'ES256'],
      clockSkewSeconds: 30,
      jwksRefreshMs: 60_000,
      scopeClaim: 'scope',
      scopeMap: undefined,
    });
  });

  it('names the variable at fault', () => {
    const bad: Array<[Record<string, string>, RegExp]> = [
      [{ ...JWT, AUGUR_JWT_ALGORITHMS: 'RS256,none' }, /AUGUR_JWT_ALGORITHMS lists "none"/],
      [{ ...JWT, AUGUR_JWT_ALGORITHMS: 'HS256' }, /never accepted/],
      [{ ...JWT, AUGUR_JWT_ISSUER: '' }, /AUGUR_JWT_ISSUER is required/],
      [{ AUGUR_JWT_ISSUER: 'x' }, /tokens are off/],
      [{ ...JWT, AUGUR_JWT_JWKS_FILE: 'jwks.json' }, /not both/],
      [{ ...JWT, AUGUR_JWT_SCOPE_MAP: '{"a": "b"}' }, /AUGUR_JWT_SCOPE_MAP: "a" must map to a list/],
      [{ ...JWT, AUGUR_TENANT_ACME_PREVISTO_API_KEY: 'sk_1' }, /AUGUR_TENANT_CLAIM is not/],
      [{ AUGUR_TENANT_CLAIM: 'org', AUGUR_TENANT_ACME_PREVISTO_API_KEY: 'sk_1' }, /set AUGUR_JWT_JWKS_URL/],
      [{ ...JWT, AUGUR_TENANT_CLAIM: 'org', AUGUR_TENANT_ACME_SECRET: 'x' }, /AUGUR_TENANT_ACME_SECRET is not a tenant credential/],
      [
        { ...JWT, AUGUR_TENANT_CLAIM: 'org', AUGUR_TENANTS_FILE: '/nope.yaml' },
        /AUGUR_TENANTS_FILE names "\/nope.yaml", which cannot be read/,
      ],
    ];
    for (const [env, message] of bad) expect(() => parseConfig(env, files({})), JSON.stringify(env)).toThrow(message);
  });

  it('reads tenants from the environment and turns forwarded keys off by default once tenants exist', () => {
    const auth = parseConfig({
      ...JWT,
      AUGUR_TENANT_CLAIM: 'org',
      AUGUR_TENANT_ACME_PREVISTO_API_KEY: 'sk_acme',
      AUGUR_TENANT_ACME_CIVIS_API_KEY: 'civis_acme',
      AUGUR_TENANT_GLOBEX_CORP_PREVISION_MASTER_TOKEN: 'pv',
    }).auth;
    expect(auth.envTenants).toEqual({ acme: { previsto: 'sk_acme', civis: 'civis_acme' }, globex_corp: { prevision: 'pv' } });
    expect(auth.forwardedKeys).toBe(false);
    expect(
      parseConfig({ ...JWT, AUGUR_TENANT_CLAIM: 'org', AUGUR_TENANT_ACME_PREVISTO_API_KEY: 'sk', AUGUR_FORWARDED_KEYS: 'true' }).auth
        .forwardedKeys,
    ).toBe(true);
  });
});

describe('parseTenantsFile', () => {
  it('reads JSON and YAML alike', () => {
    const expected = { acme: { previsto: 'sk_1', civis: 'c1' } };
    expect(parseTenantsFile('{"tenants": {"acme": {"previsto": "sk_1", "civis": "c1"}}}')).toEqual(expected);
    expect(parseTenantsFile('tenants:\n  acme:\n    previsto: sk_1\n    civis: c1\n')).toEqual(expected);
  });

  it('names the place of a mistake and never the secret', () => {
    expect(() => parseTenantsFile('tenants:\n  acme:\n    salesforce: sk_secret_1\n')).toThrow(/tenant "acme" names "salesforce"/);
    expect(() => parseTenantsFile('tenants:\n  acme:\n    previsto: "sk secret 1"\n')).toThrow(ConfigError);
    try {
      parseTenantsFile('tenants:\n  acme:\n    previsto: "sk secret 1"\n');
    } catch (e) {
      expect((e as Error).message).not.toContain('secret');
    }
    expect(() => parseTenantsFile('[1, 2]')).toThrow(/must hold "tenants"/);
  });
});
