import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Emulator, EmulatorError } from '../src/framework/emulator.js';
import { parseForm } from '../src/framework/body.js';
import { openApiDocument, operationKeys, type OpenApiDocument } from '../src/framework/openapi.js';
import { FixedWindowLimiter } from '../src/framework/util.js';

const emulator = new Emulator({
  name: 'test',
  collapseSlashes: true,
  routes: [
    { method: 'GET', path: '/items/', handler: () => ({ status: 200, body: [1, 2] }) },
    { method: 'GET', path: '/items/{id}', handler: (req) => ({ status: 200, body: { id: req.params['id'] } }) },
    { method: 'POST', path: '/items/{id}/echo', handler: (req) => ({ status: 200, body: { got: req.body() } }) },
    { method: 'PUT', path: '/uploads/{id}', maxBodyBytes: 4096, handler: (req) => ({ status: 200, body: { bytes: req.rawBody.length } }) },
    { method: 'PUT', path: '/small/{id}', maxBodyBytes: 8, handler: (req) => ({ status: 200, body: { bytes: req.rawBody.length } }) },
    {
      method: 'GET',
      path: '/missing/{id}',
      handler: (req) => {
        throw new EmulatorError(404, `no ${req.params['id']}`, { param: 'id' });
      },
    },
  ],
  errorReply: (status, message, extra) => ({ status, body: { message, ...extra } }),
  maxBodyBytes: 1024,
});
let url = '';

beforeAll(async () => {
  url = await emulator.listen(0);
});
afterAll(() => emulator.close());

