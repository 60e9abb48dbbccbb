/**
 * Who may call what (docs/auth.md): signed tokens (`AUGUR_JWT_*`), scopes, tenants and their upstream credentials
 * (`AUGUR_TENANT_CLAIM`, `AUGUR_TENANTS_FILE`, `AUGUR_TENANT_<ID>_…`) and callers' own keys (`AUGUR_FORWARDED_KEYS`).
 */
import { parse as parseYaml } from 'yaml';
import { PLATFORMS, type PlatformName } from '../../core/upstream.js';
import { bool, ConfigError, int, list, str, url, type Env } from './env.js';

/** The signature algorithms a token may use: asymmetric only, so a public key can never verify an HMAC. */
export const JWT_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'] as const;
export type JwtAlgorithm = (typeof JWT_ALGORITHMS)[number];

/** Signed tokens (`AUGUR_JWT_*`). */
export interface JwtConfig {
  /** Where the public keys come from: a JWKS URL, or a local JWKS file. Exactly one is set. */
  jwksUrl: string | undefined;
  jwksFile: string | undefined;
  /** Accepted `iss` values (any one). */
  issuers: string[];
  /** Accepted `aud` values (any one). */
  audiences: string[];
  algorithms: JwtAlgorithm[];
  /** Tolerance on `exp` and `nbf`, in seconds. */
  clockSkewSeconds: number;
  /** Shortest time between two fetches of the key set prompted by an unknown `kid`, in ms. */
  jwksRefreshMs: number;
  /** The claim holding the caller's scopes: a space-separated string or an array of strings. */
  scopeClaim: string;
  /** Token scopes to Augur scopes; a token scope not listed is taken as it is. */
  scopeMap: Record<string, string[]> | undefined;
}

/** One tenant's upstream credentials; a platform without one cannot be called on the tenant's behalf. */
export type TenantCredentials = Partial<Record<PlatformName, string>>;

/** `Config.auth`: tokens, tenants and whether callers' own upstream keys are used. */
export interface AuthConfig {
  jwt: JwtConfig | undefined;
  /** The token claim naming the caller's tenant (`AUGUR_TENANT_CLAIM`). */
  tenantClaim: string | undefined;
  /** The tenants' secrets file (JSON or YAML), reloaded on SIGHUP and when it changes. */
  tenantsFile: string | undefined;
  /** Tenants from `AUGUR_TENANT_<ID>_<PLATFORM KEY VARIABLE>`, by lower-case id. */
  envTenants: Record<string, TenantCredentials>;
  /** Whether callers' own upstream-key headers (`x-previsto-api-key`, …) are used. */
  forwardedKeys: boolean;
}

/** The variable of each platform's key, as `AUGUR_TENANT_<ID>_<variable>` uses it. */
export const PLATFORM_KEY_VARIABLES: Record<PlatformName, string> = {
  dataiku: 'DATAIKU_API_KEY',
  previsto: 'PREVISTO_API_KEY',
  prevision: 'PREVISION_MASTER_TOKEN',
  civis: 'CIVIS_API_KEY',
};

/** Parses `AUGUR_JWT_SCOPE_MAP`: JSON `{"<token scope>": ["<augur scope>", …]}`. */
export function parseScopeMap(raw: string | undefined, name = 'AUGUR_JWT_SCOPE_MAP'): Record<string, string[]> | undefined {
  if (raw === undefined) return undefined;
  let doc: unknown;
  try {
    doc = JSON.parse(raw);
  } catch (e) {
    throw new ConfigError(`${name} must be JSON such as {"analyst": ["previsto:read", "civis:read"]}: ${(e as Error).message}.`);
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) {
    throw new ConfigError(
      `${name} must be a JSON object mapping each token scope to a list of Augur scopes, e.g. {"analyst": ["previsto:read"]}.`,
    );
  }
  const out: Record<string, string[]> = {};
  for (const [scope, mapped] of Object.entries(doc as Record<string, unknown>)) {
    if (!Array.isArray(mapped) || mapped.some((m) => typeof m !== 'string' || !/^\S+$/.test(m))) {
      throw new ConfigError(`${name}: "${scope}" must map to a list of scopes without spaces, e.g. ["previsto:read"].`);
    }
    out[scope] = mapped as string[];
  }
  return out;
}

