import { describe, expect, it } from 'vitest';
import type { Emulator } from '../src/framework/emulator.js';
import { civisEmulator, type CivisCredential, type CivisOptions } from '../src/civis/index.js';
import { KEY, KEY2, basic, civisUnderTest } from './civis/helpers.js';

const civis = civisUnderTest();

const call = civis.call;

const ids = (list: Array<{ id: number }>) => list.map((x) => x.id);

describe('civis emulator: authentication', () => {
  const UNAUTHORIZED = { error: 'unauthorized', errorDescription: 'Invalid API key.', code: 401 };

  it('answers 401 with WWW-Authenticate and the error envelope when the key is missing, wrong, or not Basic/Bearer', async () => {
    for (const headers of [{}, { authorization: basic('nope') }, { authorization: 'Bearer nope' }, { authorization: KEY }] as Array<
      Record<string, string>
    >) {
      const r = await call('/credentials/', { key: null, headers });
      expect(r.status).toBe(401);
      expect(r.headers.get('www-authenticate')).toBe('Bearer realm="api"');
      expect(r.body).toEqual(UNAUTHORIZED);
      expect(r.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
      expect(r.headers.get('x-runtime')).toMatch(/^\d+\.\d{6}$/);
      expect(r.headers.get('x-ratelimit-limit')).toBe('1000');
    }
  });

  it('accepts Basic with the key as username and Bearer, each key mapping to its user', async () => {
    const a = await call('/users/me');
    expect(a.status).toBe(200);
    expect(a.body).toMatchObject({ id: 4257, username: 'ada.demo', initials: 'AD' });
    const b = await call('/users/me', { key: null, headers: { authorization: `Bearer ${KEY}` } });
    expect(b.body.id).toBe(4257);
    const c = await call('/users/me', { key: KEY2 });
    expect(c.body).toMatchObject({ id: 4258, username: 'bob.analyst' });
  });

  it('protects /endpoints like every other route, with or without the trailing slash', async () => {
    for (const p of ['/endpoints', '/endpoints/']) {
      const denied = await call(p, { key: null });
      expect(denied.status).toBe(401);
      expect(denied.headers.get('www-authenticate')).toBe('Bearer realm="api"');
      const ok = await call(p);
      expect(ok.status).toBe(200);
      expect(ok.body.swagger).toBe('2.0');
    }
  });
});

describe('civis emulator: headers and errors', () => {
  it('sends X-Request-Id, X-Runtime and rate-limit headers, and an ETag on lists and details', async () => {
    const list = await call('/databases/');
    const detail = await call('/databases/32');
    for (const r of [list, detail]) {
      expect(r.headers.get('x-request-id')).toBeTruthy();
      expect(r.headers.get('x-runtime')).toMatch(/^\d+\.\d{6}$/);
      expect(r.headers.get('etag')).toMatch(/^W\/"[0-9a-f]+"$/);
    }
    expect(Number(detail.headers.get('x-ratelimit-remaining'))).toBe(Number(list.headers.get('x-ratelimit-remaining')) - 1);
    expect(list.headers.get('x-request-id')).not.toBe(detail.headers.get('x-request-id'));
  });

  it('answers 304 to a matching If-None-Match and changes the ETag when the data changes', async () => {
    const first = await call('/credentials/1001');
    const etag = first.headers.get('etag')!;
    const again = await call('/credentials/1001', { headers: { 'if-none-match': etag } });
    expect(again.status).toBe(304);
    expect(again.text).toBe('');
    await call('/credentials/1001', { method: 'PATCH', body: { description: 'new' } });
    const changed = await call('/credentials/1001', { headers: { 'if-none-match': etag } });
    expect(changed.status).toBe(200);
    expect(changed.headers.get('etag')).not.toBe(etag);
  });

  it('answers unknown paths, unknown ids and unrouted methods with the 404 envelope', async () => {
    const expected = { error: 'not_found', errorDescription: 'The requested endpoint could not be found.', code: 404 };
    for (const [p, m] of [
      ['/nope', 'GET'],
      ['/credentials/999999', 'GET'],
      ['/credentials/abc', 'GET'],
      ['/databases/32', 'DELETE'],
    ] as const) {
      const r = await call(p, { method: m });
      expect(r.status, `${m} ${p}`).toBe(404);
      expect(r.body).toEqual(expected);
    }
  });

  it('answers a malformed JSON body with a 400 bad_request that says what was wrong', async () => {
    const r = await call('/credentials/', { method: 'POST', body: '{not json' });
    expect(r.status).toBe(400);
    expect(r.body.error).toBe('bad_request');
    expect(r.body.code).toBe(400);
    expect(r.body.errorDescription).toMatch(/^The given request was not as expected: Malformed JSON body/);
  });
});

describe('civis emulator: pagination', () => {
  it('pages credentials with X-Pagination-* headers: first page, partial last page, and [] past the end', async () => {
    const first = await call('/credentials/?limit=10');
    expect(first.status).toBe(200);
    expect(ids(first.body)).toEqual([1023, 1027, 1033, 1031, 1016, 1025, 1021, 1012, 1030, 1007]);
    expect(first.headers.get('x-pagination-per-page')).toBe('10');
    expect(first.headers.get('x-pagination-current-page')).toBe('1');
    expect(first.headers.get('x-pagination-total-pages')).toBe('4');
    expect(first.headers.get('x-pagination-total-entries')).toBe('34');
    expect(first.headers.get('access-control-expose-headers')).toBe(
      'Date, X-Pagination-Per-Page, X-Pagination-Current-Page, X-Pagination-Total-Pages, X-Pagination-Total-Entries',
    );
    const last = await call('/credentials/?limit=10&page_num=4');
    expect(ids(last.body)).toEqual([1009, 1002, 1015, 1010]);
    const past = await call('/credentials/?limit=10&page_num=5');
    expect(past.status).toBe(200);
    expect(past.body).toEqual([]);
    expect(past.headers.get('x-pagination-current-page')).toBe('5');
  });

  it('walks every page to the empty one the way civis-python iterates, seeing each record once', async () => {
    const seen: number[] = [];
    for (let page = 1; page < 20; page++) {
      const r = await call(`/credentials?limit=7&page_num=${page}`);
      if (r.body.length === 0) break;
      seen.push(...ids(r.body));
    }
    expect(seen).toHaveLength(34);
    expect(new Set(seen).size).toBe(34);
  });

  it('accepts camelCase pageNum/orderDir as well as snake_case, and orders by name', async () => {
    const snake = await call('/credentials?limit=3&page_num=2&order=name&order_dir=asc');
    const camel = await call('/credentials?limit=3&pageNum=2&order=name&orderDir=asc');
    expect(ids(snake.body)).toEqual([1012, 1013, 1014]);
    expect(camel.body).toEqual(snake.body);
  });

  it('uses per-endpoint defaults and clamps a limit above the maximum', async () => {
    expect((await call('/jobs/')).headers.get('x-pagination-per-page')).toBe('50');
    expect((await call('/scripts/')).headers.get('x-pagination-per-page')).toBe('20');
    expect((await call('/tables/')).headers.get('x-pagination-per-page')).toBe('50');
    expect((await call('/tables/?limit=5000')).headers.get('x-pagination-per-page')).toBe('1000');
    expect((await call('/tables/2001/columns?limit=500')).headers.get('x-pagination-per-page')).toBe('50');
  });

  it('rejects an invalid order, order_dir, limit or page_num with 400 bad_request', async () => {
    const order = await call('/credentials/?order=bogus');
    expect(order.status).toBe(400);
    expect(order.body).toEqual({
      error: 'bad_request',
      errorDescription: 'The given request was not as expected: order must be one of updated_at, created_at, name, got "bogus".',
      code: 400,
    });
    for (const q of ['order_dir=up', 'limit=abc', 'limit=0', 'page_num=0']) {
      const r = await call(`/credentials/?${q}`);
      expect(r.status, q).toBe(400);
      expect(r.body.error).toBe('bad_request');
    }
  });

  it('sends no pagination headers on the unpaginated /databases/ and /predictions/', async () => {
    for (const p of ['/databases/', '/predictions/']) {
      const r = await call(p);
      expect(r.status).toBe(200);
      expect(Array.isArray(r.body)).toBe(true);
      expect(r.headers.get('x-pagination-total-entries')).toBeNull();
    }
  });
});

describe('civis emulator: credentials', () => {
  it('gives every credential its owner, user object and remote host, with exactly one default per owner', async () => {
    const all: CivisCredential[] = (await call('/credentials/')).body;
    expect(all).toHaveLength(34);
    expect(new Set(all.map((c) => c.type)).size).toBeGreaterThanOrEqual(4);
    const owners = new Set(all.map((c) => c.owner));
    expect([...owners].sort()).toEqual(['ada.demo', 'bob.analyst', 'carol.eng']);
    for (const owner of owners) expect(all.filter((c) => c.owner === owner && c.default)).toHaveLength(1);
    const db = all.find((c) => c.id === 1002)!;
    expect(db).toMatchObject({
      name: 'ada_demo',
      type: 'Database',
      username: 'ada_demo',
      owner: 'ada.demo',
      user: { id: 4257, name: 'Ada Demo', username: 'ada.demo', initials: 'AD', online: true },
      remoteHostId: 45,
      remoteHostName: 'postgres-analytics',
      default: false,
    });
  });

  it('filters by type (comma list and key[] form), name substring, remote host and owners', async () => {
    const types = await call('/credentials/?type=Github,Google&order=name&order_dir=asc');
    expect(types.body.map((c: CivisCredential) => c.name)).toEqual([
      'github-ada',
      'github-bob',
      'github-ci-bot',
      'github-models-repo',
      'google-analytics-bob',
      'google-bigquery-svc',
      'google-sheets-ada',
    ]);
    const arr = await call('/credentials/?type[]=Github&type[]=Google&order=name&order_dir=asc');
    expect(arr.body).toEqual(types.body);
    const aws = await call('/credentials/?type=Amazon%20Web%20Services%20S3&name=analytics');
    expect(ids(aws.body).sort()).toEqual([1012, 1013]);
    const host = await call('/credentials/?remoteHostId=61&order=created_at&order_dir=asc');
    expect(ids(host.body)).toEqual([1003, 1006, 1009]);
    expect((await call('/credentials/?remote_host_id=61&order=created_at&order_dir=asc')).body).toEqual(host.body);
    const users = await call('/credentials/?users=4258&type=Database&order=created_at&order_dir=asc');
    expect(ids(users.body)).toEqual([1004, 1005, 1006, 1011]);
    const usersArr = await call('/credentials/?users[]=4258&users[]=4259&type=Database');
    expect(usersArr.body).toHaveLength(8);
    const badType = await call('/credentials/?type=Nope');
    expect(badType.status).toBe(400);
  });

  it("answers default=true (or True, as Python sends it) with just the caller's default credential", async () => {
    expect(ids((await call('/credentials/?default=true')).body)).toEqual([1001]);
    expect(ids((await call('/credentials/?default=True&type=Database')).body)).toEqual([1001]);
    expect((await call('/credentials/?default=true&type=Github')).body).toEqual([]);
    expect(ids((await call('/credentials/?default=true', { key: KEY2 })).body)).toEqual([1005]);
  });

  it('hides credentials private to another owner', async () => {
    expect((await call('/credentials/1029')).status).toBe(404);
    expect((await call('/credentials/1035')).status).toBe(404);
    expect((await call('/credentials/1035', { key: KEY2 })).body.name).toBe('salesforce-bob');
    expect((await call('/credentials/', { key: KEY2 })).body).toHaveLength(35);
  });

  it('creates (201), updates with PUT and PATCH, and deletes (204), never returning the password', async () => {
    const created = await call('/credentials/', {
      method: 'POST',
      body: { type: 'Database', username: 'ada_new', password: 'hunter2-secret', remote_host_id: 61, name: 'ada-new' },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      id: 1037,
      name: 'ada-new',
      type: 'Database',
      owner: 'ada.demo',
      remoteHostId: 61,
      remoteHostName: 'redshift-sandbox',
      default: false,
    });
    expect(created.text).not.toContain('hunter2');
    const put = await call('/credentials/1037', {
      method: 'PUT',
      body: { type: 'Database', username: 'ada_new2', password: 'other-secret', remoteHostId: 32 },
    });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ username: 'ada_new2', remoteHostName: 'redshift-general', description: null });
    const putMissing = await call('/credentials/1037', { method: 'PUT', body: { username: 'x' } });
    expect(putMissing.status).toBe(400);
    expect(putMissing.body.errorDescription).toMatch(/type is required on PUT/);
    const patch = await call('/credentials/1037', { method: 'PATCH', body: { description: 'sandbox user' } });
    expect(patch.body).toMatchObject({ username: 'ada_new2', description: 'sandbox user' });
    for (const p of ['/credentials/1037', '/credentials/?limit=1000', '/endpoints']) {
      const text = (await call(p)).text;
      expect(text).not.toContain('hunter2');
      expect(text).not.toContain('other-secret');
      expect(text).not.toContain('seed-password');
    }
    const auth = await call('/credentials/authenticate', {
      method: 'POST',
      body: { url: 'x', remoteHostType: 'RemoteHostTypes::Redshift', username: 'ada_new2', password: 'other-secret' },
    });
    expect(auth.body.id).toBe(1037);
    const wrong = await call('/credentials/authenticate', {
      method: 'POST',
      body: { url: 'x', remoteHostType: 'RemoteHostTypes::Redshift', username: 'ada_new2', password: 'hunter2-secret' },
    });
    expect(wrong.status).toBe(400);
    expect(wrong.body).toEqual({ error: 'authentication_error', errorDescription: 'Username or password is incorrect.', code: 400 });
    expect((await call('/credentials/1037', { method: 'DELETE' })).status).toBe(204);
    expect((await call('/credentials/1037')).status).toBe(404);
  });

  it('moves the default when a new default is created, and validates types and hosts', async () => {
    const created = await call('/credentials/', {
      method: 'POST',
      body: { type: 'Database', username: 'u', password: 'p', remoteHostId: 45, default: true },
    });
    expect(created.body.default).toBe(true);
    expect(ids((await call('/credentials/?default=true')).body)).toEqual([created.body.id]);
    expect((await call('/credentials/1001')).body.default).toBe(false);
    const badType = await call('/credentials/', { method: 'POST', body: { type: 'FTP', username: 'u', password: 'p' } });
    expect(badType.status).toBe(400);
    expect(badType.body.errorDescription).toContain('expected one of Amazon Web Services S3');
    const noHost = await call('/credentials/', {
      method: 'POST',
      body: { type: 'Database', username: 'u', password: 'p', remoteHostId: 999 },
    });
    expect(noHost.status).toBe(400);
    expect(noHost.body.errorDescription).toContain('GET /databases/');
  });

  it("does not let one user change or delete another user's credential", async () => {
    expect((await call('/credentials/1001', { key: KEY2, method: 'PATCH', body: { name: 'mine' } })).status).toBe(404);
    expect((await call('/credentials/1001', { key: KEY2, method: 'DELETE' })).status).toBe(404);
    expect((await call('/credentials/1001')).body.name).toBe('ada_demo');
  });

  it('lists the credential types', async () => {
    const r = await call('/credentials/types');
    expect(r.body.types).toContain('Amazon Web Services S3');
    expect(r.body.types).toHaveLength(12);
  });
});

