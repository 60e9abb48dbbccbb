/**
 * Platform reachability checks for `Query.platforms`: one cheap unauthenticated request per platform (any HTTP
 * answer proves reachability), reused for a few seconds so status queries never hammer an upstream.
 */
import type { PlatformName } from '../core/upstream.js';
import type { PlatformStatusResult } from '../resolvers/models.js';

/** What a platform client offers for the check (each client knows the path it probes and where its version is). */
export interface PlatformProbe {
  /**
   * Resolves once the platform answered; `authenticated` is true when the check sent a credential and it was accepted.
   * A refused credential rejects with `code: 'unauthenticated'`.
   */
  probe(timeoutMs: number): Promise<{ version: string | null; authenticated?: boolean }>;
}

export class StatusChecker {
  private readonly cache = new Map<PlatformName, { at: number; result: Promise<PlatformStatusResult> }>();

  constructor(
    private readonly clients: Record<PlatformName, PlatformProbe>,
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
    const started = performance.now();
    const checkedAt = new Date().toISOString();
    try {
      const { version, authenticated } = await this.clients[platform].probe(this.timeoutMs);
      return {
        reachable: true,
        version,
        latencyMs: Math.round((performance.now() - started) * 100) / 100,
        checkedAt,
        error: null,
        authenticated: authenticated ?? null,
      };
    } catch (e) {
      const code = (e as { code?: string }).code;
      return {
        reachable: false,
        version: null,
        latencyMs: Math.round((performance.now() - started) * 100) / 100,
        checkedAt,
        error: code ?? 'unreachable',
        authenticated: code === 'unauthenticated' ? false : null,
      };
    }
  }
}
