/**
 * The shared undici layer every platform client goes through: one keep-alive pool per upstream, timeouts, safe
 * retries with a per-operation budget, client-side rate budgets, a circuit breaker, and the single place where an
 * upstream HTTP status becomes an Augur error.
 */
import { Pool, errors as undiciErrors } from 'undici';
import type { IncomingHttpHeaders } from 'undici/types/header.js';
import { AugurError, ErrorCode } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import { PLATFORM_LABEL, type HttpMethod, type PlatformName } from '../core/upstream.js';
import type { AttemptEnd, UpstreamAttempt, UpstreamAttemptStart } from '../core/observer.js';
import type { CircuitBreaker } from './breaker.js';
import type { RateBudget } from './rateBudget.js';
import { sleep } from './deadline.js';
import type { RequestBudget } from './requestBudget.js';

/** How one platform retries, per docs/upstreams.md §3 "Retries and timeouts". */
export interface RetryPolicy {
  /** Total attempts including the first. */
  maxAttempts: number;
  /** Whether a failed attempt may be repeated. `status` is undefined for network failures and timeouts. */
  retryable(method: HttpMethod, idempotent: boolean, status: number | undefined, networkCode?: string): boolean;
  /** Delay before attempt `attempt` (1 = first retry), in ms, before applying `Retry-After`. */
  backoffMs(attempt: number): number;
}

/** The error envelope fields Augur reads from an upstream error body. */
export interface ParsedUpstreamError {
  message?: string;
  param?: string;
  upstreamCode?: string;
}

export interface UpstreamHttpOptions {
  platform: PlatformName;
  /** Base URL including any path prefix, e.g. `http://127.0.0.1:4101/ext/v1`. */
  baseUrl: string;
  timeoutMs: number;
  connections: number;
  retry: RetryPolicy;
  parseError(body: unknown): ParsedUpstreamError;
  logger: Logger;
  /** Removes every configured or forwarded secret from text before it is logged or returned. */
  redact(text: string): string;
  breaker?: CircuitBreaker;
  /** Client-side request budget per key (Previsto's 120 requests per minute). */
  rateBudget?: RateBudget;
  /** Called once per upstream attempt, for metrics. */
  onAttempt?(event: UpstreamAttempt): void;
  /** Called before each attempt (tracing): may add headers, and returns what to call when the attempt ends. */
  onAttemptStart?(attempt: UpstreamAttemptStart, headers: Record<string, string>): AttemptEnd | undefined;
}

export interface UpstreamRequest {
  method: HttpMethod;
  /** Path below the base URL, with its query string. */
  path: string;
  /** Route template for logs and metrics, e.g. `GET /contacts/{id}`. */
  route: string;
  /** The `Authorization` header value (built by the platform client from the caller's credential). */
  authorization?: string;
  /** JSON-serialised unless already a string. */
  body?: unknown;
  contentType?: string | null;
  headers?: Record<string, string>;
  /** Whether repeating the request cannot duplicate an effect. */
  idempotent: boolean;
  budget: RequestBudget;
  /** Key for the client-side rate budget (a credential fingerprint, never the secret itself). */
  rateKey?: string;
  /** Who the call is made for (an opaque id, see server/callers.ts), so callers sharing a key share its budget fairly. */
  caller?: string;
}

export interface UpstreamResponse<T> {
  status: number;
  headers: IncomingHttpHeaders;
  data: T;
}

const NETWORK_UNAVAILABLE = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED']);

