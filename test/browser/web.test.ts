/**
 * The example front-end (examples/web) in a real browser: Vite builds it, a static server serves the build on its
 * own origin (so every GraphQL call is cross-origin, through Augur's CORS), and Debian's Chromium drives it against
 * a stack of emulators: an open Augur, then one that requires signed tokens with tenants (a local JWKS). The page's
 * GraphQL requests are recorded, so the Civis screen is shown to follow its run through one `civisJobRun`
 * subscription rather than by polling. A screenshot of each screen is written to test-results/web-*.png.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { chromium, type Browser, type Page, type Request } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CIVIS_DEMO_API_KEY_2 } from '@augur/emulators/civis';
import { TestIssuer } from '../helpers/issuer.js';
import { startStack, type TestStack } from '../helpers/stack.js';

/** Debian's Chromium (`apt-get install chromium`; `.ci/run` does it). Never a downloaded browser build. */
const CHROMIUM = '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-sync'];
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const RESULTS = join(ROOT, 'test-results');
const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
};

/** The Civis emulator's route that reads one run: a poll of it. */
const RUN_READ = 'GET /jobs/{id}/runs/{run_id}';

let stack: TestStack;
let out: string;
let site: http.Server;
let origin: string;
let browser: Browser;
let page: Page;
const pageErrors: string[] = [];

/** A GraphQL request the page sent: to `/graphql` or `/graphql/stream`, its operation and its Authorization header. */
interface Sent {
  path: string;
  operationName: string | undefined;
  authorization: string | undefined;
}
let sent: Sent[] = [];

async function record(req: Request): Promise<void> {
  const url = new URL(req.url());
  if (req.method() !== 'POST' || !url.pathname.startsWith('/graphql')) return;
  const body = req.postDataJSON() as { operationName?: string } | null;
  const headers = await req.allHeaders();
  sent.push({ path: url.pathname, operationName: body?.operationName, authorization: headers['authorization'] });
}

const operations = (path: string): Array<string | undefined> => sent.filter((r) => r.path === path).map((r) => r.operationName);

/** Serves the build: files by path, index.html for anything else (the app routes by hash anyway). */
function serve(dir: string): http.Server {
  return http.createServer((req, res) => {
    const path = normalize(new URL(req.url ?? '/', 'http://x').pathname).replace(/^(\.\.[/\\])+/, '');
    const file = join(dir, path === '/' ? 'index.html' : path);
    const found = file.startsWith(dir) && existsSync(file) && extname(file) !== '' ? file : join(dir, 'index.html');
    res.writeHead(200, { 'content-type': TYPES[extname(found)] ?? 'application/octet-stream' });
    res.end(readFileSync(found));
  });
}

/**
 * Builds the app with Vite's own command line, as `npm run web:build` runs it, into a folder of its own. `env` is what
 * Vite reads (`VITE_AUGUR_TOKEN`, …); none of the caller's own `VITE_` variables reach the build.
 */
async function build(env: Record<string, string> = {}): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'augur-web-'));
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('VITE_')));
  await promisify(execFile)(
    process.execPath,
    [join(ROOT, 'node_modules/vite/bin/vite.js'), 'build', '--outDir', dir, '--emptyOutDir', '--logLevel', 'warn'],
    { cwd: join(ROOT, 'examples/web'), env: { ...inherited, ...env } },
  );
  return dir;
}

/** Serves a build on a free port: its own origin. */
async function listen(dir: string): Promise<{ server: http.Server; origin: string }> {
  const server = serve(dir);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return { server, origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

const close = (server: http.Server | undefined) => new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `The web example's browser test needs Debian's Chromium at ${CHROMIUM}: apt-get install -y chromium (.ci/run does this).`,
    );
  }
  out = await build();
  ({ server: site, origin } = await listen(out));
  stack = await startStack({ emulatorOptions: { previsto: { rateLimitPerMinute: 100_000 } }, env: { PREVISTO_RATE_LIMIT: '100000' } });
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ARGS });
  mkdirSync(RESULTS, { recursive: true });
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await close(site);
  await stack?.close();
  if (out) rmSync(out, { recursive: true, force: true });
});

beforeEach(async () => {
  pageErrors.length = 0;
  sent = [];
  page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
  page.on('pageerror', (err) => pageErrors.push(err.message));
  page.on('request', (req) => void record(req));
});

afterEach(async () => {
  await page?.close();
  expect(pageErrors).toEqual([]);
});

