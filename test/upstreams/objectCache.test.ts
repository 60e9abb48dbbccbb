/**
 * The Civis and Prevision hooks into the entity cache, on their own: every write route the clients send is in its
 * platform's table (none falls to "drop everything" by accident, except the cascading deletes), a route not in the
 * table drops the platform, a write drops what it changes for every credential even when it fails, a read not asked
 * to be cached and a route not in the table go upstream, and a store that cannot invalidate never fails the write.
 */
import { describe, expect, it } from 'vitest';
import { CivisClient } from '../../src/upstreams/civis/client.js';
import { CIVIS_CACHE_RULES, CIVIS_CACHE_TYPES } from '../../src/upstreams/civis/cache.js';
import { PrevisionClient } from '../../src/upstreams/prevision/client.js';
import { PREVISION_CACHE_RULES, PREVISION_CACHE_TYPES } from '../../src/upstreams/prevision/cache.js';
import { ObjectCache } from '../../src/upstreams/objectCache.js';
import { MemoryCacheStore, ReadCache, type CacheStore } from '../../src/upstreams/readCache.js';
import { RequestBudget } from '../../src/upstreams/requestBudget.js';
import type { UpstreamHttp, UpstreamRequest } from '../../src/upstreams/http.js';

const budget = () => new RequestBudget(Date.now() + 60_000, 3);

/** An HTTP layer that records each request and answers `answer(req)` (or throws it when it is an Error). */
function fakeHttp(answer: (req: UpstreamRequest) => unknown = () => ({ id: 1, _id: 'a' })) {
  const sent: UpstreamRequest[] = [];
  const http = {
    sent,
    async request(req: UpstreamRequest) {
      sent.push(req);
      const data = answer(req);
      if (data instanceof Error) throw data;
      return { status: 200, headers: {}, data };
    },
  };
  return http as typeof http & UpstreamHttp;
}

/** Every write method of each client, once; returns the routes they sent. */
async function civisWriteRoutes(): Promise<string[]> {
  const http = fakeHttp();
  const c = new CivisClient(http);
  const ctx = { apiKey: 'k', budget: budget() };
  await c.runJob(ctx, 1);
  await c.createQuery(ctx, { database: 1, sql: 'x' });
  await c.createCredential(ctx, {});
  await c.updateCredential(ctx, 1, {});
  await c.deleteCredential(ctx, 1);
  await c.cancelJobRun(ctx, 1, 2);
  await c.cancelQueryRun(ctx, 1, 2);
  for (const kind of ['jobs', 'projects', 'reports'] as const) await c.archive(ctx, kind, 1, true);
  for (const lang of ['sql', 'python3', 'r', 'containers'] as const) {
    await c.createScript(ctx, lang, {});
    await c.updateScript(ctx, lang, 1, {});
  }
  await c.createImport(ctx, {});
  await c.replaceImport(ctx, 1, {});
  await c.createProject(ctx, {});
  await c.updateProject(ctx, 1, {});
  for (const kind of ['jobs', 'imports', 'reports', 'files'] as const)
    for (const add of [true, false]) await c.linkToProject(ctx, kind, 1, 2, add);
  await c.createReport(ctx, {});
  await c.updateReport(ctx, 1, {});
  await c.updateTable(ctx, 1, {});
  await c.createFile(ctx, {});
  return http.sent.map((r) => r.route);
}

async function previsionWriteRoutes(): Promise<string[]> {
  const http = fakeHttp();
  const p = new PrevisionClient({ api: http, host: () => http, addSecret: () => {} });
  const ctx = { masterToken: 't', budget: budget() };
  await p.createProject(ctx, {});
  await p.createExperiment(ctx, 'p', {});
  await p.createExperimentVersion(ctx, 'e', {});
  await p.confirmExperimentVersion(ctx, 'v');
  await p.stopExperimentVersion(ctx, 'v');
  await p.createDeployment(ctx, 'p', {});
  await p.createDeploymentVersion(ctx, 'd', {});
  await p.startValidationPrediction(ctx, 'v', {});
  await p.createConnector(ctx, 'p', {});
  await p.testConnector(ctx, 'c');
  await p.createDataSource(ctx, 'p', {});
  await p.createDatasetFromDataSource(ctx, 'p', {});
  await p.createExporter(ctx, 'p', {});
  await p.startExport(ctx, 'x', { dataset: 'd' });
  await p.startExport(ctx, 'x', { prediction: 'd', type: 'deployment' });
  await p.startDeploymentPrediction(ctx, 'd', 'ds');
  for (const c of [
    'projects',
    'datasets',
    'experiments',
    'experiment-versions',
    'deployments',
    'validation-predictions',
    'connectors',
    'data-sources',
    'exporters',
  ] as const)
    await p.delete(ctx, c, 'x');
  return http.sent.map((r) => r.route);
}

