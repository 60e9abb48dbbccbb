/**
 * Internal to the Previsto emulator: the field coercers the model rules are built from. Each checks one request
 * value (JSON, or a string from a form body) and answers the stored value or a 400 naming the parameter.
 */
import { EmulatorError } from '../framework/emulator.js';
import type { LonLat, Meta, StoreView } from './types.js';

/** Metadata limits from the API introduction. */
export const META_LIMITS = { keys: 20, keyLength: 40, valueLength: 500 } as const;

export type Body = Record<string, unknown>;
export type Coercer = (value: unknown, param: string, store: StoreView) => unknown;

export function fail(param: string, message: string): never {
  throw new EmulatorError(400, message, { param });
}

export function shown(v: unknown): string {
  if (typeof v === 'string') return `'${v.length > 60 ? `${v.slice(0, 60)}...` : v}'`;
  if (Array.isArray(v)) return 'an array';
  if (v === null) return 'null';
  // eslint-disable-next-line @typescript-eslint/no-base-to-string -- objects are handled first; TypeScript narrows the rest of `unknown` only to `{}`
  return typeof v === 'object' ? 'an object' : String(v);
}

export function missing(param: string): never {
  // The wording of the documented example error: "'name' must be specified."
  return fail(param, `'${param}' must be specified.`);
}

/** A request body as an object; an empty body counts as `{}`. */
export function asBody(raw: unknown): Body {
  if (raw === undefined) return {};
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new EmulatorError(400, `Expected a JSON object (or form fields) as the request body, got ${shown(raw)}.`);
  }
  return raw as Body;
}

export const has = (b: Body, k: string): boolean => Object.hasOwn(b, k) && b[k] !== undefined;

/** Arrays sent as form fields arrive as `{ "0": ..., "1": ... }` (from `x[0]=...&x[1]=...`). */
export function listLike(v: unknown): unknown[] | undefined {
  if (Array.isArray(v)) return v as unknown[];
  if (v !== null && typeof v === 'object') {
    const keys = Object.keys(v);
    if (keys.length > 0 && keys.every((k) => /^\d+$/.test(k))) {
      return keys.sort((a, b) => Number(a) - Number(b)).map((k) => (v as Body)[k]);
    }
  }
  return undefined;
}

export const text: Coercer = (v, p) => {
  if (v === null) return null;
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return fail(p, `'${p}' must be a string, got ${shown(v)}.`);
};

export const requiredText: Coercer = (v, p, s) => {
  const t = text(v, p, s) as string | null;
  if (t === null || t.trim() === '') missing(p);
  return t;
};

export const bool: Coercer = (v, p) => {
  if (typeof v === 'boolean') return v;
  if (typeof v === 'string') {
    const l = v.trim().toLowerCase();
    if (l === 'true' || l === '1') return true;
    if (l === 'false' || l === '0') return false;
  }
  return fail(p, `'${p}' must be true or false, got ${shown(v)}.`);
};

export function integer(min: number, nullable: boolean, unit = ''): Coercer {
  return (v, p) => {
    if ((v === null || v === '') && nullable) return null;
    const n = typeof v === 'number' ? v : typeof v === 'string' && /^\s*-?\d+\s*$/.test(v) ? Number(v) : NaN;
    if (!Number.isInteger(n)) return fail(p, `'${p}' must be a whole number${unit}, got ${shown(v)}.`);
    if (n < min) return fail(p, `'${p}' must be at least ${min}${unit}, got ${n}.`);
    return n;
  };
}

export const positiveNumber: Coercer = (v, p) => {
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
  if (!Number.isFinite(n) || n <= 0) return fail(p, `'${p}' must be a positive number, got ${shown(v)}.`);
  return n;
};

export function oneOf(values: readonly string[], nullable: boolean): Coercer {
  return (v, p) => {
    if ((v === null || v === '') && nullable) return null;
    if (typeof v === 'string' && values.includes(v)) return v;
    return fail(p, `'${p}' must be one of ${values.join(', ')}${nullable ? ' (or null)' : ''}; got ${shown(v)}.`);
  };
}

function pattern(re: RegExp, what: string, example: string, transform: (s: string) => string = (s) => s): Coercer {
  return (v, p) => {
    if (v === null || v === '') return null;
    if (typeof v === 'string' && re.test(v)) return transform(v);
    return fail(p, `'${p}' must be ${what} such as '${example}', got ${shown(v)}.`);
  };
}