const open = (screen: string, on: TestStack = stack) => page.goto(`${origin}/?augur=${encodeURIComponent(on.url)}#${screen}`);

/** Picks a seeded job by name and presses Run job. */
async function runJob(name: string): Promise<void> {
  const job = page.getByRole('combobox', { name: 'Job' });
  await job.locator('option', { hasText: name }).waitFor({ state: 'attached', timeout: 45_000 });
  await job.selectOption({ label: (await job.locator('option', { hasText: name }).textContent())! });
  await page.getByRole('button', { name: 'Run job' }).click();
}

/** Picks the seeded job "Nightly revenue rollup" and presses Run job. */
const runNightlyJob = (): Promise<void> => runJob('Nightly revenue rollup');

/** Waits for the run on screen to reach a final state; answers it and every state shown before it, in order. */
async function finalRun(): Promise<{ state: string | null; history: string[] }> {
  const state = page.getByTestId('run-state');
  await expect.poll(() => state.getAttribute('data-final'), { timeout: 60_000 }).toBe('true');
  return { state: await state.textContent(), history: await page.getByTestId('run-history').locator('li').allTextContents() };
}

async function rowNames(): Promise<string[]> {
  await page.locator('tbody[data-fetching="false"] [data-testid="contact-row"]').first().waitFor({ timeout: 45_000 });
  return page.locator('[data-testid="contact-row"] td:first-child').allTextContents();
}

