/**
 * GraphQL over WebSocket (graphql-ws, subprotocol `graphql-transport-ws`) on `/graphql`. The upgrade is refused with
 * 403 for an Origin that CORS does not allow (browsers send WebSocket upgrades cross-origin without preflight). The
 * gateway key and the platform credentials come from the upgrade request's headers or from `connectionParams`
 * (same names as the headers; `connectionParams` win). Messages are capped at the body limit, subscriptions per
 * connection at `maxPerConnection`, and a client that stops reading is disconnected.
 */
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { GraphQLError, parse, type ExecutionArgs, type FormattedExecutionResult, type GraphQLSchema } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer, type WebSocket } from 'ws';
import { ErrorCode } from '../../core/errors.js';
import type { Logger } from '../../core/logger.js';
import type { ApiKeyCheck } from '../apiKeys.js';
import { callerOf, clientOf } from '../callers.js';
import type { Config } from '../config.js';
import { requestIdFrom } from '../context.js';
import { LiveOperations, type LiveResult } from './operations.js';
import type { LiveMetrics } from './metrics.js';

export interface WsOptions {
  config: Config;
  schema: GraphQLSchema;
  operations: LiveOperations;
  apiKeys: ApiKeyCheck;
  logger: Logger;
  metrics?: LiveMetrics;
}

export interface WsServer {
  /** The `upgrade` listener of the HTTP server. */
  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void;
  /** Closes every connection (1001, going away) and stops accepting new ones. */
  close(): Promise<void>;
}

/** What one connection presents: headers overlaid with `connectionParams`. */
interface Connection {
  headers: IncomingHttpHeaders;
  requestId: string;
  client: string;
  caller: string;
}

/** A placeholder document: graphql-ws reads the operation type from it, `execute`/`subscribe` return what `run` gave. */
const PLACEHOLDER = parse('{ __typename }');

/** graphql-ws serialises each error with its `toJSON`, as GraphQLErrors have it: formatted errors get one. */
function serialisable(result: FormattedExecutionResult): FormattedExecutionResult {
  if (!result.errors) return result;
  return { ...result, errors: result.errors.map((e) => ({ ...e, toJSON: () => e })) };
}

export function createWsServer(options: WsOptions): WsServer {
  const { config, operations, apiKeys, logger, metrics } = options;
  const wss = new WebSocketServer({ noServer: true, maxPayload: config.limits.maxBodyBytes });
  const connections = new WeakMap<object, Connection>();
  const results = new WeakMap<object, LiveResult>();
  const corsAllows = (origin: string | undefined): boolean =>
    origin === undefined || config.cors.origins === '*' || config.cors.origins.includes(origin);
  const pass = (args: ExecutionArgs) => {
    const result = results.get(args.contextValue as object)!;
    if (!LiveOperations.isStream(result)) return serialisable(result) as never;
    const stream: AsyncIterableIterator<FormattedExecutionResult> = {
      next: async () => {
        const next = await result.next();
        return next.done ? next : { value: serialisable(next.value), done: false };
      },
      return: () => result.return!(),
      throw: (error?: unknown) => result.throw!(error),
      [Symbol.asyncIterator]() {
        return this;
      },
    };
    return stream as never;
  };

  useServer<Record<string, unknown>, { socket: WebSocket; request: IncomingMessage }>(
    {
      // graphql-ws would read NODE_ENV itself; Augur never sends internal error details anyway.
      isProd: true,
      connectionInitWaitTimeout: 10_000,
      onConnect: (ctx) => {
        const req = ctx.extra.request;
        const headers: IncomingHttpHeaders = { ...req.headers };
        for (const [name, value] of Object.entries(ctx.connectionParams ?? {})) {
          if (typeof value === 'string') headers[name.toLowerCase()] = value;
        }
        const keyValid = apiKeys.allows(headers);
        if (!keyValid) {
          logger.info({ event: 'refused', reason: 'unauthenticated', transport: 'ws' }, 'request refused: unauthenticated');
          return false;
        }
        connections.set(ctx, {
          headers,
          requestId: requestIdFrom(headers),
          client: clientOf(req, config, keyValid),
          caller: callerOf(req, config),
        });
        return true;
      },
      onSubscribe: async (ctx, id, payload) => {
        const connection = connections.get(ctx)!;
        const open = Object.keys(ctx.subscriptions).length;
        if (open > config.live.maxPerConnection) {
          metrics?.refused.inc({ reason: 'max_per_connection' });
          return [
            new GraphQLError(
              `This connection has ${config.live.maxPerConnection} open operations, the limit (AUGUR_LIVE_MAX_PER_CONNECTION); complete one first or open another connection.`,
              { extensions: { code: ErrorCode.LIMIT_EXCEEDED, limit: 'maxSubscriptionsPerConnection', max: config.live.maxPerConnection } },
            ),
          ];
        }
        const socket = ctx.extra.socket;
        const result = await operations.run(payload, {
          headers: connection.headers,
          // The client names its operations: only the characters of a request id are kept.
          requestId: `${connection.requestId}:${id.replace(/[^A-Za-z0-9._:-]/g, '')}`.slice(0, 128),
          client: connection.client,
          caller: connection.caller,
          callerGone: () => socket.readyState !== socket.OPEN,
          transport: 'ws',
        });
        // A subscription refused before it started is the protocol's `error` message.
        if (!LiveOperations.isStream(result) && result.data === undefined && result.errors?.length) {
          return result.errors.map((e) => new GraphQLError(e.message, { extensions: e.extensions ?? {} }));
        }
        const contextValue = {};
        results.set(contextValue, result);
        return { schema: options.schema, document: PLACEHOLDER, contextValue };
      },
      execute: pass,
      subscribe: pass,
      onNext: (ctx) => {
        const socket = ctx.extra.socket;
        if (socket.bufferedAmount > config.live.maxBufferedBytes) {
          metrics?.refused.inc({ reason: 'slow_client' });
          logger.warn(
            { event: 'subscription_slow_client', transport: 'ws', buffered: socket.bufferedAmount },
            'subscriber stopped reading; disconnected',
          );
          socket.terminate();
        }
      },
    },
    wss,
  );

  return {
    upgrade(req, socket, head) {
      const path = (req.url ?? '/').split('?')[0];
      if ((path !== '/graphql' && path !== '/graphql/') || !corsAllows(req.headers.origin)) {
        const status = path === '/graphql' || path === '/graphql/' ? '403 Forbidden' : '404 Not Found';
        socket.end(`HTTP/1.1 ${status}\r\nconnection: close\r\ncontent-length: 0\r\n\r\n`);
        return;
      }
      wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
    },
    async close() {
      for (const ws of wss.clients) ws.close(1001, 'Augur is shutting down');
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      for (const ws of wss.clients) ws.terminate();
    },
  };
}
