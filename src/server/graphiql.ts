/**
 * GraphiQL, bundled and offline: a browser's `GET /graphql` (one that asks for `text/html`) gets the GraphiQL page, and
 * `/graphiql/*` serves its script and stylesheet from the committed bundle in `src/server/graphiql/assets` (built from
 * `web/graphiql` by `scripts/build-graphiql.mjs`). Nothing on the page comes from another origin: its
 * Content-Security-Policy allows only this server, so it works with no network at all.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import type { BeforeHook } from './routes.js';
import { addVary } from './cors.js';
import type { Logger } from '../core/logger.js';

/** Where the page's assets are served. */
export const GRAPHIQL_ASSET_PREFIX = '/graphiql/';

/** The operation a new GraphiQL opens with: a few contacts, each scored by the Dataiku `churn` model. */
export const GRAPHIQL_DEFAULT_QUERY = `# Augur: one GraphQL API over Prevision.io, Dataiku,
# Civis and Previsto. Run with Ctrl+Enter or the run
# button; Docs (the book icon) browses the schema.
#
# Augur calls each platform with its configured
# credential. To use yours, add headers in the
# Headers tab below, for example:
#   { "x-previsto-api-key": "sk_...",
#     "x-dataiku-api-key": "...",
#     "x-civis-api-key": "...",
#     "x-prevision-token": "..." }
# and "x-api-key" if this Augur requires an API key.
query ScoredContacts {
  contacts(first: 5) {
    edges {
      node {
        name
        address {
          city
        }
        predict(endpointName: "churn") {
          result {
            ... on ClassificationResult {
              predictedClass
              probabilities {
                label
                probability
              }
            }
          }
        }
      }
    }
  }
}
`;

export interface GraphiQLOptions {
  /** Path of the GraphQL endpoint: the page is served there and posts operations to it. Default `/graphql`. */
  endpoint?: string;
  /** Folder holding `graphiql.js` and `graphiql.css`; default: the committed bundle. */
  assetsDir?: string;
  /** Redirect a browser's `GET /` to the page. Default true. */
  redirectRoot?: boolean;
  /** The operation a new GraphiQL opens with. */
  defaultQuery?: string;
  /** Where the page sends subscriptions (GraphQL over SSE); without it the page runs none. */
  streamEndpoint?: string;
  /** Where a missing or unreadable bundle is reported (with its path, which callers are not shown). */
  logger?: Pick<Logger, 'error'>;
}

interface Asset {
  /** Content-hashed file name, so it can be cached for a year. */
  name: string;
  type: string;
  body: Buffer;
  gzipped: Buffer;
  etag: string;
}

const ASSETS = [
  ['graphiql.js', 'application/javascript; charset=utf-8'],
  ['graphiql.css', 'text/css; charset=utf-8'],
] as const;

/** Forbids every origin but this server: the page cannot fetch anything from elsewhere, even by mistake. */
const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  // GraphiQL and CodeMirror set inline style attributes.
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * Finds the committed bundle from this module's location: `src/server/graphiql/assets` when running from `src/`, and
 * the same folder of the project when running from `dist/src/server/` (the build does not copy it).
 */
export function graphiqlAssetsDirectory(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const candidates = [join(here, 'graphiql', 'assets')];
  for (let dir = here, i = 0; i < 6; i++, dir = dirname(dir)) candidates.push(join(dir, 'src', 'server', 'graphiql', 'assets'));
  return candidates.find((d) => existsSync(join(d, 'graphiql.js'))) ?? candidates[0]!;
}

/**
 * The GraphiQL hook: answers a browser's `GET /graphql` with the page, `GET /graphiql/<asset>` with the bundle, and
 * (unless disabled) redirects a browser's `GET /` to the page. Everything else goes on to routing and Apollo.
 */
