/**
 * A subscriber that stops reading is disconnected once its unsent bytes pass the limit, and its feed is closed (over
 * SSE and over WebSocket), rather than buffered without bound or left holding its poller.
 */
import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { buildSchema } from 'graphql';
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createSseHandler } from '../../src/server/live/sse.js';
import { createWsServer } from '../../src/server/live/ws.js';
import type { LiveOperations } from '../../src/server/live/operations.js';
import type { Logger } from '../../src/core/logger.js';
import { ApiKeyCheck } from '../../src/server/apiKeys.js';
import { Authenticator } from '../../src/server/authenticate.js';
import { parseConfig } from '../../src/server/config.js';
import { createLiveMetrics } from '../../src/server/live/metrics.js';
import { Registry } from 'prom-client';

const silent = { warn: () => undefined, info: () => undefined, debug: () => undefined, error: () => undefined } as unknown as Logger;

/** A subscription whose events come as fast as they are pulled, 64 KB each; `returned` once the transport let go. */
function flood(): { stream: AsyncIterableIterator<unknown>; produced: () => number; returned: () => boolean } {
  let produced = 0;
  let returned = false;
  const big = 'x'.repeat(64 * 1024);
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
  return { stream, produced: () => produced, returned: () => returned };
}

describe('createWsServer', () => {
  it('disconnects a WebSocket subscriber that stops reading once maxBufferedBytes wait unsent, and lets its stream go', async () => {
    const limit = 256 * 1024;
    const source = flood();
    const operations = { run: async () => source.stream } as unknown as LiveOperations;
    const config = parseConfig({ AUGUR_LIVE_MAX_BUFFERED_BYTES: String(limit) });
    const registry = new Registry();
    const metrics = createLiveMetrics(registry);
    const ws = createWsServer({
      config,
      schema: buildSchema('type Query { x: Int }'),
      operations,
      authenticator: new Authenticator(config.auth, new ApiKeyCheck([]), undefined, undefined),
      logger: silent,
      metrics,
    });
    const server = http.createServer((_req, res) => res.writeHead(404).end());
    server.on('upgrade', (req, socket, head) => ws.upgrade(req, socket, head));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    // A client that subscribes, reads the first event, then stops reading.
    const client = new WebSocket(`ws://127.0.0.1:${port}/graphql`, 'graphql-transport-ws');
    const closed = new Promise<number>((resolve) => client.once('close', (code) => resolve(code)));
    client.on('error', () => undefined);
    let received = 0;
    client.on('message', (data) => {
      const message = JSON.parse((data as Buffer).toString('utf8')) as { type: string };
      if (message.type === 'connection_ack') {
        client.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query: 'subscription { x }' } }));
      }
      if (message.type === 'next' && ++received === 1) client.pause();
    });
    await new Promise<void>((resolve) => client.once('open', () => resolve()));
    client.send(JSON.stringify({ type: 'connection_init' }));
    const deadline = Date.now() + 15_000;
    while (!source.returned() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(source.returned()).toBe(true);
    // Bounded: the kernel's socket buffers and the limit, not every event the source could make.
    const producedAtCut = source.produced();
    await new Promise((r) => setTimeout(r, 100));
    expect(source.produced()).toBe(producedAtCut);
    expect(await registry.getSingleMetricAsString('augur_subscriptions_refused_total')).toMatch(/reason="slow_client"\} 1/);
    client.resume();
    // Terminated, not closed politely: 1006.
    expect(await closed).toBe(1006);
    await ws.close();
    server.close();
  });
});

describe('createSseHandler', () => {
  it('disconnects a subscriber that stops reading instead of buffering its events', async () => {
    const source = flood();
    const operations = { run: async () => source.stream } as unknown as LiveOperations;
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
    while (!source.returned() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(source.returned()).toBe(true);
    // Bounded: the kernel's socket buffers and the limit, not every event the source could make.
    const producedAtCut = source.produced();
    await new Promise((r) => setTimeout(r, 100));
    expect(source.produced()).toBe(producedAtCut);
    socket.resume();
    await closed;
    server.close();
  });
});
