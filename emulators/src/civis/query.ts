/**
 * Internal to the Civis emulator: readers for query strings and bodies that accept every spelling the clients send
 * (`page_num`, `pageNum`, `page_num[]`...), and the page-based pagination every paginated list shares.
 */
import { EmulatorError, type EmulatorReply } from '../framework/emulator.js';

/** `remote_host_id` -> `remoteHostId`. */
export function toCamel(snake: string): string {
  return snake.replace(/_([a-z0-9])/g, (_m, c: string) => c.toUpperCase());
}

/**
 * `remoteHostId` -> `remote_host_id`, `provideAPIKey` -> `provide_api_key`: the same two rules civis-python's
 * `camel_to_snake` applies to spec property names, so body keys arrive under exactly the names it sends.
 */
export function toSnake(camel: string): string {
  return camel
    .replace(/(.)([A-Z][a-z]+)/g, '$1_$2')
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase();
}

const spellings = new Map<string, readonly string[]>();

/** Every key under which a snake_case parameter may arrive: snake, camel, and the `key[]` array form of both. */
function spell(name: string): readonly string[] {
  let s = spellings.get(name);
  if (!s) {
    const camel = toCamel(name);
    s = camel === name ? [name, `${name}[]`] : [name, camel, `${name}[]`, `${camel}[]`];
    spellings.set(name, s);
  }
  return s;
}

/** The 400 the API answers for a request it cannot use. */
export function badRequest(detail: string): EmulatorError {
  return new EmulatorError(400, `The given request was not as expected: ${detail}`);
}

/** The 404 the API answers both for unknown records and for records the caller may not see. */
export function notFound(): EmulatorError {
  return new EmulatorError(404, 'The requested endpoint could not be found.');
}

/** The first value of a query parameter under any of its spellings. */
export function qString(query: URLSearchParams, name: string): string | undefined {
  for (const k of spell(name)) {
    const v = query.get(k);
    if (v !== null) return v;
  }
  return undefined;
}

/** All values of a parameter, from repeated keys, `key[]` forms and comma lists; `undefined` when absent. */
export function qList(query: URLSearchParams, name: string): string[] | undefined {
  let out: string[] | undefined;
  for (const k of spell(name)) {
    for (const v of query.getAll(k)) {
      out ??= [];
      for (const part of v.split(',')) {
        const t = part.trim();
        if (t) out.push(t);
      }
    }
  }
  return out;
}

/** An integer query parameter; anything else is a 400 that says what arrived. */
export function qInt(query: URLSearchParams, name: string): number | undefined {
  const v = qString(query, name);
  if (v === undefined || v === '') return undefined;
  return parseIntStrict(v, name);
}

/** A list of integers (`users=1,2`, `table_tag_ids[]=3`). */
export function qIntList(query: URLSearchParams, name: string): number[] | undefined {
  return qList(query, name)?.map((v) => parseIntStrict(v, name));
}

function parseIntStrict(v: string, name: string): number {
  if (!/^-?\d+$/.test(v)) throw badRequest(`${name} must be an integer, got ${JSON.stringify(v)}.`);
  return Number(v);
}

/** A boolean query parameter. Python's requests sends `True`/`False`, browsers `true`/`false`. */
export function qBool(query: URLSearchParams, name: string): boolean | undefined {
  const v = qString(query, name);
  if (v === undefined || v === '') return undefined;
  return parseBool(v, name);
}

export function parseBool(v: string, name: string): boolean {
  switch (v.toLowerCase()) {
    case 'true':
    case '1':
    case 't':
      return true;
    case 'false':
    case '0':
    case 'f':
      return false;
    default:
      throw badRequest(`${name} must be true or false, got ${JSON.stringify(v)}.`);
  }
}

/**
 * `archived` and `hidden` filters: absent or `false` keeps only live items, `true` only flagged ones, `all` both.
 * Returns a predicate over the flag's value.
 */
export function qFlagFilter(query: URLSearchParams, name: string): (flag: boolean) => boolean {
  const v = qString(query, name);
  if (v === undefined || v === '') return (flag) => !flag;
  if (v.toLowerCase() === 'all') return () => true;
  const want = parseBool(v, name);
  return (flag) => flag === want;
}

/** A request body as a plain object (an absent body is `{}`), with a reader that accepts camelCase and snake_case. */
export class Body {
  private constructor(private readonly data: Record<string, unknown>) {}

  static of(raw: unknown): Body {
    if (raw === undefined || raw === null) return new Body({});
    if (typeof raw !== 'object' || Array.isArray(raw)) {
      throw badRequest(`expected a JSON object body, got ${Array.isArray(raw) ? 'an array' : typeof raw}.`);
    }
    return new Body(raw as Record<string, unknown>);
  }

  /** Whether the field arrived under either spelling. civis-python sends snake_case keys, the docs show camelCase. */
  has(camel: string): boolean {
    return camel in this.data || toSnake(camel) in this.data;
  }

  raw(camel: string): unknown {
    if (camel in this.data) return this.data[camel];
    return this.data[toSnake(camel)];
  }

  string(camel: string): string | null | undefined {
    const v = this.raw(camel);
    if (v === undefined || v === null) return v;
    if (typeof v !== 'string') throw badRequest(`${camel} must be a string, got ${JSON.stringify(v)}.`);
    return v;
  }

  int(camel: string): number | null | undefined {
    const v = this.raw(camel);
    if (v === undefined || v === null) return v;
    if (typeof v === 'number' && Number.isInteger(v)) return v;
    if (typeof v === 'string' && /^-?\d+$/.test(v)) return Number(v);
    throw badRequest(`${camel} must be an integer, got ${JSON.stringify(v)}.`);
  }

