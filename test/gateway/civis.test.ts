import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CIVIS_DEMO_API_KEY, CIVIS_DEMO_API_KEY_2, SEED_IDS, type CivisCredential } from '@augur/emulators/civis';
import { startStack, type TestStack } from '../helpers/stack.js';

let stack: TestStack;
const BOB = { 'x-civis-api-key': CIVIS_DEMO_API_KEY_2 };

const basic = (key: string) => ({ authorization: `Basic ${Buffer.from(`${key}:`).toString('base64')}` });

/** Reads the emulator directly (not through Augur) to know what to expect. */
async function upstream<T>(path: string, key = CIVIS_DEMO_API_KEY): Promise<{ body: T; total: number }> {
  const res = await fetch(`${stack.embedded.emulators.civis!.url}${path}`, { headers: basic(key) });
  return { body: (await res.json()) as T, total: Number(res.headers.get('x-pagination-total-entries')) };
}

interface LoggedRequest {
  method: string;
  route: string;
  path: string;
  query: string;
  status: number;
}

/** The emulator's request log (what Augur sent, in order). */
async function civisLog(): Promise<LoggedRequest[]> {
  const res = await fetch(`${stack.embedded.emulators.civis!.url}/_emulator/requests?log=1`);
  return ((await res.json()) as { log: LoggedRequest[] }).log;
}

const routes = async () => (await stack.requests('civis')).byRoute;

beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack.close());
beforeEach(() => stack.reset());

const PAGE = `edges { cursor node { platformId name } } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } totalCount`;
const ids = (conn: any): number[] => conn.edges.map((e: any) => Number(e.node.platformId));