describe('civis emulator: databases and tables (get_database_id, get_table_id)', () => {
  it('lists databases by name, their schemas and the tables in a schema', async () => {
    const dbs = (await call('/databases/')).body;
    expect(dbs.map((d: { name: string }) => d.name)).toEqual(['redshift-general', 'postgres-analytics', 'redshift-sandbox']);
    expect((await call('/databases/32/schemas')).body).toEqual([{ schema: 'analytics' }, { schema: 'public' }, { schema: 'staging' }]);
    expect((await call('/databases/32/schemas?name=ana')).body).toEqual([{ schema: 'analytics' }]);
    expect((await call('/databases/45/schemas/marketing/tables')).body).toEqual([
      { name: 'campaign_touches', schema: 'marketing', isView: false, databaseId: 45 },
      { name: 'campaigns', schema: 'marketing', isView: false, databaseId: 45 },
    ]);
    expect((await call('/databases/999/schemas')).status).toBe(404);
  });

  it('finds a table by database, exact schema and exact name, and with % or * wildcards', async () => {
    expect(ids((await call('/tables/?database_id=32&schema=public&name=customers')).body)).toEqual([2001]);
    expect(ids((await call('/tables/?databaseId=61&schema=public&name=customers')).body)).toEqual([2012]);
    expect((await call('/tables/?database_id=32&schema=public&name=customer')).body).toEqual([]);
    expect(ids((await call('/tables/?database_id=32&name=order%25')).body)).toEqual([2003, 2002]);
    expect(ids((await call('/tables/?schema=*ing')).body)).toEqual([2011, 2010, 2007]);
    expect(ids((await call('/tables/?search=analytics.churn')).body)).toEqual([2005]);
    expect(ids((await call('/tables/?table_tag_ids[]=14')).body)).toEqual([2011, 2010]);
  });

  it('serves table details with columns, and pages columns ordered by name or position', async () => {
    const t = (await call('/tables/2001')).body;
    expect(t).toMatchObject({
      id: 2001,
      databaseId: 32,
      schema: 'public',
      name: 'customers',
      rowCount: 12500,
      columnCount: 8,
      primaryKeys: ['customer_id'],
    });
    expect(t.columns).toHaveLength(8);
    expect(t.columns[1]).toMatchObject({
      name: 'email',
      sqlType: 'character varying(256)',
      order: 2,
      sampleValues: ['user1@example.com', 'user2@example.com', 'user3@example.com'],
    });
    const byName = await call('/tables/2001/columns?limit=3');
    expect(byName.body.map((c: { name: string }) => c.name)).toEqual(['churned', 'customer_id', 'email']);
    expect(byName.headers.get('x-pagination-total-pages')).toBe('3');
    const byOrder = await call('/tables/2001/columns?limit=3&order=order&page_num=3');
    expect(byOrder.body.map((c: { name: string }) => c.name)).toEqual(['lifetime_value', 'churned']);
  });
});

