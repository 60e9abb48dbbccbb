/**
 * The urql client. Queries and mutations are POSTed as JSON to Augur's GraphQL endpoint, which passes its CSRF
 * prevention without any extra header. Subscriptions go to `/graphql/stream` over GraphQL over Server-Sent Events
 * (graphql-sse's client, distinct connections mode: one request per subscription), with the same headers. The page's
 * origin must be allowed by Augur's `AUGUR_CORS_ORIGINS` (the default allows any); `Authorization` is among the
 * headers its preflight accepts.
 */
import { createClient as createStreamClient } from 'graphql-sse';
import { Client, cacheExchange, fetchExchange, subscriptionExchange } from 'urql';

/** Where Augur's GraphQL endpoint is: `?augur=<url>` on the page, else `VITE_AUGUR_URL`, else a local `npm start`. */
export function augurUrl(location: Location = window.location): string {
  const fromPage = new URLSearchParams(location.search).get('augur');
  const fromBuild = import.meta.env['VITE_AUGUR_URL'] as string | undefined;
  return fromPage ?? fromBuild ?? 'http://127.0.0.1:4000/graphql';
}

/** Augur's GraphQL-over-SSE endpoint beside its GraphQL endpoint: `<url>/stream`. */
export function streamUrl(url: string): string {
  const u = new URL(url, window.location.href);
  u.pathname = `${u.pathname.replace(/\/+$/, '')}/stream`;
  return u.toString();
}

const TOKEN_KEY = 'augur.token';

/** A token as pasted: without the `Bearer ` a user may have copied with it, nor surrounding spaces. */
export function cleanToken(token: string): string {
  return token.trim().replace(/^bearer\s+/i, '');
}

/**
 * The bearer token the app sends, when Augur requires signed tokens (docs/auth.md): the one saved on this page (the
 * token field, kept in localStorage), else `VITE_AUGUR_TOKEN` given to `npm run web` or `npm run web:build`, else none.
 */
export function savedToken(): string {
  let saved: string | null = null;
  try {
    saved = window.localStorage.getItem(TOKEN_KEY);
  } catch {
    // Storage refused (a private window's policy): only the build's token is available.
  }
  const fromBuild = import.meta.env['VITE_AUGUR_TOKEN'] as string | undefined;
  return cleanToken(saved ?? fromBuild ?? '');
}

/** Keeps the token for this page's later visits; an empty one forgets it (then `VITE_AUGUR_TOKEN` applies again). */
export function saveToken(token: string): void {
  try {
    if (token) window.localStorage.setItem(TOKEN_KEY, token);
    else window.localStorage.removeItem(TOKEN_KEY);
  } catch {
    // Storage refused: the token still applies until the page is closed.
  }
}

/** The claims of a token worth showing (who, which tenant, until when); nothing for what is not a JWT. */
export function tokenClaims(token: string): { sub?: string; org?: string; exp?: number } | undefined {
  const payload = token.split('.')[1];
  if (!payload) return undefined;
  try {
    const json = atob(payload.replace(/-/g, '+').replace(/_/g, '/'));
    const claims = JSON.parse(json) as Record<string, unknown>;
    return {
      ...(typeof claims['sub'] === 'string' ? { sub: claims['sub'] } : {}),
      ...(typeof claims['org'] === 'string' ? { org: claims['org'] } : {}),
      ...(typeof claims['exp'] === 'number' ? { exp: claims['exp'] } : {}),
    };
  } catch {
    return undefined;
  }
}

function isErrorBody(body: unknown): body is { errors: unknown[] } {
  return typeof body === 'object' && body !== null && Array.isArray((body as { errors?: unknown }).errors);
}

/**
 * `fetch` for the event streams. Augur refuses a stream it will not serve (a token it does not accept: 401; a document
 * past its limits: 400; …) as it refuses a query: an HTTP status and a JSON body of GraphQL errors. graphql-sse would
 * take that for a network failure, retry it, and report only the status; this hands the errors on instead, as the
 * stream's one result followed by its end, which is how Augur answers a subscription that fails once started. The
 * screen then shows their `extensions.code` like any other error.
 */
async function streamFetch(input: RequestInfo | URL, init?: RequestInit): Promise<Response> {
  const res = await fetch(input, init);
  if (res.ok || !(res.headers.get('content-type') ?? '').includes('json')) return res;
  const body: unknown = await res
    .clone()
    .json()
    .catch(() => undefined);
  if (!isErrorBody(body)) return res;
  const stream = `event: next\ndata: ${JSON.stringify({ errors: body.errors })}\n\nevent: complete\ndata:\n\n`;
  return new Response(stream, { status: 200, headers: { 'content-type': 'text/event-stream; charset=utf-8' } });
}

/** The urql client for Augur at `url`, sending `token` (when not empty) as `Authorization: Bearer …` on every operation. */
export function createAugurClient(url: string, token = ''): Client {
  const auth: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
  const stream = createStreamClient({
    url: streamUrl(url),
    headers: () => auth,
    fetchFn: streamFetch,
    // A stream cut while it is open (a replica restarting) is sent again: the subscription starts over with the object
    // as it is then. Twice at most, so an unreachable Augur shows NETWORK_ERROR within seconds.
    retryAttempts: 2,
  });
  return new Client({
    url,
    exchanges: [
      cacheExchange,
      subscriptionExchange({
        forwardSubscription: (request) => ({
          subscribe(sink) {
            const unsubscribe = stream.subscribe({ ...request, query: request.query ?? '' }, sink);
            return { unsubscribe };
          },
        }),
      }),
      fetchExchange,
    ],
    preferGetMethod: false,
    fetchOptions: { headers: { accept: 'application/graphql-response+json, application/json', ...auth } },
  });
}
