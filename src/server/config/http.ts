/** Who may reach the gateway over HTTP: browser origins allowed by CORS, and proxies whose `X-Forwarded-For` is believed. */
import { isIP } from 'node:net';
import { ConfigError } from './env.js';

/** Parses `AUGUR_CORS_ORIGINS`: `*` (any origin, the default), `none`, or a comma-separated list of origins. */
export function parseCorsOrigins(raw: string | undefined, name = 'AUGUR_CORS_ORIGINS'): '*' | string[] {
  if (raw === undefined || raw.trim() === '*') return '*';
  if (raw.trim().toLowerCase() === 'none') return [];
  const out: string[] = [];
  for (const item of raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    if (item === '*') throw new ConfigError(`${name} is either "*" (any origin) or a list of origins, not both; got "${raw}".`);
    let parsed: URL | undefined;
    try {
      parsed = new URL(item);
    } catch {
      parsed = undefined;
    }
    if (!parsed || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') || `${parsed.origin}/` !== parsed.href) {
      throw new ConfigError(
        `${name} entries must be origins such as https://app.example.com or http://localhost:3000 (scheme, host, optional port, no path), got "${item}".`,
      );
    }
    out.push(parsed.origin);
  }
  if (out.length === 0) throw new ConfigError(`${name} is set but lists no origins; use "none" to allow no cross-origin browser calls.`);
  return out;
}

/** Parses `AUGUR_TRUSTED_PROXIES`: comma-separated IP addresses or CIDR blocks, e.g. `10.0.0.0/8,::1`. */
export function parseTrustedProxies(raw: string | undefined, name = 'AUGUR_TRUSTED_PROXIES'): string[] {
  const out: string[] = [];
  for (const item of (raw ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const [address = '', prefix, extra] = item.split('/');
    const family = isIP(address);
    const bits = family === 6 ? 128 : 32;
    const prefixOk = prefix === undefined || (/^\d{1,3}$/.test(prefix) && Number(prefix) <= bits);
    if (family === 0 || !prefixOk || extra !== undefined) {
      throw new ConfigError(`${name} entries must be IP addresses or CIDR blocks such as 10.0.0.1, 10.0.0.0/8 or fd00::/8, got "${item}".`);
    }
    out.push(item);
  }
  return out;
}
