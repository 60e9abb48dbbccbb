/**
 * The emulator framework: a small HTTP server with a route table, request counters, fault injection and the
 * `/_emulator/*` control plane shared by every platform emulator. Platforms supply routes and their error envelope;
 * the framework supplies everything that must behave the same across platforms.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { FaultSet, type ActiveFault, type FaultSpec } from './faults.js';
import { BodyError, parseBody } from './body.js';
import { controlPlaneOpenApi, controlRouteKeys, handleControl } from './control.js';
import type { OpenApiDocument } from './openapi.js';

/** A request as a route handler sees it. */
export interface EmulatorRequest {
  readonly method: string;
  /** The normalised path, without the query string. */
  readonly path: string;
  /** The route template that matched, e.g. `/contacts/{id}`. */
  readonly template: string;
  /** `METHOD template`, the key used by `/_emulator/requests`. */
  readonly routeKey: string;
  readonly params: Record<string, string>;
  readonly query: URLSearchParams;
  readonly headers: http.IncomingHttpHeaders;
  readonly rawBody: Buffer;
  /** JSON (whatever the Content-Type) or, for `application/x-www-form-urlencoded`, the form with `a[b]=c` nesting. */
  body(): unknown;
}

/** What a handler answers. `body` is JSON-serialised unless it is a string or a Buffer; `undefined` sends no body. */
export interface EmulatorReply {
  status: number;
  headers?: Record<string, string | number | readonly string[]>;
  body?: unknown;
}

/**
 * A route handler. Returning `undefined` means the handler wrote to `res` itself (server-sent events, for
 * instance); otherwise the framework sends the reply.
 */
export type Handler = (req: EmulatorRequest, res: http.ServerResponse) => EmulatorReply | undefined | Promise<EmulatorReply | undefined>;

export interface RouteDef {
  method: string;
  /** Template with `{name}` segments, e.g. `/public/api/v1/{service}/{endpoint}/predict`. */
  path: string;
  handler: Handler;
  /** Skip the platform's `before` hook (auth, rate limits) for this route. */
  public?: boolean;
  /** Largest body this route accepts, in bytes, instead of the emulator's `maxBodyBytes` (upload routes). */
  maxBodyBytes?: number;
}

/** Thrown by handlers (or hooks) to answer with the platform's error envelope. */
export class EmulatorError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly extra: Record<string, unknown> = {},
    readonly headers: Record<string, string | number> = {},
  ) {
    super(message);
    this.name = 'EmulatorError';
  }
}

export interface EmulatorOptions {
  /** Platform name, used in logs and the control plane. */
  name: string;
  routes: RouteDef[];
  /** Builds the platform's error envelope for a status and message (404 for unknown routes, 400 for bad bodies...). */
  errorReply(status: number, message: string, extra: Record<string, unknown>): EmulatorReply;
  /** Runs before every non-public route: authentication, rate limits. Return a reply to short-circuit. */
  before?(req: EmulatorRequest): EmulatorReply | undefined;
  /** Adds headers every vendor response carries (e.g. `DSS-API-Version`). */
  decorate?(req: EmulatorRequest | undefined, reply: EmulatorReply): void;
  /** Puts platform data and rate-limit windows back to the seed (`POST /_emulator/reset`). */
  reset?(): void;
  /** Collapse `//` in paths (the Dataiku client produces them from a trailing slash on its base URL). */
  collapseSlashes?: boolean;
  /** Largest accepted request body, in bytes. */
  maxBodyBytes?: number;
  /**
   * The platform's OpenAPI 3.1 document, listing every route of `routes` (the framework adds its control plane).
   * Built on first use, for `GET /_emulator/openapi.json`.
   */
  openapi?(): OpenApiDocument;
}

interface CompiledRoute {
  def: RouteDef;
  key: string;
  segments: Array<{ literal: string } | { param: string }>;
}

