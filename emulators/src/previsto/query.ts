/**
 * Internal to the Previsto emulator: list queries. Zero-based `page`, `size` 1..100 (default 20), equality filters
 * on any property (dot paths for nested ones), Spring-style `sort=prop,asc|desc`, and the contacts-only `search`
 * and `nearby`.
 */
import { EmulatorError } from '../framework/emulator.js';
import type { LonLat } from './types.js';

type FieldKind = 'scalar' | 'scalarArray' | 'object' | 'objectArray' | 'meta';

interface FieldDef {
  kind: FieldKind;
  fields?: Schema;
}

type Schema = Readonly<Record<string, FieldDef>>;

/** What a list endpoint can filter and sort on. */
export interface ListSpec {
  /** Plural resource name used in messages (`contacts`). */
  resource: string;
  schema: Schema;
  /** Old names still accepted for filters and sorts (e.g. `timestamp` for `plan.executionTime`). */
  aliases: Readonly<Record<string, string>>;
  /** Query parameters that are not property filters. */
  reserved: ReadonlySet<string>;
}

const S: FieldDef = { kind: 'scalar' };
const SA: FieldDef = { kind: 'scalarArray' };
const META: FieldDef = { kind: 'meta' };

function scalars(...names: string[]): Record<string, FieldDef> {
  return Object.fromEntries(names.map((n) => [n, S]));
}

const PAGING = ['page', 'size', 'sort'];

export const CONTACT_LIST: ListSpec = {
  resource: 'contacts',
  schema: {
    ...scalars(
      'id',
      'name',
      'address',
      'appartment',
      'postalCode',
      'city',
      'countryCode',
      'number',
      'remoteId',
      'remoteOrderId',
      'phone',
      'email',
      'registrationNo',
      'ean',
      'accountingMode',
      'accountingTime',
      'invoiceDelivery',
      'payingContactId',
      'note',
      'notifyBeforeWork',
      'archived',
    ),
    location: SA,
    agentIds: SA,
    meta: META,
  },
  aliases: {},
  reserved: new Set([...PAGING, 'search', 'nearby']),
};

export const AGREEMENT_LIST: ListSpec = {
  resource: 'agreements',
  schema: {
    ...scalars(
      'id',
      'description',
      'note',
      'amount',
      'currency',
      'contactId',
      'recurrenceRule',
      'type',
      'workType',
      'duration',
      'planningDateType',
      'planningDate',
      'startDate',
      'endDate',
      'previousDate',
      'nextDate',
      'accountId',
      'archived',
    ),
    meta: META,
  },
  aliases: {},
  reserved: new Set(PAGING),
};

const ADDRESS: FieldDef = { kind: 'object', fields: scalars('street', 'apartment', 'postalCode', 'city', 'countryCode') };

export const ASSIGNMENT_LIST: ListSpec = {
  resource: 'assignments',
  schema: {
    ...scalars(
      'id',
      'createdDate',
      'contactId',
      'contactName',
      'payingContactId',
      'accountId',
      'action',
      'remoteOrderId',
      'status',
      'handledDate',
    ),
    meta: META,
    location: SA,
    plan: { kind: 'object', fields: { ...scalars('executionTime', 'indicativeDate', 'indicativeDateType'), accountIds: SA } },
    tasks: {
      kind: 'objectArray',
      fields: scalars('agreementId', 'reference', 'description', 'amount', 'unitPrice', 'quantity', 'duration', 'workType'),
    },
    address: ADDRESS,
    deliveryAddress: ADDRESS,
  },
  // The 2018 flat shape's names, still used by the docs' own examples (`?sort=timestamp,desc`).
  aliases: {
    timestamp: 'plan.executionTime',
    planningDate: 'plan.indicativeDate',
    planningDateType: 'plan.indicativeDateType',
    planningAccountIds: 'plan.accountIds',
  },
  reserved: new Set(PAGING),
};