  bool(camel: string): boolean | undefined {
    const v = this.raw(camel);
    if (v === undefined || v === null) return undefined;
    if (typeof v === 'boolean') return v;
    if (typeof v === 'string') return parseBool(v, camel);
    throw badRequest(`${camel} must be a boolean, got ${JSON.stringify(v)}.`);
  }

  /** A JSON object field, e.g. `appState`; arrays and scalars are a 400. */
  object(camel: string): Record<string, unknown> | null | undefined {
    const v = this.raw(camel);
    if (v === undefined || v === null) return v;
    if (typeof v !== 'object' || Array.isArray(v)) throw badRequest(`${camel} must be a JSON object, got ${JSON.stringify(v)}.`);
    return v as Record<string, unknown>;
  }

  /** A nested object read with the same spellings (`source.remote_host_id`). */
  nested(camel: string): Body | null | undefined {
    const v = this.object(camel);
    return v === undefined || v === null ? v : new Body(v);
  }

  /** An array of strings, e.g. `primaryKeys`. */
  stringList(camel: string): string[] | null | undefined {
    const v = this.raw(camel);
    if (v === undefined || v === null) return v;
    if (!Array.isArray(v) || !v.every((x) => typeof x === 'string')) {
      throw badRequest(`${camel} must be an array of strings, got ${JSON.stringify(v)}.`);
    }
    return v;
  }

  /** An array of integers, e.g. `scheduledDays`. */
  intList(camel: string): number[] | null | undefined {
    const v = this.raw(camel);
    if (v === undefined || v === null) return v;
    if (!Array.isArray(v) || !v.every((x) => typeof x === 'number' && Number.isInteger(x))) {
      throw badRequest(`${camel} must be an array of integers, got ${JSON.stringify(v)}.`);
    }
    return v as number[];
  }

  /** An object whose values are all strings, e.g. `ontologyMapping`. */
  stringMap(camel: string): Record<string, string> | null | undefined {
    const v = this.object(camel);
    if (v === undefined || v === null) return v;
    for (const [k, x] of Object.entries(v)) {
      if (typeof x !== 'string') throw badRequest(`${camel}.${k} must be a string (a column name), got ${JSON.stringify(x)}.`);
    }
    return v as Record<string, string>;
  }
}

/** A sort key; `null` sorts last in both directions. */
export type SortKey<T> = (item: T) => string | number | null;

/** How one list endpoint pages: defaults and maxima as its documentation states them. */
export interface PageSpec<T> {
  defaultLimit: number;
  maxLimit: number;
  /** Accepted `order` values and the key each sorts on. */
  orders: Record<string, SortKey<T>>;
  defaultOrder: string;
  defaultDir: 'asc' | 'desc';
  /** Orders ties; defaults to the item's `id`. */
  tie?: (item: T) => number;
}

/** Headers browsers may read, as the API sends them with every paginated list. */
const EXPOSE = 'Date, X-Pagination-Per-Page, X-Pagination-Current-Page, X-Pagination-Total-Pages, X-Pagination-Total-Entries';

/**
 * Sorts, slices and answers one page: a bare JSON array plus `X-Pagination-*` headers. A page past the end is
 * `200 []` (civis-python's iterator stops on an empty page, never on a 404). A `limit` above the maximum is
 * clamped, and the clamped value is what `X-Pagination-Per-Page` reports.
 */
export function paginate<T>(query: URLSearchParams, items: readonly T[], spec: PageSpec<T>): EmulatorReply {
  const limitRaw = qInt(query, 'limit');
  if (limitRaw !== undefined && limitRaw < 1) throw badRequest(`limit must be at least 1, got ${limitRaw}.`);
  const limit = Math.min(limitRaw ?? spec.defaultLimit, spec.maxLimit);
  const page = qInt(query, 'page_num') ?? 1;
  if (page < 1) throw badRequest(`page_num is 1-based and must be at least 1, got ${page}.`);
  const order = qString(query, 'order') || spec.defaultOrder;
  const key = spec.orders[order];
  if (!key) {
    throw badRequest(`order must be one of ${Object.keys(spec.orders).join(', ')}, got ${JSON.stringify(order)}.`);
  }
  const dirRaw = (qString(query, 'order_dir') || spec.defaultDir).toLowerCase();
  if (dirRaw !== 'asc' && dirRaw !== 'desc') throw badRequest(`order_dir must be asc or desc, got ${JSON.stringify(dirRaw)}.`);
  const sign = dirRaw === 'asc' ? 1 : -1;
  const tie = spec.tie ?? ((x: T) => (x as unknown as { id: number }).id);

  const sorted = items.slice().sort((a, b) => {
    const ka = key(a);
    const kb = key(b);
    if (ka !== kb) {
      if (ka === null) return 1;
      if (kb === null) return -1;
      return (ka < kb ? -1 : 1) * sign;
    }
    return (tie(a) - tie(b)) * sign;
  });
  const total = sorted.length;
  const start = (page - 1) * limit;
  const body = start >= total ? [] : sorted.slice(start, start + limit);
  return {
    status: 200,
    headers: {
      'X-Pagination-Per-Page': limit,
      'X-Pagination-Current-Page': page,
      'X-Pagination-Total-Pages': Math.ceil(total / limit),
      'X-Pagination-Total-Entries': total,
      'Access-Control-Expose-Headers': EXPOSE,
    },
    body,
  };
}
