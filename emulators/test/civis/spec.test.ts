import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Emulator } from '../../src/framework/emulator.js';
import { civisEmulator } from '../../src/civis/index.js';

const auth = { authorization: `Basic ${Buffer.from('augur-demo-civis:').toString('base64')}` };

let emulator: Emulator;
let url = '';
let spec: any;

beforeAll(async () => {
  emulator = civisEmulator.create();
  url = await emulator.listen(0);
  spec = await (await fetch(`${url}/endpoints`, { headers: auth })).json();
});
afterAll(() => emulator.close());

type Schema = { type?: string; items?: Schema; properties?: Record<string, Schema> };

/** Every property must carry a type civis-python's TYPE_MAP knows, or the client fails while building itself. */
function badTypes(schema: Schema, where: string, out: string[]): string[] {
  const known = ['array', 'object', 'integer', 'number', 'string', 'boolean'];
  if (!schema.type || !known.includes(schema.type)) out.push(where);
  if (schema.items) badTypes(schema.items, `${where}[]`, out);
  for (const [k, v] of Object.entries(schema.properties ?? {})) badTypes(v, `${where}.${k}`, out);
  return out;
}

describe('civis emulator: /endpoints (generated Swagger 2.0)', () => {
  it('documents every vendor route of the table, and nothing else', () => {
    const documented = Object.entries(spec.paths as Record<string, Record<string, unknown>>).flatMap(([p, ops]) =>
      Object.keys(ops).map((m) => `${m.toUpperCase()} ${p}`),
    );
    // The upload, part and download URLs stand in for S3, outside the API.
    const routes = emulator.routeKeys().filter((k) => !/\/(upload|download|parts\/\{part_num\})$/.test(k));
    expect(documented.sort()).toEqual(routes.sort());
    expect(spec.swagger).toBe('2.0');
    expect(spec.securityDefinitions.api_key).toEqual({ type: 'apiKey', name: 'Authorization', in: 'header' });
  });

  it('gives every operation what civis-python reads: summary, responses, typed parameters, typed schema properties', () => {
    for (const [path, ops] of Object.entries(spec.paths as Record<string, Record<string, any>>)) {
      for (const [method, op] of Object.entries(ops)) {
        const where = `${method} ${path}`;
        expect(typeof op.summary, where).toBe('string');
        // Only the route the platform itself marks deprecated says so (civis-python then builds no method for it).
        if (where !== 'delete /scripts/{id}') expect(op.summary.toLowerCase(), where).not.toContain('deprecated');
        const [status, response] = Object.entries(op.responses as Record<string, any>)[0]!;
        expect(Number(status), where).toBeGreaterThanOrEqual(200);
        expect(typeof response.description, where).toBe('string');
        if (response.schema) expect(badTypes(response.schema, where, []), where).toEqual([]);
        const pathParams = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
        expect(
          op.parameters.filter((p: any) => p.in === 'path').map((p: any) => p.name),
          where,
        ).toEqual(pathParams);
        for (const p of op.parameters) {
          expect(typeof p.required, `${where} ${p.name}`).toBe('boolean');
          if (p.in === 'body') expect(badTypes(p.schema, `${where} body`, []), where).toEqual([]);
          else expect(['integer', 'string', 'boolean', 'array'], `${where} ${p.name}`).toContain(p.type);
        }
      }
    }
  });

  it('declares limit and page_num exactly on the paginated lists, so only those are iterable', () => {
    const paginated = Object.entries(spec.paths as Record<string, Record<string, any>>)
      .filter(
        ([, ops]) =>
          ops['get']?.parameters.some((p: any) => p.name === 'limit') && ops['get']?.parameters.some((p: any) => p.name === 'page_num'),
      )
      .map(([p]) => p)
      .sort();
    expect(paginated).toEqual([
      '/credentials/',
      '/files/',
      '/imports/',
      '/jobs/',
      '/jobs/{id}/runs',
      '/jobs/{id}/runs/{run_id}/outputs',
      '/models/',
      '/models/{id}/builds',
      '/projects/',
      '/queries/',
      '/reports/',
      '/scripts/',
      '/tables/',
      '/tables/{id}/columns',
      '/users/',
    ]);
    const limit = spec.paths['/credentials/'].get.parameters.find((p: any) => p.name === 'limit');
    expect(limit.description).toBe('Number of results to return. Defaults to 1000. Maximum allowed is 1000.');
  });

  it('types path parameters and describes bodies and responses from what the routes serve', () => {
    const tables = spec.paths['/databases/{id}/schemas/{schema_name}/tables'].get;
    expect(tables.parameters.slice(0, 2).map((p: any) => [p.name, p.type])).toEqual([
      ['id', 'integer'],
      ['schema_name', 'string'],
    ]);
    const post = spec.paths['/credentials/'].post;
    const body = post.parameters.find((p: any) => p.in === 'body');
    expect(body.schema.required).toEqual(['type', 'username', 'password']);
    expect(body.schema.properties.remoteHostId).toEqual({ type: 'integer' });
    expect(Object.keys(post.responses)).toEqual(['201']);
    const item = spec.paths['/credentials/'].get.responses['200'].schema.items;
    expect(Object.keys(item.properties)).toEqual([
      'id',
      'name',
      'type',
      'username',
      'description',
      'owner',
      'user',
      'remoteHostId',
      'remoteHostName',
      'state',
      'createdAt',
      'updatedAt',
      'default',
      'oauth',
    ]);
    expect(item.properties.password).toBeUndefined();
    expect(spec.paths['/tables/'].get.responses['200'].schema.items.properties.lastRun.properties.state).toEqual({ type: 'string' });
    expect(spec.paths['/users/me'].get.responses['200'].schema.type).toBe('object');
    expect(spec.paths['/credentials/{id}'].delete.responses['204']).toEqual({ description: 'success' });
  });

  it('is the same document (and ETag) at /endpoints/ and after the data changes', async () => {
    const a = await fetch(`${url}/endpoints`, { headers: auth });
    await fetch(`${url}/credentials/1001`, { method: 'DELETE', headers: auth });
    const b = await fetch(`${url}/endpoints/`, { headers: auth });
    expect(b.headers.get('etag')).toBe(a.headers.get('etag'));
    expect(await b.text()).toBe(await a.text());
    expect(b.headers.get('content-type')).toBe('application/json; charset=utf-8');
  });
});

