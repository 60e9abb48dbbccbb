import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Emulator } from '../src/framework/emulator.js';
import { HTTP_METHODS, operationKeys, templateParams, type OpenApiDocument } from '../src/framework/openapi.js';
import { EMULATORS, type EmulatorName } from '../src/registry.js';

type Op = Record<string, unknown> & { parameters?: Array<{ name: string; in: string; required?: boolean }>; security?: unknown[] };

/** Every operation of the document with its path and method. */
function operations(doc: OpenApiDocument): Array<{ key: string; path: string; op: Op }> {
  return Object.entries(doc.paths).flatMap(([path, item]) =>
    HTTP_METHODS.flatMap((m) => (item[m] ? [{ key: `${m.toUpperCase()} ${path}`, path, op: item[m] as Op }] : [])),
  );
}

/** Every `$ref` string anywhere in a JSON value. */
function refs(value: unknown, out: string[] = []): string[] {
  if (Array.isArray(value)) for (const v of value) refs(v, out);
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (k === '$ref' && typeof v === 'string') out.push(v);
      else refs(v, out);
    }
  }
  return out;
}

function resolvePointer(doc: unknown, pointer: string): unknown {
  if (!pointer.startsWith('#/')) return undefined;
  let at: unknown = doc;
  for (const raw of pointer.slice(2).split('/')) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (!at || typeof at !== 'object' || !(key in at)) return undefined;
    at = (at as Record<string, unknown>)[key];
  }
  return at;
}

describe.each(Object.keys(EMULATORS) as EmulatorName[])("the %s emulator's OpenAPI document", (name) => {
  let emulator: Emulator;
  let doc: OpenApiDocument;
  let served: Response;

  beforeAll(async () => {
    emulator = EMULATORS[name].create();
    const url = await emulator.listen(0);
    served = await fetch(`${url}/_emulator/openapi.json`);
    doc = JSON.parse(await served.text()) as OpenApiDocument;
  });
  afterAll(() => emulator.close());

  it('is served as JSON at GET /_emulator/openapi.json, an OpenAPI 3.1.0 document', () => {
    expect(served.status).toBe(200);
    expect(served.headers.get('content-type')).toMatch(/^application\/json/);
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.info.title).toMatch(/emulator/);
    expect(doc.info.version).toBeTruthy();
  });

  it('lists exactly the routes the emulator registers, its control plane included', () => {
    const registered = [...emulator.routeKeys(), ...emulator.controlRouteKeys()];
    expect(new Set(registered).size).toBe(registered.length);
    expect(operationKeys(doc).sort()).toEqual(registered.sort());
  });

  it('declares each path parameter of a template, required, and no other', () => {
    for (const { key, path, op } of operations(doc)) {
      const declared = (op.parameters ?? []).filter((p) => p.in === 'path');
      expect(declared.map((p) => p.name).sort(), key).toEqual(templateParams(path).sort());
      expect(
        declared.every((p) => p.required === true),
        key,
      ).toBe(true);
    }
  });

  it("gives each operation a summary and a success answer, and the platform's credentials to exactly the routes that check them", () => {
    const table = new Map(emulator.routeTable().map((r) => [r.key, r]));
    const schemes = Object.keys(doc.components?.securitySchemes ?? {});
    expect(doc.security?.length).toBeGreaterThan(0);
    for (const { key, op } of operations(doc)) {
      expect(typeof op['summary'] === 'string' && op['summary'] !== '', key).toBe(true);
      expect(
        Object.keys(op['responses'] as object).some((s) => /^[23]\d\d$/.test(s)),
        key,
      ).toBe(true);
      const route = table.get(key);
      // A route the platform's auth hook checks takes the document's credentials; a public route (which skips the
      // hook: a token endpoint, a stand-in for storage) states its own, and the control plane takes none.
      if (route && !route.public) expect(op.security, `${key} takes the document's credentials`).toBeUndefined();
      else expect(op.security, `${key} states its own credentials`).toBeDefined();
      if (!route) expect(op.security, key).toEqual([]);
      for (const requirement of op.security ?? doc.security!)
        for (const scheme of Object.keys(requirement as object)) expect(schemes, key).toContain(scheme);
    }
  });

  it('resolves every $ref inside the document', () => {
    const all = refs(doc);
    expect(all.length).toBeGreaterThan(0);
    for (const r of new Set(all)) expect(resolvePointer(doc, r), r).toBeDefined();
  });
});
