/** A subscriber that stops reading is disconnected once its unsent bytes pass the limit, and its feed is closed. */
import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { createSseHandler } from '../../src/server/live/sse.js';
import type { LiveOperations } from '../../src/server/live/operations.js';
import type { Logger } from '../../src/core/logger.js';

const silent = { warn: () => undefined, info: () => undefined, debug: () => undefined, error: () => undefined } as unknown as Logger;

describe('createSseHandler', () => {
  it('disconnects a subscriber that stops reading instead of buffering its events', async () => {
    let produced = 0;
    let returned = false;
    const big = 'x'.repeat(64 * 1024);
    // A subscription whose events come as fast as they are pulled: 64 KB each.
    const stream: AsyncIterableIterator<unknown> = {
      next: async () => {
        if (returned) return { value: undefined, done: true };
        produced++;
        // Events as fast as a client reading at full speed would take them: one per turn of the event loop.
        await new Promise((r) => setTimeout(r, 1));
        return { value: { data: { big } }, done: false };
      },
      return: async () => {
        returned = true;
        return { value: undefined, done: true };
      },
      throw: async () => {
        returned = true;
        return { value: undefined, done: true };
      },
      [Symbol.asyncIterator]() {
        return this;
      },
    };
    const operations = { run: async () => stream } as unknown as LiveOperations;
    const handler = createSseHandler({ operations, maxBufferedBytes: 256 * 1024, logger: silent });
    const server = http.createServer((req, res) => {
      void handler(req, res, {
        body: { query: 'subscription { x }' },
        headers: req.headers,
        requestId: 'r1',
        client: 'c',
        caller: 'c',
        callerGone: () => false,
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    // A client that sends its request, then never reads.
    const socket = net.connect(port, '127.0.0.1');
    socket.pause();
    const body = JSON.stringify({ query: 'subscription { x }' });
    socket.write(
      `POST /graphql/stream HTTP/1.1\r\nhost: x\r\naccept: text/event-stream\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    );
    const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    socket.on('error', () => undefined);
    const deadline = Date.now() + 15_000;
    while (!returned && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(returned).toBe(true);
    // Bounded: the kernel's socket buffers and the limit, not every event the source could make.
    const producedAtCut = produced;
    await new Promise((r) => setTimeout(r, 100));
    expect(produced).toBe(producedAtCut);
    socket.resume();
    await closed;
    server.close();
  });
});