/** civis-python's `parse_method_name(verb, path)` (legacy naming), for a path already stripped of its slashes. */
function methodName(verb: string, path: string): string {
  const bracketed = (x: string) => /^\{.*\}$/.test(x);
  const elems = path.split('/').slice(1);
  const names: string[] = [];
  elems.forEach((e, i) => {
    const prev = i > 0 ? elems[i - 1] : undefined;
    if (!bracketed(e)) names.push(e);
    else if (prev !== undefined && bracketed(prev)) names.push(prev.replace(/^[{|}]+|[{|}]+$/g, ''));
  });
  const final = elems.length ? elems[elems.length - 1]! : '';
  const v = verb === 'get' && !bracketed(final) ? 'list' : verb;
  const p = names.join('_');
  return (p ? `${v}_${p}` : v).replace(/-/g, '_');
}

/** `resource.method` for every operation civis-python builds from the document (it skips "deprecated" summaries). */
function clientMethods(doc: { paths: Record<string, Record<string, { summary: string }>> }): Map<string, { path: string; verb: string }> {
  const out = new Map<string, { path: string; verb: string }>();
  for (const [rawPath, ops] of Object.entries(doc.paths)) {
    const path = rawPath.replace(/^\/+|\/+$/g, '');
    const resource = path.split('/')[0]!.toLowerCase().replace(/-/g, '_');
    for (const [verb, op] of Object.entries(ops)) {
      if (op.summary.toLowerCase().includes('deprecated')) continue;
      out.set(`${resource}.${methodName(verb, path)}`, { path: rawPath, verb });
    }
  }
  return out;
}

