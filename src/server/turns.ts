/**
 * One at a time per event-loop turn. Reading a large request body is cheap, but what follows (decoding it, parsing
 * JSON, the document guard) runs synchronously, and bodies that finish arriving together would otherwise be handled
 * back to back in one turn: twenty 900 KB bodies would hold the loop for the sum of their costs. A caller waits here
 * for its turn; each turn lets one through and the next waits for the following turn of the loop, so the network and
 * timers (every other caller's requests) are served in between.
 */
export class Turns {
  private readonly waiting: Array<() => void> = [];
  private scheduled = false;

  /** Requests waiting for their turn. */
  get size(): number {
    return this.waiting.length;
  }

  /** Resolves in a later turn of the event loop, after every waiter that came before. */
  next(): Promise<void> {
    return new Promise((resolve) => {
      this.waiting.push(resolve);
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    // An immediate queued from inside an immediate runs in the next turn, after the loop has polled for I/O.
    setImmediate(this.release);
  }

  private readonly release = (): void => {
    this.scheduled = false;
    this.waiting.shift()?.();
    if (this.waiting.length > 0) this.schedule();
  };
}
