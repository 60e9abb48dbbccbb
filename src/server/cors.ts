/**
 * CORS for `/graphql`, so browser apps on other origins (Apollo Client, urql, GraphiQL elsewhere) can call Augur.
 * Allowed origins come from `AUGUR_CORS_ORIGINS`: `*` (the default) reflects any Origin, a list allows exactly those.
 * A preflight from an allowed origin is answered here with 204; one from any other origin, or asking for a header
 * Augur does not accept, gets 403, no CORS headers, and a body saying why (a browser shows the page only "Failed to
 * fetch", so the reason is also logged, once per origin and reason, as `cors_refused`). Actual requests always go on
 * to Apollo (whose CSRF prevention still rejects simple cross-origin requests); only an allowed origin gets the
 * headers that let its page read the response. Credentials (cookies) are never allowed: callers authenticate with
 * headers.
 */
import type { ServerResponse } from 'node:http';
import type { Logger } from '../core/logger.js';
import type { BeforeHook } from './routes.js';

/** Request headers a browser may send cross-origin: what GraphiQL, Apollo Client and urql send, plus Augur's own. */
export const CORS_ALLOWED_HEADERS: readonly string[] = [
  'content-type',
  'accept',
  'authorization',
  'x-api-key',
  'apollo-require-preflight',
  'x-apollo-operation-name',
  'apollographql-client-name',
  'apollographql-client-version',
  'x-request-id',
  'x-dataiku-api-key',
  'x-dataiku-bearer-token',
  'x-previsto-api-key',
  'x-civis-api-key',
  'x-prevision-token',
  // W3C Trace Context and Baggage, which instrumented pages (OpenTelemetry's fetch instrumentation) add to every call.
  'traceparent',
  'tracestate',
  'baggage',
];

/** Response headers a cross-origin page may read besides the CORS-safelisted ones. */
export const CORS_EXPOSED_HEADERS: readonly string[] = ['x-request-id'];

export const CORS_ALLOWED_METHODS = 'GET, POST, OPTIONS';

/** How long a browser may reuse a preflight: two hours, Chromium's ceiling. */
export const CORS_MAX_AGE_SECONDS = 7200;

export interface CorsOptions {
  /** `'*'` reflects any Origin; a list allows exactly those origins (`scheme://host[:port]`); `[]` allows none. */
  origins: '*' | readonly string[];
  /** Path of the GraphQL endpoint. Default `/graphql`. */
  endpoint?: string;
  /** Where refusals are logged (`cors_refused`), once per origin and reason. */
  logger?: Logger;
}

/** Distinct refusals logged at most: past it, a flood of made-up origins costs no log lines. */
const LOGGED_REFUSALS_MAX = 100;

/** The CORS hook for the GraphQL endpoint; other paths pass through untouched. */
export function createCors(options: CorsOptions): BeforeHook {
  const endpoint = options.endpoint ?? '/graphql';
  const allowed = options.origins === '*' ? () => true : (origin: string) => (options.origins as readonly string[]).includes(origin);
  const allowHeaders = CORS_ALLOWED_HEADERS.join(', ');
  const exposeHeaders = CORS_EXPOSED_HEADERS.join(', ');

  const logged = new Set<string>();
  const refuse = (
    res: ServerResponse,
    origin: string,
    reason: 'origin' | 'headers',
    message: string,
    detail: Record<string, unknown>,
  ): true => {
    const key = `${reason} ${origin} ${JSON.stringify(detail)}`;
    if (options.logger && logged.size < LOGGED_REFUSALS_MAX && !logged.has(key)) {
      logged.add(key);
      options.logger.warn({ event: 'cors_refused', origin: origin.slice(0, 200), reason, ...detail }, message);
    }
    const body = JSON.stringify({ errors: [{ message, extensions: { code: 'FORBIDDEN', reason, ...detail } }] });
    res.writeHead(403, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) });
    res.end(body);
    return true;
  };

  return (req, res) => {
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const path = q === -1 ? url : url.slice(0, q);
    if (path !== endpoint && path !== `${endpoint}/`) return false;
    // Responses differ by Origin, so every response of the endpoint says so to caches, with or without an Origin.
    addVary(res, 'Origin');
    const origin = req.headers.origin;
    if (origin === undefined) return false;
    const method = (req.method ?? 'GET').toUpperCase();

    if (method === 'OPTIONS' && req.headers['access-control-request-method'] !== undefined) {
      if (!allowed(origin)) {
        return refuse(
          res,
          origin,
          'origin',
          `Origin ${origin.slice(0, 200)} may not call this API from a browser: it is not in AUGUR_CORS_ORIGINS. Add it there on the server (scheme://host[:port], comma-separated).`,
          {},
        );
      }
      const requested = String(req.headers['access-control-request-headers'] ?? '')
        .split(',')
        .map((h) => h.trim().toLowerCase())
        .filter(Boolean);
      const refused = requested.filter((h) => !ALLOWED_HEADER_SET.has(h));
      if (refused.length > 0) {
        const shown = refused.slice(0, 10).map((h) => h.slice(0, 100));
        return refuse(
          res,
          origin,
          'headers',
          `Augur does not accept the header(s) ${shown.join(', ')} from browsers; send only these: ${allowHeaders}.`,
          { headers: shown },
        );
      }
      res.writeHead(204, {
        'access-control-allow-origin': origin,
        'access-control-allow-methods': CORS_ALLOWED_METHODS,
        'access-control-allow-headers': allowHeaders,
        'access-control-max-age': String(CORS_MAX_AGE_SECONDS),
        'content-length': 0,
      });
      res.end();
      return true;
    }

    if (allowed(origin)) {
      res.setHeader('access-control-allow-origin', origin);
      res.setHeader('access-control-expose-headers', exposeHeaders);
    }
    return false;
  };
}

const ALLOWED_HEADER_SET: ReadonlySet<string> = new Set(CORS_ALLOWED_HEADERS);

/** Adds a value to the response's Vary header, keeping those already set. */
export function addVary(res: ServerResponse, value: string): void {
  const current = res.getHeader('vary');
  const list =
    current === undefined
      ? []
      : String(current)
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean);
  if (!list.some((v) => v.toLowerCase() === value.toLowerCase())) list.push(value);
  res.setHeader('vary', list.join(', '));
}