interface Resolved {
  /** Every scalar the path reaches (arrays are flattened: a filter matches when any of them equals). */
  values(rec: unknown): unknown[];
  /** Present when the path reaches exactly one scalar per record. */
  single?: (rec: unknown) => unknown;
}

type Outcome = Resolved | { error: string };

const resolveCache = new WeakMap<ListSpec, Map<string, Outcome>>();

function propertyList(spec: ListSpec): string {
  const out: string[] = [];
  for (const [k, def] of Object.entries(spec.schema)) {
    if (def.kind === 'object' || def.kind === 'objectArray') out.push(...Object.keys(def.fields!).map((f) => `${k}.${f}`));
    else if (def.kind === 'meta') out.push(`${k}.<key>`);
    else out.push(k);
  }
  return [...out, ...Object.keys(spec.aliases)].join(', ');
}

function resolveUncached(spec: ListSpec, name: string): Outcome {
  const path = spec.aliases[name] ?? name;
  const segs = path.split('.');
  const steps: Array<{ key: string; many: boolean }> = [];
  let schema: Schema | undefined = spec.schema;
  let flattenLast = false;
  for (let i = 0; i < segs.length; i++) {
    const key = segs[i]!;
    const def: FieldDef | undefined = schema && Object.hasOwn(schema, key) ? schema[key] : undefined;
    const last = i === segs.length - 1;
    if (!def) return { error: `Unknown property '${name}' on ${spec.resource}. Use one of: ${propertyList(spec)}.` };
    if (def.kind === 'meta') {
      if (last) return { error: `'${name}' is a dictionary; filter or sort on one of its keys, e.g. ${key}.myKey.` };
      steps.push({ key, many: false }, { key: segs.slice(i + 1).join('.'), many: false });
      break;
    }
    if (def.kind === 'object' || def.kind === 'objectArray') {
      if (last) {
        const sub = Object.keys(def.fields!)
          .map((f) => `${key}.${f}`)
          .join(', ');
        return { error: `'${name}' is an object; filter or sort on one of its fields: ${sub}.` };
      }
      steps.push({ key, many: def.kind === 'objectArray' });
      schema = def.fields;
      continue;
    }
    if (!last)
      return { error: `Unknown property '${name}' on ${spec.resource}: '${key}' has no fields. Use one of: ${propertyList(spec)}.` };
    steps.push({ key, many: false });
    flattenLast = def.kind === 'scalarArray';
    schema = undefined;
  }
  const many = flattenLast || steps.some((s) => s.many);
  const values = (rec: unknown): unknown[] => {
    let cur: unknown[] = [rec];
    for (let i = 0; i < steps.length; i++) {
      const { key, many: stepMany } = steps[i]!;
      const next: unknown[] = [];
      for (const node of cur) {
        const v = node !== null && typeof node === 'object' ? (node as Record<string, unknown>)[key] : undefined;
        if ((stepMany || (flattenLast && i === steps.length - 1)) && Array.isArray(v)) next.push(...(v as unknown[]));
        else next.push(v);
      }
      cur = next;
    }
    return cur;
  };
  if (many) return { values };
  const single = (rec: unknown): unknown => {
    let cur = rec;
    for (const { key } of steps) cur = cur !== null && typeof cur === 'object' ? (cur as Record<string, unknown>)[key] : undefined;
    return cur;
  };
  return { values, single };
}

function resolve(spec: ListSpec, name: string): Outcome {
  let cache = resolveCache.get(spec);
  if (!cache) resolveCache.set(spec, (cache = new Map<string, Outcome>()));
  let hit = cache.get(name);
  if (!hit) {
    hit = resolveUncached(spec, name);
    // Bounded: meta keys make the name space open-ended.
    if (cache.size < 2000) cache.set(name, hit);
  }
  return hit;
}

/** Compares a stored scalar with a query-string value: booleans and numbers by meaning, `null` by the word. */
function equals(stored: unknown, wanted: string): boolean {
  if (stored === null || stored === undefined) return wanted === 'null';
  switch (typeof stored) {
    case 'string':
      return stored === wanted;
    case 'boolean':
      return wanted.toLowerCase() === (stored ? 'true' : 'false');
    case 'number':
      return wanted.trim() !== '' && Number(wanted) === stored;
    default:
      return false;
  }
}