function jwtConfig(env: Env): JwtConfig | undefined {
  const jwksUrl = url(env, 'AUGUR_JWT_JWKS_URL');
  const jwksFile = str(env, 'AUGUR_JWT_JWKS_FILE');
  const issuers = list(env, 'AUGUR_JWT_ISSUER');
  const audiences = list(env, 'AUGUR_JWT_AUDIENCE');
  if (!jwksUrl && !jwksFile) {
    const stray = ['AUGUR_JWT_ISSUER', 'AUGUR_JWT_AUDIENCE', 'AUGUR_JWT_ALGORITHMS', 'AUGUR_JWT_SCOPE_CLAIM', 'AUGUR_JWT_SCOPE_MAP'].filter(
      (v) => str(env, v) !== undefined,
    );
    if (stray.length > 0) {
      throw new ConfigError(
        `${stray.join(', ')} ${stray.length > 1 ? 'are' : 'is'} set, but tokens are off: set AUGUR_JWT_JWKS_URL or AUGUR_JWT_JWKS_FILE too.`,
      );
    }
    return undefined;
  }
  if (jwksUrl && jwksFile) throw new ConfigError('Set AUGUR_JWT_JWKS_URL or AUGUR_JWT_JWKS_FILE, not both.');
  if (issuers.length === 0)
    throw new ConfigError(
      'AUGUR_JWT_ISSUER is required with signed tokens: the issuer (`iss`) your identity provider writes, e.g. https://login.example.com/.',
    );
  if (audiences.length === 0)
    throw new ConfigError('AUGUR_JWT_AUDIENCE is required with signed tokens: the audience (`aud`) tokens for Augur carry, e.g. augur.');
  const algorithms = list(env, 'AUGUR_JWT_ALGORITHMS');
  for (const alg of algorithms) {
    if (!(JWT_ALGORITHMS as readonly string[]).includes(alg)) {
      throw new ConfigError(
        `AUGUR_JWT_ALGORITHMS lists "${alg}"; allowed are ${JWT_ALGORITHMS.join(', ')} (asymmetric only: "none" and HMAC are never accepted).`,
      );
    }
  }
  return {
    jwksUrl,
    jwksFile,
    issuers,
    audiences,
    algorithms: (algorithms.length > 0 ? algorithms : ['RS256', 'ES256']) as JwtAlgorithm[],
    clockSkewSeconds: int(env, 'AUGUR_JWT_CLOCK_SKEW_SECONDS', 30, 0, 300),
    jwksRefreshMs: int(env, 'AUGUR_JWT_JWKS_REFRESH_SECONDS', 60, 1, 86_400) * 1000,
    scopeClaim: str(env, 'AUGUR_JWT_SCOPE_CLAIM') ?? 'scope',
    scopeMap: parseScopeMap(str(env, 'AUGUR_JWT_SCOPE_MAP')),
  };
}

/** Tenants from `AUGUR_TENANT_<ID>_<PLATFORM KEY VARIABLE>`, e.g. `AUGUR_TENANT_ACME_PREVISTO_API_KEY`; ids lower-cased. */
export function envTenants(env: Env): Record<string, TenantCredentials> {
  const out: Record<string, TenantCredentials> = {};
  const suffixes = Object.entries(PLATFORM_KEY_VARIABLES) as Array<[PlatformName, string]>;
  for (const name of Object.keys(env).sort()) {
    if (!name.startsWith('AUGUR_TENANT_') || name === 'AUGUR_TENANT_CLAIM') continue;
    const match = suffixes.find(([, suffix]) => name.endsWith(`_${suffix}`));
    const id = match ? name.slice('AUGUR_TENANT_'.length, name.length - match[1].length - 1) : '';
    if (!match || !/^[A-Z0-9][A-Z0-9_]*$/.test(id)) {
      throw new ConfigError(
        `${name} is not a tenant credential: expected AUGUR_TENANT_<ID>_<${Object.values(PLATFORM_KEY_VARIABLES).join('|')}>, e.g. AUGUR_TENANT_ACME_PREVISTO_API_KEY.`,
      );
    }
    const value = str(env, name);
    if (value === undefined) continue;
    (out[id.toLowerCase()] ??= {})[match[0]] = value;
  }
  return out;
}

