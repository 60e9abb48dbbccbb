/**
 * Internal to the emulator framework: the control plane every emulator serves under `/_emulator/` to loopback
 * callers (request counts, faults, reset, the route list and the OpenAPI document), as one table of routes with the
 * OpenAPI operations that describe them.
 */
import type { FaultSpec } from './faults.js';
import { arrayOf, bool, int, json, jsonBody, mapOf, object, query, str, type Operation, type Paths, type Schema } from './openapi.js';

/** What a control route needs from the emulator it controls. */
export interface ControlTarget {
  requests(): { total: number; byRoute: Record<string, number> };
  requestLog(): readonly unknown[];
  reset(): void;
  faultList(): unknown[];
  /** Throws an Error saying what is wrong with the spec. */
  setFaults(spec: FaultSpec | FaultSpec[]): void;
  clearFaults(): void;
  routeKeys(): string[];
  /** The emulator's OpenAPI document, or undefined when it has none. */
  openapi(): unknown;
}

export interface ControlReply {
  status: number;
  body: unknown;
}

interface ControlRoute {
  method: string;
  path: string;
  operation: Operation;
  handle(target: ControlTarget, url: URL, body: Buffer): ControlReply;
}

const ok = (body: unknown): ControlReply => ({ status: 200, body });
const CONTROL_TAG = 'Emulator control';
const ERROR: Schema = object({ error: str() }, ['error']);
const COUNTS: Schema = object(
  {
    total: int('Requests received since the last reset, unmatched ones included.'),
    byRoute: mapOf(int(), 'Requests by route key (`METHOD /template`, or `METHOD (unmatched)`).'),
    log: arrayOf(
      object(
        {
          at: int('Epoch milliseconds.'),
          method: str(),
          route: str(),
          path: str(),
          query: str(),
          status: int('The status answered; -1 for a hung request, -2 for a reset connection.'),
          traceparent: str('The W3C trace context the caller sent.'),
          callerClosed: bool('The caller closed the connection before the answer was sent.'),
        },
        ['at', 'method', 'route', 'path', 'query', 'status'],
      ),
      'The last 5,000 requests, with `?log=1`.',
    ),
  },
  ['total', 'byRoute'],
);
const FAULT: Schema = object({
  latencyMs: int('Delay before answering, for every matching request.', { minimum: 0 }),
  status: int("Answer with this status in the platform's error envelope.", { minimum: 100, maximum: 599 }),
  rate: {
    type: 'number',
    minimum: 0,
    maximum: 1,
    description: 'Share of matching requests that fail, deterministically (0.5: every second one). Default 1.',
  },
  retryAfter: int('`Retry-After` seconds sent with `status`.', { minimum: 0 }),
  hang: bool('Never answer.'),
  reset: bool('Reset the connection without answering.'),
  malformed: bool('Answer 200 with a truncated JSON body.'),
  routes: arrayOf(str(), 'Only these routes: `METHOD /template` or `/template`. Default: every platform route.'),
  count: int('Stop after this many failures.', { minimum: 1 }),
});
const FAULTS: Schema = object({ faults: arrayOf(object({}, [], 'An installed fault with its `seen` and `injected` counters.')) }, [
  'faults',
]);

const CONTROL_ROUTES: ControlRoute[] = [
  {
    method: 'GET',
    path: '/_emulator/requests',
    operation: {
      summary: 'Request counts by route since the last reset',
      parameters: [query('log', str(), 'Present (any value): include the request log.')],
      responses: { '200': json('The counts.', COUNTS) },
    },
    handle: (t, url) => {
      const out: Record<string, unknown> = t.requests();
      if (url.searchParams.has('log')) out['log'] = t.requestLog();
      return ok(out);
    },
  },
  {
    method: 'POST',
    path: '/_emulator/reset',
    operation: {
      summary: 'Clear counters, the request log and faults, and restore the seed data',
      responses: { '200': json('Reset.', object({ reset: { const: true } }, ['reset'])) },
    },
    handle: (t) => {
      t.reset();
      return ok({ reset: true });
    },
  },
  {
    method: 'GET',
    path: '/_emulator/faults',
    operation: { summary: 'The installed faults', responses: { '200': json('The faults.', FAULTS) } },
    handle: (t) => ok({ faults: t.faultList() }),
  },
  {
    method: 'POST',
    path: '/_emulator/faults',
    operation: {
      summary: 'Install faults, replacing those installed',
      requestBody: jsonBody({ oneOf: [FAULT, arrayOf(FAULT)] }),
      responses: { '200': json('The faults now installed.', FAULTS), '400': json('The body is not a valid fault.', ERROR) },
    },
    handle: (t, _url, body) => {
      let spec: unknown;
      try {
        spec = JSON.parse(body.toString('utf8') || '{}');
      } catch {
        return { status: 400, body: { error: 'Expected a JSON fault object (or an array of them).' } };
      }
      try {
        t.setFaults(spec as FaultSpec | FaultSpec[]);
      } catch (e) {
        return { status: 400, body: { error: (e as Error).message } };
      }
      return ok({ faults: t.faultList() });
    },
  },
  {
    method: 'DELETE',
    path: '/_emulator/faults',
    operation: { summary: 'Remove every fault', responses: { '200': json('No faults remain.', FAULTS) } },
    handle: (t) => {
      t.clearFaults();
      return ok({ faults: [] });
    },
  },
  {
    method: 'GET',
    path: '/_emulator/routes',
    operation: {
      summary: 'The platform routes, as `METHOD /template`, in matching order',
      responses: { '200': json('The route keys.', object({ routes: arrayOf(str()) }, ['routes'])) },
    },
    handle: (t) => ok({ routes: t.routeKeys() }),
  },
  {
    method: 'GET',
    path: '/_emulator/openapi.json',
    operation: {
      summary: 'This document: every route the emulator serves, control plane included',
      responses: {
        '200': json('An OpenAPI 3.1 document.', object({ openapi: { const: '3.1.0' } }, ['openapi'])),
        '404': json('The emulator has no document.', ERROR),
      },
    },
    handle: (t) => {
      const doc = t.openapi();
      return doc === undefined ? { status: 404, body: { error: 'This emulator has no OpenAPI document.' } } : ok(doc);
    },
  },
];

const BY_KEY = new Map(CONTROL_ROUTES.map((r) => [`${r.method} ${r.path}`, r]));

/** Every control route as `METHOD /_emulator/...`. */
export function controlRouteKeys(): string[] {
  return [...BY_KEY.keys()];
}

/** Answers one control request; `route` is `METHOD /path` with the trailing slash trimmed. */
export function handleControl(target: ControlTarget, route: string, url: URL, body: Buffer): ControlReply {
  const r = BY_KEY.get(route);
  if (r) return r.handle(target, url, body);
  return { status: 404, body: { error: `Unknown control route ${route}. Known: ${controlRouteKeys().join(', ')}.` } };
}

/** The control plane's tag and paths, for the emulators' OpenAPI documents. Control routes need no credentials. */
export function controlPlaneOpenApi(): { tag: { name: string; description: string }; paths: Paths } {
  const paths: Paths = {};
  for (const r of CONTROL_ROUTES) {
    const method = r.method.toLowerCase() as keyof Paths[string];
    (paths[r.path] ??= {})[method] = { ...r.operation, tags: [CONTROL_TAG], security: [] };
  }
  return {
    tag: {
      name: CONTROL_TAG,
      description: "The emulator's own control plane, not part of the vendor API. Answers loopback callers only (403 otherwise).",
    },
    paths,
  };
}
