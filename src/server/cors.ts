/**
 * CORS for `/graphql`, so browser apps on other origins (Apollo Client, urql, GraphiQL elsewhere) can call Augur.
 * Allowed origins come from `AUGUR_CORS_ORIGINS`: `*` (the default) reflects any Origin, a list allows exactly those.
 * A preflight from an allowed origin is answered here with 204; one from any other origin gets 403 and no CORS
 * headers. Actual requests always go on to Apollo (whose CSRF prevention still rejects simple cross-origin requests);
 * only an allowed origin gets the headers that let its page read the response. Credentials (cookies) are never
 * allowed: callers authenticate with headers.
 */
import type { ServerResponse } from 'node:http';
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
}

/** The CORS hook for the GraphQL endpoint; other paths pass through untouched. */
export function createCors(options: CorsOptions): BeforeHook {
  const endpoint = options.endpoint ?? '/graphql';
  const allowed = options.origins === '*' ? () => true : (origin: string) => (options.origins as readonly string[]).includes(origin);
  const allowHeaders = CORS_ALLOWED_HEADERS.join(', ');
  const exposeHeaders = CORS_EXPOSED_HEADERS.join(', ');

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
        const body = JSON.stringify({
          errors: [
            {
              message: `Origin ${origin} may not call this API from a browser. Allowed origins are set by AUGUR_CORS_ORIGINS on the server.`,
              extensions: { code: 'FORBIDDEN' },
            },
          ],
        });
        res.writeHead(403, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) });
        res.end(body);
        return true;
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