/**
 * Parses a tenants file: JSON or YAML holding `tenants: {<id>: {previsto: <key>, dataiku: <key>, civis: <key>,
 * prevision: <master token>}}`. A mistake is named by its place, never by the secret it holds.
 */
export function parseTenantsFile(text: string, name = 'AUGUR_TENANTS_FILE'): Record<string, TenantCredentials> {
  let doc: unknown;
  try {
    // YAML 1.2 reads JSON as well.
    doc = parseYaml(text, { prettyErrors: false });
  } catch (e) {
    const where = (e as { linePos?: Array<{ line: number; col: number }> }).linePos?.[0];
    throw new ConfigError(`${name} is neither JSON nor YAML${where ? ` (line ${where.line}, column ${where.col})` : ''}.`);
  }
  const tenants = (doc as { tenants?: unknown } | null)?.tenants;
  if (typeof tenants !== 'object' || tenants === null || Array.isArray(tenants)) {
    throw new ConfigError(
      `${name} must hold "tenants", a map of tenant ids to their platform keys, e.g. {"tenants": {"acme": {"previsto": "sk_..."}}}.`,
    );
  }
  const out: Record<string, TenantCredentials> = {};
  for (const [id, entry] of Object.entries(tenants as Record<string, unknown>)) {
    if (!id.trim()) throw new ConfigError(`${name} has a tenant with an empty id.`);
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
      throw new ConfigError(`${name}: tenant "${id}" must map platform names (${PLATFORMS.join(', ')}) to keys.`);
    }
    const creds: TenantCredentials = {};
    for (const [platform, key] of Object.entries(entry as Record<string, unknown>)) {
      if (!(PLATFORMS as readonly string[]).includes(platform)) {
        throw new ConfigError(`${name}: tenant "${id}" names "${platform}"; expected ${PLATFORMS.join(', ')}.`);
      }
      if (typeof key !== 'string' || !/^[\x21-\x7e]{1,512}$/.test(key)) {
        throw new ConfigError(`${name}: tenant "${id}", ${platform}: the key must be 1 to 512 printable ASCII characters without spaces.`);
      }
      creds[platform as PlatformName] = key;
    }
    out[id] = creds;
  }
  return out;
}

/** Reads and parses the tenants file, naming the variable when it cannot be read. */
export function readTenantsFile(path: string, readFile: (path: string) => string): Record<string, TenantCredentials> {
  let text: string;
  try {
    text = readFile(path);
  } catch (e) {
    throw new ConfigError(`AUGUR_TENANTS_FILE names "${path}", which cannot be read: ${(e as Error).message}.`);
  }
  return parseTenantsFile(text);
}

/**
 * Reads `Config.auth`, refusing settings that disagree (tenants without a tenant claim, a claim without tokens); a
 * tenants file is read once here so a mistake in it stops the start rather than the first request.
 */
export function authConfig(env: Env, readFile: (path: string) => string): AuthConfig {
  const jwt = jwtConfig(env);
  const tenantsFile = str(env, 'AUGUR_TENANTS_FILE');
  const fromEnv = envTenants(env);
  const tenants = tenantsFile !== undefined || Object.keys(fromEnv).length > 0;
  const tenantClaim = str(env, 'AUGUR_TENANT_CLAIM');
  if (tenants && !tenantClaim) {
    throw new ConfigError(
      'Tenants are configured (AUGUR_TENANTS_FILE or AUGUR_TENANT_<ID>_…) but AUGUR_TENANT_CLAIM is not: name the token claim holding the tenant, e.g. org.',
    );
  }
  if (tenantClaim && !jwt)
    throw new ConfigError('AUGUR_TENANT_CLAIM reads a token claim: set AUGUR_JWT_JWKS_URL or AUGUR_JWT_JWKS_FILE too.');
  if (tenantClaim && !tenants)
    throw new ConfigError('AUGUR_TENANT_CLAIM is set but no tenant is: set AUGUR_TENANTS_FILE or AUGUR_TENANT_<ID>_<PLATFORM KEY>.');
  if (tenantsFile !== undefined) readTenantsFile(tenantsFile, readFile);
  return { jwt, tenantClaim, tenantsFile, envTenants: fromEnv, forwardedKeys: bool(env, 'AUGUR_FORWARDED_KEYS', !tenants) };
}
