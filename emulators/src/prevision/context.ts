/**
 * Internal to the Prevision emulator: what route handlers share (state, events, options) and the helpers every list
 * and lookup uses (pagination, 404s, body checks, the caller-facing base URL).
 */
import { EmulatorError, type EmulatorRequest } from '../framework/emulator.js';
import type { EventHub } from './events.js';
import type { PrevisionStore } from './store.js';
import type { ListPage } from './types.js';

/** Resolved options (every field set). */
export interface ResolvedPrevisionOptions {
  masterTokens: string[];
  secondMasterTokens: string[];
  tokenTtlSeconds: number;
  keepAliveMs: number;
  asyncStepMs: number;
  asyncStepReads: number;
  now: () => number;
  clockInjected: boolean;
  publicUrl: string | undefined;
  defaultRowsPerPage: number;
  maxRowsPerPage: number;
}

export interface HandlerContext {
  store: PrevisionStore;
  hub: EventHub;
  options: ResolvedPrevisionOptions;
  /** The URL clients reached this emulator on: `publicUrl`, else `Host`, else the listening URL. */
  baseUrl(req: EmulatorRequest): string;
}

/** Builds {@link HandlerContext.baseUrl}. */
export function baseUrlResolver(publicUrl: string | undefined, listening: () => string): (req: EmulatorRequest) => string {
  if (publicUrl) {
    const fixed = publicUrl.replace(/\/+$/, '');
    return () => fixed;
  }
  return (req) => {
    const host = req.headers.host;
    if (!host) return listening();
    const fwd = req.headers['x-forwarded-proto'];
    const proto = (Array.isArray(fwd) ? fwd[0] : fwd)?.split(',')[0]?.trim() || 'http';
    return `${proto}://${host}`;
  };
}

export function notFound(kind: string, id: string): EmulatorError {
  return new EmulatorError(404, `${kind} ${JSON.stringify(id)} not found. Check the id (a 24-hex string) or list the parent collection.`);
}

export function badRequest(message: string): EmulatorError {
  return new EmulatorError(400, message);
}

/**
 * The body, read as JSON whenever it looks like JSON: Python's `requests.post(data=json.dumps(...))` sends no
 * Content-Type, and `curl -d '{...}'` claims a urlencoded form, yet both carry JSON.
 */
export function jsonFirstBody(req: EmulatorRequest): unknown {
  const first = req.rawBody.length > 0 ? req.rawBody.toString('utf8', 0, Math.min(req.rawBody.length, 64)).trimStart()[0] : undefined;
  if (first !== '{' && first !== '[') return req.body();
  try {
    return JSON.parse(req.rawBody.toString('utf8')) as unknown;
  } catch (e) {
    throw badRequest(`Malformed JSON body: ${(e as Error).message}. Send a JSON object.`);
  }
}

/** The request body as an object, or a 400 that says what arrived instead. */
export function objectBody(req: EmulatorRequest): Record<string, unknown> {
  const b = jsonFirstBody(req);
  if (b === undefined) return {};
  if (typeof b !== 'object' || b === null || Array.isArray(b)) {
    throw badRequest(`Expected a JSON object body, got ${Array.isArray(b) ? 'an array' : JSON.stringify(b)}.`);
  }
  return b as Record<string, unknown>;
}

export function requiredString(body: Record<string, unknown>, key: string): string {
  const v = body[key];
  if (typeof v !== 'string' || v.trim() === '') {
    throw badRequest(`Field "${key}" is required and must be a non-empty string, got ${v === undefined ? 'nothing' : JSON.stringify(v)}.`);
  }
  return v;
}

export function optionalString(body: Record<string, unknown>, key: string): string | null {
  const v = body[key];
  if (v === undefined || v === null) return null;
  if (typeof v !== 'string') throw badRequest(`Field "${key}" must be a string or null, got ${JSON.stringify(v)}.`);
  return v;
}

export function oneOf<T extends string>(body: Record<string, unknown>, key: string, allowed: readonly T[], fallback?: T): T {
  const v = body[key];
  if ((v === undefined || v === null) && fallback !== undefined) return fallback;
  if (typeof v !== 'string' || !(allowed as readonly string[]).includes(v)) {
    throw badRequest(`Field "${key}" must be one of ${allowed.join(', ')}, got ${v === undefined ? 'nothing' : JSON.stringify(v)}.`);
  }
  return v as T;
}

function positiveInt(q: URLSearchParams, key: string, fallback: number, max: number): number {
  const raw = q.get(key);
  if (raw === null || raw === '') return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < 1 || Number(raw) > max) {
    throw badRequest(`Query parameter ${key} must be an integer between 1 and ${max}, got ${JSON.stringify(raw)}. Pages are 1-based.`);
  }
  return Number(raw);
}

function compareValues(a: unknown, b: unknown): number {
  if (a === b) return 0;
  if (a === null || a === undefined) return 1;
  if (b === null || b === undefined) return -1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  // eslint-disable-next-line @typescript-eslint/no-base-to-string -- sort keys are scalar fields; any other value compares by its default text
  return String(a) < String(b) ? -1 : 1;
}

/**
 * One page of `all`: `page` (1-based), `rowsPerPage`, `sortBy` (a top-level key of the items) and
 * `descending=true|false`. A page past the end is empty with `nextPage: false`.
 */
export function paginate<T extends object>(
  all: readonly T[],
  q: URLSearchParams,
  options: Pick<ResolvedPrevisionOptions, 'defaultRowsPerPage' | 'maxRowsPerPage'>,
): ListPage<T> {
  const page = positiveInt(q, 'page', 1, Number.MAX_SAFE_INTEGER);
  const rowsPerPage = positiveInt(q, 'rowsPerPage', options.defaultRowsPerPage, options.maxRowsPerPage);
  const desc = q.get('descending');
  if (desc !== null && desc !== 'true' && desc !== 'false') {
    throw badRequest(`Query parameter descending must be "true" or "false", got ${JSON.stringify(desc)}.`);
  }
  const sortBy = q.get('sortBy');
  let items = all;
  if (sortBy) {
    const first = all[0] as Record<string, unknown> | undefined;
    if (first && !Object.hasOwn(first, sortBy)) {
      const keys = Object.keys(first).filter((k) => first[k] === null || typeof first[k] !== 'object');
      throw badRequest(`Cannot sort by ${JSON.stringify(sortBy)}: expected one of ${keys.join(', ')}.`);
    }
    items = [...all].sort((a, b) => compareValues((a as Record<string, unknown>)[sortBy], (b as Record<string, unknown>)[sortBy]));
  }
  if (desc === 'true') items = items === all ? [...all].reverse() : (items as T[]).reverse();
  const start = (page - 1) * rowsPerPage;
  return {
    items: items.slice(start, start + rowsPerPage),
    metaData: { totalItems: all.length, rowsPerPage, currentPage: page, nextPage: start + rowsPerPage < all.length },
  };
}
