import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer as createHttpServer, get } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/server/config.js';
import { ConfigError } from '../../src/server/config/env.js';
import { acceptsHtml, createGraphiQL, graphiqlAssetsDirectory } from '../../src/server/graphiql.js';
import { startStack, type TestStack } from '../helpers/stack.js';

/** What Chromium sends when a person opens a URL. */
const BROWSER_ACCEPT = 'text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8';

/**
 * Hosts that appear in the bundle only as hyperlinks, SVG/XML namespaces or text in descriptions and licences; none is
 * fetched, and the page's Content-Security-Policy would refuse it anyway.
 */
const NON_FETCHED_URL_HOSTS = [
  'www.w3.org',
  'github.com',
  'react.dev',
  'yarnpkg.com',
  'en.wikipedia.org',
  'commonmark.org',
  'codemirror.net',
];

let stack: TestStack;
let origin: string;

beforeAll(async () => {
  stack = await startStack();
  origin = new URL(stack.url).origin;
});
afterAll(() => stack.close());

async function page(): Promise<{ html: string; res: Response; assets: { js: string; css: string } }> {
  const res = await fetch(stack.url, { headers: { accept: BROWSER_ACCEPT } });
  const html = await res.text();
  const js = /<script src="(\/graphiql\/graphiql\.[0-9a-f]{16}\.js)"/.exec(html)?.[1];
  const css = /<link rel="stylesheet" href="(\/graphiql\/graphiql\.[0-9a-f]{16}\.css)"/.exec(html)?.[1];
  if (!js || !css) throw new Error(`the page links no hashed assets:\n${html}`);
  return { html, res, assets: { js, css } };
}

describe('GraphiQL over HTTP', () => {
  it('serves the page to a browser at GET /graphql with a same-origin-only CSP', async () => {
    const { res, html } = await page();
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(res.headers.get('cache-control')).toBe('no-cache');
    const csp = res.headers.get('content-security-policy')!;
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("connect-src 'self'");
    expect(res.headers.get('vary')).toMatch(/Accept/);
    expect(html).toContain('"endpoint":"/graphql"');
    expect(html).toContain('query ScoredContacts');
    expect(html).not.toMatch(/https?:\/\//);
    // The JSON settings cannot close their script element.
    expect(html.match(/<\/script>/g)).toHaveLength(2);
  });

  it('serves the hashed bundle with year-long immutable caching, gzip and 304s', async () => {
    const { assets } = await page();
    const js = await fetch(`${origin}${assets.js}`, { headers: { 'accept-encoding': 'identity' } });
    expect(js.status).toBe(200);
    expect(js.headers.get('content-type')).toBe('application/javascript; charset=utf-8');
    expect(js.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    const body = Buffer.from(await js.arrayBuffer());
    expect(body.equals(readFileSync(join(graphiqlAssetsDirectory(), 'graphiql.js')))).toBe(true);

    const css = await fetch(`${origin}${assets.css}`);
    expect(css.headers.get('content-type')).toBe('text/css; charset=utf-8');
    expect(await css.text()).toContain('.graphiql-container');

    // fetch decodes gzip itself, so read the raw bytes through node:http.
    const gz = await new Promise<{ encoding: string | undefined; body: Buffer }>((resolve, reject) => {
      get(`${origin}${assets.js}`, { headers: { 'accept-encoding': 'gzip' } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ encoding: res.headers['content-encoding'], body: Buffer.concat(chunks) }));
      }).on('error', reject);
    });
    expect(gz.encoding).toBe('gzip');
    expect(gz.body.length).toBeLessThan(body.length / 2);
    expect(gunzipSync(gz.body).equals(body)).toBe(true);

    const again = await fetch(`${origin}${assets.js}`, { headers: { 'if-none-match': js.headers.get('etag')! } });
    expect(again.status).toBe(304);
    const stale = await fetch(`${origin}/graphiql/graphiql.0000000000000000.js`);
    expect(stale.status).toBe(404);
  });

  it('leaves GraphQL clients, curl and POSTs to Apollo', async () => {
    const curl = await fetch(stack.url, { headers: { accept: '*/*' } });
    expect(curl.headers.get('content-type')).toMatch(/json/);
    const get = await fetch(`${stack.url}?query=${encodeURIComponent('{ __typename }')}`, {
      headers: { accept: 'application/graphql-response+json, application/json', 'apollo-require-preflight': 'true' },
    });
    expect(await get.json()).toEqual({ data: { __typename: 'Query' } });
    const post = await stack.gql('{ __typename }');
    expect(post.data).toEqual({ __typename: 'Query' });
  });

  it('redirects a browser from / to /graphql, and tells any other client where things are', async () => {
    const browser = await fetch(`${origin}/`, { headers: { accept: BROWSER_ACCEPT }, redirect: 'manual' });
    expect(browser.status).toBe(302);
    expect(browser.headers.get('location')).toBe('/graphql');
    for (const accept of ['application/json', '*/*']) {
      const client = await fetch(`${origin}/`, { headers: { accept }, redirect: 'manual' });
      expect(client.status, accept).toBe(200);
      expect(await client.json(), accept).toMatchObject({ service: 'augur', graphql: '/graphql', graphiql: '/graphql' });
    }
  });

  it('is off with AUGUR_GRAPHIQL=false: browsers get Apollo and no assets are served', async () => {
    const off = await startStack({ env: { AUGUR_GRAPHIQL: 'false' } });
    try {
      const res = await fetch(off.url, { headers: { accept: BROWSER_ACCEPT } });
      expect(res.headers.get('content-type')).not.toMatch(/html/);
      await res.arrayBuffer();
      const { assets } = await page();
      expect((await fetch(`${new URL(off.url).origin}${assets.js}`)).status).toBe(404);
    } finally {
      await off.close();
    }
    expect(() => parseConfig({ AUGUR_GRAPHIQL: 'maybe' })).toThrow(ConfigError);
    expect(() => parseConfig({ AUGUR_GRAPHIQL: 'maybe' })).toThrow(/AUGUR_GRAPHIQL must be true or false/);
    expect(parseConfig({}).graphiql).toBe(true);
  });
});

