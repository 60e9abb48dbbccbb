/**
 * A per-platform circuit breaker. After `threshold` consecutive failures (5xx, timeouts, connection errors) it
 * opens: calls fail fast for `cooldownMs`, then one probe is let through (half-open); its success closes the
 * breaker, its failure opens it again.
 */
export type BreakerState = 'closed' | 'open' | 'half-open';

export interface BreakerOptions {
  threshold: number;
  cooldownMs: number;
  now?: () => number;
  onStateChange?(state: BreakerState): void;
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
    this.failures = 0;
    this.probing = false;
    if (this.current !== 'closed') this.set('closed');
  }

  failure(): void {
    this.failures++;
    if (this.probing || this.failures >= this.options.threshold) {
      this.probing = false;
      this.openedAt = this.now();
      this.set('open');
    }
  }

  private set(state: BreakerState): void {
    if (this.current === state) return;
    this.current = state;
    this.options.onStateChange?.(state);
  }
}