describe('civis emulator: jobs and runs', () => {
  it('starts a run (201, queued) that moves to running then succeeded as it is polled', async () => {
    const run = await call('/jobs/5005/runs', { method: 'POST' });
    expect(run.status).toBe(201);
    expect(run.body).toMatchObject({ state: 'queued', startedAt: null, finishedAt: null, error: null });
    const id = run.body.id as number;
    expect((await call(`/jobs/5005/runs/${id}`)).body.state).toBe('running');
    const done = (await call(`/jobs/5005/runs/${id}`)).body;
    expect(done.state).toBe('succeeded');
    expect(done.finishedAt).not.toBeNull();
    expect((await call('/jobs/5005')).body).toMatchObject({ state: 'succeeded', lastRun: { id } });
    expect((await call('/jobs/5005/runs', { method: 'POST' })).status).toBe(201);
  });

  it('answers 409 already_running while a run is queued or running', async () => {
    for (const job of [5002, 5004]) {
      const r = await call(`/jobs/${job}/runs`, { method: 'POST' });
      expect(r.status).toBe(409);
      expect(r.body.error).toBe('already_running');
      expect(r.body.code).toBe(409);
    }
    expect((await call('/jobs/5002/runs', { method: 'POST' })).body.errorDescription).toBe(
      'Job 5002 already has a running run (90004); poll GET /jobs/5002/runs/90004 until it finishes, then start another.',
    );
    expect((await call('/jobs/99/runs', { method: 'POST' })).status).toBe(404);
  });

  it('lists runs newest first and filters jobs by state', async () => {
    const runs = await call('/jobs/5001/runs');
    expect(ids(runs.body)).toEqual([90002, 90001]);
    expect(runs.headers.get('x-pagination-per-page')).toBe('20');
    expect(ids((await call('/jobs/?state=running,queued')).body)).toEqual([5002, 5103, 5004]);
    expect(ids((await call('/jobs/?archived=true')).body)).toEqual([5006]);
  });

  it('runs (204) and cancels (202) scripts, with 409 conflict when already active or idle', async () => {
    expect((await call('/scripts/5001/run', { method: 'POST' })).status).toBe(204);
    const again = await call('/scripts/5001/run', { method: 'POST' });
    expect(again.status).toBe(409);
    expect(again.body).toEqual({
      error: 'conflict',
      errorDescription: 'The script cannot be queued because it is already active.',
      code: 409,
    });
    const cancel = await call('/scripts/5001/cancel', { method: 'POST' });
    expect(cancel.status).toBe(202);
    expect(cancel.body).toMatchObject({ state: 'cancelled', isCancelRequested: true });
    expect((await call('/scripts/5001')).body.state).toBe('cancelled');
    const idle = await call('/scripts/5001/cancel', { method: 'POST' });
    expect(idle.status).toBe(409);
    expect(idle.body.error).toBe('conflict');
    expect((await call('/scripts/5101')).status).toBe(404);
  });
});