function headerValue(headers: IncomingHttpHeaders, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/** Parses `Retry-After` (seconds or an HTTP date) into whole seconds. */
export function parseRetryAfter(value: string | undefined, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const n = Number(value);
  if (Number.isFinite(n) && n >= 0) return Math.ceil(n);
  const t = Date.parse(value);
  return Number.isNaN(t) ? undefined : Math.max(0, Math.ceil((t - now) / 1000));
}

/** A keep-alive client for one upstream platform. */
export class UpstreamHttp {
  readonly platform: PlatformName;
  private readonly pool: Pool;
  private readonly basePath: string;
  private readonly label: string;

  constructor(private readonly options: UpstreamHttpOptions) {
    this.platform = options.platform;
    this.label = PLATFORM_LABEL[options.platform];
    const url = new URL(options.baseUrl);
    this.basePath = url.pathname.replace(/\/+$/, '');
    this.pool = new Pool(url.origin, {
      connections: options.connections,
      pipelining: 1,
      keepAliveTimeout: 30_000,
      headersTimeout: options.timeoutMs,
      bodyTimeout: options.timeoutMs,
    });
  }

  /** The pool right now: open connections, requests on them, requests waiting for one (diagnostics and tests). */
  get stats(): { connected: number; running: number; pending: number } {
    const { connected, running, pending } = this.pool.stats;
    return { connected, running, pending };
  }

  /** Closes the pool (pending requests are aborted). */
  async close(): Promise<void> {
    await this.pool.destroy();
  }

  /**
   * A reachability check outside retries, breaker and budgets: any HTTP answer counts as reachable. Answers the
   * status, the headers and the body text.
   */
  async probe(path: string, timeoutMs: number): Promise<{ status: number; headers: IncomingHttpHeaders; text: string }> {
    const res = await this.pool.request({
      method: 'GET',
      path: this.basePath + path,
      headers: { accept: 'application/json' },
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
    });
    return { status: res.statusCode, headers: res.headers, text: await res.body.text() };
  }

  /** Sends a request, retrying where the platform's policy and the operation's budget allow. */
  async request<T>(req: UpstreamRequest): Promise<UpstreamResponse<T>> {
    const { retry, breaker } = this.options;
    const { signal } = req.budget;
    let attempt = 0;
    for (;;) {
      // Past the operation's deadline nothing more is sent, a first attempt included.
      if (signal.aborted) throw this.deadlinePassed(req, false);
      if (breaker?.state === 'open') throw this.breakerOpen(breaker);
      // The rate budget comes before claiming a half-open breaker's single probe, so the probe is never stuck waiting.
      if (this.options.rateBudget && req.rateKey !== undefined) {
        try {
          await this.options.rateBudget.acquire(req.rateKey, req.caller, req.budget, this.platform);
        } catch (err) {
          // Its wait ends at the deadline; anything it answers once the deadline passed is about the deadline.
          throw signal.aborted ? this.deadlinePassed(req, false) : err;
        }
        if (signal.aborted) throw this.deadlinePassed(req, false);
      }
      const probe = breaker !== undefined && breaker.state === 'half-open';
      if (breaker && !breaker.allow()) throw this.breakerOpen(breaker);
      const outcome = await this.attempt<T>(req, attempt > 0);
      if (outcome.kind === 'ok') {
        breaker?.success();
        return outcome.response;
      }
      if (outcome.kind === 'aborted') {
        // Cut short by the operation, not failed by the upstream: the breaker counts nothing, and it is never retried.
        breaker?.abandon(probe);
        throw this.deadlinePassed(req, true);
      }
      const failure = outcome.error;
      const counts = failure.status === undefined || failure.status >= 500;
      if (counts) breaker?.failure();
      else breaker?.success();

      attempt++;
      const canRetry =
        attempt < retry.maxAttempts &&
        req.budget.retriesLeft > 0 &&
        retry.retryable(req.method, req.idempotent, failure.status, failure.networkCode);
      if (!canRetry) throw failure.error;
      const waitMs = Math.max(retry.backoffMs(attempt), (failure.retryAfter ?? 0) * 1000);
      if (waitMs > req.budget.remainingMs()) {
        if (failure.status === 429) {
          throw new AugurError(
            ErrorCode.RATE_LIMITED,
            `${this.label} is rate limiting these requests and asked to wait ${failure.retryAfter ?? Math.ceil(waitMs / 1000)} s, longer than this request may wait. Retry after that.`,
            { platform: this.platform, upstreamStatus: 429, retryAfter: failure.retryAfter ?? Math.ceil(waitMs / 1000) },
          );
        }
        throw failure.error;
      }
      req.budget.retriesLeft--;
      req.budget.retries++;
      try {
        await sleep(waitMs, signal);
      } catch {
        throw this.deadlinePassed(req, false);
      }
    }
  }

  /** The error of a call the operation's deadline stopped: `sent` when it was already on its way to the upstream. */
  private deadlinePassed(req: UpstreamRequest, sent: boolean): AugurError {
    const ms = req.budget.operationDeadline.timeoutMs;
    const what = sent
      ? `while waiting for ${this.label}; the call was cancelled${req.idempotent ? '' : ' and may still have been applied, so check before repeating it'}`
      : `before ${this.label} was called; the call was not sent`;
    return new AugurError(
      ErrorCode.OPERATION_TIMEOUT,
      `The operation ran past its ${ms} ms limit (AUGUR_OPERATION_TIMEOUT_MS) ${what}. Fields resolved before the limit keep their data; ask for fewer fields or retry later.`,
      { limit: 'operationTimeoutMs', max: ms, platform: this.platform },
    );
  }

  private breakerOpen(breaker: CircuitBreaker): AugurError {
    return new AugurError(
      ErrorCode.UPSTREAM_UNAVAILABLE,
      `${this.label} is failing; Augur stopped calling it for a few seconds to let it recover. Retry shortly.`,
      { platform: this.platform, retryAfter: Math.max(1, Math.ceil(breaker.msUntilProbe() / 1000)) },
    );
  }

  private async attempt<T>(
    req: UpstreamRequest,
    isRetry: boolean,
  ): Promise<
    | { kind: 'ok'; response: UpstreamResponse<T> }
    | { kind: 'aborted' }
    | { kind: 'fail'; error: { error: AugurError; status: number | undefined; networkCode?: string; retryAfter?: number } }
  > {
    const headers: Record<string, string> = { accept: 'application/json', ...req.headers };
    if (req.authorization) headers['authorization'] = req.authorization;
    if (req.budget.requestId) headers['x-request-id'] = req.budget.requestId;
    let body: string | undefined;
    if (req.body !== undefined) {
      body = typeof req.body === 'string' ? req.body : JSON.stringify(req.body);
      if (req.contentType !== null) headers['content-type'] = req.contentType ?? 'application/json';
    }
    const ending = this.options.onAttemptStart?.({ platform: this.platform, route: req.route, method: req.method, retry: isRetry }, headers);
    const started = performance.now();
    req.budget.calls++;
    let status: number | 'error' = 'error';
    try {
      const res = await this.pool.request({
        method: req.method,
        path: this.basePath + req.path,
        headers,
        body,
        headersTimeout: this.options.timeoutMs,
        bodyTimeout: this.options.timeoutMs,
        signal: req.budget.signal,
      });
      status = res.statusCode;
      const text = await res.body.text();
      if (status >= 200 && status < 300) {
        let data: unknown;
        if (text.length === 0) data = undefined;
        else {
          try {
            data = JSON.parse(text);
          } catch {
            this.logFailure(req, status, text, 'malformed JSON');
            return {
              kind: 'fail',
              error: {
                status: undefined,
                networkCode: 'MALFORMED',
                error: new AugurError(ErrorCode.UPSTREAM_ERROR, `${this.label} answered with a malformed response body.`, {
                  platform: this.platform,
                  upstreamStatus: status,
                }),
              },
            };
          }
        }
        return { kind: 'ok', response: { status, headers: res.headers, data: data as T } };
      }
      this.logFailure(req, status, text);
      let parsed: unknown;
      try {
        parsed = text ? JSON.parse(text) : undefined;
      } catch {
        parsed = undefined;
      }
      const retryAfter = parseRetryAfter(headerValue(res.headers, 'retry-after'));
      return { kind: 'fail', error: { status, retryAfter, error: this.errorFromResponse(status, parsed, retryAfter) } };
    } catch (err) {
      if (req.budget.signal.aborted) {
        this.logFailure(req, 'error', 'aborted', 'the operation deadline passed');
        return { kind: 'aborted' };
      }
      const code = (err as { code?: string }).code ?? '';
      this.logFailure(req, 'error', code || String(err));
      const timeout = err instanceof undiciErrors.HeadersTimeoutError || err instanceof undiciErrors.BodyTimeoutError;
      const error = timeout
        ? new AugurError(ErrorCode.UPSTREAM_TIMEOUT, `${this.label} did not answer within ${this.options.timeoutMs} ms.`, {
            platform: this.platform,
          })
        : new AugurError(
            ErrorCode.UPSTREAM_UNAVAILABLE,
            `${this.label} could not be reached (${NETWORK_UNAVAILABLE.has(code) ? code : 'connection failed'}).`,
            { platform: this.platform },
          );
      return { kind: 'fail', error: { status: undefined, networkCode: timeout ? 'TIMEOUT' : code, error } };
    } finally {
      const event: UpstreamAttempt = {
        platform: this.platform,
        route: req.route,
        method: req.method,
        status,
        durationMs: performance.now() - started,
        retry: isRetry,
      };
      this.options.onAttempt?.(event);
      ending?.(event);
    }
  }

  /** The one place where an upstream HTTP status becomes an Augur error code. */
  errorFromResponse(status: number, body: unknown, retryAfter?: number): AugurError {
    const parsed = body === undefined ? {} : this.options.parseError(body);
    const upstreamMessage = parsed.message ? this.options.redact(parsed.message).slice(0, 300).replace(/[.\s]+$/, '') : undefined;
    const details = { platform: this.platform, upstreamStatus: status, param: parsed.param, retryAfter };
    const label = this.label;
    switch (true) {
      case status === 400 || status === 422:
        return new AugurError(
          ErrorCode.BAD_USER_INPUT,
          `${label} rejected the request${parsed.param ? ` (parameter "${parsed.param}")` : ''}: ${upstreamMessage ?? 'bad request'}.`,
          details,
        );
      case status === 401:
        return new AugurError(
          ErrorCode.UNAUTHENTICATED,
          `${label} did not accept the credential in use. Check the configured key or the one sent in the request header.`,
          details,
        );
      case status === 403:
        return new AugurError(ErrorCode.FORBIDDEN, `${label} denied access with this credential${upstreamMessage ? `: ${upstreamMessage}` : ''}.`, details);
      case status === 404:
        return new AugurError(ErrorCode.NOT_FOUND, `${label} has no such resource${upstreamMessage ? `: ${upstreamMessage}` : ''}.`, details);
      case status === 409 || status === 402:
        return new AugurError(ErrorCode.UPSTREAM_ERROR, `${label} refused the request (HTTP ${status})${upstreamMessage ? `: ${upstreamMessage}` : ''}.`, {
          ...details,
          upstreamCode: parsed.upstreamCode,
        });
      case status === 429:
        return new AugurError(
          ErrorCode.RATE_LIMITED,
          `${label} is rate limiting these requests${retryAfter !== undefined ? `; retry after ${retryAfter} s` : ''}.`,
          details,
        );
      case status === 502 || status === 503 || status === 504:
        return new AugurError(ErrorCode.UPSTREAM_UNAVAILABLE, `${label} is unavailable (HTTP ${status}).`, details);
      default:
        return new AugurError(ErrorCode.UPSTREAM_ERROR, `${label} failed with HTTP ${status}.`, details);
    }
  }

  private logFailure(req: UpstreamRequest, status: number | 'error', body: string, note?: string): void {
    this.options.logger.warn(
      {
        event: 'upstream_failure',
        platform: this.platform,
        route: req.route,
        status,
        requestId: req.budget.requestId || undefined,
        note,
        body: this.options.redact(body.slice(0, 2000)),
      },
      'upstream request failed',
    );
  }
}
