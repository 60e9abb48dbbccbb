/**
 * The server-sent-event stream behind `GET /ext/v1/events`.
 *
 * The SDK's `EventManager` reads the stream chunk by chunk and, for each chunk, skips it when it starts with `:`
 * and otherwise splits it on `\n` and takes lines 2 and 3 as `event:` and `data:`. So every event is written as one
 * chunk `id: <n>\nevent: <NAME>\ndata: <json>\n\n`, and keep-alive comments as separate chunks.
 */
import type { ServerResponse } from 'node:http';
import type { PrevisionEventName } from './types.js';

/** One event as sent (kept for `recent()` so tests and the control plane can inspect what went out). */
export interface SentEvent {
  id: number;
  event: PrevisionEventName;
  data: { _id: string };
}

const RECENT_LIMIT = 200;

/** Fans events out to every open `/events` stream and keeps them alive with `:` comments. */
export class EventHub {
  private readonly clients = new Set<ServerResponse>();
  private timer: NodeJS.Timeout | undefined;
  private seq = 0;
  private sent: SentEvent[] = [];

  constructor(private readonly keepAliveMs: number) {}

  /** Number of open streams. */
  get size(): number {
    return this.clients.size;
  }

  /** Turns `res` into an event stream that stays open until the client leaves or {@link closeAll} runs. */
  attach(res: ServerResponse): void {
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    // An immediate comment flushes the headers so clients see the stream open before the first keep-alive.
    res.write(':ok\n\n');
    this.clients.add(res);
    res.on('close', () => {
      this.clients.delete(res);
      if (this.clients.size === 0) this.stopTimer();
    });
    if (!this.timer && this.keepAliveMs > 0) {
      this.timer = setInterval(() => {
        for (const c of this.clients) c.write(':keep-alive\n\n');
      }, this.keepAliveMs);
      this.timer.unref();
    }
  }

  emit(event: PrevisionEventName, id: string): void {
    const e: SentEvent = { id: ++this.seq, event, data: { _id: id } };
    if (this.sent.length >= RECENT_LIMIT) this.sent.shift();
    this.sent.push(e);
    if (this.clients.size === 0) return;
    const chunk = `id: ${e.id}\nevent: ${event}\ndata: ${JSON.stringify(e.data)}\n\n`;
    for (const c of this.clients) c.write(chunk);
  }

  /** Events emitted since the last reset, oldest first. */
  recent(): SentEvent[] {
    return [...this.sent];
  }

  /** Forgets emitted events and restarts event ids at 1 (streams stay open: a reset does not disconnect clients). */
  clearHistory(): void {
    this.sent = [];
    this.seq = 0;
  }

  /** Ends every stream (on emulator close). */
  closeAll(): void {
    for (const c of this.clients) c.end();
    this.clients.clear();
    this.stopTimer();
  }

  private stopTimer(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }
}