describe('Emulator framework', () => {
  it('matches templates with and without a trailing slash and collapses duplicate slashes', async () => {
    await fetch(`${url}/_emulator/reset`, { method: 'POST' });
    expect(await (await fetch(`${url}/items`)).json()).toEqual([1, 2]);
    expect(await (await fetch(`${url}/items/`)).json()).toEqual([1, 2]);
    expect(await (await fetch(`${url}//items//a%20b`)).json()).toEqual({ id: 'a b' });
    const counts = await (await fetch(`${url}/_emulator/requests`)).json();
    expect(counts).toEqual({ total: 3, byRoute: { 'GET /items/': 2, 'GET /items/{id}': 1 } });
  });

  it('parses JSON without a Content-Type and forms with bracket nesting', async () => {
    const a = await fetch(`${url}/items/1/echo`, { method: 'POST', body: '{"x":1}' });
    expect(await a.json()).toEqual({ got: { x: 1 } });
    const b = await fetch(`${url}/items/1/echo`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'name=A&meta%5Bhair%5D=Brown',
    });
    expect(await b.json()).toEqual({ got: { name: 'A', meta: { hair: 'Brown' } } });
    const c = await fetch(`${url}/items/1/echo`, { method: 'POST', body: '{bad' });
    expect(c.status).toBe(400);
  });

  it("caps request bodies at the emulator's limit, or at a route's own (upload routes)", async () => {
    const send = (path: string, size: number, method = 'PUT') => fetch(`${url}${path}`, { method, body: Buffer.alloc(size, 0x61) });
    expect((await send('/items/1/echo', 2000, 'POST')).status).toBe(413);
    const big = await send('/uploads/1', 3000);
    expect(big.status).toBe(200);
    expect(await big.json()).toEqual({ bytes: 3000 });
    expect((await send('/uploads/1', 5000)).status).toBe(413);
    expect((await send('/small/1', 8)).status).toBe(200);
    expect((await send('/small/1', 9)).status).toBe(413);
  });

  it('answers unknown routes, wrong methods and thrown errors with the platform envelope', async () => {
    expect((await fetch(`${url}/nope`)).status).toBe(404);
    expect((await fetch(`${url}/items/1`, { method: 'DELETE' })).status).toBe(405);
    const r = await fetch(`${url}/missing/7`);
    expect(r.status).toBe(404);
    expect(await r.json()).toEqual({ message: 'no 7', param: 'id' });
  });

  it('injects deterministic status faults at a rate, only on chosen routes, then clears them', async () => {
    await fetch(`${url}/_emulator/reset`, { method: 'POST' });
    const set = await fetch(`${url}/_emulator/faults`, {
      method: 'POST',
      body: JSON.stringify({ status: 503, rate: 0.5, retryAfter: 3, routes: ['GET /items/{id}'] }),
    });
    expect(set.status).toBe(200);
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await fetch(`${url}/items/${i}`)).status);
    expect(statuses.filter((s) => s === 503)).toHaveLength(2);
    expect((await fetch(`${url}/items`)).status).toBe(200);
    await fetch(`${url}/_emulator/faults`, { method: 'DELETE' });
    expect((await fetch(`${url}/items/1`)).status).toBe(200);
  });

  it('rejects unknown fault fields and routes with a message', async () => {
    const r = await fetch(`${url}/_emulator/faults`, { method: 'POST', body: JSON.stringify({ routes: ['GET /zzz'] }) });
    expect(r.status).toBe(400);
    expect(((await r.json()) as { error: string }).error).toMatch(/Unknown route/);
  });

  it('resets connections, hangs, and sends malformed JSON on request', async () => {
    emulator.setFaults({ reset: true, routes: ['/items/{id}'], count: 1 });
    await expect(fetch(`${url}/items/1`)).rejects.toThrow();
    expect((await fetch(`${url}/items/1`)).status).toBe(200);
    emulator.setFaults({ malformed: true });
    await expect((await fetch(`${url}/items/1`)).json()).rejects.toThrow();
    emulator.setFaults({ hang: true });
    await expect(fetch(`${url}/items/1`, { signal: AbortSignal.timeout(200) })).rejects.toThrow();
    emulator.clearFaults();
  });

  it('lists its control routes and answers an unknown one with those it knows', async () => {
    expect(emulator.controlRouteKeys()).toContain('GET /_emulator/openapi.json');
    const listed = (await (await fetch(`${url}/_emulator/routes`)).json()) as { routes: string[] };
    expect(listed.routes).toEqual(emulator.routeKeys());
    const r = await fetch(`${url}/_emulator/nope`);
    expect(r.status).toBe(404);
    expect(((await r.json()) as { error: string }).error).toMatch(
      /^Unknown control route GET \/_emulator\/nope\. Known: GET \/_emulator\/requests, /,
    );
  });

  it('answers GET /_emulator/openapi.json with 404 when the platform has no document', async () => {
    const r = await fetch(`${url}/_emulator/openapi.json`);
    expect(r.status).toBe(404);
    expect(await r.json()).toEqual({ error: 'This emulator has no OpenAPI document.' });
  });

  it("serves the platform's OpenAPI document with the control plane added, building it once", async () => {
    let built = 0;
    const documented = new Emulator({
      name: 'documented',
      routes: [{ method: 'GET', path: '/things/{id}', handler: () => ({ status: 200, body: {} }) }],
      errorReply: (status, message) => ({ status, body: { message } }),
      openapi: () => {
        built++;
        return openApiDocument({
          title: 'Things (emulator)',
          version: '1',
          description: 'A test platform.',
          tags: [{ name: 'Things', description: 'Things.' }],
          securitySchemes: { key: { type: 'http', scheme: 'basic' } },
          security: [{ key: [] }],
          schemas: {},
          pathParams: { id: 'The thing.' },
          paths: { '/things/{id}': { get: { summary: 'Get a thing', responses: { '200': { description: 'The thing.' } } } } },
        });
      },
    });
    const base = await documented.listen(0);
    try {
      const doc = (await (await fetch(`${base}/_emulator/openapi.json`)).json()) as OpenApiDocument;
      await fetch(`${base}/_emulator/openapi.json`);
      expect(built).toBe(1);
      expect(operationKeys(doc).sort()).toEqual(['GET /things/{id}', ...documented.controlRouteKeys()].sort());
      expect(doc.paths['/things/{id}']!.get!['parameters']).toEqual([
        { name: 'id', in: 'path', required: true, description: 'The thing.', schema: { type: 'string' } },
      ]);
      expect(doc.paths['/_emulator/reset']!.post).toMatchObject({ tags: ['Emulator control'], security: [] });
      expect(doc.tags!.map((t) => t.name)).toEqual(['Things', 'Emulator control']);
    } finally {
      await documented.close();
    }
  });

  it('refuses to build a document whose template names an undescribed path parameter', () => {
    const build = () =>
      openApiDocument({
        title: 'Broken',
        version: '1',
        description: '',
        tags: [],
        securitySchemes: {},
        security: [],
        schemas: {},
        pathParams: {},
        paths: { '/things/{thingId}': { get: { summary: 'Get', responses: { '200': { description: 'ok' } } } } },
      });
    expect(build).toThrow('path parameter {thingId} of /things/{thingId} has no description');
  });
});

describe('parseForm', () => {
  it('nests brackets and collects arrays', () => {
    expect(parseForm('a=1&m[k]=v&t[]=x&t[]=y')).toEqual({ a: '1', m: { k: 'v' }, t: ['x', 'y'] });
  });
});

describe('FixedWindowLimiter', () => {
  it('allows the limit per window then reports seconds until reset', () => {
    let now = 0;
    const l = new FixedWindowLimiter(2, 60_000, () => now);
    expect(l.take('k').allowed).toBe(true);
    expect(l.take('k').allowed).toBe(true);
    now = 15_000;
    expect(l.take('k')).toMatchObject({ allowed: false, retryAfterSeconds: 45 });
    expect(l.take('other').allowed).toBe(true);
    now = 60_000;
    expect(l.take('k').allowed).toBe(true);
  });
});
