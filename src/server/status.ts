/**
 * Platform reachability checks for `Query.platforms`: one cheap unauthenticated request per platform (any HTTP
 * answer proves reachability), reused for a few seconds so status queries never hammer an upstream.
 */
import type { UpstreamHttp } from '../upstreams/http.js';
import type { PlatformName } from '../core/upstream.js';
import type { PlatformStatusResult } from '../resolvers/models.js';

/** The path probed per platform, and how its version is read. */
const PROBES: Record<PlatformName, { path: string; version(headers: Record<string, unknown>, text: string): string | null }> = {
  dataiku: { path: '/public/api/v1/', version: (h) => (typeof h['dss-version'] === 'string' ? h['dss-version'] : null) },
  prevision: {
    path: '/version',
    version: (_h, text) => {
      try {
        const v = (JSON.parse(text) as { version?: unknown; api_version?: unknown }).version;
        return typeof v === 'string' ? v : null;
      } catch {
        return null;
      }
    },
  },
  civis: { path: '/users/me', version: () => null },
  previsto: { path: '/accounts/current', version: () => null },
};

export class StatusChecker {
  private readonly cache = new Map<PlatformName, { at: number; result: Promise<PlatformStatusResult> }>();

  constructor(
    private readonly http: Record<PlatformName, UpstreamHttp>,
    private readonly ttlMs: number,
    private readonly timeoutMs = 2000,
  ) {}

  check(platform: PlatformName): Promise<PlatformStatusResult> {
    const cached = this.cache.get(platform);
    if (cached && Date.now() - cached.at < this.ttlMs) return cached.result;
    const result = this.run(platform);
    this.cache.set(platform, { at: Date.now(), result });
    return result;
  }

  private async run(platform: PlatformName): Promise<PlatformStatusResult> {
    const probe = PROBES[platform];
    const started = performance.now();
    const checkedAt = new Date().toISOString();
    try {
      const res = await this.http[platform].probe(probe.path, this.timeoutMs);
      return {
        reachable: true,
        version: probe.version(res.headers as Record<string, unknown>, res.text),
        latencyMs: Math.round((performance.now() - started) * 100) / 100,
        checkedAt,
        error: null,
      };
    } catch (e) {
      const code = (e as { code?: string }).code;
      return { reachable: false, version: null, latencyMs: null, checkedAt, error: code ?? 'unreachable' };
    }
  }
}
