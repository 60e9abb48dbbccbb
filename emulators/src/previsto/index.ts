/**
 * The Previsto emulator module: a stand-in for `https://api.previsto.io` (contacts, agreements, assignments,
 * account, organization) with HTTP Basic API keys, per-key rate limits and deterministic seed data per tenant.
 *
 * Where the public material is silent, the emulator's own choices are:
 * - errors use `invalid_request_error` (4xx) / `api_error` (5xx); 401 says "Bad credentials", 403 "Access is denied",
 *   429 "Rate limit exceeded" with `Retry-After` (seconds to the end of a fixed window per key);
 * - public keys are limited to a quarter of the secret-key limit (30/min by default), counted before the
 *   403 check, so forbidden calls use up the allowance too;
 * - `size` above 100 is clamped to 100, `size` <= 0 is a 400; an unknown filter property is a 400 naming it;
 *   a repeated filter parameter matches any of its values; dot paths reach nested fields, lists of objects
 *   (`tasks.agreementId`) and `meta.<key>`; `timestamp` (and the other 2018 names) alias `plan.*`;
 * - updates are partial on POST, PUT and PATCH; `meta` merges key by key and a null or "" value deletes a key;
 * - ids are `cont-`, `agrmt-`, `asgmt-`, `acct-` (and `org-`) plus 16 to 20 base62 characters;
 * - deleting a contact leaves its agreements and assignments in place.
 */
import type { EmulatorModule } from '../framework/platform.js';
import { createPrevisto, type PrevistoOptions, type PrevistoTenant } from './routes.js';

export { PUBLIC_KEY_ROUTES, previstoError, type PrevistoOptions, type PrevistoTenant } from './routes.js';
export { PrevistoStore, Collection } from './store.js';
export { SEED_COUNTS } from './seed.js';
export { META_LIMITS } from './models.js';
export { DEFAULT_SIZE, MAX_SIZE } from './query.js';
export type * from './types.js';

/** Demo secret key: full access. */
export const PREVISTO_DEMO_SECRET_KEY = 'sk_augur_demo';
/** Demo public key: may only create contacts and agreements (plus the 2FA and address helpers). */
export const PREVISTO_DEMO_PUBLIC_KEY = 'pk_augur_demo';
/** Seed of the default tenant's data. */
export const PREVISTO_DEFAULT_SEED = 4104;
/** A second organization's secret key, with data of its own (seed 4105): for multi-tenant tests and demos. */
export const PREVISTO_DEMO_SECRET_KEY_2 = 'sk_augur_demo_2';
/** Seed of the second organization's data. */
export const PREVISTO_SECOND_SEED = 4105;
/** Documented limit: 120 requests per minute per API key. */
export const PREVISTO_DEFAULT_RATE_LIMIT = 120;

/** Public keys get a quarter of the secret-key limit (30/min by default): the SDK warns they are limited harder. */
function publicLimitFor(secretLimit: number): number {
  return Math.max(1, Math.floor(secretLimit / 4));
}

function resolve(options: Partial<PrevistoOptions> = {}): PrevistoOptions {
  const rateLimitPerMinute = options.rateLimitPerMinute ?? PREVISTO_DEFAULT_RATE_LIMIT;
  return {
    tenants: options.tenants ?? [
      { secretKey: PREVISTO_DEMO_SECRET_KEY, publicKey: PREVISTO_DEMO_PUBLIC_KEY, seed: PREVISTO_DEFAULT_SEED },
      { secretKey: PREVISTO_DEMO_SECRET_KEY_2, seed: PREVISTO_SECOND_SEED },
    ],
    rateLimitPerMinute,
    publicRateLimitPerMinute: options.publicRateLimitPerMinute ?? publicLimitFor(rateLimitPerMinute),
    rateWindowMs: options.rateWindowMs ?? 60_000,
    now: options.now ?? Date.now,
  };
}

function positiveInt(env: Readonly<Record<string, string | undefined>>, name: string): number | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  if (!/^\d+$/.test(raw.trim()) || Number(raw) < 1) {
    throw new Error(`${name} must be a whole number of at least 1, got '${raw}'. Unset it to use the default.`);
  }
  return Number(raw);
}

/**
 * The Previsto emulator (default port 4104).
 *
 * Options: `tenants` (`{secretKey, publicKey?, seed}` each with its own data store; default two tenants:
 * `sk_augur_demo` / `pk_augur_demo` with seed 4104, and `sk_augur_demo_2` with seed 4105), `rateLimitPerMinute` (default 120 per secret key), `publicRateLimitPerMinute`
 * (default a quarter of that, 30), `rateWindowMs` (default 60 000), `now`.
 *
 * Environment: `AUGUR_EMULATOR_PREVISTO_SECRET_KEY`, `AUGUR_EMULATOR_PREVISTO_PUBLIC_KEY`,
 * `AUGUR_EMULATOR_PREVISTO_SEED` (the default tenant), `AUGUR_EMULATOR_PREVISTO_RATE_LIMIT`,
 * `AUGUR_EMULATOR_PREVISTO_PUBLIC_RATE_LIMIT`.
 */
export const previstoEmulator: EmulatorModule<PrevistoOptions> = {
  platform: 'previsto',
  defaultPort: 4104,
  create(options) {
    return createPrevisto(resolve(options));
  },
  optionsFromEnv(env) {
    const out: Partial<PrevistoOptions> = {};
    const secretKey = env['AUGUR_EMULATOR_PREVISTO_SECRET_KEY'];
    const publicKey = env['AUGUR_EMULATOR_PREVISTO_PUBLIC_KEY'];
    const seed = positiveInt(env, 'AUGUR_EMULATOR_PREVISTO_SEED');
    if (secretKey || publicKey || seed !== undefined) {
      const tenant: PrevistoTenant = {
        secretKey: secretKey || PREVISTO_DEMO_SECRET_KEY,
        publicKey: publicKey || PREVISTO_DEMO_PUBLIC_KEY,
        seed: seed ?? PREVISTO_DEFAULT_SEED,
      };
      if (tenant.secretKey === tenant.publicKey) {
        throw new Error('AUGUR_EMULATOR_PREVISTO_SECRET_KEY and AUGUR_EMULATOR_PREVISTO_PUBLIC_KEY must differ.');
      }
      out.tenants = [tenant];
    }
    const limit = positiveInt(env, 'AUGUR_EMULATOR_PREVISTO_RATE_LIMIT');
    if (limit !== undefined) out.rateLimitPerMinute = limit;
    const publicLimit = positiveInt(env, 'AUGUR_EMULATOR_PREVISTO_PUBLIC_RATE_LIMIT');
    if (publicLimit !== undefined) out.publicRateLimitPerMinute = publicLimit;
    return out;
  },
  describe(options) {
    const o = resolve(options);
    const window = o.rateWindowMs === 60_000 ? 'minute' : `${o.rateWindowMs} ms`;
    const lines = ['HTTP Basic with the API key as username and an empty password (curl -u <key>: <url>/contacts)'];
    for (const t of o.tenants) {
      lines.push(
        `secret key: ${t.secretKey} (full access)` +
          (t.publicKey ? `, public key: ${t.publicKey} (create contacts/agreements, 2FA, addresses)` : '') +
          `, seed ${t.seed}`,
      );
    }
    lines.push(`rate limit: ${o.rateLimitPerMinute}/${window} per secret key, ${o.publicRateLimitPerMinute}/${window} per public key`);
    return lines;
  },
};