describe('civis emulator: queries', () => {
  it('answers a new query queued, then running, then succeeded with resultRows and resultColumns', async () => {
    const q = await call('/queries/', {
      method: 'POST',
      body: { database: 32, sql: 'SELECT customer_id, email FROM public.customers LIMIT 2', preview_rows: 10 },
    });
    expect(q.status).toBe(201);
    expect(q.body).toMatchObject({ id: 6006, database: 32, credential: 1001, state: 'queued', resultRows: null });
    expect((await call('/queries/6006')).body.state).toBe('running');
    const done = (await call('/queries/6006')).body;
    expect(done).toMatchObject({
      state: 'succeeded',
      resultColumns: ['customer_id', 'email'],
      resultRows: [
        ['1', 'user1@example.com'],
        ['2', 'user2@example.com'],
      ],
    });
  });

  it('fails a query on a missing table and rejects a bad request', async () => {
    await call('/queries/', { method: 'POST', body: { database: 45, sql: 'SELECT * FROM public.nope' } });
    await call('/queries/6006');
    const failed = (await call('/queries/6006')).body;
    expect(failed).toMatchObject({ state: 'failed', error: 'relation "public.nope" does not exist', resultRows: null });
    const bad = await call('/queries/', { method: 'POST', body: { database: 999, sql: 'SELECT 1' } });
    expect(bad.status).toBe(400);
    expect(bad.body.errorDescription).toBe(
      'The given request was not as expected: database 999 is not a known database; GET /databases/ lists the ids.',
    );
  });

  it("lists only the caller's queries", async () => {
    expect(ids((await call('/queries/')).body)).toEqual([6005, 6003, 6001]);
    expect(ids((await call('/queries/', { key: KEY2 })).body)).toEqual([6002]);
    expect((await call('/queries/6002')).status).toBe(404);
  });
});