export const date = pattern(/^\d{4}-\d{2}-\d{2}$/, 'a date (YYYY-MM-DD)', '2025-06-02');
export const dateTime = pattern(
  /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?$/,
  'a date and time (YYYY-MM-DDTHH:mm)',
  '2025-06-02T08:30',
);
export const countryCode = pattern(/^[A-Za-z]{2}$/, 'a 2-letter ISO 3166-1 country code', 'DK', (s) => s.toUpperCase());
export const currency = pattern(/^[A-Za-z]{3}$/, 'a 3-letter ISO 4217 currency code', 'DKK', (s) => s.toUpperCase());
export const languageCode = pattern(/^[A-Za-z]{2}$/, 'a 2-letter ISO 639-1 language code', 'da', (s) => s.toLowerCase());
export const email = pattern(/^[^@\s]+@[^@\s]+\.[^@\s]+$/, 'an e-mail address', 'john@doe.com');

export const recurrenceRule: Coercer = (v, p) => {
  if (v === null || v === '') return null;
  if (typeof v === 'string' && /(^|;)FREQ=(SECONDLY|MINUTELY|HOURLY|DAILY|WEEKLY|MONTHLY|YEARLY)(;|$)/i.test(v)) return v;
  return fail(p, `'${p}' must be an iCal RRULE such as 'FREQ=WEEKLY;INTERVAL=4;WKST=MO', got ${shown(v)}.`);
};

export const location: Coercer = (v, p) => {
  const list = typeof v === 'string' ? v.split(',') : listLike(v);
  const nums = list?.map((x) => (typeof x === 'number' ? x : typeof x === 'string' && x.trim() !== '' ? Number(x) : NaN));
  if (!nums || nums.length !== 2 || !nums.every(Number.isFinite) || Math.abs(nums[0]!) > 180 || Math.abs(nums[1]!) > 90) {
    return fail(p, `'${p}' must be [longitude, latitude], e.g. [10.5286863, 56.8039035], got ${shown(v)}.`);
  }
  return [nums[0]!, nums[1]!] as LonLat;
};

export const stringList: Coercer = (v, p) => {
  if (v === null || v === '') return [];
  if (typeof v === 'string') return [v];
  const list = listLike(v);
  if (!list || !list.every((x) => typeof x === 'string')) return fail(p, `'${p}' must be a list of ids, got ${shown(v)}.`);
  return list;
};

export function reference(kind: 'contact' | 'agreement' | 'account', nullable: boolean): Coercer {
  return (v, p, store) => {
    if ((v === null || v === '') && nullable) return null;
    if (typeof v !== 'string' || v.trim() === '') return missing(p);
    const known = kind === 'contact' ? store.contacts.has(v) : kind === 'agreement' ? store.agreements.has(v) : store.accounts.has(v);
    if (!known) {
      const where = kind === 'account' ? 'GET /accounts/current' : `GET /${kind}s`;
      return fail(p, `'${p}' refers to ${kind} '${v}', which does not exist in this organization. Use an id from ${where}.`);
    }
    return v;
  };
}

/** Validates `meta` against the documented limits and merges it into `base` (null or "" deletes a key). */
export function mergeMeta(base: Meta, v: unknown): Meta {
  if (v === undefined) return base;
  if (v === null || v === '') return {};
  if (typeof v !== 'object' || Array.isArray(v)) {
    return fail(
      'meta',
      `'meta' must be an object of string values, e.g. {"hairColor": "Brown"} or meta[hairColor]=Brown; got ${shown(v)}.`,
    );
  }
  const out: Meta = { ...base };
  for (const [k, val] of Object.entries(v as Body)) {
    if (k.length === 0 || k.length > META_LIMITS.keyLength) {
      fail('meta', `meta key names must be 1 to ${META_LIMITS.keyLength} characters long; '${k.slice(0, 60)}' has ${k.length}.`);
    }
    if (val === null || val === '') {
      delete out[k];
      continue;
    }
    if (typeof val === 'object') fail('meta', `meta values must be strings, but meta.${k} is ${shown(val)}.`);
    // eslint-disable-next-line @typescript-eslint/no-base-to-string -- objects failed just above; TypeScript narrows the rest of `unknown` only to `{}`
    const s = String(val);
    if (s.length > META_LIMITS.valueLength) {
      fail('meta', `meta values may be at most ${META_LIMITS.valueLength} characters long; meta.${k} has ${s.length}.`);
    }
    out[k] = s;
  }
  const n = Object.keys(out).length;
  if (n > META_LIMITS.keys) {
    fail(
      'meta',
      `meta may hold at most ${META_LIMITS.keys} keys, this would leave ${n}. Remove keys (send them as null or "") to make room.`,
    );
  }
  return out;
}

export function apply(target: object, body: Body, fields: Readonly<Record<string, Coercer>>, store: StoreView, prefix = ''): void {
  const t = target as Body;
  for (const key in fields) {
    if (has(body, key)) t[key] = fields[key]!(body[key], prefix + key, store);
  }
}

export function sub(body: Body, key: string): Body | undefined {
  const v = body[key];
  if (v === undefined) return undefined;
  if (v === null || typeof v !== 'object' || Array.isArray(v)) fail(key, `'${key}' must be an object, got ${shown(v)}.`);
  return v as Body;
}
