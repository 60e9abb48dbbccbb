/**
 * The shared undici layer every platform client goes through: one keep-alive pool per upstream, timeouts, the
 * operation's retry and wait budgets and its deadline, client-side rate budgets and the circuit breaker. What differs
 * by platform (which failures are retried, the backoff, `Retry-After`, what an HTTP error answer becomes) is the
 * platform's policy (`<platform>/policy.ts`), passed in.
 */
import { Readable } from 'node:stream';
import { Pool, errors as undiciErrors } from 'undici';
import type { IncomingHttpHeaders } from 'undici/types/header.js';
import { AugurError, ErrorCode } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import { PLATFORM_LABEL, type HttpMethod, type PlatformName } from '../core/upstream.js';
import type { AttemptEnd, UpstreamAttempt, UpstreamAttemptStart } from '../core/observer.js';
import type { CircuitBreaker } from './breaker.js';
import type { FailedAttempt, UpstreamPolicy } from './policy.js';
import type { RateBudget } from './rateBudget.js';
import { sleep } from './deadline.js';
import type { RequestBudget } from './requestBudget.js';

export interface UpstreamHttpOptions {
  /** The platform's retry and error rules; its `platform` names the upstream in errors, logs and metrics. */
  policy: UpstreamPolicy;
  /** Base URL including any path prefix, e.g. `http://127.0.0.1:4101/ext/v1`. */
  baseUrl: string;
  timeoutMs: number;
  connections: number;
  logger: Logger;
  /** Removes every configured or forwarded secret from text before it is logged or returned. */
  redact: (text: string) => string;
  breaker?: CircuitBreaker;
  /** Client-side request budget per key (Previsto's 120 requests per minute). */
  rateBudget?: RateBudget;
  /** Called once per upstream attempt, for metrics. */
  onAttempt?(event: UpstreamAttempt): void;
  /** Called before each attempt (tracing): may add headers, and returns what to call when the attempt ends. */
  onAttemptStart?(attempt: UpstreamAttemptStart, headers: Record<string, string>): AttemptEnd | undefined;
  /**
   * Identical idempotent GETs in flight at the same moment share one call (default true). Identical means the same
   * path, the same credential (`Authorization`) and the same extra headers, so no answer ever crosses credentials.
   */
  shareReads?: boolean;
  /** Called when a read joined an identical one in flight instead of being sent. */
  onShared?(platform: PlatformName, route: string): void;
}

export interface UpstreamRequest {
  method: HttpMethod;
  /** Path below the base URL, with its query string. */
  path: string;
  /** Route template for logs and metrics, e.g. `GET /contacts/{id}`. */
  route: string;
  /** The `Authorization` header value (built by the platform client from the caller's credential). */
  authorization?: string;
  /** JSON-serialised unless already a string, bytes, or a stream (an upload: sent as it is read, and never sent twice). */
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

/** Thrown by `abortable` when the waiting operation's own deadline passed. */
class AbortedWait extends Error {}

/** `promise`, or a rejection as soon as `signal` aborts (the promise itself keeps running for its other waiters). */
function abortable<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(new AbortedWait('aborted'));
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new AbortedWait('aborted'));
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(e instanceof Error ? e : new Error(String(e)));
      },
    );
  });
}

/** A keep-alive client for one upstream platform. */
export class UpstreamHttp {
  readonly platform: PlatformName;
  private readonly pool: Pool;
  private readonly basePath: string;
  private readonly label: string;
  /** Writes answered so far: part of every sharing key. */
  private writes = 0;
  /** GETs in flight, by the writes answered before they left, credential, path and headers. */
  private readonly inFlight = new Map<string, { promise: Promise<UpstreamResponse<unknown>>; signal: AbortSignal }>();