export function createGraphiQL(options: GraphiQLOptions = {}): BeforeHook {
  const endpoint = options.endpoint ?? '/graphql';
  const redirectRoot = options.redirectRoot ?? true;
  const settings = {
    endpoint,
    defaultQuery: options.defaultQuery ?? GRAPHIQL_DEFAULT_QUERY,
    defaultHeaders: '{}',
    ...(options.streamEndpoint ? { streamEndpoint: options.streamEndpoint } : {}),
  };
  let assets: Map<string, Asset> | Error | undefined;

  // Read on first use rather than at creation, so building a server does no I/O for a page nobody opens.
  const loadAssets = (): Map<string, Asset> | Error => {
    if (assets) return assets;
    const dir = options.assetsDir ?? graphiqlAssetsDirectory();
    try {
      const out = new Map<string, Asset>();
      for (const [file, type] of ASSETS) {
        const body = readFileSync(join(dir, file));
        const hash = createHash('sha256').update(body).digest('hex').slice(0, 16);
        const name = file.replace(/\.(\w+)$/, `.${hash}.$1`);
        out.set(file, { name, type, body, gzipped: gzipSync(body), etag: `"${hash}"` });
      }
      assets = out;
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      options.logger?.error({ event: 'graphiql_bundle_missing', dir, err: reason }, 'the GraphiQL bundle could not be read');
      assets = new Error(
        'This installation has no GraphiQL bundle: rebuild it with `npm run graphiql:build`, or set AUGUR_GRAPHIQL=false.',
      );
    }
    return assets;
  };

  return (req, res) => {
    const method = (req.method ?? 'GET').toUpperCase();
    if (method !== 'GET' && method !== 'HEAD') return false;
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const path = q === -1 ? url : url.slice(0, q);

    if (path.startsWith(GRAPHIQL_ASSET_PREFIX)) {
      const loaded = loadAssets();
      if (loaded instanceof Error) {
        sendText(res, 500, loaded.message);
        return true;
      }
      const name = path.slice(GRAPHIQL_ASSET_PREFIX.length);
      const asset = [...loaded.values()].find((a) => a.name === name);
      if (!asset) {
        sendText(res, 404, `No GraphiQL asset ${name}. The page at ${endpoint} links the current ones.`);
        return true;
      }
      serveAsset(req, res, asset, method === 'HEAD');
      return true;
    }

    if ((path === endpoint || path === `${endpoint}/`) && acceptsHtml(req.headers.accept)) {
      const loaded = loadAssets();
      if (loaded instanceof Error) {
        sendText(res, 500, loaded.message);
        return true;
      }
      const body = Buffer.from(renderPage(loaded, settings), 'utf8');
      addVary(res, 'Accept');
      res.writeHead(200, {
        'content-type': 'text/html; charset=utf-8',
        'content-length': body.length,
        'cache-control': 'no-cache',
        'content-security-policy': CONTENT_SECURITY_POLICY,
        'x-content-type-options': 'nosniff',
        'referrer-policy': 'no-referrer',
      });
      res.end(method === 'HEAD' ? undefined : body);
      return true;
    }

    if (redirectRoot && path === '/' && acceptsHtml(req.headers.accept)) {
      addVary(res, 'Accept');
      res.writeHead(302, { location: endpoint, 'content-length': 0 });
      res.end();
      return true;
    }
    return false;
  };
}

/**
 * True when the request asks for HTML explicitly (a browser navigating) at least as much as for JSON; `* / *` alone or
 * a GraphQL client's Accept is not enough, so `curl` and clients keep getting GraphQL from Apollo.
 */
export function acceptsHtml(accept: string | undefined): boolean {
  if (!accept) return false;
  let html = 0;
  let json = 0;
  for (const part of accept.split(',')) {
    const [range, ...params] = part.trim().toLowerCase().split(';');
    const qParam = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    const quality = qParam === undefined ? 1 : Number(qParam.slice(2));
    if (!Number.isFinite(quality)) continue;
    if (range === 'text/html') html = Math.max(html, quality);
    else if (range === 'application/json' || range === 'application/graphql-response+json') json = Math.max(json, quality);
  }
  return html > 0 && html >= json;
}

function renderPage(assets: Map<string, Asset>, settings: Record<string, string>): string {
  // `<` escaped so no value can close the script element.
  const json = JSON.stringify(settings).replace(/</g, '\\u003c');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Augur · GraphiQL</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="${GRAPHIQL_ASSET_PREFIX}${assets.get('graphiql.css')!.name}">
<style>html, body, #graphiql { height: 100%; margin: 0; }</style>
</head>
<body>
<div id="graphiql">Loading GraphiQL…</div>
<noscript>GraphiQL needs JavaScript. Without it, POST {"query": "..."} as JSON to ${escapeHtml(settings.endpoint!)}.</noscript>
<script id="augur-graphiql-settings" type="application/json">${json}</script>
<script src="${GRAPHIQL_ASSET_PREFIX}${assets.get('graphiql.js')!.name}" defer></script>
</body>
</html>
`;
}

function serveAsset(req: IncomingMessage, res: ServerResponse, asset: Asset, head: boolean): void {
  const headers: Record<string, string | number> = {
    'content-type': asset.type,
    'cache-control': 'public, max-age=31536000, immutable',
    etag: asset.etag,
    'x-content-type-options': 'nosniff',
    vary: 'Accept-Encoding',
  };
  if (req.headers['if-none-match'] === asset.etag) {
    res.writeHead(304, headers);
    res.end();
    return;
  }
  const gzip = /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''));
  const body = gzip ? asset.gzipped : asset.body;
  if (gzip) headers['content-encoding'] = 'gzip';
  headers['content-length'] = body.length;
  res.writeHead(200, headers);
  res.end(head ? undefined : body);
}

function sendText(res: ServerResponse, status: number, text: string): void {
  const body = Buffer.from(text, 'utf8');
  res.writeHead(status, {
    'content-type': 'text/plain; charset=utf-8',
    'content-length': body.length,
    'x-content-type-options': 'nosniff',
  });
  res.end(body);
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
