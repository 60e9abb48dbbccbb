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

const PAGE = `edges { cursor node { civisId name } } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } totalCount`;
const ids = (conn: any): number[] => conn.edges.map((e: any) => e.node.civisId);

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
      `{ credentials(first: 50, type: [AMAZON_WEB_SERVICES_S3]) { totalCount nodes { civisId type typeName } } }`,
    );
    expect(aws.data!.credentials.totalCount).toBe(7);
    expect(aws.data!.credentials.nodes.map((n: any) => n.civisId).sort()).toEqual([1012, 1013, 1014, 1015, 1016, 1017, 1018]);
    expect(
      aws.data!.credentials.nodes.every((n: any) => n.type === 'AMAZON_WEB_SERVICES_S3' && n.typeName === 'Amazon Web Services S3'),
    ).toBe(true);

    const two = await stack.gql(`{ credentials(first: 50, type: [GITHUB, GOOGLE]) { totalCount } }`);
    expect(two.data!.credentials.totalCount).toBe(4 + 3); // github-carol is private to carol

    const named = await stack.gql(`{ credentials(first: 50, name: "ml-art") { nodes { civisId name } } }`);
    expect(named.data!.credentials.nodes.map((n: any) => n.civisId).sort()).toEqual([1015, 1016]);

    const bobId = await stack.gql(`{ civis { user(id: "${SEED_IDS.bob}") { id } } }`);
    const byOwner = await stack.gql(
      `query($o: [ID!]) { credentials(first: 50, owner: $o) { totalCount nodes { ownerUsername owner { civisId } } } }`,
      {
        o: [bobId.data!.civis.user.id],
      },
    );
    expect(byOwner.data!.credentials.totalCount).toBe(11); // bob owns 12; salesforce-bob is private to him
    expect(byOwner.data!.credentials.nodes.every((n: any) => n.ownerUsername === 'bob.analyst' && n.owner.civisId === SEED_IDS.bob)).toBe(
      true,
    );
    const byNumericOwners = await stack.gql(`{ credentials(first: 50, owner: ["4258", "4259"], type: DATABASE) { totalCount } }`);
    expect(byNumericOwners.data!.credentials.totalCount).toBe(4 + 4);

    const onHost = await stack.gql(`{ credentials(first: 50, remoteHostId: 61) { nodes { civisId remoteHostName } } }`);
    expect(onHost.data!.credentials.nodes.map((n: any) => n.civisId).sort()).toEqual([1003, 1006, 1009]);

    const def = await stack.gql(`{ credentials(default: true) { totalCount nodes { civisId default } } }`);
    expect(def.data!.credentials).toEqual({ totalCount: 1, nodes: [{ civisId: 1001, default: true }] });

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
    const r = await stack.gql(`{ credentials(first: 34) { nodes { owner { id civisId username name initials online } } } }`);
    expect(r.errors).toBeUndefined();
    const ada = r.data!.credentials.nodes.find((n: any) => n.owner.username === 'ada.demo').owner;
    expect(ada).toMatchObject({ civisId: 4257, name: 'Ada Demo', initials: 'AD', online: true });
    expect(await routes()).toEqual({ 'GET /credentials/': 1 });
    const node = await stack.gql(`query($id: ID!) { node(id: $id) { ... on CivisUser { username email title } } }`, { id: ada.id });
    expect(node.data!.node).toEqual({ username: 'ada.demo', email: 'ada.demo@example.com', title: 'Data Scientist' });
  });
});

