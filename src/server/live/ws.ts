/**
 * GraphQL over WebSocket (graphql-ws, subprotocol `graphql-transport-ws`) on `/graphql`. The upgrade is refused with
 * 403 for an Origin that CORS does not allow (browsers send WebSocket upgrades cross-origin without preflight). The
 * caller is authenticated as on `/graphql` (authenticate.ts: signed tokens, gateway keys, tenants), from the upgrade
 * request's headers overlaid with `connectionParams` (same names as the headers, any case; `connectionParams` win).
 * A refused connection is closed with 4401 (or 4403 for a token of a tenant Augur does not serve) and a reason naming
 * why, never the credential; a connection whose token expires is closed then (4401 "token expired"), which ends its
 * subscriptions and their pollers. Messages are capped at the body limit, subscriptions per connection at
 * `maxPerConnection`, and a client that stops reading is disconnected once `maxBufferedBytes` wait unsent.
 */
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { GraphQLError, parse, type ExecutionArgs, type FormattedExecutionResult, type GraphQLSchema } from 'graphql';
import { CloseCode } from 'graphql-ws';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocket, WebSocketServer } from 'ws';
import { ErrorCode } from '../../core/errors.js';
import type { Logger } from '../../core/logger.js';
import type { Principal } from '../access.js';
import type { Authentication, Authenticator } from '../authenticate.js';
import { callerOf, clientOf } from '../callers.js';
import type { Config } from '../config.js';
import { requestIdFrom } from '../context.js';
import { LiveOperations, type LiveResult } from './operations.js';
import type { LiveMetrics } from './metrics.js';
import type { RefusalGate } from '../throttle.js';

export interface WsOptions {
  config: Config;
  schema: GraphQLSchema;
  operations: LiveOperations;
  /** The same authenticator as `/graphql`'s. */
  authenticator: Authenticator;
  logger: Logger;
  metrics?: LiveMetrics;
  /** `/graphql`'s refusal throttle: refused connections spend the client's allowance, and a slowed client waits. */
  refusals?: RefusalGate;
}

export interface WsServer {
  /** The `upgrade` listener of the HTTP server. */
  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void;
  /** Closes every connection (1001, going away) and stops accepting new ones. */
  close(): Promise<void>;
}

/** What one connection presents (headers overlaid with `connectionParams`) and who it was authenticated as. */
interface Connection {
  headers: IncomingHttpHeaders;
  requestId: string;
  client: string;
  caller: string;
  principal: Principal;
  /** When its token stops being accepted (epoch ms), if it sent one. */
  expiresAt: number | undefined;
  /** Closes the connection at `expiresAt`. */
  expiry: NodeJS.Timeout | undefined;
}

type Refusal = Extract<Authentication, { refusal: unknown }>['refusal'];

/**
 * The close frame for a refused connection. The reason names why in a few words (a close reason is at most 123 bytes)
 * and never which key was tried; `/graphql` answers the same refusals with 401 and `extensions.reason`.
 */
const CLOSES: Record<Refusal['reason'], { code: number; reason: string }> = {
  malformed: { code: CloseCode.Unauthorized, reason: 'malformed token' },
  algorithm_not_allowed: { code: CloseCode.Unauthorized, reason: 'algorithm not allowed' },
  unknown_key: { code: CloseCode.Unauthorized, reason: 'unknown signing key' },
  bad_signature: { code: CloseCode.Unauthorized, reason: 'bad signature' },
  expired: { code: CloseCode.Unauthorized, reason: 'token expired' },
  not_yet_valid: { code: CloseCode.Unauthorized, reason: 'token not yet valid' },
  wrong_issuer: { code: CloseCode.Unauthorized, reason: 'wrong issuer' },
  wrong_audience: { code: CloseCode.Unauthorized, reason: 'wrong audience' },
  invalid_claims: { code: CloseCode.Unauthorized, reason: 'invalid claims' },
  key_required: { code: CloseCode.Unauthorized, reason: 'key required' },
  // A genuine token of a tenant this gateway does not serve (yet: the tenants file is reloaded): graphql-ws clients
  // retry a 4403, not a 4401.
  tenant_missing: { code: CloseCode.Forbidden, reason: 'tenant missing' },
  tenant_unknown: { code: CloseCode.Forbidden, reason: 'tenant unknown' },
  // The identity provider's keys cannot be read: Augur's problem, worth a retry (RFC 6455 "try again later").
  keys_unavailable: { code: 1013, reason: 'keys unavailable; retry shortly' },
};

/** A client slowed by the refusal throttle while too many others' connections already wait: like HTTP's 429. */
const THROTTLED = { code: 4429, reason: 'too many refused requests; retry later' };

/** setTimeout's longest delay (about 24.8 days); a later expiry re-arms the timer. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** Headers a client must not set through `connectionParams`: who it is on the network comes from the upgrade only. */
const NETWORK_HEADERS = new Set(['x-forwarded-for', 'forwarded', 'host', 'origin', 'connection', 'upgrade']);

/** A placeholder document: graphql-ws reads the operation type from it, `execute`/`subscribe` return what `run` gave. */
const PLACEHOLDER = parse('{ __typename }');

/** graphql-ws serialises each error with its `toJSON`, as GraphQLErrors have it: formatted errors get one. */
function serialisable(result: FormattedExecutionResult): FormattedExecutionResult {
  if (!result.errors) return result;
  return { ...result, errors: result.errors.map((e) => ({ ...e, toJSON: () => e })) };
}