describe('examples/web', { timeout: 120_000 }, () => {
  it('shows 20 scored contacts, pages forward and back, and narrows them with a search', async () => {
    await open('contacts');
    const first = await rowNames();
    expect(first).toHaveLength(20);
    const scores = await page.locator('[data-testid="churn-score"]').allTextContents();
    expect(scores.every((s) => /^\d+\.\d %$/.test(s))).toBe(true);
    await page.screenshot({ path: join(RESULTS, 'web-contacts.png'), fullPage: true });

    await page.getByRole('button', { name: 'Next' }).click();
    await expect.poll(rowNames, { timeout: 45_000 }).not.toEqual(first);
    const second = await rowNames();
    expect(second).toHaveLength(20);
    expect(second.filter((n) => first.includes(n))).toEqual([]);

    await page.getByRole('button', { name: 'Previous' }).click();
    await expect.poll(rowNames, { timeout: 45_000 }).toEqual(first);

    const total = Number((await page.getByTestId('contacts-total').textContent())?.split(' ')[0]);
    const city = (await page.locator('[data-testid="contact-row"] td:nth-child(2)').first().textContent())!;
    await page.getByRole('searchbox', { name: 'Search' }).fill(city);
    await expect
      .poll(async () => Number((await page.getByTestId('contacts-total').textContent())?.split(' ')[0]), { timeout: 45_000 })
      .toBeLessThan(total);
    const narrowed = await rowNames();
    expect(narrowed.length).toBeGreaterThan(0);
    expect(narrowed.length).toBeLessThanOrEqual(20);
    await page.screenshot({ path: join(RESULTS, 'web-search.png'), fullPage: true });
  });

  it('draws the forecast with its quantile band', async () => {
    await open('forecast');
    await expect.poll(() => page.getByTestId('forecast-steps').textContent(), { timeout: 45_000 }).toMatch(/^3 steps forecast/);
    const chart = page.getByTestId('forecast-chart');
    await chart.locator('path.recharts-area-area').first().waitFor({ timeout: 45_000 });
    // The band is a filled area with a real outline, and both lines are drawn.
    expect((await chart.locator('path.recharts-area-area').first().getAttribute('d'))?.length).toBeGreaterThan(20);
    expect(await chart.locator('path.recharts-line-curve').count()).toBe(2);
    await page.screenshot({ path: join(RESULTS, 'web-forecast.png'), fullPage: true });
  });

  it('starts a Civis job from the button and follows its run through one subscription, not by polling', async () => {
    await stack.reset();
    await open('civis');
    await runNightlyJob();
    const run = await finalRun();
    // QUEUED from the mutation, then each event of the subscription: every state once, in order.
    expect(run).toEqual({ state: 'SUCCEEDED', history: ['QUEUED', 'RUNNING', 'SUCCEEDED'] });
    expect(await page.getByTestId('run').textContent()).toMatch(/\(finished \d/);
    await page.screenshot({ path: join(RESULTS, 'web-civis.png'), fullPage: true });
    // One subscription request; /graphql saw the job list and the mutation, and no read of the run.
    expect(operations('/graphql/stream')).toEqual(['WebWatchCivisRun']);
    expect(operations('/graphql')).toEqual(['WebCivisJobs', 'WebRunCivisJob']);
    // Civis was read once per event after the first state: by Augur's poller, which the page never asked again.
    expect((await stack.requests('civis')).byRoute[RUN_READ]).toBe(run.history.length - 1);
  });

  it("shows the subscription's error with its code when Augur cannot watch the run", async () => {
    await stack.faults('civis', { status: 404, routes: [RUN_READ] });
    try {
      await open('civis');
      await runNightlyJob();
      const alert = page.locator('[data-testid="run"] [role="alert"][data-code="NOT_FOUND"]');
      await alert.waitFor({ timeout: 45_000 });
      expect(await alert.textContent()).toMatch(/no such resource/);
      expect(await page.getByTestId('run-history').locator('li').allTextContents()).toEqual(['QUEUED']);
      expect(operations('/graphql/stream')).toEqual(['WebWatchCivisRun']);
      await page.screenshot({ path: join(RESULTS, 'web-civis-error.png'), fullPage: true });
    } finally {
      await stack.reset();
    }
  });

  it('shows a run that fails on Civis with its error, over the same subscription', async () => {
    await stack.reset();
    // Bob, the second demo key, owns the R script "Weekly KPI report" (job 5003): he makes it stop with an error, so
    // the emulator fails each of its runs with R's message, as the platform would.
    const patched = await fetch(`${stack.embedded.emulators.civis!.url}/scripts/r/5003`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${CIVIS_DEMO_API_KEY_2}`, 'content-type': 'application/json' },
      body: JSON.stringify({ source: 'library(civis)\nstop("the KPI table is empty")\n' }),
    });
    expect(patched.status).toBe(200);
    try {
      await open('civis');
      await runJob('Weekly KPI report');
      expect(await finalRun()).toEqual({ state: 'FAILED', history: ['QUEUED', 'RUNNING', 'FAILED'] });
      expect(await page.getByTestId('run-error').textContent()).toMatch(/Error: the KPI table is empty/);
      await page.screenshot({ path: join(RESULTS, 'web-civis-failed.png'), fullPage: true });
      // Augur's stream, not a written one: one subscription, and the run read on Civis by its poller.
      expect(operations('/graphql/stream')).toEqual(['WebWatchCivisRun']);
      expect((await stack.requests('civis')).byRoute[RUN_READ]).toBeGreaterThanOrEqual(1);
    } finally {
      await stack.reset();
    }
  });

  it('shows an error with its code and what to do: RATE_LIMITED counts down its retryAfter', async () => {
    await stack.faults('previsto', { status: 429, retryAfter: 30, routes: ['GET /contacts'] });
    try {
      await open('contacts');
      const alert = page.locator('[role="alert"][data-code="RATE_LIMITED"]');
      await alert.waitFor({ timeout: 45_000 });
      expect(await alert.textContent()).toMatch(/retry once the countdown ends/);
      await expect.poll(() => page.getByTestId('retry-countdown').textContent(), { timeout: 10_000 }).toMatch(/Retry in \d+ s/);
      await page.screenshot({ path: join(RESULTS, 'web-rate-limited.png'), fullPage: true });
    } finally {
      await stack.reset();
    }
  });
});

/** Every platform's read and write scopes, as `npm run -s token` grants by default. */
const EVERY_SCOPE = ['prevision', 'dataiku', 'civis', 'previsto'].flatMap((p) => [`${p}:read`, `${p}:write`]).join(' ');

describe('examples/web against an Augur that requires signed tokens', { timeout: 120_000 }, () => {
  let issuer: TestIssuer;
  let secured: TestStack;
  let token: string;
  /** A build made with `VITE_AUGUR_TOKEN`, on an origin of its own. */
  let tokenBuild: string;
  let tokenSite: http.Server;
  let tokenOrigin: string;

  beforeAll(async () => {
    issuer = await TestIssuer.start();
    token = await issuer.token({ sub: 'ada@demo', org: 'demo', scope: EVERY_SCOPE }, { expiresIn: 3600 });
    tokenBuild = await build({ VITE_AUGUR_TOKEN: token });
    ({ server: tokenSite, origin: tokenOrigin } = await listen(tokenBuild));
    secured = await startStack({
      emulatorOptions: { previsto: { rateLimitPerMinute: 100_000 } },
      env: issuer.env({
        PREVISTO_RATE_LIMIT: '100000',
        AUGUR_TENANT_CLAIM: 'org',
        AUGUR_TENANTS_FILE: join(ROOT, 'examples/tenants.example.yaml'),
        // Only the pages' own origins: their preflights must allow the Authorization header.
        AUGUR_CORS_ORIGINS: `${origin},${tokenOrigin}`,
      }),
    });
  }, 180_000);

  afterAll(async () => {
    await close(tokenSite);
    await secured?.close();
    await issuer?.close();
    if (tokenBuild) rmSync(tokenBuild, { recursive: true, force: true });
  });

  it('asks for a token, then loads contacts with the one pasted, and keeps it for the next visit', async () => {
    await open('contacts', secured);
    const refused = page.locator('[role="alert"][data-code="FORBIDDEN"]');
    await refused.waitFor({ timeout: 45_000 });
    expect(await refused.textContent()).toMatch(/requires a token for this: paste one above/);
    expect(await page.getByTestId('token-status').textContent()).toBe('No token');
    await page.screenshot({ path: join(RESULTS, 'web-token-missing.png'), fullPage: true });

    await page.getByLabel('Token').fill(`Bearer ${token}`);
    await page.getByRole('button', { name: 'Use token' }).click();
    expect(await rowNames()).toHaveLength(20);
    expect(await page.getByTestId('token-status').textContent()).toMatch(/^Token: ada@demo, tenant demo, expires /);
    await page.screenshot({ path: join(RESULTS, 'web-token.png'), fullPage: true });
    const withToken = sent.filter((r) => r.authorization !== undefined);
    expect(withToken.length).toBeGreaterThan(0);
    expect(new Set(withToken.map((r) => r.authorization))).toEqual(new Set([`Bearer ${token}`]));

    sent = [];
    await page.reload();
    expect(await rowNames()).toHaveLength(20);
    expect(sent.length).toBeGreaterThan(0);
    expect(sent.every((r) => r.authorization === `Bearer ${token}`)).toBe(true);
  });

  it('sends the token the app was built with (VITE_AUGUR_TOKEN)', async () => {
    await page.goto(`${tokenOrigin}/?augur=${encodeURIComponent(secured.url)}#contacts`);
    expect(await rowNames()).toHaveLength(20);
    expect(await page.getByTestId('token-status').textContent()).toMatch(/^Token: ada@demo, tenant demo/);
    expect(sent.length).toBeGreaterThan(0);
    expect(sent.every((r) => r.authorization === `Bearer ${token}`)).toBe(true);
  });

  it("runs a Civis job and follows the run over the subscription with the user's token", async () => {
    await page.addInitScript(`localStorage.setItem('augur.token', ${JSON.stringify(token)})`);
    await open('civis', secured);
    await runNightlyJob();
    expect(await finalRun()).toEqual({ state: 'SUCCEEDED', history: ['QUEUED', 'RUNNING', 'SUCCEEDED'] });
    await page.screenshot({ path: join(RESULTS, 'web-token-civis.png'), fullPage: true });
    expect(operations('/graphql/stream')).toEqual(['WebWatchCivisRun']);
    expect(operations('/graphql')).toEqual(['WebCivisJobs', 'WebRunCivisJob']);
    expect(sent.every((r) => r.authorization === `Bearer ${token}`)).toBe(true);
  });

  it('shows the code and reason of a stream Augur refuses, without sending it again', async () => {
    const expired = await issuer.token({ sub: 'ada@demo', org: 'demo', scope: EVERY_SCOPE }, { expiresIn: -600 });
    // The queries keep the valid token; only the subscription's request carries an expired one, which Augur answers
    // with 401 and a JSON body, as it would on /graphql.
    await page.route('**/graphql/stream', (route) =>
      route.continue({ headers: { ...route.request().headers(), authorization: `Bearer ${expired}` } }),
    );
    await page.addInitScript(`localStorage.setItem('augur.token', ${JSON.stringify(token)})`);
    await secured.reset();
    await open('civis', secured);
    await runNightlyJob();
    const alert = page.locator('[data-testid="run"] [role="alert"][data-code="UNAUTHENTICATED"]');
    await alert.waitFor({ timeout: 45_000 });
    expect(await alert.textContent()).toMatch(/did not accept the token \(expired\)/);
    expect(operations('/graphql/stream')).toEqual(['WebWatchCivisRun']);
    expect((await secured.requests('civis')).byRoute[RUN_READ]).toBeUndefined();
    await page.screenshot({ path: join(RESULTS, 'web-token-refused.png'), fullPage: true });
    await secured.reset();
  });
});
