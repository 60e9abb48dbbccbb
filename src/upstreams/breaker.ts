/**
 * A per-platform circuit breaker. After `threshold` consecutive failures (5xx, timeouts, connection errors) it
 * opens: calls fail fast for `cooldownMs`, then one probe is let through (half-open); its success closes the
 * breaker, its failure opens it again.
 *
 * Replicas may share openings (`share`, see `RedisBreakerSync`): the decision stays local and synchronous; an opening
 * caused here is published, and an opening published by another replica is adopted with `adopt()`.
 */
import type { BreakerState, PlatformName } from '../core/upstream.js';

/** Where a breaker tells other replicas about its openings and recoveries. Must never throw. */
export interface BreakerShare {
  opened(platform: PlatformName, cooldownMs: number): void;
  closed(platform: PlatformName): void;
}

export interface BreakerOptions {
  threshold: number;
  cooldownMs: number;
  now?: () => number;
  onStateChange?(state: BreakerState): void;
  /** Publishes openings caused by this replica's failures, and closings by its probes. */
  share?: { platform: PlatformName; to: BreakerShare };
}

export class CircuitBreaker {
  private failures = 0;
  private openedAt = 0;
  private probing = false;
  private current: BreakerState = 'closed';
  private readonly now: () => number;

  constructor(private readonly options: BreakerOptions) {
    this.now = options.now ?? Date.now;
  }

  get state(): BreakerState {
    if (this.current === 'open' && this.now() - this.openedAt >= this.options.cooldownMs) return 'half-open';
    return this.current;
  }

  /** Whether a call may go out now. In half-open state only one probe at a time is allowed. */
  allow(): boolean {
    const state = this.state;
    if (state === 'closed') return true;
    if (state === 'open') return false;
    if (this.probing) return false;
    this.probing = true;
    this.set('half-open');
    return true;
  }

  /** Milliseconds until the next probe may go out. */
  msUntilProbe(): number {
    return Math.max(0, this.openedAt + this.options.cooldownMs - this.now());
  }

  success(): void {
    const wasProbe = this.probing;
    this.failures = 0;
    this.probing = false;
    if (this.current !== 'closed') {
      this.set('closed');
      // Only a probe's success speaks for the platform; a call sent before the opening may just have been lucky.
      if (wasProbe && this.options.share) this.options.share.to.closed(this.options.share.platform);
    }
  }

  /**
   * An allowed call ended without a verdict on the platform (its operation's deadline cut it short): nothing is
   * counted, and when that call was the half-open probe (`wasProbe`), the next call may probe instead.
   */
  abandon(wasProbe: boolean): void {
    if (wasProbe && this.probing && this.state === 'half-open') this.probing = false;
  }

  failure(): void {
    this.failures++;
    if (this.probing || this.failures >= this.options.threshold) {
      this.probing = false;
      this.openedAt = this.now();
      this.set('open');
      if (this.options.share) this.options.share.to.opened(this.options.share.platform, this.options.cooldownMs);
    }
  }

  /**
   * Adopts an opening made by another replica that lasts `remainingMs` more: this breaker fails fast until then, and
   * then probes as usual. Answers whether anything changed (an opening already known, or one ending sooner than this
   * breaker's own, is ignored; so is one arriving while this replica's probe is out, which decides for itself).
   */
  adopt(remainingMs: number): boolean {
    if (remainingMs <= 0 || this.probing) return false;
    const until = this.now() + remainingMs;
    // 50 ms of slack: this replica's own publication comes back to it with a slightly different remaining time.
    if (this.current !== 'closed' && until <= this.openedAt + this.options.cooldownMs + 50) return false;
    this.openedAt = until - this.options.cooldownMs;
    this.set('open');
    return true;
  }

  private set(state: BreakerState): void {
    if (this.current === state) return;
    this.current = state;
    this.options.onStateChange?.(state);
  }
}