describe('civis emulator: the client civis-python builds from /endpoints', () => {
  it('has the write methods of the reference table, with the body arguments they take', () => {
    const methods = clientMethods(spec);
    const expected: Record<string, string> = {
      'tables.patch': 'PATCH /tables/{id}',
      'files.put': 'PUT /files/{id}',
      'files.patch': 'PATCH /files/{id}',
      'imports.post': 'POST /imports/',
      'queries.delete': 'DELETE /queries/{id}',
      'reports.post': 'POST /reports/',
      'reports.patch': 'PATCH /reports/{id}',
      'scripts.post': 'POST /scripts/',
    };
    for (const [name, route] of Object.entries(expected)) {
      const m = methods.get(name);
      expect(m, name).toBeDefined();
      expect(`${m!.verb.toUpperCase()} ${m!.path}`, name).toBe(route);
    }
    // DELETE /scripts/{id} keeps the platform's "deprecated" summary, so civis-python builds no method for it, as
    // against the real API.
    expect(spec.paths['/scripts/{id}'].delete.summary).toMatch(/deprecated/);
    expect(methods.has('scripts.delete')).toBe(false);
    // Reads keep their names next to the new writes.
    for (const name of [
      'tables.get',
      'files.get',
      'files.post',
      'imports.list',
      'queries.get',
      'reports.list',
      'reports.get',
      'scripts.list',
      'scripts.get',
    ]) {
      expect(methods.has(name), name).toBe(true);
    }
    const body = (path: string, verb: string) => spec.paths[path][verb].parameters.find((p: any) => p.in === 'body').schema;
    expect(Object.keys(body('/tables/{id}', 'patch').properties)).toEqual([
      'ontologyMapping',
      'description',
      'primaryKeys',
      'lastModifiedKeys',
    ]);
    expect(body('/tables/{id}', 'patch').properties.primaryKeys).toEqual({ type: 'array', items: { type: 'string' } });
    expect(body('/files/{id}', 'put').required).toEqual(['name', 'expiresAt']);
    expect(body('/files/{id}', 'patch').required).toBeUndefined();
    expect(body('/imports/', 'post').required).toEqual(['name', 'syncType', 'isOutbound']);
    expect(body('/scripts/', 'post').required).toEqual(['name', 'remoteHostId', 'credentialId', 'sql']);
    expect(Object.keys(body('/reports/', 'post').properties)).toContain('provideAPIKey');
  });

  it('has files.post_multipart and files.post_multipart_complete, shaped as the vendor declares them', () => {
    const methods = clientMethods(spec);
    expect(methods.get('files.post_multipart')).toEqual({ path: '/files/multipart', verb: 'post' });
    expect(methods.get('files.post_multipart_complete')).toEqual({ path: '/files/multipart/{id}/complete', verb: 'post' });
    const create = spec.paths['/files/multipart'].post;
    const body = create.parameters.find((p: any) => p.in === 'body').schema;
    expect(Object.keys(body.properties)).toEqual(['name', 'expiresAt', 'description', 'numParts']);
    expect(body.properties.numParts).toEqual({ type: 'integer' });
    expect(body.required).toEqual(['name', 'numParts']);
    expect(Object.keys(create.responses)).toEqual(['201']);
    const created = create.responses['201'].schema.properties;
    expect(Object.keys(created)).toEqual(['id', 'name', 'createdAt', 'fileSize', 'expiresAt', 'description', 'uploadUrls']);
    expect(created.uploadUrls).toEqual({ type: 'array', items: { type: 'string' } });
    const complete = spec.paths['/files/multipart/{id}/complete'].post;
    expect(complete.parameters).toEqual([{ name: 'id', in: 'path', required: true, type: 'integer', description: 'The id.' }]);
    expect(complete.responses).toEqual({ '204': { description: 'success' } });
    // The part URLs are not API routes, so civis-python builds nothing for them.
    expect(Object.keys(spec.paths).filter((p) => p.includes('/parts'))).toEqual([]);
  });

  it('declares the statuses the routes answer: 204 for a script archive, 200 for a hidden query and a new report', () => {
    const status = (path: string, verb: string) => Object.keys(spec.paths[path][verb].responses);
    expect(status('/scripts/{id}', 'delete')).toEqual(['204']);
    expect(spec.paths['/scripts/{id}'].delete.responses['204']).toEqual({ description: 'success' });
    expect(status('/queries/{id}', 'delete')).toEqual(['200']);
    expect(status('/reports/', 'post')).toEqual(['200']);
    expect(status('/imports/', 'post')).toEqual(['201']);
    expect(status('/scripts/', 'post')).toEqual(['201']);
    expect(status('/tables/{id}', 'patch')).toEqual(['200']);
    const patched = spec.paths['/tables/{id}'].patch.responses['200'].schema.properties;
    expect(patched.columns).toBeUndefined();
    expect(patched.ontologyMapping).toEqual({ type: 'object' });
    expect(spec.paths['/files/{id}'].get.responses['200'].schema.properties.fileUrl).toEqual({ type: 'string' });
  });
});

