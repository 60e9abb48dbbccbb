/**
 * What is cached and kept between operations: cache hints and the response cache (`AUGUR_CACHE_TTLS`), the entity
 * cache (`AUGUR_ENTITY_CACHE_TTLS`) and persisted queries (`AUGUR_PERSISTED_QUERIES`).
 */
import type { PlatformName } from '../../core/upstream.js';
import { CIVIS_CACHE_TYPES } from '../../upstreams/civis/cache.js';
import { PREVISION_CACHE_TYPES } from '../../upstreams/prevision/cache.js';
import { ConfigError, str, type Env } from './env.js';

/** Parses `AUGUR_CACHE_TTLS`: comma-separated `Type=seconds`, e.g. `Contact=30,Endpoint=300`. */
export function parseCacheTtls(raw: string | undefined, name = 'AUGUR_CACHE_TTLS'): Record<string, number> {
  const out: Record<string, number> = {};
  if (raw === undefined) return out;
  for (const item of raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const m = /^([_A-Za-z][_0-9A-Za-z]*)\s*=\s*(\d+)$/.exec(item);
    if (!m) throw new ConfigError(`${name} entries must look like "Type=seconds" (e.g. "Contact=30"), got "${item}".`);
    if (m[1]! in out) throw new ConfigError(`${name} lists type ${m[1]} twice.`);
    const seconds = Number(m[2]);
    if (seconds > 31_536_000) throw new ConfigError(`${name} entry "${item}" exceeds one year (31536000 s).`);
    out[m[1]!] = seconds;
  }
  return out;
}

/** What the entity cache can hold, per platform. */
export const ENTITY_CACHE_TYPES: Readonly<Partial<Record<PlatformName, readonly string[]>>> = {
  previsto: ['contacts', 'agreements', 'assignments', 'account'],
  civis: CIVIS_CACHE_TYPES,
  prevision: PREVISION_CACHE_TYPES,
};

/** Parses `AUGUR_ENTITY_CACHE_TTLS`: comma-separated `platform=seconds` or `platform.type=seconds`. */
export function parseEntityCacheTtls(raw: string, name = 'AUGUR_ENTITY_CACHE_TTLS'): Record<string, number> {
  const out: Record<string, number> = {};
  for (const item of raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const m = /^([a-z]+)(?:\.([a-z][a-z-]*))?\s*=\s*(\d+)$/.exec(item);
    if (!m)
      throw new ConfigError(
        `${name} entries must look like "platform=seconds" or "platform.type=seconds" (e.g. "previsto=10,previsto.account=60"), got "${item}".`,
      );
    const [, platform, type, seconds] = m as unknown as [string, string, string | undefined, string];
    const types = ENTITY_CACHE_TYPES[platform as PlatformName];
    if (!types) {
      throw new ConfigError(
        `${name} names "${platform}", whose reads Augur does not cache; cached platforms: ${Object.keys(ENTITY_CACHE_TYPES).join(', ')}.`,
      );
    }
    if (type !== undefined && !types.includes(type)) {
      throw new ConfigError(`${name} names ${platform}.${type}; the cached types of ${platform} are ${types.join(', ')}.`);
    }
    const key = type === undefined ? platform : `${platform}.${type}`;
    if (key in out) throw new ConfigError(`${name} lists ${key} twice.`);
    if (Number(seconds) > 86_400) throw new ConfigError(`${name} entry "${item}" exceeds one day (86400 s).`);
    out[key] = Number(seconds);
  }
  return out;
}

/** `apq`: automatic persisted queries; `allowlist`: only the manifest's operations; `off`: neither. */
export type PersistedQueryMode = 'apq' | 'allowlist' | 'off';

/** Parses `AUGUR_PERSISTED_QUERIES`: `apq` (the default), `allowlist` or `off`. */
export function persistedMode(env: Env, name: string): PersistedQueryMode {
  const raw = str(env, name);
  if (raw === undefined) return 'apq';
  const v = raw.toLowerCase();
  if (v === 'apq' || v === 'allowlist' || v === 'off') return v;
  throw new ConfigError(
    `${name} must be apq (automatic persisted queries, the default), allowlist (only registered operations) or off, got "${raw}".`,
  );
}
