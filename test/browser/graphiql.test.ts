import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SEED_IDS } from '@augur/emulators/civis';
import { scoreChurn } from '@augur/emulators/dataiku';
import { ownFields as contactFeatures } from '../../src/resolvers/dataiku.js';
import type { PrevistoContact } from '../../src/upstreams/previsto/types.js';
import { startStack, type TestStack } from '../helpers/stack.js';

/** Debian's Chromium (`apt-get install chromium`; `.ci/run` installs it). Never a downloaded browser build. */
const CHROMIUM = '/usr/bin/chromium';
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const SCREENSHOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'test-results', 'graphiql.png');
const PREVISTO_AUTH = { authorization: `Basic ${Buffer.from('sk_augur_demo:').toString('base64')}` };

let stack: TestStack;
let context: BrowserContext;
let profile: string;
let page: Page;
/** Requests the page tried to send anywhere but loopback (each one aborted). */
const offsite: string[] = [];
/** Uncaught page errors, and console errors such as Content-Security-Policy violations. */
const pageErrors: string[] = [];

function isLoopback(url: string): boolean {
  const { protocol, hostname } = new URL(url);
  if (protocol === 'data:' || protocol === 'blob:') return true;
  return hostname === 'localhost' || hostname === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(hostname);
}

const RESULT = '.result-window';
const QUERY = '.graphiql-query-editor';
const HEADERS = '.graphiql-editor-tool .graphiql-editor:not(.hidden)';

/**
 * Reads (or, given a value, replaces) the text of the CodeMirror editor inside `container`. CodeMirror renders only
 * the visible lines, so this goes through its model rather than the DOM text. Runs in the page.
 */
function editorText([container, value]: readonly [string, string | undefined]): string {
  const doc = (globalThis as unknown as { document: { querySelector(s: string): unknown } }).document;
  const el = doc.querySelector(`${container} .CodeMirror`) as { CodeMirror: { getValue(): string; setValue(v: string): void } } | null;
  if (!el) return '';
  if (value !== undefined) el.CodeMirror.setValue(value);
  return el.CodeMirror.getValue();
}

function editor(p: Page, container: string, value?: string): Promise<string> {
  return p.evaluate(editorText, [container, value] as const);
}

async function runAndReadResult(p: Page, run: () => Promise<void>): Promise<{ data?: any; errors?: any[] }> {
  await editor(p, RESULT, '');
  await run();
  await expect.poll(() => editor(p, RESULT), { timeout: 15_000 }).toMatch(/"(data|errors)"/);
  return JSON.parse(await editor(p, RESULT)) as { data?: any; errors?: any[] };
}

async function firstContacts(n: number): Promise<PrevistoContact[]> {
  const res = await fetch(`${stack.embedded.emulators.previsto!.url}/contacts?page=0&size=${n}`, { headers: PREVISTO_AUTH });
  return (await res.json()) as PrevistoContact[];
}

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `The GraphiQL browser tests need Debian's Chromium at ${CHROMIUM}, which is missing. Install it with: apt-get install -y chromium (.ci/run does this).`,
    );
  }
  stack = await startStack({
    emulatorOptions: { previsto: { rateLimitPerMinute: 100_000 } },
    env: { PREVISTO_RATE_LIMIT: '100000', AUGUR_LIVE_POLL_MIN_MS: '50', AUGUR_LIVE_POLL_MAX_MS: '200' },
  });
  profile = mkdtempSync(join(tmpdir(), 'augur-chromium-'));
  context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ARGS,
    viewport: { width: 1440, height: 900 },
  });
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (isLoopback(url)) return route.continue();
    offsite.push(url);
    return route.abort('blockedbyclient');
  });
});

afterAll(async () => {
  await context?.close();
  if (profile) rmSync(profile, { recursive: true, force: true });
  await stack?.close();
});

beforeEach(async () => {
  await stack.reset();
  page = await context.newPage();
  page.on('pageerror', (err) => pageErrors.push(`page error: ${err.message}`));
  page.on('console', (msg) => {
    if (msg.type() === 'error') pageErrors.push(`console error: ${msg.text()}`);
  });
  await page.goto(stack.url);
  await page.locator('.graphiql-container').waitFor();
});

afterEach(async () => {
  await page.close();
  expect(offsite, 'the page tried to reach the network beyond loopback').toEqual([]);
  expect(pageErrors).toEqual([]);
});