describe('the write tables', () => {
  it('map every Civis write route the client sends to known types; only a project rename drops the whole platform', async () => {
    const objects = new ObjectCache(CIVIS_CACHE_RULES);
    const routes = await civisWriteRoutes();
    expect(routes).toHaveLength(34);
    const whole: string[] = [];
    for (const route of routes) {
      const types = objects.typesChangedBy(route);
      if (types === '*') whole.push(route);
      else for (const t of types) expect(CIVIS_CACHE_TYPES, `${route} → ${t}`).toContain(t);
    }
    expect(whole).toEqual(['PUT /projects/{project_id}']);
    expect(objects.typesChangedBy('POST /jobs/{id}/runs')).toEqual(expect.arrayContaining(['jobs', 'scripts', 'runs', 'projects']));
    expect(objects.typesChangedBy('PATCH /scripts/python3/{id}')).toEqual(objects.typesChangedBy('POST /jobs/{id}/runs'));
    expect(objects.typesChangedBy('POST /widgets/')).toBe('*');
    expect(objects.typesChangedBy('POST /scripts/sql/{id}/clone')).toBe('*');
  });

  it('map every Prevision write route the client sends; only cascading deletes drop the whole platform', async () => {
    const objects = new ObjectCache(PREVISION_CACHE_RULES);
    const whole: string[] = [];
    for (const route of await previsionWriteRoutes()) {
      const types = objects.typesChangedBy(route);
      if (types === '*') whole.push(route);
      else for (const t of types) expect(PREVISION_CACHE_TYPES, `${route} → ${t}`).toContain(t);
    }
    expect(whole).toEqual([
      'DELETE /projects/{id}',
      'DELETE /datasets/{id}',
      'DELETE /experiments/{id}',
      'DELETE /experiment-versions/{id}',
      'DELETE /deployments/{id}',
      'DELETE /connectors/{id}',
    ]);
    expect(objects.typesChangedBy('POST /connectors/{id}/test')).toEqual([]);
    expect(objects.typesChangedBy('PUT /experiment-versions/{id}/confirm')).toEqual(
      expect.arrayContaining(['experiment-versions', 'experiments', 'models']),
    );
    expect(objects.typesChangedBy('POST /projects/{id}/datasets/file')).toEqual(['datasets', 'projects']);
    expect(objects.typesChangedBy('POST /projects/{id}/pipeline-scheduled-runs')).toBe('*');
  });

  it('name only cached types as read types, every type with a read', () => {
    for (const [rules, types] of [
      [CIVIS_CACHE_RULES, CIVIS_CACHE_TYPES],
      [PREVISION_CACHE_RULES, PREVISION_CACHE_TYPES],
    ] as const) {
      const read = new Set([...Object.values(rules.objects), ...Object.values(rules.lists)]);
      expect([...read].sort()).toEqual([...types].sort());
    }
  });
});

