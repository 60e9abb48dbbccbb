/** Test helpers for the Prevision emulator contract tests (not a test file). */
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { previsionEmulator, PREVISION_DEMO, type PrevisionOptions } from '../../src/prevision/index.js';
import type { PrevisionEmulator } from '../../src/prevision/index.js';
import { firstZipEntry } from '../../src/prevision/files.js';

export const TOKEN = PREVISION_DEMO.masterToken;
export const AUTH = { authorization: TOKEN };
export const TOKEN_URL_PATH = '/auth/realms/prevision.io/protocol/openid-connect/token';

export async function startPrevision(options: Partial<PrevisionOptions> = {}): Promise<{ em: PrevisionEmulator; url: string }> {
  const em = previsionEmulator.create(options) as PrevisionEmulator;
  const url = await em.listen(0);
  return { em, url };
}

/**
 * Runs a Prevision emulator for the enclosing describe block (or file): started before its tests, closed after them,
 * and its data reset before each test unless `resetEach` is false. `onStart` receives it once it listens.
 */
export function usePrevision(
  options: Partial<PrevisionOptions>,
  onStart: (started: { em: PrevisionEmulator; url: string }) => void,
  { resetEach = true }: { resetEach?: boolean } = {},
): void {
  let started: { em: PrevisionEmulator; url: string } | undefined;
  beforeAll(async () => {
    started = await startPrevision(options);
    onStart(started);
  });
  afterAll(() => started?.em.close());
  if (resetEach) beforeEach(() => reset(started!.url));
}

export interface JsonReply {
  status: number;
  headers: Headers;
  // Tests index into arbitrary wire JSON; `any` keeps assertions readable.
  body: any;
  text: string;
}

/** Calls the emulator (master token by default) and parses JSON when there is a body. */
export async function call(url: string, path: string, init: RequestInit & { auth?: string | null } = {}): Promise<JsonReply> {
  const headers = new Headers(init.headers);
  if (init.auth !== null && !headers.has('authorization')) headers.set('authorization', init.auth ?? TOKEN);
  const res = await fetch(url + path, { ...init, headers });
  const text = await res.text();
  let body: unknown = undefined;
  if (text !== '') {
    try {
      body = JSON.parse(text);
    } catch {
      body = text;
    }
  }
  return { status: res.status, headers: res.headers, body, text };
}

export async function counters(url: string): Promise<{ total: number; byRoute: Record<string, number> }> {
  return (await (await fetch(`${url}/_emulator/requests`)).json()) as { total: number; byRoute: Record<string, number> };
}

export async function reset(url: string): Promise<void> {
  await fetch(`${url}/_emulator/reset`, { method: 'POST' });
}

/** Fetches an access token for a deployment API key (form body, as Keycloak clients send it). */
export async function accessToken(url: string, clientId: string, clientSecret: string): Promise<string> {
  const r = await call(url, TOKEN_URL_PATH, {
    method: 'POST',
    auth: null,
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret }).toString(),
  });
  if (r.status !== 200) throw new Error(`token endpoint answered ${r.status}: ${r.text}`);
  return r.body.access_token as string;
}

/** An open `/ext/v1/events` stream that collects raw chunks. */
export class EventStream {
  readonly chunks: string[] = [];
  private done = false;
  private waiters: Array<() => void> = [];

  private constructor(
    private readonly reader: ReadableStreamDefaultReader<Uint8Array>,
    private readonly controller: AbortController,
  ) {
    void this.pump();
  }

  static async open(url: string, auth = TOKEN): Promise<{ stream: EventStream; response: Response }> {
    const controller = new AbortController();
    const response = await fetch(`${url}/ext/v1/events`, { headers: { authorization: auth }, signal: controller.signal });
    if (!response.body) throw new Error(`/ext/v1/events answered ${response.status} without a body`);
    return { stream: new EventStream(response.body.getReader(), controller), response };
  }

  get closed(): boolean {
    return this.done;
  }

  get text(): string {
    return this.chunks.join('');
  }

  /** Parsed `event:`/`data:` messages, split the way the SDK does (one chunk per event). */
  events(): Array<{ event: string; data: { _id: string } }> {
    return this.text
      .split('\n\n')
      .filter((m) => m.includes('event: '))
      .map((m) => {
        const lines = m.split('\n');
        const event = lines.find((l) => l.startsWith('event: '))!.slice(7);
        const data = JSON.parse(lines.find((l) => l.startsWith('data: '))!.slice(6)) as { _id: string };
        return { event, data };
      });
  }

  async waitFor(predicate: (s: EventStream) => boolean, timeoutMs = 2000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate(this)) {
      if (this.done) throw new Error(`stream closed before the condition held; received: ${JSON.stringify(this.text)}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting on the event stream; received: ${JSON.stringify(this.text)}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  close(): void {
    this.controller.abort();
  }

  private async pump(): Promise<void> {
    const decoder = new TextDecoder();
    try {
      for (;;) {
        const { value, done } = await this.reader.read();
        if (done) break;
        this.chunks.push(decoder.decode(value, { stream: true }));
        this.wake();
      }
    } catch {
      // aborted or reset: treated as closed
    }
    this.done = true;
    this.wake();
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }
}

/** Downloads a zip and reads its first entry the way the SDK's `zip_to_pandas` does: a csv, as rows of cells. */
export async function zipCsv(
  url: string,
  path: string,
): Promise<{ status: number; contentType: string | null; name: string; rows: string[][] }> {
  const res = await fetch(url + path, { headers: { authorization: TOKEN } });
  const buf = Buffer.from(await res.arrayBuffer());
  if (res.status !== 200) throw new Error(`${path} answered ${res.status}: ${buf.toString('utf8')}`);
  const entry = firstZipEntry(buf);
  if (!entry) throw new Error(`${path} did not answer a zip`);
  return { status: res.status, contentType: res.headers.get('content-type'), name: entry.name, rows: csvRows(entry.data.toString('utf8')) };
}

/** Splits simple csv text (no quoted separators) into rows of cells. */
export function csvRows(text: string): string[][] {
  return text
    .trim()
    .split('\n')
    .map((l) => l.split(','));
}
