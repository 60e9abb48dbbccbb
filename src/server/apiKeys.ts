/**
 * Optional gateway API keys (`AUGUR_API_KEYS`). Keys are compared through their SHA-256 digests with
 * `timingSafeEqual`, so neither the length nor the content of a configured key leaks through timing.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

/** The gateway API key a request presents: `x-api-key`, else `Authorization: Bearer <key>`. */
export function presentedApiKey(headers: IncomingHttpHeaders): string | undefined {
  const auth = headers.authorization;
  return typeof headers['x-api-key'] === 'string' ? headers['x-api-key'] : auth?.startsWith('Bearer ') ? auth.slice(7).trim() : undefined;
}

export class ApiKeyCheck {
  private readonly digests: Buffer[];

  constructor(keys: readonly string[]) {
    this.digests = keys.map(digest);
  }

  get enabled(): boolean {
    return this.digests.length > 0;
  }

  /** Whether the request carries a configured key (always true when no key is configured). */
  allows(headers: IncomingHttpHeaders): boolean {
    if (this.digests.length === 0) return true;
    const presented = presentedApiKey(headers);
    if (!presented) return false;
    const d = digest(presented);
    let ok = false;
    // Compare against every key (no early exit) so timing does not reveal which key matched.
    for (const k of this.digests) ok = timingSafeEqual(d, k) || ok;
    return ok;
  }
}
