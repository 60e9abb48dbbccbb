/**
 * Admission control for GraphQL operations, weighted by their estimated cost (the same estimate `AUGUR_MAX_COST`
 * checks). Operations execute while the cost in flight stays within `maxActiveCost`; the others wait in arrival order
 * after validation and before execution, and past `maxQueued` waiting the gateway answers 503 `SERVER_BUSY` with
 * `Retry-After` instead of taking more work than it can hold.
 *
 * Why: on a saturated CPU, running fifty list-heavy operations at once is not faster than running five; it only keeps
 * fifty operations' upstream bodies alive ten times longer, which the garbage collector then promotes and sweeps. A
 * short queue keeps each operation's lifetime, and so the heap, small, and raises throughput with it. Weighting by cost
 * leaves cheap operations (one prediction costs 4) practically unqueued, so they keep overlapping their upstream waits.
 *
 * A slot is not held hostage by a slow upstream: an operation still running `slotMs` after admission gives its cost
 * back (it keeps running, it just stops counting), so a hanging platform delays the others by at most `slotMs`.
 */

export interface AdmissionOptions {
  /** Estimated cost executing at once; 0 admits everything at once (no queue). */
  maxActiveCost: number;
  /** Operations waiting for a slot before new ones are refused. */
  maxQueued: number;
  /** After this long an operation stops holding its slot. */
  slotMs: number;
}

/** An admitted operation's hold on a slot; `leave` it once the response is finished or the connection closed. */
export interface AdmissionTicket {
  readonly since: number;
}

interface Slot extends AdmissionTicket {
  readonly weight: number;
  released: boolean;
}

interface Waiter {
  readonly weight: number;
  readonly resolve: (slot: Slot) => void;
}

const UNLIMITED: AdmissionTicket = Object.freeze({ since: 0 });

export class AdmissionGate {
  /** Slots held, oldest admission first (a Set keeps insertion order). */
  private readonly active = new Set<Slot>();
  private readonly waiting: Waiter[] = [];
  private used = 0;
  private head = 0;
  private timer: NodeJS.Timeout | undefined;
  /** Requests refused because the queue was full, since start. */
  refused = 0;

  constructor(
    private readonly options: AdmissionOptions,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Operations holding a slot. */
  get activeCount(): number {
    return this.active.size;
  }

  /** Their summed cost. */
  get activeCost(): number {
    return this.used;
  }

  /** Operations that may wait before new ones are refused. */
  get maxQueued(): number {
    return this.options.maxQueued;
  }

  get queuedCount(): number {
    return this.waiting.length - this.head;
  }

  /**
   * A ticket at once, a promise of one when the operation must wait, or `undefined` when the queue is full. An
   * operation costing more than the whole budget runs when nothing else does.
   */
  enter(cost: number): AdmissionTicket | Promise<AdmissionTicket> | undefined {
    if (this.options.maxActiveCost <= 0) return UNLIMITED;
    const weight = Math.min(Math.max(1, Math.ceil(cost) || 1), this.options.maxActiveCost);
    this.expire();
    this.drain();
    if (this.queuedCount === 0 && this.fits(weight)) return this.admit(weight);
    if (this.queuedCount >= this.options.maxQueued) {
      this.refused++;
      return undefined;
    }
    return new Promise<AdmissionTicket>((resolve) => {
      this.waiting.push({ weight, resolve });
      this.arm();
    });
  }

  /** Gives the slot back (idempotent) and admits the next waiting operation. */
  leave(ticket: AdmissionTicket): void {
    if (ticket === UNLIMITED) return;
    const slot = ticket as Slot;
    if (slot.released) return;
    slot.released = true;
    if (this.active.delete(slot)) {
      this.used -= slot.weight;
      this.drain();
    }
  }

  /** Stops the expiry timer (waiting operations stay queued until slots are left). */
  close(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private fits(weight: number): boolean {
    return this.used === 0 || this.used + weight <= this.options.maxActiveCost;
  }

  private admit(weight: number): Slot {
    const slot: Slot = { since: this.now(), weight, released: false };
    this.active.add(slot);
    this.used += weight;
    return slot;
  }

  /** Admits waiting operations in arrival order while the next one fits. */
  private drain(): void {
    while (this.queuedCount > 0 && this.fits(this.waiting[this.head]!.weight)) {
      const waiter = this.waiting[this.head]!;
      this.waiting[this.head++] = undefined as never;
      waiter.resolve(this.admit(waiter.weight));
    }
    if (this.queuedCount === 0) {
      this.waiting.length = 0;
      this.head = 0;
      this.close();
    } else if (this.head > 1024 && this.head * 2 > this.waiting.length) {
      this.waiting.splice(0, this.head);
      this.head = 0;
    }
  }

  /** Slots held longer than `slotMs` stop counting: their operations are waiting on something slow. */
  private expire(): void {
    const before = this.now() - this.options.slotMs;
    for (const slot of this.active) {
      if (slot.since > before) break;
      this.active.delete(slot);
      this.used -= slot.weight;
    }
  }

  /** While operations wait, wakes up when the oldest slot expires, in case no operation finishes before. */
  private arm(): void {
    if (this.timer) return;
    const oldest = this.active.values().next().value as Slot | undefined;
    const delay = oldest ? Math.max(1, Math.ceil(oldest.since + this.options.slotMs - this.now())) : 1;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.expire();
      this.drain();
      if (this.queuedCount > 0) this.arm();
    }, delay);
    this.timer.unref();
  }
}