describe('Query.credentials', () => {
  it('pages forward with totals from X-Pagination-Total-Entries, one list call per page', async () => {
    const all = await upstream<CivisCredential[]>('/credentials/');
    await stack.reset();
    const first = await stack.gql(`{ credentials(first: 5) { ${PAGE} } }`);
    expect(first.errors).toBeUndefined();
    const c = first.data!.credentials;
    expect(c.totalCount).toBe(all.total);
    expect(all.total).toBe(34); // 36 seeded, two private to other users
    expect(ids(c)).toEqual(all.body.slice(0, 5).map((x) => x.id));
    expect(c.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false });
    const second = await stack.gql(`query($a: String) { credentials(first: 5, after: $a) { ${PAGE} } }`, { a: c.pageInfo.endCursor });
    expect(ids(second.data!.credentials)).toEqual(all.body.slice(5, 10).map((x) => x.id));
    expect(second.data!.credentials.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: true });
    expect(await routes()).toEqual({ 'GET /credentials/': 2 });
    const log = await civisLog();
    expect(log.map((l) => new URLSearchParams(l.query).get('page_num'))).toEqual(['1', '2']);
    expect(log.every((l) => new URLSearchParams(l.query).get('limit') === '5')).toBe(true);
  });

  it('pages backward with last/before down to the first item', async () => {
    const all = (await upstream<CivisCredential[]>('/credentials/')).body.map((x) => x.id);
    const fwd = await stack.gql(`{ credentials(first: 8) { ${PAGE} } }`);
    const end = fwd.data!.credentials.pageInfo.endCursor; // offset 7
    const back = await stack.gql(`query($b: String) { credentials(last: 3, before: $b) { ${PAGE} } }`, { b: end });
    expect(ids(back.data!.credentials)).toEqual(all.slice(4, 7));
    expect(back.data!.credentials.pageInfo).toMatchObject({ hasPreviousPage: true, hasNextPage: true });
    const toStart = await stack.gql(`query($b: String) { credentials(last: 10, before: $b) { ${PAGE} } }`, {
      b: back.data!.credentials.pageInfo.startCursor,
    });
    expect(ids(toStart.data!.credentials)).toEqual(all.slice(0, 4));
    expect(toStart.data!.credentials.pageInfo.hasPreviousPage).toBe(false);
  });

  it('reads the tail with last alone: one reversed call (flipped order_dir) when the order is explicit', async () => {
    const byName = (await upstream<CivisCredential[]>('/credentials/?order=name&order_dir=asc')).body.map((x) => x.id);
    await stack.reset();
    const r = await stack.gql(`{ credentials(last: 4, orderBy: {field: NAME}) { ${PAGE} } }`);
    expect(r.errors).toBeUndefined();
    expect(ids(r.data!.credentials)).toEqual(byName.slice(-4));
    expect(r.data!.credentials.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: true });
    const log = await civisLog();
    expect(log).toHaveLength(1);
    expect(Object.fromEntries(new URLSearchParams(log[0]!.query))).toMatchObject({
      order: 'name',
      order_dir: 'desc',
      page_num: '1',
      limit: '4',
    });
    // Paging on backward from there stays in the ascending order.
    const before = await stack.gql(`query($b: String) { credentials(last: 3, before: $b, orderBy: {field: NAME}) { ${PAGE} } }`, {
      b: r.data!.credentials.pageInfo.startCursor,
    });
    expect(ids(before.data!.credentials)).toEqual(byName.slice(-7, -4));
    const desc = await stack.gql(`{ credentials(first: 34, orderBy: {field: NAME, direction: DESC}) { ${PAGE} } }`);
    expect(ids(desc.data!.credentials)).toEqual([...byName].reverse());
  });

  it('answers an empty page past the end and an empty list with exact pageInfo', async () => {
    const last = await stack.gql(`{ credentials(last: 1) { pageInfo { endCursor } } }`);
    const past = await stack.gql(`query($a: String) { credentials(first: 10, after: $a) { ${PAGE} } }`, {
      a: last.data!.credentials.pageInfo.endCursor,
    });
    expect(past.errors).toBeUndefined();
    expect(past.data!.credentials).toMatchObject({
      edges: [],
      totalCount: 34,
      pageInfo: { hasNextPage: false, hasPreviousPage: true, endCursor: null },
    });
    const none = await stack.gql(`{ credentials(first: 5, name: "no-such-credential") { ${PAGE} } }`);
    expect(none.data!.credentials).toMatchObject({
      edges: [],
      totalCount: 0,
      pageInfo: { hasNextPage: false, hasPreviousPage: false, startCursor: null },
    });
  });

  it('filters by type, name, owner, remote host and default through Civis query parameters', async () => {
    const aws = await stack.gql(
      `{ credentials(first: 50, type: [AMAZON_WEB_SERVICES_S3]) { totalCount nodes { platformId type typeName } } }`,
    );
    expect(aws.data!.credentials.totalCount).toBe(7);
    expect(aws.data!.credentials.nodes.map((n: any) => n.platformId).sort()).toEqual([
      '1012',
      '1013',
      '1014',
      '1015',
      '1016',
      '1017',
      '1018',
    ]);
    expect(
      aws.data!.credentials.nodes.every((n: any) => n.type === 'AMAZON_WEB_SERVICES_S3' && n.typeName === 'Amazon Web Services S3'),
    ).toBe(true);

    const two = await stack.gql(`{ credentials(first: 50, type: [GITHUB, GOOGLE]) { totalCount } }`);
    expect(two.data!.credentials.totalCount).toBe(4 + 3); // github-carol is private to carol

    const named = await stack.gql(`{ credentials(first: 50, name: "ml-art") { nodes { platformId name } } }`);
    expect(named.data!.credentials.nodes.map((n: any) => n.platformId).sort()).toEqual(['1015', '1016']);

    const bobId = await stack.gql(`{ civis { user(platformId: "${SEED_IDS.bob}") { id } } }`);
    const byOwner = await stack.gql(
      `query($o: [ID!]) { credentials(first: 50, owner: $o) { totalCount nodes { ownerUsername owner { platformId } } } }`,
      {
        o: [bobId.data!.civis.user.id],
      },
    );
    expect(byOwner.data!.credentials.totalCount).toBe(11); // bob owns 12; salesforce-bob is private to him
    expect(
      byOwner.data!.credentials.nodes.every((n: any) => n.ownerUsername === 'bob.analyst' && n.owner.platformId === String(SEED_IDS.bob)),
    ).toBe(true);
    const carolId = await stack.gql(`{ civis { user(platformId: "4259") { id } } }`);
    const byTwoOwners = await stack.gql(`query($o: [ID!]) { credentials(first: 50, owner: $o, type: DATABASE) { totalCount } }`, {
      o: [bobId.data!.civis.user.id, carolId.data!.civis.user.id],
    });
    expect(byTwoOwners.data!.credentials.totalCount).toBe(4 + 4);

    const db61 = await stack.gql(`{ civis { database(platformId: "61") { id } } }`);
    const onHost = await stack.gql(
      `query($h: ID) { credentials(first: 50, remoteHost: $h) { nodes { platformId remoteHostName remoteHost { name } } } }`,
      {
        h: db61.data!.civis.database.id,
      },
    );
    expect(onHost.data!.credentials.nodes.map((n: any) => n.platformId).sort()).toEqual(['1003', '1006', '1009']);
    expect(
      onHost.data!.credentials.nodes.every((n: any) => n.remoteHostName === 'redshift-sandbox' && n.remoteHost.name === 'redshift-sandbox'),
    ).toBe(true);

    const def = await stack.gql(`{ credentials(default: true) { totalCount nodes { platformId default } } }`);
    expect(def.data!.credentials).toEqual({ totalCount: 1, nodes: [{ platformId: '1001', default: true }] });

    const queries = (await civisLog())
      .filter((l) => l.route === 'GET /credentials/')
      .map((l) => Object.fromEntries(new URLSearchParams(l.query)));
    expect(queries).toContainEqual(expect.objectContaining({ type: 'Github,Google' }));
    expect(queries).toContainEqual(expect.objectContaining({ users: '4258,4259', type: 'Database' }));
    expect(queries).toContainEqual(expect.objectContaining({ users: '4258' }));
    expect(queries).toContainEqual(expect.objectContaining({ name: 'ml-art' }));
    expect(queries).toContainEqual(expect.objectContaining({ remote_host_id: '61' }));
    expect(queries).toContainEqual(expect.objectContaining({ default: 'true' }));
  });

  it('rejects forged, tampered and mismatched cursors and bad arguments before any upstream call', async () => {
    const page = await stack.gql(`{ credentials(first: 2, type: DATABASE) { pageInfo { endCursor } } }`);
    const cursor = page.data!.credentials.pageInfo.endCursor as string;
    const ordered = await stack.gql(`{ credentials(first: 2, orderBy: {field: NAME}) { pageInfo { endCursor } } }`);
    const orderedCursor = ordered.data!.credentials.pageInfo.endCursor as string;
    await stack.reset();
    const tampered = cursor.slice(0, -2) + (cursor.endsWith('A') ? 'BB' : 'AA');
    const q = (args: string) => `query($a: String) { credentials(first: 2, after: $a${args}) { totalCount } }`;
    const cases: Array<[string, Record<string, unknown>, RegExp]> = [
      [q(', type: DATABASE'), { a: 'not-a-cursor!' }, /not a valid cursor/],
      [q(', type: DATABASE'), { a: tampered }, /not a valid cursor/],
      [q(', type: DATABASE'), { a: cursor.slice(0, 12) }, /not a valid cursor/],
      [q(''), { a: cursor }, /different connection/],
      [q(', type: GITHUB'), { a: cursor }, /different connection/],
      [q(', type: DATABASE, name: "ada"'), { a: cursor }, /different connection/],
      [q(''), { a: orderedCursor }, /different connection/],
      [q(', orderBy: {field: NAME, direction: DESC}'), { a: orderedCursor }, /different connection/],
      [`query($a: String) { civis { jobs(first: 2, after: $a) { totalCount } } }`, { a: cursor }, /different connection/],
      [`{ credentials(first: 101) { totalCount } }`, {}, /maximum page size of 100/],
      [`{ credentials(first: 1, last: 1) { totalCount } }`, {}, /not both/],
      [`{ credentials(default: false) { totalCount } }`, {}, /default: true/],
      [`{ credentials(owner: ["bob.analyst"]) { totalCount } }`, {}, /not a valid Augur id/],
    ];
    for (const [query, vars, message] of cases) {
      const r = await stack.gql(query, vars);
      expect(r.errors?.[0]?.message, query).toMatch(message);
      expect(r.errors?.[0]?.extensions?.['code']).toBe('BAD_USER_INPUT');
    }
    expect((await stack.requests('civis')).total).toBe(0);
  });
});

describe('credential owners', () => {
  it('loads each distinct owner once: 30 credentials with owner email cost 3 GET /users/{id}', async () => {
    const r = await stack.gql(`{ credentials(first: 30) { edges { node { owner { username email } } } } }`);
    expect(r.errors).toBeUndefined();
    const owners = r.data!.credentials.edges.map((e: any) => e.node.owner);
    expect(owners).toHaveLength(30);
    for (const o of owners) expect(o.email).toBe(`${o.username}@example.com`);
    expect(new Set(owners.map((o: any) => o.username))).toEqual(new Set(['ada.demo', 'bob.analyst', 'carol.eng']));
    expect(await routes()).toEqual({ 'GET /credentials/': 1, 'GET /users/{id}': 3 });
    const userPaths = (await civisLog()).filter((l) => l.route === 'GET /users/{id}').map((l) => l.path);
    expect(new Set(userPaths).size).toBe(userPaths.length);
    expect(userPaths.sort()).toEqual(['/users/4257', '/users/4258', '/users/4259']);
  });

  it('builds owners from the embedded summary with no user call at all', async () => {
    const r = await stack.gql(`{ credentials(first: 34) { nodes { owner { id platformId username name initials online } } } }`);
    expect(r.errors).toBeUndefined();
    const ada = r.data!.credentials.nodes.find((n: any) => n.owner.username === 'ada.demo').owner;
    expect(ada).toMatchObject({ platformId: '4257', name: 'Ada Demo', initials: 'AD', online: true });
    expect(await routes()).toEqual({ 'GET /credentials/': 1 });
    const node = await stack.gql(`query($id: ID!) { node(id: $id) { ... on CivisUser { username email title } } }`, { id: ada.id });
    expect(node.data!.node).toEqual({ username: 'ada.demo', email: 'ada.demo@example.com', title: 'Data Scientist' });
  });
});

