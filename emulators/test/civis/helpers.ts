/** What the Civis emulator's route tests share: the demo keys, a fresh emulator per file, and one way to call it. */
import { afterAll, beforeAll, beforeEach, expect } from 'vitest';
import type { Emulator } from '../../src/framework/emulator.js';
import { civisEmulator } from '../../src/civis/index.js';

export const KEY = 'augur-demo-civis';
export const KEY2 = 'augur-demo-civis-2';
export const basic = (key: string) => `Basic ${Buffer.from(`${key}:`).toString('base64')}`;
export const NOT_FOUND = { error: 'not_found', errorDescription: 'The requested endpoint could not be found.', code: 404 };

export interface Call {
  /** The key sent as Basic username; `null` sends no Authorization. Default KEY. */
  key?: string | null;
  method?: string;
  /** An object is sent as JSON, the way civis-python sends `json=`; a string is sent as it is. */
  body?: unknown;
  headers?: Record<string, string>;
  /** Another emulator's base URL. */
  base?: string;
}

export interface Answer {
  status: number;
  headers: Headers;
  body: any;
  text: string;
}

export interface CivisUnderTest {
  /** The emulator's base URL (known once the file's tests start). */
  readonly url: string;
  call: (path: string, opts?: Call) => Promise<Answer>;
}

/** Starts a Civis emulator for the calling test file, with its data reset before each test. */
export function civisUnderTest(): CivisUnderTest {
  let emulator: Emulator;
  let url = '';
  beforeAll(async () => {
    emulator = civisEmulator.create();
    url = await emulator.listen(0);
  });
  afterAll(() => emulator.close());
  beforeEach(async () => {
    await fetch(`${url}/_emulator/reset`, { method: 'POST' });
  });
  return {
    get url() {
      return url;
    },
    async call(path, opts = {}) {
      const headers: Record<string, string> = { ...opts.headers };
      const key = opts.key === undefined ? KEY : opts.key;
      if (key !== null) headers['authorization'] ??= basic(key);
      const init: RequestInit = { method: opts.method ?? 'GET', headers };
      if (typeof opts.body === 'string') init.body = opts.body;
      else if (opts.body !== undefined) {
        headers['content-type'] ??= 'application/json';
        init.body = JSON.stringify(opts.body);
      }
      const res = await fetch(`${opts.base ?? url}${path}`, init);
      const text = await res.text();
      let body: unknown;
      try {
        body = text ? JSON.parse(text) : undefined;
      } catch {
        body = text;
      }
      return { status: res.status, headers: res.headers, body, text };
    },
  };
}

/** A 400 in the platform's envelope whose description contains `fragment`. */
export function expectBadRequest(r: { status: number; body: any }, fragment: string): void {
  expect(r.status).toBe(400);
  expect(r.body.error).toBe('bad_request');
  expect(r.body.code).toBe(400);
  expect(r.body.errorDescription).toMatch(/^The given request was not as expected: /);
  expect(r.body.errorDescription).toContain(fragment);
}