/** One entry of the bounded request log kept for tests (`GET /_emulator/requests?log=1`). */
export interface LoggedRequest {
  at: number;
  method: string;
  route: string;
  path: string;
  query: string;
  status: number;
  /** The W3C trace context the caller sent, when it sent one. */
  traceparent?: string;
  /** Set when the caller closed the connection before the answer was sent (it gave up on a slow or hung request). */
  callerClosed?: true;
}

const LOG_LIMIT = 5000;
/** Largest request body an emulator accepts unless configured otherwise. */
const DEFAULT_MAX_BODY_BYTES = 50 * 1024 * 1024;

function trimSlash(p: string): string {
  return p.length > 1 && p.endsWith('/') ? p.slice(0, -1) : p;
}

function compile(def: RouteDef): CompiledRoute {
  const segments = trimSlash(def.path)
    .split('/')
    .slice(1)
    .map((s) => (s.startsWith('{') && s.endsWith('}') ? { param: s.slice(1, -1) } : { literal: s }));
  return { def, key: `${def.method} ${def.path}`, segments };
}

function isLoopback(addr: string | undefined): boolean {
  return addr === '127.0.0.1' || addr === '::1' || addr === '::ffff:127.0.0.1';
}

/** A running (or runnable) emulator. */
export class Emulator {
  readonly name: string;
  private readonly routes: CompiledRoute[];
  private readonly faults = new FaultSet();
  private server: http.Server | undefined;
  private readonly sockets = new Set<import('node:net').Socket>();
  private byRoute: Record<string, number> = {};
  private total = 0;
  private log: LoggedRequest[] = [];
  private baseUrl = '';
  private document: OpenApiDocument | undefined;

  constructor(private readonly options: EmulatorOptions) {
    this.name = options.name;
    this.routes = options.routes.map(compile);
  }

  /** The base URL once listening, e.g. `http://127.0.0.1:4102`. */
  get url(): string {
    if (!this.baseUrl) throw new Error(`${this.name} emulator is not listening yet: call listen() first`);
    return this.baseUrl;
  }

  /** Every route key (`METHOD /template`), in declaration order. */
  routeKeys(): string[] {
    return this.routes.map((r) => r.key);
  }

  /** Every route with whether it skips the platform's `before` hook (authentication), in declaration order. */
  routeTable(): Array<{ key: string; method: string; path: string; public: boolean }> {
    return this.routes.map((r) => ({ key: r.key, method: r.def.method, path: r.def.path, public: r.def.public === true }));
  }

  /** The control plane's routes (`METHOD /_emulator/...`), which every emulator serves besides its own. */
  controlRouteKeys(): string[] {
    return controlRouteKeys();
  }

  /**
   * The OpenAPI 3.1 document served at `GET /_emulator/openapi.json`: the platform's, with the control plane added;
   * undefined when the platform has none.
   */
  openapi(): OpenApiDocument | undefined {
    if (this.document || !this.options.openapi) return this.document;
    const doc = this.options.openapi();
    const control = controlPlaneOpenApi();
    this.document = { ...doc, tags: [...(doc.tags ?? []), control.tag], paths: { ...doc.paths, ...control.paths } };
    return this.document;
  }

  /** The request log as served by `GET /_emulator/requests?log=1` (the last 5,000 requests). */
  requestLog(): readonly LoggedRequest[] {
    return this.log;
  }

  /** The installed faults with their counters, as served by `GET /_emulator/faults`. */
  faultList(): ActiveFault[] {
    return this.faults.list();
  }

  /** Request counts as served by `GET /_emulator/requests`. */
  requests(): { total: number; byRoute: Record<string, number> } {
    return { total: this.total, byRoute: { ...this.byRoute } };
  }

  /** Clears counters, the request log and faults, and restores seed data. */
  reset(): void {
    this.byRoute = {};
    this.total = 0;
    this.log = [];
    this.faults.clear();
    this.options.reset?.();
  }

  /** Installs faults programmatically (same semantics as `POST /_emulator/faults`). */
  setFaults(spec: FaultSpec | FaultSpec[]): void {
    this.faults.set(spec, new Set(this.routeKeys()));
  }

  clearFaults(): void {
    this.faults.clear();
  }