describe('civisEmulator module', () => {
  it('declares its platform and port', () => {
    expect(civisEmulator.platform).toBe('civis');
    expect(civisEmulator.defaultPort).toBe(4103);
  });

  it('reads its options from the env map it is given, and names a bad variable', () => {
    expect(civisEmulator.optionsFromEnv({})).toEqual({});
    expect(
      civisEmulator.optionsFromEnv({
        AUGUR_EMULATOR_CIVIS_API_KEY: 'k1, k2=carol.eng',
        AUGUR_EMULATOR_CIVIS_RATE_LIMIT: '5',
        AUGUR_EMULATOR_CIVIS_RUN_RATE_LIMIT: '2',
        AUGUR_EMULATOR_CIVIS_RATE_WINDOW_MS: '1000',
        AUGUR_EMULATOR_CIVIS_RUN_READS: '0',
        AUGUR_EMULATOR_CIVIS_RUN_FINISH_MS: '250',
      }),
    ).toEqual({
      apiKeys: ['k1', 'k2=carol.eng'],
      rateLimit: 5,
      runRateLimit: 2,
      rateWindowMs: 1000,
      runReadsToFinish: 0,
      runFinishAfterMs: 250,
    });
    expect(() => civisEmulator.optionsFromEnv({ AUGUR_EMULATOR_CIVIS_RATE_LIMIT: 'lots' })).toThrow(
      /AUGUR_EMULATOR_CIVIS_RATE_LIMIT must be an integer >= 1, got "lots"/,
    );
  });

  it('maps keys to users in order or by name, and refuses an unknown user', async () => {
    const em = civisEmulator.create({ apiKeys: ['first', 'second=carol.eng'], runReadsToFinish: 0 });
    const base = await em.listen(0);
    try {
      const who = async (key: string) =>
        ((await (await fetch(`${base}/users/me`, { headers: { authorization: `Bearer ${key}` } })).json()) as { username: string })
          .username;
      expect(await who('first')).toBe('ada.demo');
      expect(await who('second')).toBe('carol.eng');
      expect((await fetch(`${base}/users/me`, { headers: auth })).status).toBe(401);
      const run = (await (
        await fetch(`${base}/jobs/5005/runs`, { method: 'POST', headers: { authorization: 'Bearer first' } })
      ).json()) as { state: string };
      expect(run.state).toBe('succeeded');
    } finally {
      await em.close();
    }
    expect(() => civisEmulator.create({ apiKeys: ['k=nobody'] })).toThrow(/unknown user "nobody"; known users: 4257 \(ada.demo\)/);
  });

  it('describes the demo credentials', () => {
    const lines = civisEmulator.describe();
    expect(lines[0]).toBe('API key: augur-demo-civis -> ada.demo (user 4257, "me")');
    expect(lines[1]).toBe('Also: augur-demo-civis-2 -> bob.analyst (user 4258)');
    expect(lines.join('\n')).toContain('1000 requests (100 run-creating) per key per 300 s');
  });
});
