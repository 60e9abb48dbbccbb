/**
 * GraphQL over Server-Sent Events (graphql-sse, distinct connections mode) at `POST /graphql/stream`: one operation per
 * request, answered as an event stream (`next` events, then `complete`). The request has already been through the
 * HTTP layer's checks (CORS, gateway key, body size, JSON, the document guard: graphqlHttp.ts) when it gets here.
 * A client that stops reading is disconnected once more than `maxBufferedBytes` wait unsent, rather than buffered.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createHandler, type RequestParams } from 'graphql-sse';
import type { Logger } from '../../core/logger.js';
import { LiveOperations, type LiveRequest } from './operations.js';
import type { LiveMetrics } from './metrics.js';

export interface SseOptions {
  operations: LiveOperations;
  maxBufferedBytes: number;
  logger: Logger;
  metrics?: LiveMetrics;
}

/** What the HTTP layer knows of a request it hands over. */
export type SseRequest = Omit<LiveRequest, 'transport'> & { body: unknown };

export type SseHandler = (req: IncomingMessage, res: ServerResponse, request: SseRequest) => Promise<void>;

export function createSseHandler(options: SseOptions): SseHandler {
  const requests = new WeakMap<IncomingMessage, SseRequest>();
  const handler = createHandler<IncomingMessage>({
    // No stream reservations (single connection mode): every operation has its own request.
    authenticate: () => null,
    onSubscribe: async (req, params: RequestParams) => {
      const request = requests.get(req.raw)!;
      const result = await options.operations.run(params, { ...request, transport: 'sse' });
      // graphql-sse tells a result from execution arguments by its `data` key.
      // Formatted results: what graphql-sse serialises anyway.
      return (LiveOperations.isStream(result) ? result : { data: null, ...result }) as never;
    },
  });

  return async (req, res, request) => {
    requests.set(req, request);
    const [body, init] = await handler({
      method: req.method ?? 'POST',
      url: req.url ?? '/graphql/stream',
      headers: {
        get: (key: string) => {
          const value = req.headers[key.toLowerCase()];
          return Array.isArray(value) ? value.join('\n') : value;
        },
      },
      body: request.body as Record<string, unknown>,
      raw: req,
      context: undefined,
    });
    res.writeHead(init.status, init.statusText, init.headers as Record<string, string> | undefined);
    if (!body || typeof body === 'string') {
      res.end(body ?? undefined);
      return;
    }
    const iterator = body[Symbol.asyncIterator]();
    res.once('close', () => void iterator.return?.());
    // Headers go out at once, so the client sees the stream open before the first event.
    res.flushHeaders();
    for (;;) {
      const next = await iterator.next();
      if (next.done) break;
      if (res.writableLength > options.maxBufferedBytes) {
        options.metrics?.refused.inc({ reason: 'slow_client' });
        options.logger.warn(
          { event: 'subscription_slow_client', requestId: request.requestId, transport: 'sse', buffered: res.writableLength },
          'subscriber stopped reading; disconnected',
        );
        res.destroy();
        await iterator.return?.();
        return;
      }
      if (!res.writable) break;
      res.write(next.value);
    }
    res.end();
  };
}