  async listen(port = 0, host = '127.0.0.1'): Promise<string> {
    const server = http.createServer((req, res) => {
      this.dispatch(req, res).catch((err: unknown) => {
        if (!res.headersSent) {
          this.send(res, undefined, this.options.errorReply(500, `Internal emulator error: ${String(err)}`, {}));
        } else {
          res.destroy();
        }
      });
    });
    server.keepAliveTimeout = 65_000;
    server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => resolve());
    });
    const addr = server.address() as AddressInfo;
    this.baseUrl = `http://${host.includes(':') ? `[${host}]` : host}:${addr.port}`;
    return this.baseUrl;
  }

  /** Stops listening and destroys open connections (hung requests and event streams included). */
  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private match(method: string, path: string): { route: CompiledRoute; params: Record<string, string> } | 'method' | undefined {
    const parts = trimSlash(path).split('/').slice(1);
    let methodMismatch = false;
    for (const route of this.routes) {
      if (route.segments.length !== parts.length) continue;
      const params: Record<string, string> = {};
      let ok = true;
      for (let i = 0; i < parts.length; i++) {
        const seg = route.segments[i]!;
        const part = parts[i]!;
        if ('literal' in seg) {
          if (seg.literal !== part) {
            ok = false;
            break;
          }
        } else {
          if (part === '') {
            ok = false;
            break;
          }
          try {
            params[seg.param] = decodeURIComponent(part);
          } catch {
            ok = false;
            break;
          }
        }
      }
      if (!ok) continue;
      if (route.def.method !== method) {
        methodMismatch = true;
        continue;
      }
      return { route, params };
    }
    return methodMismatch ? 'method' : undefined;
  }

  private async dispatch(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const rawUrl = req.url ?? '/';
    const q = rawUrl.indexOf('?');
    let path = q === -1 ? rawUrl : rawUrl.slice(0, q);
    const queryString = q === -1 ? '' : rawUrl.slice(q + 1);
    if (this.options.collapseSlashes) path = path.replace(/\/{2,}/g, '/');
    const method = (req.method ?? 'GET').toUpperCase();

    if (path.startsWith('/_emulator/')) {
      await this.control(req, res, method, path);
      return;
    }

    const matched = this.match(method, path);
    const limit =
      (typeof matched === 'object' ? matched.route.def.maxBodyBytes : undefined) ?? this.options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
    const rawBody = await readBody(req, limit).catch((e: unknown) => e as Error);
    if (matched === undefined || matched === 'method') {
      this.count(`${method} (unmatched)`, method, path, queryString, matched === 'method' ? 405 : 404);
      const reply =
        matched === 'method'
          ? this.options.errorReply(405, `Method ${method} is not allowed on ${path}`, {})
          : this.options.errorReply(404, `No such route: ${method} ${path}`, {});
      this.send(res, undefined, reply);
      return;
    }

    const { route, params } = matched;
    const logEntry = this.count(route.key, method, path, queryString, 0);
    res.once('close', () => {
      if (!res.writableFinished) logEntry.callerClosed = true;
    });
    const traceparent = req.headers['traceparent'];
    if (typeof traceparent === 'string') logEntry.traceparent = traceparent;
    let parsed: { value: unknown } | undefined;
    const body = rawBody instanceof Error ? Buffer.alloc(0) : rawBody;
    const emReq: EmulatorRequest = {
      method,
      path,
      template: route.def.path,
      routeKey: route.key,
      params,
      query: new URLSearchParams(queryString),
      headers: req.headers,
      rawBody: body,
      body() {
        if (!parsed) parsed = { value: parseBody(body, req.headers['content-type']) };
        return parsed.value;
      },
    };

    const fault = this.faults.pick(route.key);
    if (fault) {
      if (fault.latencyMs > 0) await delay(fault.latencyMs);
      if (fault.hang) {
        logEntry.status = -1;
        return; // never answer; the socket stays open until the client or close() gives up
      }
      if (fault.reset) {
        logEntry.status = -2;
        req.socket.resetAndDestroy();
        return;
      }
      if (fault.malformed) {
        // Sent like any reply (the platform's usual headers included), only the body is cut short.
        logEntry.status = 200;
        this.send(res, emReq, { status: 200, headers: { 'content-type': 'application/json' }, body: '{"truncated": [1, 2,' });
        return;
      }
      if (fault.status) {
        const headers: Record<string, string | number> = {};
        if (fault.retryAfter !== undefined) headers['retry-after'] = fault.retryAfter;
        const reply = this.options.errorReply(fault.status, `Injected fault: HTTP ${fault.status}`, {});
        reply.headers = { ...reply.headers, ...headers };
        logEntry.status = reply.status;
        this.send(res, emReq, reply);
        return;
      }
    }

    let reply: EmulatorReply | undefined;
    try {
      if (rawBody instanceof Error) throw rawBody;
      if (!route.def.public && this.options.before) reply = this.options.before(emReq);
      if (!reply) {
        reply = await route.def.handler(emReq, res);
        if (reply === undefined) {
          logEntry.status = res.statusCode;
          return;
        }
      }
    } catch (err) {
      reply = this.errorFrom(err);
    }
    logEntry.status = reply.status;
    this.send(res, emReq, reply);
  }

  private errorFrom(err: unknown): EmulatorReply {
    if (err instanceof EmulatorError) {
      const reply = this.options.errorReply(err.status, err.message, err.extra);
      reply.headers = { ...reply.headers, ...err.headers };
      return reply;
    }
    if (err instanceof BodyError) return this.options.errorReply(err.status, err.message, {});
    return this.options.errorReply(500, `Internal emulator error: ${err instanceof Error ? err.message : String(err)}`, {});
  }

  private count(key: string, method: string, path: string, query: string, status: number): LoggedRequest {
    this.total++;
    this.byRoute[key] = (this.byRoute[key] ?? 0) + 1;
    const entry: LoggedRequest = { at: Date.now(), method, route: key, path, query, status };
    if (this.log.length >= LOG_LIMIT) this.log.shift();
    this.log.push(entry);
    return entry;
  }

  private send(res: http.ServerResponse, req: EmulatorRequest | undefined, reply: EmulatorReply): void {
    this.options.decorate?.(req, reply);
    const headers: Record<string, string | number | readonly string[]> = { ...reply.headers };
    let payload: string | Buffer | undefined;
    if (reply.body === undefined || reply.body === null) {
      payload = undefined;
    } else if (typeof reply.body === 'string' || Buffer.isBuffer(reply.body)) {
      payload = reply.body;
    } else {
      payload = JSON.stringify(reply.body);
      if (!hasHeader(headers, 'content-type')) headers['content-type'] = 'application/json; charset=utf-8';
    }
    if (payload !== undefined) headers['content-length'] = Buffer.byteLength(payload);
    else headers['content-length'] = 0;
    res.writeHead(reply.status, headers as http.OutgoingHttpHeaders);
    res.end(payload);
  }

  private async control(req: http.IncomingMessage, res: http.ServerResponse, method: string, path: string): Promise<void> {
    const json = (status: number, body: unknown): void => {
      const payload = JSON.stringify(body);
      res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(payload) });
      res.end(payload);
    };
    if (!isLoopback(req.socket.remoteAddress)) return json(403, { error: 'The emulator control plane answers loopback callers only.' });
    const body = await readBody(req, 1024 * 1024).catch(() => Buffer.alloc(0));
    const url = new URL(req.url ?? '/', 'http://emulator');
    const reply = handleControl(this, `${method} ${trimSlash(path)}`, url, body);
    json(reply.status, reply.body);
  }
}

function hasHeader(headers: Record<string, unknown>, name: string): boolean {
  return Object.keys(headers).some((k) => k.toLowerCase() === name);
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function readBody(req: http.IncomingMessage, limit: number): Promise<Buffer> {
  if (req.method === 'GET' || req.method === 'HEAD') {
    // Drain anything sent anyway, without buffering it.
    if (req.readableEnded) return Promise.resolve(Buffer.alloc(0));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        reject(new BodyError(413, `Request body exceeds ${limit} bytes`));
        req.resume();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}