describe('civis emulator: other resources', () => {
  it('serves users, models with builds, predictions by modelId, projects, imports, reports and files', async () => {
    expect((await call('/users/')).body.map((u: { user: string }) => u.user)).toEqual([
      'ada.demo',
      'bob.analyst',
      'carol.eng',
      'dan.viewer',
      'erin.admin',
    ]);
    expect((await call('/users/?account_status=all')).body).toHaveLength(6);
    expect((await call('/users/4259')).body).toMatchObject({ id: 4259, user: 'carol.eng', name: 'Carol Engineer' });
    expect(ids((await call('/models/')).body)).toEqual([3003, 3001, 3002]);
    expect((await call('/models/3001')).body).toMatchObject({
      activeBuildId: 3102,
      dependentVariable: 'churned',
      tableName: 'public.customers',
    });
    expect(ids((await call('/models/3001/builds')).body)).toEqual([3102, 3101]);
    expect(ids((await call('/predictions/?modelId=3001')).body)).toEqual([3501, 3502]);
    expect(ids((await call('/predictions/?model_id=3002')).body)).toEqual([3503]);
    expect((await call('/predictions/3501')).body).toMatchObject({
      scoredTableName: 'public.customers',
      outputTableName: 'analytics.churn_scores',
    });
    expect(ids((await call('/projects/')).body)).toEqual([7002, 7001]);
    expect(ids((await call('/imports/')).body)).toEqual([5103, 5101, 5102, 5104]);
    expect(ids((await call('/reports/')).body)).toEqual([9002, 9001]);
    expect(ids((await call('/files/?order=name&order_dir=asc')).body)).toEqual([8002, 8001, 8004, 8003]);
  });

  it('creates a project (201) visible to its author only', async () => {
    const p = await call('/projects/', { method: 'POST', body: { name: 'Pricing', description: 'Elasticity study' } });
    expect(p.status).toBe(201);
    expect(p.body).toMatchObject({ id: 7005, name: 'Pricing', author: { id: 4257 }, scripts: [], myPermissionLevel: 'manage' });
    expect((await call('/projects/7005')).body.name).toBe('Pricing');
    expect((await call('/projects/7005', { key: KEY2 })).status).toBe(404);
    expect((await call('/projects/', { method: 'POST', body: {} })).status).toBe(400);
  });

  it('creates a file (201) with an upload URL that takes an S3-style multipart POST, then serves it', async () => {
    const f = await call('/files/', { method: 'POST', body: { name: 'scores.csv' } });
    expect(f.status).toBe(201);
    expect(f.body).toMatchObject({ id: 8005, name: 'scores.csv', fileSize: 0, uploadUrl: `${civis.url}/files/8005/upload` });
    expect(f.body.uploadFields).toMatchObject({ key: 'files/8005/scores.csv' });
    const form = new FormData();
    for (const [k, v] of Object.entries(f.body.uploadFields as Record<string, string>)) form.append(k, v);
    form.append('file', new Blob(['a,b\n1,2\n']), 'scores.csv');
    const up = await fetch(f.body.uploadUrl, { method: 'POST', body: form });
    expect(up.status).toBe(204);
    const got = (await call('/files/8005')).body;
    expect(got).toMatchObject({
      fileSize: 8,
      downloadUrl: `${civis.url}/files/8005/download`,
      detectedInfo: { includeHeader: true, tableColumns: [{ name: 'a' }, { name: 'b' }] },
    });
    expect(await (await fetch(got.downloadUrl)).text()).toBe('a,b\n1,2\n');
  });

  it('restores the seed on reset', async () => {
    await call('/credentials/1001', { method: 'DELETE' });
    expect((await call('/credentials/1001')).status).toBe(404);
    await fetch(`${civis.url}/_emulator/reset`, { method: 'POST' });
    expect((await call('/credentials/1001')).body.default).toBe(true);
  });
});