function matchesAny(stored: unknown, wanted: readonly string[]): boolean {
  for (let i = 0; i < wanted.length; i++) if (equals(stored, wanted[i]!)) return true;
  return false;
}

const TYPE_RANK: Record<string, number> = { undefined: 0, object: 0, number: 1, string: 2, boolean: 3 };

/** MongoDB-like ordering: missing/null first, then numbers, strings (by code unit), booleans. */
function compare(a: unknown, b: unknown): number {
  const ra = TYPE_RANK[a === null ? 'object' : typeof a] ?? 4;
  const rb = TYPE_RANK[b === null ? 'object' : typeof b] ?? 4;
  if (ra !== rb) return ra - rb;
  if (ra === 0) return 0;
  return (a as number) < (b as number) ? -1 : (a as number) > (b as number) ? 1 : 0;
}

function bad(param: string, message: string): EmulatorError {
  return new EmulatorError(400, message, { param });
}

/** A validated page request. */
export interface Paging {
  page: number;
  size: number;
}

export const DEFAULT_SIZE = 20;
export const MAX_SIZE = 100;

/** Reads `page` (zero-based) and `size` (1..100, larger values clamped to 100, default 20). */
export function readPaging(query: URLSearchParams): Paging {
  const p = query.get('page');
  const s = query.get('size');
  let page = 0;
  let size = DEFAULT_SIZE;
  if (p !== null && p !== '') {
    if (!/^\d+$/.test(p.trim())) throw bad('page', `'page' must be a zero-based page number (0, 1, 2...), got '${p}'.`);
    page = Number(p);
  }
  if (s !== null && s !== '') {
    if (!/^[-+]?\d+$/.test(s.trim())) throw bad('size', `'size' must be a whole number between 1 and ${MAX_SIZE}, got '${s}'.`);
    size = Number(s);
    if (size <= 0) throw bad('size', `'size' must be between 1 and ${MAX_SIZE}, got ${size}. Use size=1 or more.`);
    if (size > MAX_SIZE) size = MAX_SIZE;
  }
  return { page, size };
}

/** Extra behaviour a list may have (contacts: free-text search and distance ordering). */
export interface ListHooks<T> {
  /** Lower-cased text searched by `search`. */
  haystack?(rec: T): string;
  /** Coordinates ordered by `nearby`. */
  location?(rec: T): LonLat;
}

/** The result of a list query: the page and the total number of matching records (`x-total-count`). */
export interface ListResult<T> {
  total: number;
  items: T[];
}

function parseNearby(raw: string): LonLat {
  const parts = raw.split(',');
  const lon = Number(parts[0]);
  const lat = Number(parts[1]);
  if (
    parts.length !== 2 ||
    parts[0]!.trim() === '' ||
    parts[1]!.trim() === '' ||
    !Number.isFinite(lon) ||
    !Number.isFinite(lat) ||
    Math.abs(lon) > 180 ||
    Math.abs(lat) > 90
  ) {
    throw bad('nearby', `'nearby' must be '<longitude>,<latitude>' (e.g. nearby=10.2039,56.1629), got '${raw}'.`);
  }
  return [lon, lat];
}

/** Great-circle distance in kilometres. */
function distanceKm(a: LonLat, b: LonLat): number {
  const rad = Math.PI / 180;
  const dLat = (b[1] - a[1]) * rad;
  const dLon = (b[0] - a[0]) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a[1] * rad) * Math.cos(b[1] * rad) * Math.sin(dLon / 2) ** 2;
  return 12742 * Math.asin(Math.min(1, Math.sqrt(h)));
}

/**
 * Runs one list query over `all` (records in creation order). Throws {@link EmulatorError} 400 with `param` naming
 * the offending parameter.
 */
