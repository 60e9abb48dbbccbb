/**
 * `GET /readyz`: whether every platform Augur serves is reachable now. It answers 200 `{ready: true, platforms}` or
 * 503 `{ready: false, platforms}` with each platform's detail. Checks are reused for `ttlMs` only (1 s by default),
 * so readiness flips within a second of a platform going down or coming back, while a burst of probes still costs
 * each platform at most one request per second. Once shutdown begins it answers 503 `{ready: false, draining: true}`
 * without probing.
 */
import type { RouteHandler } from '../routes.js';
import type { PlatformEndpoint } from '../../resolvers/context.js';
import { StatusChecker, type PlatformProbe } from '../status.js';
import type { PlatformStatusResult } from '../../resolvers/models.js';
import { PLATFORMS, type PlatformName } from '../../core/upstream.js';

export interface ReadinessOptions {
  /** The platform clients, whose probes are called. */
  clients: Record<PlatformName, PlatformProbe>;
  platforms: Record<PlatformName, PlatformEndpoint>;
  /** How long one check is reused, in ms. Default 1000. */
  ttlMs?: number;
  /** Longest a platform may take to answer its probe, in ms. Default 1000. */
  timeoutMs?: number;
  /** Whether the server is shutting down: then it is not ready, whatever the platforms. */
  draining?: () => boolean;
}

export function readinessRoute(options: ReadinessOptions): RouteHandler {
  const timeoutMs = options.timeoutMs ?? 1000;
  const checker = new StatusChecker(options.clients, options.ttlMs ?? 1000, timeoutMs);
  // The probe's own timeout covers the answer, not connecting: a readiness answer never waits much longer.
  const check = (platform: PlatformName): Promise<PlatformStatusResult> => {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<PlatformStatusResult>((resolve) => {
      timer = setTimeout(
        () =>
          resolve({ reachable: false, version: null, latencyMs: timeoutMs + 250, checkedAt: new Date().toISOString(), error: 'TIMEOUT' }),
        timeoutMs + 250,
      );
    });
    return Promise.race([checker.check(platform), late]).finally(() => clearTimeout(timer));
  };
  return async (_req, res) => {
    if (options.draining?.()) {
      const text = JSON.stringify({ ready: false, draining: true });
      res.writeHead(503, {
        'content-type': 'application/json; charset=utf-8',
        'content-length': Buffer.byteLength(text),
        'cache-control': 'no-store',
      });
      res.end(text);
      return;
    }
    const results = await Promise.all(PLATFORMS.map(async (p) => [p, await check(p)] as const));
    const platforms = Object.fromEntries(
      results.map(([p, s]) => [
        p,
        { reachable: s.reachable, emulated: options.platforms[p].emulated, latencyMs: s.latencyMs, error: s.error, checkedAt: s.checkedAt },
      ]),
    );
    const ready = results.every(([, s]) => s.reachable);
    const text = JSON.stringify({ ready, platforms });
    res.writeHead(ready ? 200 : 503, {
      'content-type': 'application/json; charset=utf-8',
      'content-length': Buffer.byteLength(text),
      'cache-control': 'no-store',
    });
    res.end(text);
  };
}
