/**
 * The example front-end (examples/web) in a real browser: Vite builds it, a static server serves the build on its
 * own origin (so every GraphQL call is cross-origin, through Augur's CORS), and Debian's Chromium drives it against
 * a stack of emulators. A screenshot of each screen is written to test-results/web-*.png.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
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

let stack: TestStack;
let out: string;
let site: http.Server;
let origin: string;
let browser: Browser;
let page: Page;
const pageErrors: string[] = [];

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

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `The web example's browser test needs Debian's Chromium at ${CHROMIUM}: apt-get install -y chromium (.ci/run does this).`,
    );
  }
  out = mkdtempSync(join(tmpdir(), 'augur-web-'));
  // Vite's own command line, as `npm run web:build` runs it, into a folder of this test's own.
  await promisify(execFile)(
    process.execPath,
    [join(ROOT, 'node_modules/vite/bin/vite.js'), 'build', '--outDir', out, '--emptyOutDir', '--logLevel', 'warn'],
    {
      cwd: join(ROOT, 'examples/web'),
    },
  );
  site = serve(out);
  await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', () => resolve()));
  origin = `http://127.0.0.1:${(site.address() as AddressInfo).port}`;
  stack = await startStack({ emulatorOptions: { previsto: { rateLimitPerMinute: 100_000 } }, env: { PREVISTO_RATE_LIMIT: '100000' } });
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ARGS });
  mkdirSync(RESULTS, { recursive: true });
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => (site ? site.close(resolve) : resolve(undefined)));
  await stack?.close();
  if (out) rmSync(out, { recursive: true, force: true });
});

beforeEach(async () => {
  pageErrors.length = 0;
  page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
  page.on('pageerror', (err) => pageErrors.push(err.message));
});

afterEach(async () => {
  await page?.close();
  expect(pageErrors).toEqual([]);
});

const open = (screen: string) => page.goto(`${origin}/?augur=${encodeURIComponent(stack.url)}#${screen}`);

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

  it('starts a Civis job from the button and shows its run reaching a final state', async () => {
    await open('civis');
    const job = page.getByRole('combobox', { name: 'Job' });
    await job.locator('option', { hasText: 'Nightly revenue rollup' }).waitFor({ state: 'attached', timeout: 45_000 });
    await job.selectOption({ label: (await job.locator('option', { hasText: 'Nightly revenue rollup' }).textContent())! });
    await page.getByRole('button', { name: 'Run job' }).click();
    const state = page.getByTestId('run-state');
    await expect.poll(() => state.getAttribute('data-final'), { timeout: 60_000 }).toBe('true');
    expect(await state.textContent()).toBe('SUCCEEDED');
    await page.screenshot({ path: join(RESULTS, 'web-civis.png'), fullPage: true });
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
