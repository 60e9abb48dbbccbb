/**
 * Small building blocks shared by the platform emulators: deterministic randomness, credentials parsing and a
 * fixed-window rate limiter.
 */
import type { IncomingHttpHeaders } from 'node:http';

/** A deterministic PRNG (mulberry32) so seed data and predictions are the same on every run. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A stable 32-bit hash of a string (FNV-1a), for deriving deterministic values from input. */
export function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** A deterministic id generator: `prefix` followed by `length` base62 characters drawn from `random`. */
export function idGenerator(prefix: string, random: () => number, length = 16): () => string {
  return () => {
    let s = prefix;
    for (let i = 0; i < length; i++) s += BASE62[Math.floor(random() * 62)];
    return s;
  };
}

/** The credential a request carries. */
export type Credential =
  | { scheme: 'basic'; username: string; password: string }
  | { scheme: 'bearer'; token: string }
  | { scheme: 'raw'; token: string }
  | { scheme: 'none' };

/** Reads `Authorization`: Basic (decoded), Bearer, or any other value as a raw token (Prevision's style). */
export function readCredential(headers: IncomingHttpHeaders): Credential {
  const h = headers.authorization;
  if (!h) return { scheme: 'none' };
  const space = h.indexOf(' ');
  const scheme = space === -1 ? '' : h.slice(0, space).toLowerCase();
  if (scheme === 'basic') {
    const decoded = Buffer.from(h.slice(space + 1).trim(), 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    return colon === -1
      ? { scheme: 'basic', username: decoded, password: '' }
      : { scheme: 'basic', username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
  }
  if (scheme === 'bearer') return { scheme: 'bearer', token: h.slice(space + 1).trim() };
  return { scheme: 'raw', token: h.trim() };
}

/** A fixed-window request limiter per key (Previsto: 60 s windows; Civis: per-key windows). */
export class FixedWindowLimiter {
  private windows = new Map<string, { start: number; count: number }>();

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Counts one request for `key`; answers whether it is allowed, what remains, and seconds until the window resets. */
  take(key: string): { allowed: boolean; remaining: number; retryAfterSeconds: number; limit: number } {
    const t = this.now();
    let w = this.windows.get(key);
    if (!w || t - w.start >= this.windowMs) {
      w = { start: t, count: 0 };
      this.windows.set(key, w);
    }
    const retryAfterSeconds = Math.max(1, Math.ceil((w.start + this.windowMs - t) / 1000));
    if (w.count >= this.limit) return { allowed: false, remaining: 0, retryAfterSeconds, limit: this.limit };
    w.count++;
    return { allowed: true, remaining: this.limit - w.count, retryAfterSeconds, limit: this.limit };
  }

  reset(): void {
    this.windows.clear();
  }
}
