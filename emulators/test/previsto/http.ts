/** Test-only helpers: call a Previsto emulator over real HTTP the way Previsto's curl examples and JS SDK do. */

export const SK = 'sk_augur_demo';
export const PK = 'pk_augur_demo';

/** `curl -u <key>:` */
export function basic(key: string): Record<string, string> {
  return { authorization: `Basic ${Buffer.from(`${key}:`).toString('base64')}` };
}

export interface Answer {
  status: number;
  headers: Headers;
  text: string;
  /** Parsed JSON, or `undefined` for an empty body. */
  json: any;
}

export interface CallOptions {
  /** API key sent as Basic username; `null` sends no Authorization header. */
  key?: string | null;
  /** JSON body. */
  json?: unknown;
  /** Form fields, sent as `application/x-www-form-urlencoded` (repeat keys by passing arrays). */
  form?: Record<string, string | string[]>;
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

export async function call(base: string, method: string, path: string, o: CallOptions = {}): Promise<Answer> {
  const headers: Record<string, string> = { accept: 'application/json', ...(o.key === null ? {} : basic(o.key ?? SK)), ...o.headers };
  let body: string | undefined;
  if (o.json !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(o.json);
  } else if (o.form) {
    headers['content-type'] = 'application/x-www-form-urlencoded';
    const p = new URLSearchParams();
    for (const [k, v] of Object.entries(o.form)) for (const x of Array.isArray(v) ? v : [v]) p.append(k, x);
    body = p.toString();
  }
  const init: RequestInit = { method, headers };
  if (body !== undefined) init.body = body;
  if (o.signal) init.signal = o.signal;
  const res = await fetch(base + path, init);
  const text = await res.text();
  return { status: res.status, headers: res.headers, text, json: text ? JSON.parse(text) : undefined };
}

/** Reads every page of a list with size=100. */
export async function listAll(base: string, path: string, key = SK): Promise<any[]> {
  const out: any[] = [];
  const sep = path.includes('?') ? '&' : '?';
  for (let page = 0; ; page++) {
    const r = await call(base, 'GET', `${path}${sep}size=100&page=${page}`, { key });
    if (r.status !== 200) throw new Error(`GET ${path} page ${page}: ${r.status} ${r.text}`);
    out.push(...r.json);
    if (r.json.length < 100) return out;
  }
}

export async function requests(base: string): Promise<{ total: number; byRoute: Record<string, number> }> {
  return (await fetch(`${base}/_emulator/requests`)).json() as Promise<{ total: number; byRoute: Record<string, number> }>;
}

export async function reset(base: string): Promise<void> {
  await fetch(`${base}/_emulator/reset`, { method: 'POST' });
}
