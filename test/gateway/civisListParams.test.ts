import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startStack, type TestStack } from '../helpers/stack.js';
import type { NodeTypeName } from '../../src/relay/ids.js';

let stack: TestStack;

interface LoggedRequest {
  method: string;
  path: string;
  query: string;
}

async function civisLog(): Promise<LoggedRequest[]> {
  const res = await fetch(`${stack.embedded.emulators.civis!.url}/_emulator/requests?log=1`);
  return ((await res.json()) as { log: LoggedRequest[] }).log;
}
const gid = (type: NodeTypeName, id: number | string) => stack.augur.services.codec.encode(type, String(id));

beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack.close());
beforeEach(() => stack.reset());

/** Runs `{ civis { <query> } }`; answers the data under `civis`, the errors, and each Civis call as `METHOD /path?query`. */
async function run(query: string): Promise<{ data: any; errors: any; sent: string[] }> {
  const before = (await civisLog()).length;
  const r = await stack.gql(`{ civis { ${query} } }`);
  const sent = (await civisLog()).slice(before).map((l) => `${l.method} ${l.path}?${decodeURIComponent(l.query)}`);
  return { data: r.data?.civis, errors: r.errors, sent };
}

/** Asserts a refusal with BAD_USER_INPUT naming `param`, made before any call to Civis. */
async function refused(query: string, param: string): Promise<void> {
  const r = await run(query);
  expect(r.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', param });
  expect(r.sent).toEqual([]);
}

describe('Civis lists: archivedFilter', () => {
  it('asks Civis for live, archived or all scripts, and answers what it filtered', async () => {
    const all = await run(`scripts(archivedFilter: ALL, first: 50) { nodes { platformId archived } }`);
    expect(all.sent).toEqual(['GET /scripts/?archived=all&limit=50&page_num=1']);
    const flags = all.data.scripts.nodes.map((n: any) => n.archived);
    expect(flags).toContain(true);
    expect(flags).toContain(false);
    const archived = await run(`scripts(archivedFilter: ARCHIVED, first: 50) { nodes { platformId archived } }`);
    expect(archived.sent).toEqual(['GET /scripts/?archived=true&limit=50&page_num=1']);
    expect(archived.data.scripts.nodes).toEqual([{ platformId: '5006', archived: true }]);
    const live = await run(`scripts(archivedFilter: ACTIVE, first: 50) { nodes { archived } }`);
    expect(live.sent).toEqual(['GET /scripts/?archived=false&limit=50&page_num=1']);
    expect(live.data.scripts.nodes.length + 1).toBe(all.data.scripts.nodes.length);
    expect(live.data.scripts.nodes.every((n: any) => !n.archived)).toBe(true);
  });

  it('sends archived=all on every list that takes it, once each', async () => {
    const r = await run(`
      imports(archivedFilter: ALL) { totalCount }
      jobs(archivedFilter: ALL) { totalCount }
      models(archivedFilter: ALL) { totalCount }
      projects(archivedFilter: ALL) { totalCount }
      queries(archivedFilter: ALL) { totalCount }
      reports(archivedFilter: ALL) { totalCount }`);
    expect(r.errors).toBeUndefined();
    expect(r.sent.map((c) => c.split('?')[0]).sort()).toEqual(
      ['GET /imports/', 'GET /jobs/', 'GET /models/', 'GET /projects/', 'GET /queries/', 'GET /reports/'].sort(),
    );
    expect(r.sent.every((c) => c.includes('archived=all'))).toBe(true);
    const jobs = await run(`live: jobs { totalCount } archived: jobs(archived: true) { totalCount }`);
    expect(r.data.jobs.totalCount).toBe(jobs.data.live.totalCount + jobs.data.archived.totalCount);
  });

  it('refuses archived and archivedFilter together', async () => {
    await refused(`scripts(archived: true, archivedFilter: ALL) { totalCount }`, 'archivedFilter');
  });
});

describe('Civis lists: status, state, scheduled and category', () => {
  it('lists scheduled scripts and imports with status=scheduled', async () => {
    const scripts = await run(`scripts(scheduled: true, first: 50) { nodes { platformId schedule { scheduled } } }`);
    expect(scripts.sent[0]).toBe('GET /scripts/?limit=50&page_num=1&status=scheduled');
    expect(scripts.data.scripts.nodes.length).toBeGreaterThan(0);
    expect(scripts.data.scripts.nodes.every((n: any) => n.schedule.scheduled)).toBe(true);
    const imports = await run(`imports(scheduled: true) { nodes { scheduled } } every: imports { nodes { scheduled } }`);
    expect(imports.sent).toContain('GET /imports/?limit=20&page_num=1&status=scheduled');
    const expected = imports.data.every.nodes.filter((n: any) => n.scheduled);
    expect(imports.data.imports.nodes).toEqual(expected);
  });

  it('refuses what Civis cannot filter on, before any call', async () => {
    await refused(`scripts(scheduled: false) { totalCount }`, 'scheduled');
    await refused(`imports(status: [FAILED], scheduled: true) { totalCount }`, 'scheduled');
    await refused(`scripts(status: [RUNNING, QUEUED]) { totalCount }`, 'status[1]');
    await refused(`imports(status: [CANCELLED]) { totalCount }`, 'status[0]');
    await refused(`jobs(state: [IDLE]) { totalCount }`, 'state[0]');
    await refused(`scripts(category: "report") { totalCount }`, 'category');
  });

  it('still sends the states Civis documents', async () => {
    const r = await run(`scripts(status: [FAILED, IDLE], first: 50) { nodes { state } }`);
    expect(r.sent).toEqual(['GET /scripts/?limit=50&page_num=1&status=failed,idle']);
    expect(r.data.scripts.nodes.length).toBeGreaterThan(0);
    expect(r.data.scripts.nodes.every((n: any) => ['FAILED', 'IDLE'].includes(n.state))).toBe(true);
  });
});

describe('Civis lists: permission', () => {
  it('lists the jobs and projects the caller may write, and every one it may read', async () => {
    const r = await run(`write: jobs(permission: WRITE) { nodes { author { platformId } } }
      read: jobs(permission: READ) { totalCount } all: jobs { totalCount }
      projects(permission: MANAGE) { nodes { author { platformId } } }`);
    expect(r.errors).toBeUndefined();
    expect(r.sent.sort()).toEqual(
      [
        'GET /jobs/?limit=20&page_num=1&permission=write',
        'GET /jobs/?limit=20&page_num=1&permission=read',
        'GET /jobs/?limit=20&page_num=1',
        'GET /projects/?limit=20&page_num=1&permission=manage',
      ].sort(),
    );
    expect(r.data.write.nodes.length).toBeGreaterThan(0);
    expect(r.data.write.nodes.every((n: any) => n.author.platformId === '4257')).toBe(true);
    expect(r.data.read.totalCount).toBe(r.data.all.totalCount);
    expect(r.data.write.nodes.length).toBeLessThan(r.data.all.totalCount);
    expect(r.data.projects.nodes.every((n: any) => n.author.platformId === '4257')).toBe(true);
  });

  it('refuses manageable and permission together', async () => {
    await refused(`projects(manageable: true, permission: READ) { totalCount }`, 'permission');
  });
});

describe('Civis lists: orders', () => {
  it('orders jobs by last change in either direction, reading `last` from the flipped order', async () => {
    const asc = await run(`jobs(orderBy: { field: UPDATED_AT, direction: ASC }, first: 5) { nodes { updatedAt } }`);
    const times = asc.data.jobs.nodes.map((n: any) => n.updatedAt);
    expect(times).toEqual([...times].sort());
    expect(asc.sent).toEqual(['GET /jobs/?limit=5&order=updated_at&order_dir=asc&page_num=1']);
    const last = await run(`jobs(orderBy: { field: UPDATED_AT, direction: ASC }, last: 2) { nodes { updatedAt } }`);
    expect(last.sent).toEqual(['GET /jobs/?limit=2&order=updated_at&order_dir=desc&page_num=1']);
  });

  it("orders a job's runs by id", async () => {
    const r = await run(`script(platformId: "5003") { runs(orderBy: { field: ID, direction: ASC }) { nodes { platformId } } }`);
    const ids = r.data.script.runs.nodes.map((n: any) => Number(n.platformId));
    expect(ids.length).toBe(2);
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    expect(r.sent).toContain('GET /jobs/5003/runs?limit=20&order=id&order_dir=asc&page_num=1');
    const desc = await run(`job(platformId: "5003") { runs(orderBy: { field: ID, direction: DESC }) { nodes { platformId } } }`);
    expect(desc.data.job.runs.nodes.map((n: any) => Number(n.platformId))).toEqual([...ids].reverse());
  });

  it("orders a table's columns by position or name", async () => {
    const t = await run(`tables(first: 1) { nodes { platformId } }`);
    const id = t.data.tables.nodes[0].platformId;
    const r = await run(`table(platformId: "${id}") { columns(orderBy: { field: ORDER, direction: DESC }) { nodes { name order } } }`);
    const order = r.data.table.columns.nodes.map((n: any) => n.order);
    expect(order.length).toBeGreaterThan(1);
    expect(order).toEqual([...order].sort((a: number, b: number) => b - a));
    expect(r.sent).toContain(`GET /tables/${id}/columns?limit=20&order=order&order_dir=desc&page_num=1`);
    const byName = await run(`table(platformId: "${id}") { columns(orderBy: { field: NAME }) { nodes { name } } }`);
    const names = byName.data.table.columns.nodes.map((n: any) => n.name);
    expect(names).toEqual([...names].sort());
  });
});

describe('Civis lists: users, queries and a database tables', () => {
  it('filters users on a feature flag and an organization', async () => {
    const r = await run(`users(featureFlag: "notebooks") { nodes { platformId } }`);
    expect(r.data.users.nodes.map((n: any) => n.platformId)).toEqual(['4257', '4259', '4261']);
    expect(r.sent).toEqual(['GET /users/?feature_flag=notebooks&limit=20&page_num=1']);
    const me = await run(`me { groups { organizationPlatformId } }`);
    const org = me.data.me.groups[0].organizationPlatformId;
    const inOrg = await run(`users(organizationPlatformId: "${org}") { totalCount }`);
    expect(inOrg.data.users.totalCount).toBe(5);
    expect(inOrg.sent).toEqual([`GET /users/?limit=20&organization_id=${org}&page_num=1`]);
    const other = await run(`users(organizationPlatformId: "999") { totalCount }`);
    expect(other.data.users.totalCount).toBe(0);
    await refused(`users(featureFlag: "a,b") { totalCount }`, 'featureFlag');
    await refused(`users(organizationPlatformId: "org") { totalCount }`, 'organizationPlatformId');
  });

  it('filters queries on their author', async () => {
    const mine = await run(`queries(author: "${gid('CivisUser', 4257)}") { totalCount }`);
    expect(mine.data.queries.totalCount).toBe(3);
    expect(mine.sent).toEqual(['GET /queries/?author_id=4257&limit=20&page_num=1']);
    const other = await run(`queries(author: "${gid('CivisUser', 4258)}") { totalCount }`);
    expect(other.data.queries.totalCount).toBe(0);
    await refused(`queries(author: "${gid('Credential', 1002)}") { totalCount }`, 'author');
  });

  it("takes the tables list's search, tags, credential and order on a database's tables", async () => {
    const r = await run(
      `database(platformId: "32") { tables(search: "public.", orderBy: { field: NAME, direction: DESC }) { nodes { schema name } } }`,
    );
    expect(r.errors).toBeUndefined();
    const nodes = r.data.database.tables.nodes;
    expect(nodes.length).toBeGreaterThan(0);
    expect(nodes.every((n: any) => n.schema === 'public')).toBe(true);
    const names = nodes.map((n: any) => n.name);
    expect(names).toEqual([...names].sort().reverse());
    expect(r.sent).toContain('GET /tables/?database_id=32&limit=20&order=name&order_dir=desc&page_num=1&search=public.');
    // The database is read first; its tables are refused before the list is asked for.
    const bad = await run(`database(platformId: "32") { tables(credential: "${gid('CivisUser', 1)}") { totalCount } }`);
    expect(bad.errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', param: 'credential' });
    expect(bad.sent).toEqual(['GET /databases/32?']);
  });
});