describe('Civis helpers', () => {
  it('me and defaultCredential', async () => {
    const r = await stack.gql(
      `{ civis { me { civisId username email groups { name } } defaultCredential { civisId name default remoteHostName } } }`,
    );
    expect(r.errors).toBeUndefined();
    expect(r.data!.civis.me).toEqual({
      civisId: SEED_IDS.me,
      username: 'ada.demo',
      email: 'ada.demo@example.com',
      groups: [{ name: 'Data Science' }],
    });
    expect(r.data!.civis.defaultCredential).toEqual({ civisId: 1001, name: 'ada_demo', default: true, remoteHostName: 'redshift-general' });
    const bob = await stack.gql(`{ civis { me { username } defaultCredential { civisId } } }`, undefined, BOB);
    expect(bob.data!.civis).toEqual({ me: { username: 'bob.analyst' }, defaultCredential: { civisId: 1005 } });
    expect(await routes()).toEqual({ 'GET /users/me': 2, 'GET /credentials/': 2 });
  });

  it('awsCredential filters by name, then owner, then falls back to the caller', async () => {
    const r = await stack.gql(`{ civis {
      mine: awsCredential(name: "aws-analytics") { civisId ownerUsername }
      bobs: awsCredential(name: "aws-analytics", owner: "bob.analyst") { civisId }
      only: awsCredential(name: "aws-archive") { civisId }
    } }`);
    expect(r.errors).toBeUndefined();
    expect(r.data!.civis).toEqual({ mine: { civisId: 1012, ownerUsername: 'ada.demo' }, bobs: { civisId: 1013 }, only: { civisId: 1014 } });
    // One AWS list shared by the three fields; /users/me only for the ambiguous name.
    expect(await routes()).toEqual({ 'GET /credentials/': 1, 'GET /users/me': 1 });
    expect(Object.fromEntries(new URLSearchParams((await civisLog())[0]!.query))).toMatchObject({ type: 'Amazon Web Services S3' });

    const asBob = await stack.gql(`{ civis { awsCredential(name: "aws-analytics") { civisId } } }`, undefined, BOB);
    expect(asBob.data!.civis.awsCredential.civisId).toBe(1013);
    const ambiguous = await stack.gql(`{ civis { awsCredential(name: "aws-ml-artifacts") { civisId } } }`, undefined, BOB);
    expect(ambiguous.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', param: 'owner' });
    expect(ambiguous.errors?.[0]?.message).toMatch(/ambiguous/);
    expect(ambiguous.errors?.[0]?.message).toContain('"ada.demo"');
    expect(ambiguous.errors?.[0]?.message).toContain('"carol.eng"');
    const missing = await stack.gql(`{ civis { awsCredential(name: "aws-analytics", owner: "carol.eng") { civisId } } }`);
    expect(missing.errors?.[0]?.extensions?.['code']).toBe('NOT_FOUND');
    expect(missing.data!.civis.awsCredential).toBeNull();
  });

  it('databaseCredential matches the username on a host id or host name', async () => {
    const db61 = await stack.gql(`{ civis { database(id: "61") { id } } }`);
    const r = await stack.gql(
      `query($g: ID!) { civis {
        byName: databaseCredential(username: "ada_demo", database: "postgres-analytics") { civisId }
        byId: databaseCredential(username: "ada_demo", database: "32") { civisId }
        byGlobal: databaseCredential(username: "ada_demo", database: $g) { civisId }
        etl: databaseCredential(username: "etl_service", database: "redshift-general") { civisId }
      } }`,
      { g: db61.data!.civis.database.id },
    );
    expect(r.errors).toBeUndefined();
    expect(r.data!.civis).toEqual({
      byName: { civisId: 1002 },
      byId: { civisId: 1001 },
      byGlobal: { civisId: 1003 },
      etl: { civisId: 1010 },
    });
    const none = await stack.gql(`{ civis { databaseCredential(username: "ada_demo", database: "no-such-db") { civisId } } }`);
    expect(none.errors?.[0]?.extensions?.['code']).toBe('NOT_FOUND');
  });

  it('database(name) and table("schema.table", database) resolve as civis-python does', async () => {
    const r = await stack.gql(`{ civis {
      database(name: "postgres-analytics") { civisId adapter port }
      table(name: "public.customers", database: "redshift-general") { civisId fullName rowCount database { name } }
    } }`);
    expect(r.errors).toBeUndefined();
    expect(r.data!.civis.database).toEqual({ civisId: SEED_IDS.databases.postgresAnalytics, adapter: 'postgresql', port: 5432 });
    expect(r.data!.civis.table).toEqual({
      civisId: SEED_IDS.customersTable,
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

    const more = await stack.gql(`{ civis {
      sandbox: table(name: "public.customers", database: "61") { civisId }
      quoted: table(name: "\\"public\\".\\"orders\\"", database: "redshift-general") { civisId }
    } }`);
    expect(more.errors).toBeUndefined();
    expect(more.data!.civis).toEqual({ sandbox: { civisId: 2012 }, quoted: { civisId: 2002 } });

    const errors = await stack.gql(`{ civis {
      a: database(name: "nope") { civisId }
      b: table(name: "public.nope", database: "redshift-general") { civisId }
      c: table(name: "a.b.c", database: "redshift-general") { civisId }
      d: database { civisId }
      e: table(name: "public.customers") { civisId }
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
      databases(first: 2) { totalCount pageInfo { hasNextPage } nodes { civisId name } }
      tables(database: "redshift-general", schema: "analytics", first: 10) { totalCount nodes { civisId fullName isView } }
      table(id: "${SEED_IDS.customersTable}") { primaryKeys tags { name } columns(first: 3) { totalCount nodes { name order sqlType } } }
      db: database(id: "61") { name schemas tables(first: 5) { totalCount nodes { fullName } } }
    } }`);
    expect(r.errors).toBeUndefined();
    const c = r.data!.civis;
    expect(c.databases).toEqual({
      totalCount: 3,
      pageInfo: { hasNextPage: true },
      nodes: [
        { civisId: 32, name: 'redshift-general' },
        { civisId: 45, name: 'postgres-analytics' },
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
      running: jobs(first: 50, state: [RUNNING]) { nodes { civisId } }
      job(id: "${SEED_IDS.runningJob}") { name type state author { username } lastRun { civisId state jobId } runs(first: 5) { totalCount nodes { civisId state } } run(id: "90003") { state finishedAt } }
    } }`);
    expect(r.errors).toBeUndefined();
    const c = r.data!.civis;
    expect(c.jobs.totalCount).toBe(11); // 12 seeded, one archived
    expect(c.running.nodes.map((n: any) => n.civisId).sort()).toEqual([5002, 5103]);
    expect(c.job).toMatchObject({
      name: 'Churn feature build',
      type: 'JobTypes::PythonDocker',
      state: 'RUNNING',
      author: { username: 'ada.demo' },
      lastRun: { civisId: 90004, state: 'RUNNING', jobId: 5002 },
      runs: {
        totalCount: 2,
        nodes: [
          { civisId: 90004, state: 'RUNNING' },
          { civisId: 90003, state: 'SUCCEEDED' },
        ],
      },
      run: { state: 'SUCCEEDED' },
    });
  });

  it('lists and reads scripts, imports, models, predictions, projects, queries, reports, files and users', async () => {
    const r = await stack.gql(`{ civis {
      scripts(first: 50, orderBy: {field: NAME}) { totalCount nodes { name } }
      script(id: "5001") { name category sql state lastRun { civisId } runs { totalCount } }
      imports(first: 10, status: [FAILED]) { nodes { civisId name syncType source { credentialId } destination { remoteHostId } } }
      import(id: "5101") { name isOutbound scheduled author { username } }
      models(first: 10) { totalCount nodes { civisId } }
      model(id: "3001") { name dependentVariable currentBuildState activeBuildId database { name } predictions { totalCount nodes { civisId } } }
      predictions(first: 10) { totalCount }
      prediction(id: "3502") { state error scoredTableName primaryKey model { name } scoredTable { civisId } }
      projects(first: 10, orderBy: {field: CREATED_AT}) { nodes { civisId name } }
      project(id: "7001") { name note author { username } members { username } myPermissionLevel objects { civisId objectType } }
      queries(first: 10) { totalCount nodes { civisId } }
      query(id: "6001") { sql state resultColumns resultRows database { civisId } credential { civisId } author { username } }
      reports(first: 10) { nodes { civisId } }
      report(id: "9001") { name type state script { civisId } author { username } lastRun { state } }
      files(first: 10) { totalCount nodes { civisId } }
      file(id: "8001") { name fileSize author { username } downloadUrl }
      users(first: 3) { totalCount nodes { username } }
      bobs: users(search: "bob") { nodes { civisId email } }
      user(id: "4261") { username name title department timeZone accountStatus }
      credential(id: "1012") { name username type owner { username } }
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
      lastRun: { civisId: 90002 },
      runs: { totalCount: 2 },
    });
    expect(c.imports.nodes).toEqual([
      {
        civisId: 5102,
        name: 'Salesforce opportunities',
        syncType: 'Salesforce',
        source: { credentialId: 1036 },
        destination: { remoteHostId: 32 },
      },
    ]);
    expect(c.import).toEqual({ name: 'Sync accounts from postgres', isOutbound: false, scheduled: true, author: { username: 'ada.demo' } });
    expect(c.models.totalCount).toBe(3);
    expect(c.model).toEqual({
      name: 'Churn propensity',
      dependentVariable: 'churned',
      currentBuildState: 'succeeded',
      activeBuildId: 3102,
      database: { name: 'redshift-general' },
      predictions: { totalCount: 2, nodes: [{ civisId: 3501 }, { civisId: 3502 }] },
    });
    expect(c.predictions.totalCount).toBe(4);
    expect(c.prediction).toEqual({
      state: 'FAILED',
      error: 'Column churned is missing from public.customers',
      scoredTableName: 'public.customers',
      primaryKey: ['customer_id'],
      model: { name: 'Churn propensity' },
      scoredTable: { civisId: 2012 },
    });
    expect(c.projects.nodes).toEqual([
      { civisId: 7001, name: 'Churn reduction' },
      { civisId: 7002, name: 'Revenue reporting' },
    ]);
    expect(c.project).toMatchObject({
      name: 'Churn reduction',
      note: 'Weekly sync on Mondays.',
      author: { username: 'ada.demo' },
      myPermissionLevel: 'manage',
    });
    expect(c.project.members.map((m: any) => m.username)).toEqual(['ada.demo', 'bob.analyst']);
    expect(c.project.objects.map((o: any) => o.civisId)).toEqual([5002, 3001, 8001, 8002]);
    expect(c.queries.totalCount).toBe(3); // ada's own
    expect(c.query).toEqual({
      sql: 'SELECT customer_id, email FROM public.customers LIMIT 5',
      state: 'SUCCEEDED',
      resultColumns: ['customer_id', 'email'],
      resultRows: expect.arrayContaining([['1', 'user1@example.com']]),
      database: { civisId: 32 },
      credential: { civisId: 1001 },
      author: { username: 'ada.demo' },
    });
    expect(c.reports.nodes.map((n: any) => n.civisId).sort()).toEqual([9001, 9002]);
    expect(c.report).toEqual({
      name: 'Revenue dashboard',
      type: 'ReportTypes::HTML',
      state: 'SUCCEEDED',
      script: { civisId: 5001 },
      author: { username: 'bob.analyst' },
      lastRun: { state: 'SUCCEEDED' },
    });
    expect(c.files.totalCount).toBe(4);
    expect(c.file).toMatchObject({ name: 'customers_2025.csv', author: { username: 'ada.demo' } });
    expect(c.file.fileSize).toBeGreaterThan(0);
    expect(c.file.downloadUrl).toMatch(/\/files\/8001\/download$/);
    expect(c.users).toEqual({ totalCount: 5, nodes: [{ username: 'ada.demo' }, { username: 'bob.analyst' }, { username: 'carol.eng' }] });
    expect(c.bobs.nodes).toEqual([{ civisId: 4258, email: 'bob.analyst@example.com' }]);
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
    const r = await stack.gql(`{ civis { files(first: 2) { totalCount } file(id: "8001") { name } } }`);
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
      me { id } database(id: "32") { id } table(id: "2001") { id } file(id: "8001") { id } import(id: "5101") { id }
      job(id: "5001") { id lastRun { id } } model(id: "3001") { id } prediction(id: "3501") { id } project(id: "7001") { id }
      query(id: "6001") { id } report(id: "9001") { id } script(id: "5002") { id }
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
      `query($ids: [ID!]!) { nodes(ids: $ids) { __typename id ... on Credential { civisId } ... on CivisUser { civisId }
      ... on CivisDatabase { civisId } ... on CivisTable { civisId } ... on CivisFile { civisId } ... on CivisImport { civisId }
      ... on CivisJob { civisId } ... on CivisJobRun { civisId jobId } ... on CivisModel { civisId } ... on CivisPrediction { civisId }
      ... on CivisProject { civisId } ... on CivisQuery { civisId } ... on CivisReport { civisId } ... on CivisScript { civisId } } }`,
      {
        ids: expected.map((e) => e[0]),
      },
    );
    expect(nodes.errors).toBeUndefined();
    nodes.data!.nodes.forEach((n: any, i: number) => {
      const [id, type, civisId] = expected[i]!;
      expect(n.__typename).toBe(type);
      expect(n.id).toBe(id);
      if (civisId) expect(n.civisId).toBe(civisId);
    });
    expect(nodes.data!.nodes[7].jobId).toBe(5001);
  });
});

describe('Civis mutations', () => {
  it('runs a job once, and maps the 409 of a running job to already_running without retrying', async () => {
    const job = await stack.gql(`{ civis { job(id: "${SEED_IDS.idleJob}") { id state } } }`);
    expect(job.data!.civis.job.state).toBe('IDLE');
    await stack.reset();
    const run = await stack.gql(`mutation($j: ID!) { runCivisJob(job: $j) { id civisId jobId state job { civisId } } }`, {
      j: job.data!.civis.job.id,
    });
    expect(run.errors).toBeUndefined();
    expect(run.data!.runCivisJob).toMatchObject({ jobId: SEED_IDS.idleJob, state: 'QUEUED', job: { civisId: SEED_IDS.idleJob } });
    const runId = run.data!.runCivisJob.civisId;
    const read = await stack.gql(`{ civis { job(id: "${SEED_IDS.idleJob}") { lastRun { civisId } } } }`);
    expect(read.data!.civis.job.lastRun.civisId).toBe(runId);
    expect((await routes())['POST /jobs/{id}/runs']).toBe(1);

    await stack.reset();
    const conflict = await stack.gql(`mutation { runCivisJob(job: "${SEED_IDS.runningJob}") { civisId } }`);
    expect(conflict.data!.runCivisJob).toBeNull();
    expect(conflict.errors?.[0]?.extensions).toMatchObject({
      code: 'UPSTREAM_ERROR',
      platform: 'civis',
      upstreamStatus: 409,
      upstreamCode: 'already_running',
    });
    expect(conflict.errors?.[0]?.message).toMatch(/already has a queued or running run/);
    expect(await routes()).toEqual({ 'POST /jobs/{id}/runs': 1 });
  });

  it('creates a query and reads its state back until it has succeeded', async () => {
    const created = await stack.gql(
      `mutation($i: CreateCivisQueryInput!) { createCivisQuery(input: $i) { id civisId state database { name } credential { civisId } } }`,
      { i: { database: 'redshift-general', sql: 'SELECT customer_id, email FROM public.customers LIMIT 3' } },
    );
    expect(created.errors).toBeUndefined();
    expect(created.data!.createCivisQuery).toMatchObject({
      state: 'QUEUED',
      database: { name: 'redshift-general' },
      credential: { civisId: 1001 },
    });
    const body = (await civisLog()).find((l) => l.route === 'POST /queries/');
    expect(body).toBeDefined();
    const id = created.data!.createCivisQuery.civisId;
    const states: string[] = [];
    let last: any;
    for (let i = 0; i < 5 && last?.state !== 'SUCCEEDED'; i++) {
      const r = await stack.gql(`{ civis { query(id: "${id}") { state resultRows resultColumns } } }`);
      expect(r.errors).toBeUndefined();
      last = r.data!.civis.query;
      states.push(last.state);
    }
    expect(states).toEqual(['RUNNING', 'SUCCEEDED']);
    expect(last.resultColumns).toEqual(['customer_id', 'email']);
    expect(last.resultRows).toEqual([
      ['1', 'user1@example.com'],
      ['2', 'user2@example.com'],
      ['3', 'user3@example.com'],
    ]);
    expect((await routes())['POST /queries/']).toBe(1);

    const bad = await stack.gql(
      `mutation { createCivisQuery(input: { database: "45", sql: "SELECT 1", credential: "1012" }) { civisId } }`,
    );
    expect(bad.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', platform: 'civis', upstreamStatus: 400 });
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
    const created = await gql(
      `mutation($i: CreateCredentialInput!) { createCredential(input: $i) { id civisId name type username description owner { username } default } }`,
      { i: { type: 'CUSTOM', name: 'augur-test-cred', username: 'tester', password, description: 'made by a test' } },
    );
    expect(created.errors).toBeUndefined();
    const cred = created.data!.createCredential;
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

    const updated = await gql(
      `mutation($id: ID!, $i: UpdateCredentialInput!) { updateCredential(id: $id, input: $i) { civisId name description } }`,
      {
        id: cred.id,
        i: { password: newPassword, description: null },
      },
    );
    expect(updated.errors).toBeUndefined();
    expect(updated.data!.updateCredential).toEqual({ civisId: cred.civisId, name: 'augur-test-cred', description: null });
    expect((await auth(newPassword)).status).toBe(200);
    expect((await auth(password)).status).toBe(400);

    const read = await gql(`query($id: ID!) { node(id: $id) { ... on Credential { civisId name username } } }`, { id: cred.id });
    expect(read.data!.node).toEqual({ civisId: cred.civisId, name: 'augur-test-cred', username: 'tester' });

    const failed = await gql(`mutation($i: CreateCredentialInput!) { createCredential(input: $i) { civisId } }`, {
      i: { type: 'DATABASE', username: 'nohost', password },
    });
    expect(failed.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', upstreamStatus: 400 });

    const deleted = await gql(`mutation($id: ID!) { deleteCredential(id: $id) { deletedId } }`, { id: cred.id });
    expect(deleted.data!.deleteCredential.deletedId).toBe(cred.id);
    const gone = await gql(`query($id: ID!) { node(id: $id) { id } }`, { id: cred.id });
    expect(gone.errors?.[0]?.extensions?.['code']).toBe('NOT_FOUND');

    const counts = await routes();
    expect(counts).toMatchObject({ 'POST /credentials/': 2, 'PATCH /credentials/{id}': 1, 'DELETE /credentials/{id}': 1 });
    const everything = JSON.stringify(responses) + JSON.stringify(stack.logs);
    expect(everything).not.toContain(password);
    expect(everything).not.toContain(newPassword);
    expect(everything).not.toContain(Buffer.from(password).toString('base64'));
  });

  it('keeps each caller to their own credentials', async () => {
    const created = await stack.gql(
      `mutation { createCredential(input: { type: CUSTOM, name: "ada-private", password: "Pa55-private-91d0" }) { civisId } }`,
    );
    expect(created.errors).toBeUndefined();
    const privateId = created.data!.createCredential.civisId;
    const q = `{ credentials(first: 100) { totalCount nodes { civisId ownerUsername } } }`;
    const asBob = await stack.gql(q, undefined, BOB);
    const asAda = await stack.gql(q);
    expect(asBob.errors).toBeUndefined();
    const bobIds = asBob.data!.credentials.nodes.map((n: any) => n.civisId);
    const adaIds = asAda.data!.credentials.nodes.map((n: any) => n.civisId);
    expect(bobIds).toContain(1035); // salesforce-bob, private to bob
    expect(adaIds).not.toContain(1035);
    expect(adaIds).toContain(privateId);
    expect(bobIds).not.toContain(privateId);
    expect(bobIds).not.toContain(1029); // carol's private one
    expect(asBob.data!.credentials.totalCount).toBe(35); // all but carol's private one
    expect(asAda.data!.credentials.totalCount).toBe(35);
    const peek = await stack.gql(`{ civis { credential(id: "${privateId}") { name } } }`, undefined, BOB);
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
    const r = await stack.gql(`{ civis { job(id: "999999") { name } model(id: "3001") { name } } }`);
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
    await stack.reset();
    await stack.faults('civis', { status: 502, count: 1, routes: ['POST /jobs/{id}/runs'] });
    const r = await stack.gql(`mutation { runCivisJob(job: "${SEED_IDS.finishedJob}") { civisId } }`);
    expect(r.data!.runCivisJob).toBeNull();
    expect(r.errors?.[0]?.extensions).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', platform: 'civis', upstreamStatus: 502 });
    expect(await routes()).toEqual({ 'POST /jobs/{id}/runs': 1 });

    await stack.reset();
    await stack.faults('civis', { status: 503, count: 1, routes: ['POST /jobs/{id}/runs'] });
    const again = await stack.gql(`mutation { runCivisJob(job: "${SEED_IDS.finishedJob}") { civisId state } }`);
    expect(again.errors).toBeUndefined();
    expect(await routes()).toEqual({ 'POST /jobs/{id}/runs': 2 });
  });
});
