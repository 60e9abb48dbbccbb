/**
 * Fault injection for emulators (`POST /_emulator/faults`). Faults are deterministic so tests can assert exact
 * counts: with `rate: 0.5`, every second matching request fails (the 2nd, 4th, ...); with `rate: 1`, every one.
 */

/** The wire form of one fault, as posted to `/_emulator/faults`. */
export interface FaultSpec {
  /** Delay before answering (applies to every matching request, failing or not). */
  latencyMs?: number;
  /** Answer with this HTTP status and the platform's error envelope. */
  status?: number;
  /** Fraction 0..1 of matching requests that fail (status, hang, reset, malformed). Default 1. */
  rate?: number;
  /** `Retry-After` seconds sent with the injected status. */
  retryAfter?: number;
  /** Never answer: the connection stays open. */
  hang?: boolean;
  /** Reset the connection without answering. */
  reset?: boolean;
  /** Answer 200 with a truncated, unparsable JSON body. */
  malformed?: boolean;
  /** Only these routes: `"METHOD /template"` or `"/template"` (any method). Default: every vendor route. */
  routes?: string[];
  /** Stop failing after this many failures (a burst). Default: unlimited. */
  count?: number;
}

export interface ActiveFault {
  latencyMs: number;
  status?: number;
  rate: number;
  retryAfter?: number;
  hang: boolean;
  reset: boolean;
  malformed: boolean;
  routes?: string[];
  count?: number;
  /** Matching requests seen so far. */
  seen: number;
  /** Failures injected so far. */
  injected: number;
}

/** What to do with one request, as decided by the matching fault. */
export interface FaultDecision {
  latencyMs: number;
  status?: number;
  retryAfter?: number;
  hang: boolean;
  reset: boolean;
  malformed: boolean;
}

const KNOWN = new Set(['latencyMs', 'status', 'rate', 'retryAfter', 'hang', 'reset', 'malformed', 'routes', 'count']);

function validate(spec: unknown, routeKeys: Set<string>): ActiveFault {
  if (typeof spec !== 'object' || spec === null || Array.isArray(spec)) {
    throw new Error('Each fault must be a JSON object such as {"status": 503, "rate": 0.5}.');
  }
  const s = spec as Record<string, unknown>;
  for (const k of Object.keys(s)) {
    if (!KNOWN.has(k)) throw new Error(`Unknown fault field "${k}". Known: ${[...KNOWN].join(', ')}.`);
  }
  const num = (k: string, min: number, max: number): number | undefined => {
    const v = s[k];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max) {
      throw new Error(`Fault field "${k}" must be a number in ${min}..${max}, got ${JSON.stringify(v)}.`);
    }
    return v;
  };
  const bool = (k: string): boolean => {
    const v = s[k];
    if (v === undefined || v === null) return false;
    if (typeof v !== 'boolean') throw new Error(`Fault field "${k}" must be a boolean, got ${JSON.stringify(v)}.`);
    return v;
  };
  let routes: string[] | undefined;
  if (s['routes'] !== undefined && s['routes'] !== null) {
    if (!Array.isArray(s['routes']) || s['routes'].some((r) => typeof r !== 'string')) {
      throw new Error('Fault field "routes" must be an array of "METHOD /template" or "/template" strings.');
    }
    routes = s['routes'] as string[];
    for (const r of routes) {
      const known = r.includes(' ') ? routeKeys.has(r) : [...routeKeys].some((k) => k.endsWith(` ${r}`));
      if (!known) throw new Error(`Unknown route "${r}". Known routes: ${[...routeKeys].join(', ')}.`);
    }
  }
  const status = num('status', 100, 599);
  const fault: ActiveFault = {
    latencyMs: num('latencyMs', 0, 600_000) ?? 0,
    rate: num('rate', 0, 1) ?? 1,
    hang: bool('hang'),
    reset: bool('reset'),
    malformed: bool('malformed'),
    seen: 0,
    injected: 0,
  };
  if (status !== undefined) fault.status = status;
  const retryAfter = num('retryAfter', 0, 86_400);
  if (retryAfter !== undefined) fault.retryAfter = retryAfter;
  if (routes) fault.routes = routes;
  const count = num('count', 0, Number.MAX_SAFE_INTEGER);
  if (count !== undefined) fault.count = count;
  if (fault.retryAfter !== undefined && fault.status === undefined) fault.status = 429;
  return fault;
}

/** The faults currently installed on one emulator. The first fault whose routes match a request applies. */
export class FaultSet {
  private faults: ActiveFault[] = [];

  set(spec: FaultSpec | FaultSpec[], routeKeys: Set<string>): void {
    const list = Array.isArray(spec) ? spec : [spec];
    this.faults = list.map((s) => validate(s, routeKeys));
  }

  clear(): void {
    this.faults = [];
  }

  list(): ActiveFault[] {
    return this.faults.map((f) => ({ ...f }));
  }

  /** Decides the fate of one request on `routeKey`, or `undefined` when no fault applies. */
  pick(routeKey: string): FaultDecision | undefined {
    if (this.faults.length === 0) return undefined;
    const fault = this.faults.find(
      (f) => !f.routes || f.routes.some((r) => (r.includes(' ') ? r === routeKey : routeKey.endsWith(` ${r}`))),
    );
    if (!fault) return undefined;
    const n = fault.seen++;
    // Deterministic spread: request n fails when floor((n+1)*rate) crosses an integer.
    const hit = Math.floor((n + 1) * fault.rate) > Math.floor(n * fault.rate);
    const exhausted = fault.count !== undefined && fault.injected >= fault.count;
    const fails = hit && !exhausted && (fault.status !== undefined || fault.hang || fault.reset || fault.malformed);
    if (fails) fault.injected++;
    const decision: FaultDecision = {
      latencyMs: fault.latencyMs,
      hang: fails && fault.hang,
      reset: fails && fault.reset,
      malformed: fails && fault.malformed,
    };
    if (fails && fault.status !== undefined) decision.status = fault.status;
    if (fails && fault.retryAfter !== undefined) decision.retryAfter = fault.retryAfter;
    if (!fails && decision.latencyMs === 0) return undefined;
    return decision;
  }
}