describe('the clients with an entity cache', () => {
  function setup(store: CacheStore = new MemoryCacheStore(1 << 20)) {
    const cache = new ReadCache({ store, ttls: { civis: 60, prevision: 60 } });
    const http = fakeHttp((req) => (req.method === 'GET' ? { id: 5001, name: `read ${http.sent.length}` } : { id: 5001 }));
    return { http, cache, civis: new CivisClient(http, cache) };
  }
  const gets = (http: ReturnType<typeof fakeHttp>) => http.sent.filter((r) => r.method === 'GET').length;

  it('answers a cached read once per credential, and reads upstream when the call does not ask for the cache', async () => {
    const { http, civis } = setup();
    const ada = { apiKey: 'ada', budget: budget(), cached: true };
    const first = await civis.get(ada, 'scripts', 5001);
    expect(await civis.get({ ...ada, budget: budget() }, 'scripts', 5001)).toEqual(first);
    expect(gets(http)).toBe(1);
    await civis.get({ apiKey: 'bob', budget: budget(), cached: true }, 'scripts', 5001);
    expect(gets(http)).toBe(2);
    // A poller's or a mutation's own read.
    expect(await civis.get({ apiKey: 'ada', budget: budget() }, 'scripts', 5001)).not.toEqual(first);
    expect(gets(http)).toBe(3);
  });

  it('drops the types a write changes, for every credential, and only those, also when the write fails', async () => {
    const { http, cache, civis } = setup();
    const read = (apiKey: string) => civis.get<{ name: string }>({ apiKey, budget: budget(), cached: true }, 'scripts', 5001);
    await read('ada');
    await read('bob');
    expect(gets(http)).toBe(2);
    await civis.createProject({ apiKey: 'ada', budget: budget() }, {});
    await read('bob');
    expect(gets(http)).toBe(2);
    await civis.updateScript({ apiKey: 'ada', budget: budget() }, 'python3', 5001, {});
    await read('bob');
    await read('ada');
    expect(gets(http)).toBe(4);

    // A write that fails (it may still have been applied), through a client on the same cache.
    const failing = new CivisClient(
      fakeHttp(() => new Error('timed out')),
      cache,
    );
    await expect(failing.runJob({ apiKey: 'ada', budget: budget() }, 5001)).rejects.toThrow('timed out');
    await read('bob');
    expect(gets(http)).toBe(5);
  });

  it('drops the whole platform on a write a client method sends through its HTTP layer without a table entry', async () => {
    const cache = new ReadCache({ store: new MemoryCacheStore(1 << 20), ttls: { civis: 60 } });
    const http = fakeHttp(() => ({ id: 1, n: http.sent.length }));
    const objects = new ObjectCache(CIVIS_CACHE_RULES, cache);
    const guarded = objects.guard(http);
    const read = () =>
      objects.read(
        { budget: budget(), cached: true },
        'ada',
        'GET /tables/{id}',
        '/tables/1',
        async () =>
          (await guarded.request({ method: 'GET', path: '/tables/1', route: 'GET /tables/{id}', idempotent: true, budget: budget() })).data,
      );
    await read();
    await read();
    expect(http.sent).toHaveLength(1);
    await guarded.request({
      method: 'POST',
      path: '/tables/1/refresh',
      route: 'POST /tables/{id}/refresh',
      idempotent: false,
      budget: budget(),
    });
    await read();
    expect(http.sent.map((r) => r.route)).toEqual(['GET /tables/{id}', 'POST /tables/{id}/refresh', 'GET /tables/{id}']);
    // Without a cache the HTTP layer is the client's own.
    expect(new ObjectCache(CIVIS_CACHE_RULES).guard(http)).toBe(http);
  });

  it('answers the write when the store cannot invalidate (Redis down), and never caches a route outside the table', async () => {
    const store = new MemoryCacheStore(1 << 20);
    store.invalidate = async () => {
      throw new Error('Redis is unavailable');
    };
    const { http, civis } = setup(store);
    await expect(civis.createProject({ apiKey: 'ada', budget: budget() }, {})).resolves.toEqual({ id: 5001 });
    const ctx = { apiKey: 'ada', budget: budget(), cached: true };
    await civis.listDatabaseSchemas(ctx, 32);
    await civis.listDatabaseSchemas(ctx, 32);
    expect(gets(http)).toBe(1);

    const api = fakeHttp(() => ({ items: [{ _id: 'k' }], service_account_client_id: 'c', client_secret: 's', oidc_url: 'http://o' }));
    const prevision = new PrevisionClient({
      api,
      host: () => api,
      addSecret: () => {},
      cache: new ReadCache({ store: new MemoryCacheStore(1 << 20), ttls: { prevision: 60 } }),
    });
    const p = { masterToken: 't', budget: budget(), cached: true };
    await prevision.get(p, 'projects', 'x');
    await prevision.get(p, 'projects', 'x');
    await prevision.getDocument(p, 'profile');
    await prevision.getDocument(p, 'profile');
    expect(api.sent.map((r) => r.route)).toEqual(['GET /projects/{id}', 'GET /profile', 'GET /profile']);
  });
});
