/**
 * The urql client. Queries are POSTed as JSON, which passes Augur's CSRF prevention without any extra header; the
 * page's origin must be allowed by Augur's `AUGUR_CORS_ORIGINS` (the default allows any).
 */
import { Client, cacheExchange, fetchExchange } from 'urql';

/** Where Augur's GraphQL endpoint is: `?augur=<url>` on the page, else `VITE_AUGUR_URL`, else a local `npm start`. */
export function augurUrl(location: Location = window.location): string {
  const fromPage = new URLSearchParams(location.search).get('augur');
  const fromBuild = import.meta.env['VITE_AUGUR_URL'] as string | undefined;
  return fromPage ?? fromBuild ?? 'http://127.0.0.1:4000/graphql';
}

export function createAugurClient(url: string): Client {
  return new Client({
    url,
    exchanges: [cacheExchange, fetchExchange],
    preferGetMethod: false,
    fetchOptions: { headers: { accept: 'application/graphql-response+json, application/json' } },
  });
}
