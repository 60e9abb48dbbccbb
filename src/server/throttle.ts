/**
 * Callers whose requests keep being refused are slowed down. Each refusal is cheap, but a caller sending nothing
 * but documents that will be refused, as fast as its connections allow, still takes the event loop from everyone
 * else: 20 connections of 100 KB token floods take most of a core. Each caller has an allowance of refusals (a token
 * bucket: `perMinute` of them, refilled continuously); once it is spent, each of the caller's requests waits
 * `delayMs` before its body is even read, so its connections stay idle, TCP holds its upload back, and it costs the
 * gateway nothing meanwhile. The request is then handled as usual: a caller that sends a good request gets its
 * answer, only later, and its allowance comes back with time. Callers are told apart as for fair shares
 * (callers.ts). Counted per replica.
 */

/** How refused requests slow their caller down. */
export interface ThrottleSettings {
  /** Refused requests a caller may send per minute (and at once) before it is slowed; 0 turns slowing off. */
  perMinute: number;
  /** How long each request of a slowed caller waits before it is read, in ms. */
  delayMs: number;
  /** Callers remembered at most; the least recently refused are forgotten first. */
  maxCallers?: number;
  /** Requests held at once at most, all callers together; past it, a slowed caller's request is refused at once. */
  maxHeld?: number;
}

interface Allowance {
  tokens: number;
  at: number;
}

/** What the throttle decided for a request. */
export type ThrottleVerdict = 'go' | 'wait' | 'refuse';

/**
 * The slowing of callers whose requests keep being refused (throttle.ts), shared by every transport: a refused
 * WebSocket connection spends the same allowance as a refused `/graphql` request.
 */
export interface RefusalGate {
  /** Whether the client's next request goes on, waits (`hold`), or is refused at once. */
  verdict(client: string): ThrottleVerdict;
  /** Waits out a slowed client's delay. */
  hold(): Promise<void>;
  /** Counts a refusal against the client's allowance. */
  refused(client: string): void;
}

export class RefusalThrottle {
  private readonly allowances = new Map<string, Allowance>();
  private readonly perMs: number;
  private readonly maxCallers: number;
  private readonly maxHeld: number;
  /** Requests waiting out their delay now. */
  held = 0;
  /** Requests delayed since start. */
  slowed = 0;

  constructor(
    private readonly settings: ThrottleSettings,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.perMs = settings.perMinute / 60_000;
    this.maxCallers = settings.maxCallers ?? 10_000;
    this.maxHeld = settings.maxHeld ?? 1_000;
  }

  get enabled(): boolean {
    return this.settings.perMinute > 0;
  }

  /** Whether `caller`'s next request goes on, waits (see `hold`), or is refused because too many are waiting. */
  verdict(caller: string): ThrottleVerdict {
    if (!this.enabled) return 'go';
    const allowance = this.allowances.get(caller);
    if (!allowance || this.refill(allowance) >= 1) return 'go';
    return this.held >= this.maxHeld ? 'refuse' : 'wait';
  }

  /** Waits out the delay of a slowed caller's request. */
  async hold(): Promise<void> {
    this.held++;
    this.slowed++;
    try {
      await new Promise((resolve) => setTimeout(resolve, this.settings.delayMs));
    } finally {
      this.held--;
    }
  }

  /** Counts a refused request against `caller`'s allowance; true when this refusal spent its last token. */
  refused(caller: string): boolean {
    if (!this.enabled) return false;
    let allowance = this.allowances.get(caller);
    if (allowance) {
      this.refill(allowance);
      this.allowances.delete(caller);
    } else {
      allowance = { tokens: this.settings.perMinute, at: this.now() };
      if (this.allowances.size >= this.maxCallers) this.allowances.delete(this.allowances.keys().next().value as string);
    }
    // Re-inserted, so the map's order is least recently refused first.
    this.allowances.set(caller, allowance);
    const before = allowance.tokens;
    allowance.tokens = Math.max(0, before - 1);
    return before >= 1 && allowance.tokens < 1;
  }

  /** Callers remembered. */
  get callers(): number {
    return this.allowances.size;
  }

  private refill(allowance: Allowance): number {
    const now = this.now();
    allowance.tokens = Math.min(this.settings.perMinute, allowance.tokens + (now - allowance.at) * this.perMs);
    allowance.at = now;
    return allowance.tokens;
  }
}