describe('Civis helpers', () => {
  it('me and defaultCredential', async () => {
    const r = await stack.gql(
      `{ civis { me { platformId username email groups { name } } defaultCredential { platformId name default remoteHostName } } }`,
    );
    expect(r.errors).toBeUndefined();
    expect(r.data!.civis.me).toEqual({
      platformId: String(SEED_IDS.me),
      username: 'ada.demo',
      email: 'ada.demo@example.com',
      groups: [{ name: 'Data Science' }],
    });
    expect(r.data!.civis.defaultCredential).toEqual({
      platformId: '1001',
      name: 'ada_demo',
      default: true,
      remoteHostName: 'redshift-general',
    });
    const bob = await stack.gql(`{ civis { me { username } defaultCredential { platformId } } }`, undefined, BOB);
    expect(bob.data!.civis).toEqual({ me: { username: 'bob.analyst' }, defaultCredential: { platformId: '1005' } });
    expect(await routes()).toEqual({ 'GET /users/me': 2, 'GET /credentials/': 2 });
  });

  it('awsCredential filters by name, then owner, then falls back to the caller', async () => {
    const r = await stack.gql(`{ civis {
      mine: awsCredential(name: "aws-analytics") { platformId ownerUsername }
      bobs: awsCredential(name: "aws-analytics", owner: "bob.analyst") { platformId }
      only: awsCredential(name: "aws-archive") { platformId }
    } }`);
    expect(r.errors).toBeUndefined();
    expect(r.data!.civis).toEqual({
      mine: { platformId: '1012', ownerUsername: 'ada.demo' },
      bobs: { platformId: '1013' },
      only: { platformId: '1014' },
    });
    // One AWS list shared by the three fields; /users/me only for the ambiguous name.
    expect(await routes()).toEqual({ 'GET /credentials/': 1, 'GET /users/me': 1 });
    expect(Object.fromEntries(new URLSearchParams((await civisLog())[0]!.query))).toMatchObject({ type: 'Amazon Web Services S3' });

    const asBob = await stack.gql(`{ civis { awsCredential(name: "aws-analytics") { platformId } } }`, undefined, BOB);
    expect(asBob.data!.civis.awsCredential.platformId).toBe('1013');
    const ambiguous = await stack.gql(`{ civis { awsCredential(name: "aws-ml-artifacts") { platformId } } }`, undefined, BOB);
    expect(ambiguous.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', param: 'owner' });
    expect(ambiguous.errors?.[0]?.message).toMatch(/ambiguous/);
    expect(ambiguous.errors?.[0]?.message).toContain('"ada.demo"');
    expect(ambiguous.errors?.[0]?.message).toContain('"carol.eng"');
    const missing = await stack.gql(`{ civis { awsCredential(name: "aws-analytics", owner: "carol.eng") { platformId } } }`);
    expect(missing.errors?.[0]?.extensions?.['code']).toBe('NOT_FOUND');
    expect(missing.data!.civis.awsCredential).toBeNull();
  });

  it('databaseCredential matches the username on a database given by global id or by name', async () => {
    const db61 = await stack.gql(`{ civis { database(platformId: "61") { id } } }`);
    const r = await stack.gql(
      `query($g: ID!) { civis {
        byName: databaseCredential(username: "ada_demo", databaseName: "postgres-analytics") { platformId }
        byGlobal: databaseCredential(username: "ada_demo", database: $g) { platformId }
        etl: databaseCredential(username: "etl_service", databaseName: "redshift-general") { platformId }
      } }`,
      { g: db61.data!.civis.database.id },
    );
    expect(r.errors).toBeUndefined();
    expect(r.data!.civis).toEqual({
      byName: { platformId: '1002' },
      byGlobal: { platformId: '1003' },
      etl: { platformId: '1010' },
    });
    const none = await stack.gql(`{ civis { databaseCredential(username: "ada_demo", databaseName: "no-such-db") { platformId } } }`);
    expect(none.errors?.[0]?.extensions?.['code']).toBe('NOT_FOUND');
    const both = await stack.gql(
      `query($g: ID!) { civis { databaseCredential(username: "ada_demo", database: $g, databaseName: "x") { platformId } } }`,
      {
        g: db61.data!.civis.database.id,
      },
    );
    expect(both.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', param: 'databaseName' });
  });

  it('database(name) and table("schema.table", database) resolve as civis-python does', async () => {
    const r = await stack.gql(`{ civis {
      database(name: "postgres-analytics") { platformId adapter port }
      table(name: "public.customers", databaseName: "redshift-general") { platformId fullName rowCount database { name } }
    } }`);
    expect(r.errors).toBeUndefined();
    expect(r.data!.civis.database).toEqual({ platformId: String(SEED_IDS.databases.postgresAnalytics), adapter: 'postgresql', port: 5432 });
    expect(r.data!.civis.table).toEqual({
      platformId: String(SEED_IDS.customersTable),
      fullName: 'public.customers',
      rowCount: 12500,
      database: { name: 'redshift-general' },
    });
    expect(await routes()).toEqual({ 'GET /databases/': 1, 'GET /tables/': 1, 'GET /databases/{id}': 1 });
    const tableQuery = (await civisLog()).find((l) => l.route === 'GET /tables/')!;
    expect(Object.fromEntries(new URLSearchParams(tableQuery.query))).toMatchObject({
      database_id: '32',
      schema: 'public',
      name: 'customers',
    });

    const sandboxDb = await stack.gql(`{ civis { database(platformId: "61") { id } } }`);
    const more = await stack.gql(
      `query($db: ID) { civis {
      sandbox: table(name: "public.customers", database: $db) { platformId }
      quoted: table(name: "\\"public\\".\\"orders\\"", databaseName: "redshift-general") { platformId }
    } }`,
      { db: sandboxDb.data!.civis.database.id },
    );
    expect(more.errors).toBeUndefined();
    expect(more.data!.civis).toEqual({ sandbox: { platformId: '2012' }, quoted: { platformId: '2002' } });

    const errors = await stack.gql(`{ civis {
      a: database(name: "nope") { platformId }
      b: table(name: "public.nope", databaseName: "redshift-general") { platformId }
      c: table(name: "a.b.c", databaseName: "redshift-general") { platformId }
      d: database { platformId }
      e: table(name: "public.customers") { platformId }
    } }`);
    const byPath = Object.fromEntries(errors.errors!.map((e) => [e.path!.join('.'), e.extensions!['code']]));
    expect(byPath).toEqual({
      'civis.a': 'NOT_FOUND',
      'civis.b': 'NOT_FOUND',
      'civis.c': 'BAD_USER_INPUT',
      'civis.d': 'BAD_USER_INPUT',
      'civis.e': 'BAD_USER_INPUT',
    });
    expect(errors.errors!.find((e) => e.path!.join('.') === 'civis.a')!.message).toMatch(/"redshift-general"/);
  });
});

describe('Civis namespace', () => {
  it('lists and reads databases, tables and columns', async () => {
    const r = await stack.gql(`{ civis {
      databases(first: 2) { totalCount pageInfo { hasNextPage } nodes { platformId name } }
      tables(databaseName: "redshift-general", schema: "analytics", first: 10) { totalCount nodes { platformId fullName isView } }
      table(platformId: "${SEED_IDS.customersTable}") { primaryKeys tags { name } columns(first: 3) { totalCount nodes { name order sqlType } } }
      db: database(platformId: "61") { name schemas tables(first: 5) { totalCount nodes { fullName } } }
    } }`);
    expect(r.errors).toBeUndefined();
    const c = r.data!.civis;
    expect(c.databases).toEqual({
      totalCount: 3,
      pageInfo: { hasNextPage: true },
      nodes: [
        { platformId: '32', name: 'redshift-general' },
        { platformId: '45', name: 'postgres-analytics' },
      ],
    });
    expect(c.tables.nodes.map((t: any) => t.fullName)).toEqual([
      'analytics.churn_scores',
      'analytics.customer_360',
      'analytics.daily_revenue',
    ]);
    expect(c.tables.nodes[1].isView).toBe(true);
    expect(c.table.primaryKeys).toEqual(['customer_id']);
    expect(c.table.tags).toEqual([{ name: 'PII' }, { name: 'Certified' }]);
    expect(c.table.columns).toEqual({
      totalCount: 8,
      nodes: [
        { name: 'churned', order: 8, sqlType: 'boolean' },
        { name: 'customer_id', order: 1, sqlType: 'integer' },
        { name: 'email', order: 2, sqlType: 'character varying(256)' },
      ],
    });
    expect(c.db).toEqual({
      name: 'redshift-sandbox',
      schemas: ['public', 'scratch'],
      tables: {
        totalCount: 3,
        nodes: [{ fullName: 'public.customers' }, { fullName: 'scratch.ada_experiments' }, { fullName: 'scratch.ltv_scores' }],
      },
    });
    expect((await routes())['GET /tables/{id}/columns']).toBe(1);
  });

  it('lists and reads jobs and their runs', async () => {
    const r = await stack.gql(`{ civis {
      jobs(first: 50) { totalCount }
      running: jobs(first: 50, state: [RUNNING]) { nodes { platformId } }
      job(platformId: "${SEED_IDS.runningJob}") { name type state author { username } lastRun { platformId state jobPlatformId } runs(first: 5) { totalCount nodes { platformId state } } run(platformId: "90003") { state finishedAt } }
    } }`);
    expect(r.errors).toBeUndefined();
    const c = r.data!.civis;
    expect(c.jobs.totalCount).toBe(11); // 12 seeded, one archived
    expect(c.running.nodes.map((n: any) => n.platformId).sort()).toEqual(['5002', '5103']);
    expect(c.job).toMatchObject({
      name: 'Churn feature build',
      type: 'JobTypes::PythonDocker',
      state: 'RUNNING',
      author: { username: 'ada.demo' },
      lastRun: { platformId: '90004', state: 'RUNNING', jobPlatformId: '5002' },
      runs: {
        totalCount: 2,
        nodes: [
          { platformId: '90004', state: 'RUNNING' },
          { platformId: '90003', state: 'SUCCEEDED' },
        ],
      },
      run: { state: 'SUCCEEDED' },
    });
  });

  it('lists and reads scripts, imports, models, predictions, projects, queries, reports, files and users', async () => {
    const r = await stack.gql(`{ civis {
      scripts(first: 50, orderBy: {field: NAME}) { totalCount nodes { name } }
      script(platformId: "5001") { name category sql state lastRun { platformId } runs { totalCount } }
      imports(first: 10, status: [FAILED]) { nodes { platformId name syncType source { name credential { platformId } } destination { remoteHost { platformId name } } } }
      import(platformId: "5101") { name isOutbound scheduled author { username } }
      models(first: 10) { totalCount nodes { platformId } }
      model(platformId: "3001") { name dependentVariable currentBuildState activeBuildPlatformId database { name } predictions { totalCount nodes { platformId } } }
      predictions(first: 10) { totalCount }
      prediction(platformId: "3502") { state error scoredTableName primaryKey model { name } scoredTable { platformId } }
      projects(first: 10, orderBy: {field: CREATED_AT}) { nodes { platformId name } }
      project(platformId: "7001") { name note author { username } members { username } myPermissionLevel objects { platformId objectType } }
      queries(first: 10) { totalCount nodes { platformId } }
      query(platformId: "6001") { sql state result { columns rows } databasePlatformId database { platformId } credential { platformId } author { username } }
      reports(first: 10) { nodes { platformId } }
      report(platformId: "9001") { name type state script { platformId } author { username } lastRun { state } }
      files(first: 10) { totalCount nodes { platformId } }
      file(platformId: "8001") { name fileSize author { username } downloadUrl }
      users(first: 3) { totalCount nodes { username } }
      bobs: users(search: "bob") { nodes { platformId email } }
      user(platformId: "4261") { username name title department timeZone accountStatus }
      credential(platformId: "1012") { name username type owner { username } }
    } }`);
    expect(r.errors).toBeUndefined();
    const c = r.data!.civis;
    const names = c.scripts.nodes.map((n: any) => n.name);
    expect(c.scripts.totalCount).toBe(7); // 8 seeded scripts, one archived
    expect(names).toEqual([...names].sort((a: string, b: string) => a.toLowerCase().localeCompare(b.toLowerCase())));
    expect(c.script).toEqual({
      name: 'Nightly revenue rollup',
      category: 'script',
      sql: expect.stringContaining('INSERT INTO analytics.daily_revenue'),
      state: 'SUCCEEDED',
      lastRun: { platformId: '90002' },
      runs: { totalCount: 2 },
    });
    expect(c.imports.nodes).toEqual([
      {
        platformId: '5102',
        name: 'Salesforce opportunities',
        syncType: 'Salesforce',
        source: { name: expect.any(String), credential: { platformId: '1036' } },
        destination: { remoteHost: { platformId: '32', name: 'redshift-general' } },
      },
    ]);
    expect(c.import).toEqual({ name: 'Sync accounts from postgres', isOutbound: false, scheduled: true, author: { username: 'ada.demo' } });
    expect(c.models.totalCount).toBe(3);
    expect(c.model).toEqual({
      name: 'Churn propensity',
      dependentVariable: 'churned',
      currentBuildState: 'SUCCEEDED',
      activeBuildPlatformId: '3102',
      database: { name: 'redshift-general' },
      predictions: { totalCount: 2, nodes: [{ platformId: '3501' }, { platformId: '3502' }] },
    });
    expect(c.predictions.totalCount).toBe(4);
    expect(c.prediction).toEqual({
      state: 'FAILED',
      error: 'Column churned is missing from public.customers',
      scoredTableName: 'public.customers',
      primaryKey: ['customer_id'],
      model: { name: 'Churn propensity' },
      scoredTable: { platformId: '2012' },
    });
    expect(c.projects.nodes).toEqual([
      { platformId: '7001', name: 'Churn reduction' },
      { platformId: '7002', name: 'Revenue reporting' },
    ]);
    expect(c.project).toMatchObject({
      name: 'Churn reduction',
      note: 'Weekly sync on Mondays.',
      author: { username: 'ada.demo' },
      myPermissionLevel: 'manage',
    });
    expect(c.project.members.map((m: any) => m.username)).toEqual(['ada.demo', 'bob.analyst']);
    expect(c.project.objects.map((o: any) => o.platformId)).toEqual(['5002', '3001', '8001', '8002']);
    expect(c.queries.totalCount).toBe(3); // ada's own
    expect(c.query).toEqual({
      sql: 'SELECT customer_id, email FROM public.customers LIMIT 5',
      state: 'SUCCEEDED',
      result: { columns: ['customer_id', 'email'], rows: expect.arrayContaining([['1', 'user1@example.com']]) },
      databasePlatformId: '32',
      database: { platformId: '32' },
      credential: { platformId: '1001' },
      author: { username: 'ada.demo' },
    });
    expect(c.reports.nodes.map((n: any) => n.platformId).sort()).toEqual(['9001', '9002']);
    expect(c.report).toEqual({
      name: 'Revenue dashboard',
      type: 'ReportTypes::HTML',
      state: 'SUCCEEDED',
      script: { platformId: '5001' },
      author: { username: 'bob.analyst' },
      lastRun: { state: 'SUCCEEDED' },
    });
    expect(c.files.totalCount).toBe(4);
    expect(c.file).toMatchObject({ name: 'customers_2025.csv', author: { username: 'ada.demo' } });
    expect(c.file.fileSize).toBeGreaterThan(0);
    expect(c.file.downloadUrl).toMatch(/\/files\/8001\/download$/);
    expect(c.users).toEqual({ totalCount: 5, nodes: [{ username: 'ada.demo' }, { username: 'bob.analyst' }, { username: 'carol.eng' }] });
    expect(c.bobs.nodes).toEqual([{ platformId: '4258', email: 'bob.analyst@example.com' }]);
    expect(c.user).toEqual({
      username: 'erin.admin',
      name: 'Erin Admin',
      title: 'Head of Data',
      department: 'Platform',
      timeZone: 'America/Chicago',
      accountStatus: 'active',
    });
    expect(c.credential).toEqual({
      name: 'aws-analytics',
      username: 'AKIAEMULATOR0ADA0001',
      type: 'AMAZON_WEB_SERVICES_S3',
      owner: { username: 'ada.demo' },
    });
  });

  it('explains a platform without a file listing, while file(id:) keeps working', async () => {
    await stack.faults('civis', { status: 404, routes: ['GET /files/'] });
    const r = await stack.gql(`{ civis { files(first: 2) { totalCount } file(platformId: "8001") { name } } }`);
    expect(r.data!.civis.files).toBeNull();
    expect(r.data!.civis.file).toEqual({ name: 'customers_2025.csv' });
    expect(r.errors).toEqual([
      expect.objectContaining({
        path: ['civis', 'files'],
        message: expect.stringContaining('does not list files'),
        extensions: expect.objectContaining({ code: 'NOT_FOUND', platform: 'civis', upstreamStatus: 404 }),
      }),
    ]);
  });

  it('resolves every Civis object through node(id)', async () => {
    const r = await stack.gql(`{ credentials(first: 1) { nodes { id } } civis {
      me { id } database(platformId: "32") { id } table(platformId: "2001") { id } file(platformId: "8001") { id } import(platformId: "5101") { id }
      job(platformId: "5001") { id lastRun { id } } model(platformId: "3001") { id } prediction(platformId: "3501") { id } project(platformId: "7001") { id }
      query(platformId: "6001") { id } report(platformId: "9001") { id } script(platformId: "5002") { id }
    } }`);
    expect(r.errors).toBeUndefined();
    const c = r.data!.civis;
    const expected: Array<[string, string, number]> = [
      [r.data!.credentials.nodes[0].id, 'Credential', 0],
      [c.me.id, 'CivisUser', 4257],
      [c.database.id, 'CivisDatabase', 32],
      [c.table.id, 'CivisTable', 2001],
      [c.file.id, 'CivisFile', 8001],
      [c.import.id, 'CivisImport', 5101],
      [c.job.id, 'CivisJob', 5001],
      [c.job.lastRun.id, 'CivisJobRun', 90002],
      [c.model.id, 'CivisModel', 3001],
      [c.prediction.id, 'CivisPrediction', 3501],
      [c.project.id, 'CivisProject', 7001],
      [c.query.id, 'CivisQuery', 6001],
      [c.report.id, 'CivisReport', 9001],
      [c.script.id, 'CivisScript', 5002],
    ];
    const nodes = await stack.gql(
      `query($ids: [ID!]!) { nodes(ids: $ids) { __typename id ... on Credential { platformId } ... on CivisUser { platformId }
      ... on CivisDatabase { platformId } ... on CivisTable { platformId } ... on CivisFile { platformId } ... on CivisImport { platformId }
      ... on CivisJob { platformId } ... on CivisJobRun { platformId jobPlatformId } ... on CivisModel { platformId } ... on CivisPrediction { platformId }
      ... on CivisProject { platformId } ... on CivisQuery { platformId } ... on CivisReport { platformId } ... on CivisScript { platformId } } }`,
      {
        ids: expected.map((e) => e[0]),
      },
    );
    expect(nodes.errors).toBeUndefined();
    nodes.data!.nodes.forEach((n: any, i: number) => {
      const [id, type, platformId] = expected[i]!;
      expect(n.__typename).toBe(type);
      expect(n.id).toBe(id);
      if (platformId) expect(n.platformId).toBe(String(platformId));
    });
    expect(nodes.data!.nodes[7].jobPlatformId).toBe('5001');
  });
});

describe('Civis mutations', () => {
  /** The global id of a Civis object, by type and Civis id (the codec Augur signs ids with). */
  const gid = (type: 'CivisJob' | 'CivisDatabase' | 'Credential' | 'CivisScript', id: number) =>
    stack.augur.services.codec.encode(type, String(id));
  const RUN = `mutation($i: RunCivisJobInput!) { runCivisJob(input: $i) {
    run { id platformId jobPlatformId state job { platformId } } userErrors { field code message } } }`;
  const CREATE_QUERY = `mutation($i: CreateCivisQueryInput!) { createCivisQuery(input: $i) {
    query { id platformId state database { name } credential { platformId } } userErrors { field code message } } }`;
  const CREATE_CREDENTIAL = `mutation($i: CreateCredentialInput!) { createCredential(input: $i) {
    credential { id platformId name type username description owner { username } default } userErrors { field code message } } }`;
  const UPDATE_CREDENTIAL = `mutation($i: UpdateCredentialInput!) { updateCredential(input: $i) {
    credential { platformId name description } userErrors { field code message } } }`;
  const DELETE_CREDENTIAL = `mutation($i: DeleteCredentialInput!) { deleteCredential(input: $i) { deletedId userErrors { field code message } } }`;

  it('runs a job once, and answers a CONFLICT user error for a job already running, without retrying', async () => {
    const job = await stack.gql(`{ civis { job(platformId: "${SEED_IDS.idleJob}") { id state } } }`);
    expect(job.data!.civis.job.state).toBe('IDLE');
    await stack.reset();
    const run = await stack.gql(RUN, { i: { jobId: job.data!.civis.job.id } });
    expect(run.errors).toBeUndefined();
    expect(run.data!.runCivisJob.userErrors).toEqual([]);
    expect(run.data!.runCivisJob.run).toMatchObject({
      jobPlatformId: String(SEED_IDS.idleJob),
      state: 'QUEUED',
      job: { platformId: String(SEED_IDS.idleJob) },
    });
    const runId = run.data!.runCivisJob.run.platformId;
    const read = await stack.gql(`{ civis { job(platformId: "${SEED_IDS.idleJob}") { lastRun { platformId } } } }`);
    expect(read.data!.civis.job.lastRun.platformId).toBe(runId);
    expect((await routes())['POST /jobs/{id}/runs']).toBe(1);

    await stack.reset();
    const conflict = await stack.gql(RUN, { i: { jobId: gid('CivisJob', SEED_IDS.runningJob) } });
    expect(conflict.errors).toBeUndefined();
    expect(conflict.data!.runCivisJob).toEqual({
      run: null,
      userErrors: [{ field: ['input', 'jobId'], code: 'CONFLICT', message: expect.stringMatching(/already has a queued or running run/) }],
    });
    expect(await routes()).toEqual({ 'POST /jobs/{id}/runs': 1 });
  });

  it('refuses a job id that is malformed, empty or of another type before any call, and points an unknown job at input.jobId', async () => {
    for (const [jobId, message] of [
      ['not-an-id!', /not a valid Augur id/],
      ['', /not a valid Augur id/],
      [gid('Credential', 1001), /is the id of a Credential/],
    ] as const) {
      const r = await stack.gql(RUN, { i: { jobId } });
      expect(r.errors).toBeUndefined();
      expect(r.data!.runCivisJob.run).toBeNull();
      expect(r.data!.runCivisJob.userErrors).toEqual([
        { field: ['input', 'jobId'], code: 'INVALID', message: expect.stringMatching(message) },
      ]);
    }
    expect((await stack.requests('civis')).total).toBe(0);

    // A script is a job too; an unknown one is refused by Civis (404).
    const unknown = await stack.gql(RUN, { i: { jobId: gid('CivisScript', 999999) } });
    expect(unknown.data!.runCivisJob.userErrors).toEqual([{ field: ['input', 'jobId'], code: 'NOT_FOUND', message: expect.any(String) }]);
    expect(await routes()).toEqual({ 'POST /jobs/{id}/runs': 1 });
  });

  it('creates a query and reads its state back until it has succeeded', async () => {
    const created = await stack.gql(CREATE_QUERY, {
      i: { databaseName: 'redshift-general', sql: 'SELECT customer_id, email FROM public.customers LIMIT 3' },
    });
    expect(created.errors).toBeUndefined();
    expect(created.data!.createCivisQuery.userErrors).toEqual([]);
    expect(created.data!.createCivisQuery.query).toMatchObject({
      state: 'QUEUED',
      database: { name: 'redshift-general' },
      credential: { platformId: '1001' },
    });
    const body = (await civisLog()).find((l) => l.route === 'POST /queries/');
    expect(body).toBeDefined();
    const id = created.data!.createCivisQuery.query.platformId;
    const states: string[] = [];
    let last: any;
    for (let i = 0; i < 5 && last?.state !== 'SUCCEEDED'; i++) {
      const r = await stack.gql(`{ civis { query(platformId: "${id}") { state result { columns rows } } } }`);
      expect(r.errors).toBeUndefined();
      last = r.data!.civis.query;
      states.push(last.state);
    }
    expect(states).toEqual(['RUNNING', 'SUCCEEDED']);
    expect(last.result).toEqual({
      columns: ['customer_id', 'email'],
      rows: [
        ['1', 'user1@example.com'],
        ['2', 'user2@example.com'],
        ['3', 'user3@example.com'],
      ],
    });
    expect((await routes())['POST /queries/']).toBe(1);
  });

  it('answers createCivisQuery user errors: its own checks before any call, and Civis refusals at the field they name', async () => {
    const cases: Array<[Record<string, unknown>, string[], string]> = [
      [{ databaseName: 'redshift-general', sql: '   ' }, ['input', 'sql'], 'REQUIRED'],
      [{ databaseName: 'redshift-general', sql: 'SELECT 1', previewRows: 5000 }, ['input', 'previewRows'], 'INVALID'],
      [{ sql: 'SELECT 1' }, ['input', 'databaseId'], 'REQUIRED'],
      [{ databaseId: gid('CivisDatabase', 32), databaseName: 'redshift-general', sql: 'SELECT 1' }, ['input', 'databaseName'], 'INVALID'],
      [{ databaseId: 'nope', sql: 'SELECT 1' }, ['input', 'databaseId'], 'INVALID'],
      [{ databaseName: 'redshift-general', sql: 'SELECT 1', credentialId: gid('CivisJob', 1) }, ['input', 'credentialId'], 'INVALID'],
    ];
    for (const [input, field, code] of cases) {
      const r = await stack.gql(CREATE_QUERY, { i: input });
      expect(r.errors, JSON.stringify(input)).toBeUndefined();
      expect(r.data!.createCivisQuery.query).toBeNull();
      expect(r.data!.createCivisQuery.userErrors, JSON.stringify(input)).toMatchObject([{ field, code }]);
    }
    expect((await stack.requests('civis')).total).toBe(0);

    // An unknown database name costs the database list, and no query is started.
    const unknown = await stack.gql(CREATE_QUERY, { i: { databaseName: 'no-such-db', sql: 'SELECT 1' } });
    expect(unknown.data!.createCivisQuery.userErrors).toMatchObject([{ field: ['input', 'databaseName'], code: 'NOT_FOUND' }]);
    expect(await routes()).toEqual({ 'GET /databases/': 1 });

    // Civis refuses an AWS credential for a query: a 400 naming the credential.
    await stack.reset();
    const refused = await stack.gql(CREATE_QUERY, {
      i: { databaseId: gid('CivisDatabase', 45), sql: 'SELECT 1', credentialId: gid('Credential', 1012) },
    });
    expect(refused.errors).toBeUndefined();
    expect(refused.data!.createCivisQuery).toEqual({
      query: null,
      userErrors: [{ field: ['input', 'credentialId'], code: 'INVALID', message: expect.stringContaining('queries need a Database one') }],
    });
    expect(await routes()).toEqual({ 'POST /queries/': 1 });
  });

  it('creates, updates and deletes a credential without ever returning or logging the password', async () => {
    const password = 'Pa55-create-7f3a9c';
    const newPassword = 'Pa55-update-b41e02';
    const responses: unknown[] = [];
    const gql = async (q: string, v?: Record<string, unknown>) => {
      const r = await stack.gql(q, v);
      responses.push(r);
      return r;
    };
    const created = await gql(CREATE_CREDENTIAL, {
      i: { type: 'CUSTOM', name: 'augur-test-cred', username: 'tester', password, description: 'made by a test' },
    });
    expect(created.errors).toBeUndefined();
    expect(created.data!.createCredential.userErrors).toEqual([]);
    const cred = created.data!.createCredential.credential;
    expect(cred).toMatchObject({
      name: 'augur-test-cred',
      type: 'CUSTOM',
      username: 'tester',
      description: 'made by a test',
      owner: { username: 'ada.demo' },
      default: false,
    });
    // Civis stored the password: it authenticates with it.
    const auth = async (pw: string) =>
      fetch(`${stack.embedded.emulators.civis!.url}/credentials/authenticate`, {
        method: 'POST',
        headers: { ...basic(CIVIS_DEMO_API_KEY), 'content-type': 'application/json' },
        body: JSON.stringify({ url: 'x', remoteHostType: 'x', username: 'tester', password: pw }),
      });
    expect((await auth(password)).status).toBe(200);

    const updated = await gql(UPDATE_CREDENTIAL, { i: { id: cred.id, password: newPassword, description: null } });
    expect(updated.errors).toBeUndefined();
    expect(updated.data!.updateCredential).toEqual({
      credential: { platformId: cred.platformId, name: 'augur-test-cred', description: null },
      userErrors: [],
    });
    expect((await auth(newPassword)).status).toBe(200);
    expect((await auth(password)).status).toBe(400);

    const read = await gql(`query($id: ID!) { node(id: $id) { ... on Credential { platformId name username } } }`, { id: cred.id });
    expect(read.data!.node).toEqual({ platformId: cred.platformId, name: 'augur-test-cred', username: 'tester' });

    const deleted = await gql(DELETE_CREDENTIAL, { i: { id: cred.id } });
    expect(deleted.data!.deleteCredential).toEqual({ deletedId: cred.id, userErrors: [] });
    const gone = await gql(`query($id: ID!) { node(id: $id) { id } }`, { id: cred.id });
    expect(gone.errors?.[0]?.extensions?.['code']).toBe('NOT_FOUND');

    const counts = await routes();
    expect(counts).toMatchObject({ 'POST /credentials/': 1, 'PATCH /credentials/{id}': 1, 'DELETE /credentials/{id}': 1 });
    const everything = JSON.stringify(responses) + JSON.stringify(stack.logs);
    expect(everything).not.toContain(password);
    expect(everything).not.toContain(newPassword);
    expect(everything).not.toContain(Buffer.from(password).toString('base64'));
  });

  it('answers credential user errors: bad values and an empty name before any call, Civis refusals at the field they name', async () => {
    const password = 'Pa55-refused-5c2e';
    const own: Array<[string, Record<string, unknown>, string[], string]> = [
      [CREATE_CREDENTIAL, { type: 'CUSTOM', name: '  ', password }, ['input', 'name'], 'REQUIRED'],
      [CREATE_CREDENTIAL, { type: 'CUSTOM', name: 'x', password: '' }, ['input', 'password'], 'REQUIRED'],
      [CREATE_CREDENTIAL, { type: 'OTHER', name: 'x', password }, ['input', 'type'], 'INVALID'],
      [CREATE_CREDENTIAL, { type: 'CUSTOM', password, remoteHostId: '61' }, ['input', 'remoteHostId'], 'INVALID'],
      [CREATE_CREDENTIAL, { type: 'DATABASE', username: 'nohost', password }, ['input', 'remoteHostId'], 'REQUIRED'],
      [CREATE_CREDENTIAL, { type: 'DATABASE', password, remoteHostId: gid('CivisDatabase', 61) }, ['input', 'username'], 'REQUIRED'],
      [UPDATE_CREDENTIAL, { id: gid('Credential', 1001) }, ['input'], 'INVALID'],
      [UPDATE_CREDENTIAL, { id: gid('Credential', 1001), name: '' }, ['input', 'name'], 'REQUIRED'],
      [UPDATE_CREDENTIAL, { id: '1001', name: 'x' }, ['input', 'id'], 'INVALID'],
      [DELETE_CREDENTIAL, { id: gid('CivisDatabase', 32) }, ['input', 'id'], 'INVALID'],
    ];
    for (const [mutation, input, field, code] of own) {
      const r = await stack.gql(mutation, { i: input });
      expect(r.errors, JSON.stringify(input)).toBeUndefined();
      const result = Object.values(r.data!)[0];
      expect(result.userErrors, JSON.stringify(input)).toMatchObject([{ field, code }]);
      expect('credential' in result ? result.credential : result.deletedId).toBeNull();
    }
    expect((await stack.requests('civis')).total).toBe(0);

    // Civis makes only Database credentials a default: its 400 names the field.
    const refused = await stack.gql(CREATE_CREDENTIAL, { i: { type: 'CUSTOM', name: 'not-a-default', password, default: true } });
    expect(refused.data!.createCredential).toEqual({
      credential: null,
      userErrors: [{ field: ['input', 'default'], code: 'INVALID', message: expect.stringContaining('only Database credentials') }],
    });
    // Bob's credential is as invisible to Ada's writes as an unknown one.
    const bobs = await stack.gql(UPDATE_CREDENTIAL, { i: { id: gid('Credential', 1005), name: 'mine-now' } });
    expect(bobs.data!.updateCredential.userErrors).toMatchObject([{ field: ['input', 'id'], code: 'NOT_FOUND' }]);
    const notMine = await stack.gql(DELETE_CREDENTIAL, { i: { id: gid('Credential', 1005) } });
    expect(notMine.data!.deleteCredential).toMatchObject({ deletedId: null, userErrors: [{ field: ['input', 'id'], code: 'NOT_FOUND' }] });
    expect(await routes()).toEqual({ 'POST /credentials/': 1, 'PATCH /credentials/{id}': 1, 'DELETE /credentials/{id}': 1 });
    expect(JSON.stringify(stack.logs)).not.toContain(password);
  });

  it('keeps each caller to their own credentials', async () => {
    const created = await stack.gql(CREATE_CREDENTIAL, { i: { type: 'CUSTOM', name: 'ada-private', password: 'Pa55-private-91d0' } });
    expect(created.errors).toBeUndefined();
    const privateId = created.data!.createCredential.credential.platformId;
    const q = `{ credentials(first: 100) { totalCount nodes { platformId ownerUsername } } }`;
    const asBob = await stack.gql(q, undefined, BOB);
    const asAda = await stack.gql(q);
    expect(asBob.errors).toBeUndefined();
    const bobIds = asBob.data!.credentials.nodes.map((n: any) => n.platformId);
    const adaIds = asAda.data!.credentials.nodes.map((n: any) => n.platformId);
    expect(bobIds).toContain('1035'); // salesforce-bob, private to bob
    expect(adaIds).not.toContain('1035');
    expect(adaIds).toContain(privateId);
    expect(bobIds).not.toContain(privateId);
    expect(bobIds).not.toContain('1029'); // carol's private one
    expect(asBob.data!.credentials.totalCount).toBe(35); // all but carol's private one
    expect(asAda.data!.credentials.totalCount).toBe(35);
    const peek = await stack.gql(`{ civis { credential(platformId: "${privateId}") { name } } }`, undefined, BOB);
    expect(peek.errors?.[0]?.extensions).toMatchObject({ code: 'NOT_FOUND', upstreamStatus: 404 });
    const calls = (await civisLog()).filter((l) => l.route === 'GET /credentials/');
    expect(calls).toHaveLength(2);
  });
});

describe('Civis errors', () => {
  it('maps a refused key to UNAUTHENTICATED and leaves other platforms data in place', async () => {
    const r = await stack.gql(`{ civis { me { username } } contacts(first: 1) { totalCount } }`, undefined, {
      'x-civis-api-key': 'wrong-key',
    });
    expect(r.data!.civis.me).toBeNull();
    expect(r.data!.contacts.totalCount).toBeGreaterThan(0);
    expect(r.errors).toHaveLength(1);
    expect(r.errors![0]!.extensions).toMatchObject({ code: 'UNAUTHENTICATED', platform: 'civis', upstreamStatus: 401 });
    expect(JSON.stringify(r)).not.toContain('wrong-key');
    expect(await routes()).toEqual({ 'GET /users/me': 1 });
  });

  it('maps 404 to NOT_FOUND', async () => {
    const r = await stack.gql(`{ civis { job(platformId: "999999") { name } model(platformId: "3001") { name } } }`);
    expect(r.data!.civis).toEqual({ job: null, model: { name: 'Churn propensity' } });
    expect(r.errors?.[0]).toMatchObject({
      path: ['civis', 'job'],
      extensions: expect.objectContaining({ code: 'NOT_FOUND', platform: 'civis', upstreamStatus: 404 }),
    });
  });

  it('answers RATE_LIMITED with retryAfter at once when Retry-After exceeds the request budget', async () => {
    await stack.faults('civis', { status: 429, retryAfter: 30 });
    const started = Date.now();
    const r = await stack.gql(`{ civis { jobs(first: 1) { totalCount } } }`);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(r.data!.civis.jobs).toBeNull();
    expect(r.errors?.[0]?.extensions).toMatchObject({ code: 'RATE_LIMITED', platform: 'civis', upstreamStatus: 429, retryAfter: 30 });
    expect(await routes()).toEqual({ 'GET /jobs/': 1 });
  });

  it('retries a GET on 503', async () => {
    await stack.faults('civis', { status: 503, count: 1 });
    const r = await stack.gql(`{ civis { jobs(first: 1) { totalCount } } }`);
    expect(r.errors).toBeUndefined();
    expect(r.data!.civis.jobs.totalCount).toBe(11);
    expect(await routes()).toEqual({ 'GET /jobs/': 2 });
  });

  it('repeats a job run only after 503 (refused before acting), never after 502', async () => {
    const finished = await stack.gql(`{ civis { job(platformId: "${SEED_IDS.finishedJob}") { id } } }`);
    const input = { jobId: finished.data!.civis.job.id };
    await stack.reset();
    await stack.faults('civis', { status: 502, count: 1, routes: ['POST /jobs/{id}/runs'] });
    const r = await stack.gql(`mutation($i: RunCivisJobInput!) { runCivisJob(input: $i) { run { platformId } userErrors { field } } }`, {
      i: input,
    });
    // An upstream failure is no user error: the whole field fails, in top-level errors.
    expect(r.data).toBeNull();
    expect(r.errors?.[0]?.extensions).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', platform: 'civis', upstreamStatus: 502 });
    expect(await routes()).toEqual({ 'POST /jobs/{id}/runs': 1 });

    await stack.reset();
    await stack.faults('civis', { status: 503, count: 1, routes: ['POST /jobs/{id}/runs'] });
    const again = await stack.gql(
      `mutation($i: RunCivisJobInput!) { runCivisJob(input: $i) { run { platformId state } userErrors { field } } }`,
      {
        i: input,
      },
    );
    expect(again.errors).toBeUndefined();
    expect(again.data!.runCivisJob.userErrors).toEqual([]);
    expect(await routes()).toEqual({ 'POST /jobs/{id}/runs': 2 });
  });
});