describe('GraphiQL page', () => {
  it('opens on the scored-contacts example and runs it against the platforms, all offline', async () => {
    const query = await editor(page, QUERY);
    expect(query).toContain('query ScoredContacts');
    expect(query).toContain('predict(endpointName: "churn")');
    for (const header of ['x-dataiku-api-key', 'x-previsto-api-key', 'x-civis-api-key', 'x-prevision-token'])
      expect(query).toContain(header);
    const expected = await firstContacts(5);
    await stack.reset(); // loading the page fetched the schema, which calls no platform

    const result = await runAndReadResult(page, () => page.locator('button.graphiql-execute-button').click());

    expect(result.errors).toBeUndefined();
    const nodes = result.data.contacts.edges.map((e: any) => e.node);
    expect(nodes.map((n: any) => n.name)).toEqual(expected.map((c) => c.name));
    expect(nodes.map((n: any) => n.predict.result.predictedClass)).toEqual(
      expected.map((c) => (scoreChurn(contactFeatures(c)) as { prediction: string }).prediction),
    );
    expect(nodes[0].predict.result.probabilities.map((p: any) => p.label).sort()).toEqual(['churn', 'stay']);
    // What a person sees: the first contact and a prediction in the result pane.
    await expect.poll(() => page.locator('.result-window').innerText()).toContain(expected[0]!.name);
    expect(await page.locator('.result-window').innerText()).toMatch(/"predictedClass": "(churn|stay)"/);
    // One contact list and one batched prediction, whatever the page size.
    expect((await stack.requests('previsto')).byRoute).toEqual({ 'GET /contacts': 1 });
    expect((await stack.requests('dataiku')).byRoute).toEqual({ 'POST /public/api/v1/{service}/{endpoint}/predict-multi': 1 });

    mkdirSync(dirname(SCREENSHOT), { recursive: true });
    await page.screenshot({ path: SCREENSHOT });
  }, 60_000);

  it('browses the described schema in the docs explorer', async () => {
    await page.locator('button[aria-label="Show Documentation Explorer"]').click();
    const docs = page.locator('.graphiql-doc-explorer');
    await docs.locator('a.graphiql-doc-explorer-type-name', { hasText: /^Query$/ }).click();
    await docs.locator('a.graphiql-doc-explorer-field-name', { hasText: /^contacts$/ }).click();
    await expect.poll(() => docs.innerText()).toContain('Previsto contacts as a connection');
  }, 60_000);

  it("sends the headers editor's headers with the operation", async () => {
    // The headers editor is open from the start.
    await page.locator(`${HEADERS} .CodeMirror`).waitFor();
    expect(await editor(page, HEADERS)).toBe('{}');
    await editor(page, HEADERS, '{"x-previsto-api-key": "sk_not_a_previsto_key"}');
    await stack.reset();

    const result = await runAndReadResult(page, async () => {
      await page.locator(`${QUERY} .CodeMirror`).click();
      await page.keyboard.press('Control+Enter');
    });

    // Previsto refuses the caller's key (so the header reached it through Augur) and only its fields fail.
    expect(result.data.contacts).toBeNull();
    expect(result.errors).toHaveLength(1);
    expect(result.errors![0]).toMatchObject({ path: ['contacts'], extensions: { code: 'UNAUTHENTICATED', platform: 'previsto' } });
    expect((await stack.requests('previsto')).byRoute).toEqual({ 'GET /contacts': 1 });
    expect((await stack.requests('dataiku')).total).toBe(0);
  }, 60_000);

  it('runs a subscription over SSE and shows a live Civis run reaching SUCCEEDED in the result pane', async () => {
    const jobId = stack.augur.services.codec.encode('CivisJob', String(SEED_IDS.idleJob));
    const run = await stack.gql(`mutation($i: RunCivisJobInput!) { runCivisJob(input: $i) { run { id state } } }`, { i: { jobId } });
    const id = run.data!.runCivisJob.run.id as string;
    await editor(
      page,
      QUERY,
      `subscription WatchRun {\n  civisJobRun(id: "${id}") {\n    platformId\n    state\n    finishedAt\n    error\n  }\n}`,
    );
    await editor(page, RESULT, '');
    await page.locator('button.graphiql-execute-button').click();
    // GraphiQL shows each event as it arrives; the last one is the finished run.
    await expect.poll(() => page.locator('.result-window').innerText(), { timeout: 30_000 }).toContain('"state": "SUCCEEDED"');
    const result = JSON.parse(await editor(page, RESULT)) as { data: { civisJobRun: { state: string; error: string | null } } };
    expect(result.data.civisJobRun).toMatchObject({ state: 'SUCCEEDED', error: null });
    // The stream completed, so the poller stopped: one read per state change.
    await expect.poll(() => stack.augur.live.activePollers).toBe(0);
    expect((await stack.requests('civis')).byRoute['GET /jobs/{id}/runs/{run_id}']).toBeLessThanOrEqual(3);
  }, 60_000);
});