describe('createGraphiQL without its bundle', () => {
  it('answers 500 with what to do, and logs where it looked without telling the caller', async () => {
    const logged: Array<Record<string, unknown>> = [];
    const hook = createGraphiQL({
      assetsDir: join(tmpdir(), 'augur-no-such-bundle'),
      logger: { error: (obj: Record<string, unknown>) => logged.push(obj) } as never,
    });
    const server = createHttpServer((req, res) => {
      // Node ignores a listener's promise; a failure still surfaces as an unhandled rejection.
      void (async () => {
        if (!(await hook(req, res))) res.writeHead(418).end();
      })();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const res = await fetch(`${base}/graphql`, { headers: { accept: BROWSER_ACCEPT } });
      expect(res.status).toBe(500);
      const text = await res.text();
      expect(text).toContain('npm run graphiql:build');
      expect(text).not.toContain('augur-no-such-bundle');
      expect(logged).toEqual([expect.objectContaining({ event: 'graphiql_bundle_missing', dir: join(tmpdir(), 'augur-no-such-bundle') })]);
      expect((await fetch(`${base}/graphql`, { headers: { accept: 'application/json' } })).status).toBe(418);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

describe('acceptsHtml', () => {
  it.each([
    [BROWSER_ACCEPT, true],
    ['text/html', true],
    ['*/*', false],
    [undefined, false],
    ['application/json', false],
    ['application/graphql-response+json, application/json;q=0.9', false],
    ['text/html;q=0.5, application/json', false],
    ['text/html;q=0', false],
  ])('%s → %s', (accept, expected) => expect(acceptsHtml(accept)).toBe(expected));
});

describe('GraphiQL bundle', () => {
  const dir = graphiqlAssetsDirectory();

  it('references no URL that a browser would fetch (no CDN, no web fonts)', () => {
    for (const file of ['graphiql.js', 'graphiql.css']) {
      const text = readFileSync(join(dir, file), 'utf8');
      const hosts = new Set([...text.matchAll(/https?:\/\/([a-z0-9.-]+)/gi)].map((m) => m[1]!.toLowerCase()));
      expect(
        [...hosts].filter((h) => !NON_FETCHED_URL_HOSTS.includes(h)),
        file,
      ).toEqual([]);
      expect(text).not.toMatch(/fonts\.googleapis|fonts\.gstatic|unpkg|jsdelivr|cdnjs/i);
    }
    // The fonts are inlined.
    expect(readFileSync(join(dir, 'graphiql.css'), 'utf8')).toMatch(/@font-face\s*\{[^}]*src:\s*url\(data:font\/woff2;base64,/);
  });

  it('is what scripts/build-graphiql.mjs builds from web/graphiql and the installed packages', () => {
    const out = mkdtempSync(join(tmpdir(), 'augur-graphiql-'));
    try {
      execFileSync(process.execPath, ['scripts/build-graphiql.mjs', out], { stdio: 'pipe' });
      for (const file of ['graphiql.js', 'graphiql.css']) {
        const fresh = readFileSync(join(out, file));
        expect(
          fresh.equals(readFileSync(join(dir, file))),
          `${file} drifts from web/graphiql and node_modules: run \`node scripts/build-graphiql.mjs\` and commit src/server/graphiql/assets.`,
        ).toBe(true);
      }
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  }, 60_000);
});