describe('civis emulator: rate limits', () => {
  async function limited(options: Partial<CivisOptions>): Promise<{ em: Emulator; base: string; clock: { now: number } }> {
    const clock = { now: 1_000_000 };
    const em = civisEmulator.create({ ...options, now: () => clock.now });
    return { em, base: await em.listen(0), clock };
  }

  it('counts down X-RateLimit-Remaining per key, answers 429 rate_limited with Retry-After, then recovers', async () => {
    const { em, base, clock } = await limited({ rateLimit: 3, rateWindowMs: 60_000 });
    try {
      const remaining: string[] = [];
      for (let i = 0; i < 3; i++) {
        const r = await call('/databases/', { base });
        expect(r.headers.get('x-ratelimit-limit')).toBe('3');
        remaining.push(r.headers.get('x-ratelimit-remaining')!);
      }
      expect(remaining).toEqual(['2', '1', '0']);
      clock.now += 15_000;
      const over = await call('/databases/', { base });
      expect(over.status).toBe(429);
      expect(over.body).toEqual({ error: 'rate_limited', errorDescription: 'Rate limit exceeded.', code: 429 });
      expect(over.headers.get('retry-after')).toBe('45');
      expect(over.headers.get('x-ratelimit-remaining')).toBe('0');
      expect((await call('/databases/', { base, key: KEY2 })).status).toBe(200);
      clock.now += 45_000;
      expect((await call('/databases/', { base })).status).toBe(200);
    } finally {
      await em.close();
    }
  });

  it('limits run-creating requests separately', async () => {
    const { em, base } = await limited({ runRateLimit: 1 });
    try {
      expect((await call('/jobs/5005/runs', { base, method: 'POST' })).status).toBe(201);
      const over = await call('/queries/', { base, method: 'POST', body: { database: 32, sql: 'SELECT 1' } });
      expect(over.status).toBe(429);
      // On this 429 the pair describes the run-creating limit that refused the request.
      expect(over.headers.get('x-ratelimit-limit')).toBe('1');
      expect(over.headers.get('x-ratelimit-remaining')).toBe('0');
      expect(Number(over.headers.get('retry-after'))).toBe(300);
      const read = await call('/jobs/5005', { base });
      expect(read.status).toBe(200);
      // Everywhere else it describes the general window again (three requests taken so far).
      expect(read.headers.get('x-ratelimit-limit')).toBe('1000');
      expect(read.headers.get('x-ratelimit-remaining')).toBe('997');
    } finally {
      await em.close();
    }
  });

  it('finishes runs after runFinishAfterMs on the injected clock, without polling reads', async () => {
    const { em, base, clock } = await limited({ runReadsToFinish: 100, runFinishAfterMs: 5_000 });
    try {
      const run = (await call('/jobs/5005/runs', { base, method: 'POST' })).body;
      expect((await call(`/jobs/5005/runs/${run.id}`, { base })).body.state).toBe('running');
      clock.now += 5_000;
      const done = (await call(`/jobs/5005/runs/${run.id}`, { base })).body;
      expect(done.state).toBe('succeeded');
      expect(done.finishedAt).toBe(new Date(clock.now).toISOString());
    } finally {
      await em.close();
    }
  });
});