export function runList<T>(all: readonly T[], query: URLSearchParams, spec: ListSpec, hooks: ListHooks<T> = {}): ListResult<T> {
  const { page, size } = readPaging(query);
  const filters: Array<{ r: Resolved; wanted: string[] }> = [];
  const byName = new Map<string, string[]>();
  let search: string | undefined;
  let nearby: LonLat | undefined;
  const sortKeys: Array<{ get: (rec: unknown) => unknown; dir: number }> = [];

  for (const [name, value] of query) {
    if (spec.reserved.has(name)) {
      if (name === 'search' && hooks.haystack) search = value;
      else if (name === 'nearby' && hooks.location) nearby = parseNearby(value);
      else if (name === 'sort') parseSort(spec, value, sortKeys);
      continue;
    }
    const list = byName.get(name);
    if (list) list.push(value);
    else byName.set(name, [value]);
  }
  if (search !== undefined && nearby !== undefined) {
    throw bad('nearby', `'search' and 'nearby' cannot be combined on ${spec.resource}; send one of them.`);
  }
  for (const [name, wanted] of byName) {
    const r = resolve(spec, name);
    if ('error' in r) throw bad(name, r.error);
    filters.push({ r, wanted });
  }

  // Fast path: the default listing is a slice of the creation-ordered array.
  if (filters.length === 0 && search === undefined && nearby === undefined && sortKeys.length === 0) {
    const start = page * size;
    return { total: all.length, items: start >= all.length ? [] : all.slice(start, start + size) };
  }

  const terms = search === undefined ? [] : search.toLowerCase().split(/\s+/).filter(Boolean);
  let rows: T[] = [];
  for (const rec of all) {
    let ok = true;
    for (const { r, wanted } of filters) {
      // Repeating a parameter widens the match (`status=Invoiced&status=Fulfilled`).
      const hit = r.single ? matchesAny(r.single(rec), wanted) : r.values(rec).some((v) => matchesAny(v, wanted));
      if (!hit) {
        ok = false;
        break;
      }
    }
    if (ok && terms.length > 0) {
      const hay = hooks.haystack!(rec);
      ok = terms.every((t) => hay.includes(t));
    }
    if (ok) rows.push(rec);
  }

  if (nearby !== undefined || sortKeys.length > 0) {
    const origin = nearby;
    const keyed = rows.map((rec) => ({
      rec,
      d: origin ? distanceKm(origin, hooks.location!(rec)) : 0,
      k: sortKeys.map((s) => s.get(rec)),
    }));
    keyed.sort((a, b) => {
      if (a.d !== b.d) return a.d - b.d;
      for (let i = 0; i < sortKeys.length; i++) {
        const c = compare(a.k[i], b.k[i]);
        if (c !== 0) return c * sortKeys[i]!.dir;
      }
      return 0; // Array.prototype.sort is stable: ties keep creation order.
    });
    rows = keyed.map((x) => x.rec);
  }
  const start = page * size;
  return { total: rows.length, items: start >= rows.length ? [] : rows.slice(start, start + size) };
}

function parseSort(spec: ListSpec, raw: string, out: Array<{ get: (rec: unknown) => unknown; dir: number }>): void {
  const parts = raw.split(',').map((p) => p.trim());
  let dir = 1;
  const last = parts[parts.length - 1]!.toLowerCase();
  if (last === 'asc' || last === 'desc') {
    dir = last === 'desc' ? -1 : 1;
    parts.pop();
  }
  const props = parts.filter(Boolean);
  if (props.length === 0) {
    throw bad('sort', `'sort' must name a property, as in sort=name,asc or sort=timestamp,desc; got '${raw}'.`);
  }
  for (const prop of props) {
    const r = resolve(spec, prop);
    if ('error' in r) throw bad('sort', `Cannot sort by '${prop}': ${r.error}`);
    if (!r.single) throw bad('sort', `Cannot sort by '${prop}': it holds a list of values. Sort on a single-valued property.`);
    out.push({ get: r.single, dir });
  }
}