  constructor(private readonly options: UpstreamHttpOptions) {
    this.platform = options.policy.platform;
    this.label = PLATFORM_LABEL[this.platform];
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
   * Runs a GET this client does not send itself (a file behind a link the platform handed out, which takes none of
   * its credentials) under the same metrics and trace span as its own attempts. The trace context stays here: the
   * headers it would add are not sent to the link's host. `run` reports the status it was answered.
   */
  async observeGet<T>(route: string, run: (answered: (status: number) => void) => Promise<T>): Promise<T> {
    const start: UpstreamAttemptStart = { platform: this.platform, route, method: 'GET', retry: false };
    const ending = this.options.onAttemptStart?.(start, {});
    const started = performance.now();
    let status: number | 'error' = 'error';
    try {
      return await run((answered) => (status = answered));
    } finally {
      const event: UpstreamAttempt = { ...start, status, durationMs: performance.now() - started };
      this.options.onAttempt?.(event);
      ending?.(event);
    }
  }

  /**
   * A reachability check outside retries, breaker and budgets: any HTTP answer counts as reachable. Answers the
   * status, the headers and the body text.
   */
  async probe(
    path: string,
    timeoutMs: number,
    authorization?: string,
  ): Promise<{ status: number; headers: IncomingHttpHeaders; text: string }> {
    const res = await this.pool.request({
      method: 'GET',
      path: this.basePath + path,
      headers: authorization ? { accept: 'application/json', authorization } : { accept: 'application/json' },
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
    });
    return { status: res.statusCode, headers: res.headers, text: await res.body.text() };
  }

  /**
   * Sends a request, retrying where the platform's policy and the operation's budget allow. An idempotent GET
   * identical to one already in flight (same path, credential and headers) joins it instead of being sent: it is
   * answered what that call answers. The shared call runs under the budget of the operation that sent it; if that
   * operation's deadline cuts it short, each joiner whose own deadline has not passed sends the read itself.
   */
  async request<T>(req: UpstreamRequest): Promise<UpstreamResponse<T>> {
    if (req.method !== 'GET' || !req.idempotent || req.body !== undefined) {
      if (req.method === 'GET') return this.send(req);
      try {
        return await this.send(req);
      } finally {
        // A read that starts after a write was answered must never join one that left before it.
        this.writes++;
      }
    }
    if (this.options.shareReads === false) return this.send(req);
    const key = `${this.writes}\u0000${req.authorization ?? ''}\u0000${req.path}\u0000${req.headers ? JSON.stringify(req.headers) : ''}`;
    for (;;) {
      const running = this.inFlight.get(key);
      if (!running) break;
      if (req.budget.signal.aborted) throw this.deadlinePassed(req, false);
      req.budget.sharedCalls++;
      this.options.onShared?.(this.platform, req.route);
      try {
        const shared = await abortable(running.promise, req.budget.signal);
        // Each operation gets its own copy: nothing one does to its answer can reach another.
        return { ...shared, data: structuredClone(shared.data) as T };
      } catch (err) {
        if (req.budget.signal.aborted) throw this.deadlinePassed(req, false);
        // The sender's deadline passed, not ours: send it ourselves (or join whoever did first).
        if (running.signal.aborted && !(err instanceof AbortedWait)) {
          req.budget.sharedCalls--;
          continue;
        }
        throw err;
      }
    }
    const promise = this.send<T>(req);
    const entry = { promise: promise as Promise<UpstreamResponse<unknown>>, signal: req.budget.signal };
    this.inFlight.set(key, entry);
    try {
      return await promise;
    } finally {
      if (this.inFlight.get(key) === entry) this.inFlight.delete(key);
    }
  }

  private async send<T>(req: UpstreamRequest): Promise<UpstreamResponse<T>> {
    const { policy, breaker } = this.options;
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
        !(req.body instanceof Readable) &&
        attempt < policy.maxAttempts &&
        req.budget.retriesLeft > 0 &&
        policy.retryable(req.method, req.idempotent, failure.status, failure.networkCode);
      if (!canRetry) throw failure.error;
      const waitMs = Math.max(policy.backoffMs(attempt), (failure.retryAfter ?? 0) * 1000);
      if (waitMs > req.budget.remainingMs()) throw policy.waitTooLong(failure, waitMs);
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
    { kind: 'ok'; response: UpstreamResponse<T> } | { kind: 'aborted' } | { kind: 'fail'; error: FailedAttempt & { networkCode?: string } }
  > {
    const headers: Record<string, string> = { accept: 'application/json', ...req.headers };
    if (req.authorization) headers['authorization'] = req.authorization;
    if (req.budget.requestId) headers['x-request-id'] = req.budget.requestId;
    let body: string | Uint8Array | Readable | undefined;
    if (req.body !== undefined) {
      body =
        typeof req.body === 'string' || req.body instanceof Uint8Array || req.body instanceof Readable
          ? req.body
          : JSON.stringify(req.body);
      if (req.contentType !== null) headers['content-type'] = req.contentType ?? 'application/json';
    }
    const ending = this.options.onAttemptStart?.(
      { platform: this.platform, route: req.route, method: req.method, retry: isRetry },
      headers,
    );
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
      const { policy } = this.options;
      const retryAfter = policy.retryAfter(res.headers);
      return {
        kind: 'fail',
        error: { status, retryAfter, error: policy.errorFromResponse(status, parsed, retryAfter, this.options.redact) },
      };
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
