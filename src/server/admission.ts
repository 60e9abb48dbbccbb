/**
 * Admission control for GraphQL operations, weighted by their estimated cost (the same estimate `AUGUR_MAX_COST`
 * checks). Operations execute while the cost in flight stays within `maxActiveCost`; the others wait after validation
 * and before execution, and past `maxQueued` waiting the gateway answers 503 `SERVER_BUSY` with `Retry-After` instead
 * of taking more work than it can hold. Waiting is fair between clients: the next slot goes to the client with the
 * least cost executing, so one client sending heavy operations on many connections waits behind its own work, not in
 * front of everyone else's.
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
  readonly client: ClientQueue;
  released: boolean;
}

interface Waiter {
  readonly weight: number;
  /** Arrival order, across clients. */
  readonly seq: number;
  readonly resolve: (slot: Slot) => void;
}

/** One client's waiting operations, oldest first, and the cost it has executing now. */
interface ClientQueue {
  readonly id: string;
  readonly waiters: Waiter[];
  head: number;
  active: number;
}

const UNLIMITED: AdmissionTicket = Object.freeze({ since: 0 });

export class AdmissionGate {
  /** Slots held, oldest admission first (a Set keeps insertion order). */
  private readonly active = new Set<Slot>();
  /** Clients with operations waiting or executing. */
  private readonly clients = new Map<string, ClientQueue>();
  /** Clients with operations waiting. */
  private readonly waitingClients = new Set<ClientQueue>();
  private queued = 0;
  private seq = 0;
  private used = 0;
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
    return this.queued;
  }

  /**
   * A ticket at once, a promise of one when the operation must wait, or `undefined` when the queue is full. An
   * operation costing more than the whole budget runs when nothing else does. `client` says whose operation it is:
   * when several clients wait, the next slot goes to the one with the least cost executing (see `drain`).
   */
  enter(cost: number, client = ''): AdmissionTicket | Promise<AdmissionTicket> | undefined {
    if (this.options.maxActiveCost <= 0) return UNLIMITED;
    const weight = Math.min(Math.max(1, Math.ceil(cost) || 1), this.options.maxActiveCost);
    this.expire();
    this.drain();
    const queue = this.queueOf(client);
    if (this.queued === 0 && this.fits(weight)) return this.admit(weight, queue);
    if (this.queued >= this.options.maxQueued) {
      this.refused++;
      this.forgetIfIdle(queue);
      return undefined;
    }
    const waiting = new Promise<AdmissionTicket>((resolve) => {
      queue.waiters.push({ weight, seq: this.seq++, resolve });
    });
    this.queued++;
    this.waitingClients.add(queue);
    // A client with less executing than those already waiting may go first, at once if its operation fits.
    this.drain();
    if (this.queued > 0) this.arm();
    return waiting;
  }

  /** Gives the slot back (idempotent) and admits the next waiting operation. */
  leave(ticket: AdmissionTicket): void {
    if (ticket === UNLIMITED) return;
    const slot = ticket as Slot;
    if (slot.released) return;
    slot.released = true;
    if (this.active.delete(slot)) {
      this.release(slot);
      this.drain();
    }
  }

  /** Stops the expiry timer (waiting operations stay queued until slots are left). */
  close(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private queueOf(id: string): ClientQueue {
    let queue = this.clients.get(id);
    if (!queue) {
      queue = { id, waiters: [], head: 0, active: 0 };
      this.clients.set(id, queue);
    }
    return queue;
  }

  private forgetIfIdle(queue: ClientQueue): void {
    if (queue.active <= 0 && queue.head >= queue.waiters.length) this.clients.delete(queue.id);
  }

  private fits(weight: number): boolean {
    return this.used === 0 || this.used + weight <= this.options.maxActiveCost;
  }

  private admit(weight: number, client: ClientQueue): Slot {
    const slot: Slot = { since: this.now(), weight, client, released: false };
    this.active.add(slot);
    this.used += weight;
    client.active += weight;
    return slot;
  }

  private release(slot: Slot): void {
    this.used -= slot.weight;
    slot.client.active -= slot.weight;
    this.forgetIfIdle(slot.client);
  }

  /**
   * The client whose oldest waiting operation goes next: the one with the least cost executing, so a client that
   * sends many heavy operations queues behind its own and never ahead of a client with little running; among equals,
   * the earliest arrival. With one client this is arrival order.
   */
  private next(): ClientQueue | undefined {
    let best: ClientQueue | undefined;
    for (const queue of this.waitingClients) {
      if (
        !best ||
        queue.active < best.active ||
        (queue.active === best.active && queue.waiters[queue.head]!.seq < best.waiters[best.head]!.seq)
      )
        best = queue;
    }
    return best;
  }

  /** Admits waiting operations, fairest client first, while the next one fits. */
  private drain(): void {
    for (let queue = this.next(); queue; queue = this.next()) {
      const waiter = queue.waiters[queue.head]!;
      if (!this.fits(waiter.weight)) break;
      queue.waiters[queue.head++] = undefined as never;
      this.queued--;
      if (queue.head >= queue.waiters.length) {
        queue.waiters.length = 0;
        queue.head = 0;
        this.waitingClients.delete(queue);
      } else if (queue.head > 1024 && queue.head * 2 > queue.waiters.length) {
        queue.waiters.splice(0, queue.head);
        queue.head = 0;
      }
      waiter.resolve(this.admit(waiter.weight, queue));
    }
    if (this.queued === 0) this.close();
  }

  /** Slots held longer than `slotMs` stop counting: their operations are waiting on something slow. */
  private expire(): void {
    const before = this.now() - this.options.slotMs;
    for (const slot of this.active) {
      if (slot.since > before) break;
      this.active.delete(slot);
      this.release(slot);
    }
  }

  /** While operations wait, wakes up when the oldest slot expires, in case no operation finishes before. */
  private arm(): void {
    if (this.timer) return;
    const oldest = this.active.values().next().value;
    const delay = oldest ? Math.max(1, Math.ceil(oldest.since + this.options.slotMs - this.now())) : 1;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.expire();
      this.drain();
      if (this.queued > 0) this.arm();
    }, delay);
    this.timer.unref();
  }
}