describe('civis emulator: faults', () => {
  const route = 'GET /credentials/';
  const setFault = (spec: unknown) => fetch(`${civis.url}/_emulator/faults`, { method: 'POST', body: JSON.stringify(spec) });
  const counts = async () =>
    (await (await fetch(`${civis.url}/_emulator/requests`)).json()) as { total: number; byRoute: Record<string, number> };

  it('injects a status at a rate with the Civis envelope, and counts every request', async () => {
    await setFault({ status: 503, rate: 0.5, routes: [route] });
    const statuses: number[] = [];
    let failure: Awaited<ReturnType<typeof call>> | undefined;
    for (let i = 0; i < 4; i++) {
      const r = await call('/credentials');
      statuses.push(r.status);
      if (r.status === 503) failure = r;
    }
    expect(statuses).toEqual([200, 503, 200, 503]);
    expect(failure!.body).toEqual({ error: 'service_unavailable', errorDescription: 'Injected fault: HTTP 503', code: 503 });
    expect(failure!.headers.get('x-request-id')).toBeTruthy();
    expect((await call('/databases/')).status).toBe(200);
    const c = await counts();
    expect(c.byRoute[route]).toBe(4);
    expect(c.byRoute['GET /databases/']).toBe(1);
  });

  it('injects 429 with Retry-After as the rate_limited envelope', async () => {
    await setFault({ retryAfter: 7, routes: [route], count: 1 });
    const r = await call('/credentials/');
    expect(r.status).toBe(429);
    expect(r.headers.get('retry-after')).toBe('7');
    expect(r.body.error).toBe('rate_limited');
    expect((await call('/credentials/')).status).toBe(200);
    expect((await counts()).byRoute[route]).toBe(2);
  });

  it('hangs, resets the connection, sends malformed JSON, and adds latency', async () => {
    await setFault({ hang: true, routes: [route] });
    await expect(
      fetch(`${civis.url}/credentials/`, { headers: { authorization: basic(KEY) }, signal: AbortSignal.timeout(150) }),
    ).rejects.toThrow();
    await setFault({ reset: true, routes: [route] });
    await expect(fetch(`${civis.url}/credentials/`, { headers: { authorization: basic(KEY) } })).rejects.toThrow();
    await setFault({ malformed: true, routes: [route] });
    const bad = await fetch(`${civis.url}/credentials/`, { headers: { authorization: basic(KEY) } });
    expect(bad.status).toBe(200);
    await expect(bad.json()).rejects.toThrow();
    await setFault({ latencyMs: 120, routes: [route] });
    const t0 = performance.now();
    expect((await call('/credentials/')).status).toBe(200);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(110);
    await fetch(`${civis.url}/_emulator/faults`, { method: 'DELETE' });
    expect((await counts()).byRoute[route]).toBe(4);
  });
});