/**
 * A server socket whose `send` calls back at once rather than when the frame reached the kernel. graphql-ws awaits
 * each send before it pulls the next event, so with the stock socket a client that stops reading would leave its
 * subscription stalled (its poller running) with nothing ever counted against `maxBufferedBytes`. Eagerly, the unsent
 * frames accumulate in `bufferedAmount`, which `onNext` checks before each event, as the SSE transport does.
 */
class EagerWebSocket extends WebSocket {
  override send(data: unknown, options?: unknown, callback?: unknown): void {
    const done = (typeof options === 'function' ? options : callback) as ((error?: Error) => void) | undefined;
    const opts = typeof options === 'object' && options !== null ? options : {};
    // A failed write closes the socket; graphql-ws learns of it from the close event.
    super.send(data as string, opts, () => undefined);
    if (done) queueMicrotask(() => done());
  }
}

export function createWsServer(options: WsOptions): WsServer {
  const { config, operations, authenticator, logger, metrics, refusals } = options;
  const wss = new WebSocketServer({ noServer: true, maxPayload: config.limits.maxBodyBytes, WebSocket: EagerWebSocket });
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

  /** Closes `socket` once its token has expired (graphql-ws then returns every subscription: their pollers stop). */
  const expire = (socket: WebSocket, connection: Connection): void => {
    const left = connection.expiresAt! - Date.now();
    if (left > 0) {
      connection.expiry = setTimeout(() => expire(socket, connection), Math.min(left, MAX_TIMER_MS));
      connection.expiry.unref();
      return;
    }
    connection.expiry = undefined;
    if (socket.readyState !== socket.OPEN) return;
    logger.info(
      { event: 'ws_closed', reason: 'token_expired', requestId: connection.requestId, transport: 'ws' },
      'WebSocket connection closed: its token expired',
    );
    socket.close(CloseCode.Unauthorized, CLOSES.expired.reason);
  };

  useServer<Record<string, unknown>, { socket: WebSocket; request: IncomingMessage }>(
    {
      // graphql-ws would read NODE_ENV itself; Augur never sends internal error details anyway.
      isProd: true,
      connectionInitWaitTimeout: 10_000,
      onConnect: async (ctx) => {
        const req = ctx.extra.request;
        const socket = ctx.extra.socket;
        const headers: IncomingHttpHeaders = { ...req.headers };
        for (const [name, value] of Object.entries(ctx.connectionParams ?? {})) {
          const header = name.toLowerCase();
          if (typeof value === 'string' && !NETWORK_HEADERS.has(header)) headers[header] = value;
        }
        const requestId = requestIdFrom(headers);
        const authentication = await authenticator.authenticate(headers);
        // Who the caller is on the network comes from the upgrade request; its credentials from the overlay.
        const network = { headers: { ...headers, 'x-forwarded-for': req.headers['x-forwarded-for'] }, socket: req.socket };
        const client = clientOf(network, config, 'principal' in authentication && authentication.principal.kind === 'key');
        // A client whose requests keep being refused is slowed here as on /graphql, before anything else is done.
        const verdict = refusals?.verdict(client) ?? 'go';
        if (verdict === 'refuse') {
          logger.info(
            { event: 'refused', requestId, reason: 'throttled', code: THROTTLED.code, transport: 'ws' },
            'request refused: throttled',
          );
          socket.close(THROTTLED.code, THROTTLED.reason);
          return false;
        }
        if (verdict === 'wait') await refusals!.hold();
        if (!('principal' in authentication)) {
          const { code, reason } = CLOSES[authentication.refusal.reason];
          // The reason, never the credential: a token's text or a key is not logged.
          logger.info(
            { event: 'refused', requestId, reason: 'unauthenticated', detail: authentication.refusal.reason, code, transport: 'ws' },
            'request refused: unauthenticated',
          );
          refusals?.refused(client);
          // graphql-ws would close with 4403 "Forbidden" on `false`; the socket is already closing with the real reason.
          if (socket.readyState === socket.OPEN) socket.close(code, reason);
          return false;
        }
        // Gone while its token was checked: nothing to keep (onClose has run already).
        if (socket.readyState !== socket.OPEN) return false;
        const { principal, expiresAt } = authentication;
        const connection: Connection = {
          headers,
          requestId,
          client,
          caller: callerOf(network, config, principal),
          principal,
          expiresAt,
          expiry: undefined,
        };
        connections.set(ctx, connection);
        if (expiresAt !== undefined) expire(socket, connection);
        return true;
      },
      onClose: (ctx) => {
        const connection = connections.get(ctx);
        if (connection?.expiry) clearTimeout(connection.expiry);
      },
      onSubscribe: async (ctx, id, payload) => {
        const connection = connections.get(ctx)!;
        const socket = ctx.extra.socket;
        // A timer may fire late; a subscription never starts on an expired token.
        if (connection.expiresAt !== undefined && Date.now() >= connection.expiresAt) {
          expire(socket, connection);
          return [
            new GraphQLError('The token has expired; get a new one.', {
              extensions: { code: ErrorCode.UNAUTHENTICATED, reason: 'expired' },
            }),
          ];
        }
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
        const result = await operations.run(payload, {
          headers: connection.headers,
          // The client names its operations: only the characters of a request id are kept.
          requestId: `${connection.requestId}:${id.replace(/[^A-Za-z0-9._:-]/g, '')}`.slice(0, 128),
          client: connection.client,
          caller: connection.caller,
          callerGone: () => socket.readyState !== socket.OPEN,
          transport: 'ws',
          principal: connection.principal,
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
