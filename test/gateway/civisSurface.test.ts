import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CIVIS_DEMO_API_KEY } from '@augur/emulators/civis';
import { startStack, type TestStack } from '../helpers/stack.js';
import type { NodeTypeName } from '../../src/relay/ids.js';

let stack: TestStack;

interface LoggedRequest {
  method: string;
  route: string;
  path: string;
  query: string;
  status: number;
}

async function civisLog(): Promise<LoggedRequest[]> {
  const res = await fetch(`${stack.embedded.emulators.civis!.url}/_emulator/requests?log=1`);
  return ((await res.json()) as { log: LoggedRequest[] }).log;
}
/** Each call as `METHOD /path?query`, with the query's parameters decoded and in the order sent. */
const calls = async () => (await civisLog()).map((l) => `${l.method} ${l.path}${l.query ? `?${decodeURIComponent(l.query)}` : ''}`);
const gid = (type: NodeTypeName, id: number | string) => stack.augur.services.codec.encode(type, String(id));

/** Reads the emulator directly (not through Augur), to see what a write left there. */
async function upstream<T = any>(path: string): Promise<T> {
  const res = await fetch(`${stack.embedded.emulators.civis!.url}${path}`, {
    headers: { authorization: `Basic ${Buffer.from(`${CIVIS_DEMO_API_KEY}:`).toString('base64')}` },
  });
  return (await res.json()) as T;
}

beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack.close());
beforeEach(() => stack.reset());

const ERRORS = 'userErrors { field code message }';
const SETTINGS = `params { name label type typeName required value default allowedValues { label value } }
  arguments { name value }
  schedule { scheduled daysOfWeek daysOfMonth hours minutes }
  notifications { urls successEmailAddresses failureEmailAddresses stallWarningMinutes successOn failureOn successEmailSubject }`;
const CREATE = `mutation($i: CreateCivisScriptInput!) { createCivisScript(input: $i) { script { id platformId ${SETTINGS} } ${ERRORS} } }`;
const UPDATE = `mutation($i: UpdateCivisScriptInput!) { updateCivisScript(input: $i) { script { platformId ${SETTINGS} } ${ERRORS} } }`;

const settings = {
  params: [
    { name: 'days', label: 'Days back', type: 'INTEGER', required: true },
    { name: 'region', type: 'STRING', default: 'eu', allowedValues: [{ label: 'Europe', value: 'eu' }, { value: 'us' }] },
  ],
  arguments: [{ name: 'days', value: 7 }],
  schedule: { scheduled: true, daysOfWeek: [5, 1], hours: [6], minutes: [30] },
  notifications: {
    successEmailAddresses: ['ops@example.com'],
    urls: ['https://hooks.example.com/civis'],
    failureOn: false,
    stallWarningMinutes: 45,
  },
};

describe('createCivisScript and updateCivisScript: params, arguments, schedule, notifications', () => {
  it('sends them in the one POST, and reads them back typed, on the new script and from a list (one read of it)', async () => {
    const r = await stack.gql(CREATE, { i: { language: 'PYTHON3', name: 'Nightly', source: 'print(1)', ...settings } });
    expect(r.errors).toBeUndefined();
    const script = r.data!.createCivisScript.script;
    expect(r.data!.createCivisScript.userErrors).toEqual([]);
    expect(script.params).toEqual([
      {
        name: 'days',
        label: 'Days back',
        type: 'INTEGER',
        typeName: 'integer',
        required: true,
        value: null,
        default: null,
        allowedValues: [],
      },
      {
        name: 'region',
        label: null,
        type: 'STRING',
        typeName: 'string',
        required: false,
        value: null,
        default: 'eu',
        allowedValues: [
          { label: 'Europe', value: 'eu' },
          { label: 'us', value: 'us' },
        ],
      },
    ]);
    expect(script.arguments).toEqual([{ name: 'days', value: 7 }]);
    expect(script.schedule).toEqual({ scheduled: true, daysOfWeek: [1, 5], daysOfMonth: [], hours: [6], minutes: [30] });
    expect(script.notifications).toEqual({
      urls: ['https://hooks.example.com/civis'],
      successEmailAddresses: ['ops@example.com'],
      failureEmailAddresses: [],
      stallWarningMinutes: 45,
      successOn: true,
      failureOn: false,
      successEmailSubject: null,
    });
    const log = await civisLog();
    expect(log.map((l) => `${l.method} ${l.path}`)).toEqual(['POST /scripts/python3']);

    const listed = await stack.gql(
      `{ civis { scripts(orderBy: { field: CREATED_AT, direction: DESC }, first: 1) { nodes { platformId schedule { daysOfWeek } arguments { name value } } } } }`,
    );
    expect(listed.data!.civis.scripts.nodes).toEqual([
      { platformId: script.platformId, schedule: { daysOfWeek: [1, 5] }, arguments: [{ name: 'days', value: 7 }] },
    ]);
    // The list, then one read of the script for every detail field.
    expect((await calls()).slice(1).map((c) => c.split('?')[0])).toEqual(['GET /scripts/', `GET /scripts/${script.platformId}`]);
    // A job's schedule comes with the job list.
    const job = await stack.gql(`{ civis { job(platformId: "${script.platformId}") { scheduled schedule { hours } } } }`);
    expect(job.data!.civis.job).toEqual({ scheduled: true, schedule: { hours: [6] } });
  });

  it('replaces what an update gives in one PATCH, checking arguments against the params the script already has', async () => {
    const created = await stack.gql(CREATE, { i: { language: 'R', name: 'M', source: 'x <- 1', ...settings } });
    const { id, platformId } = created.data!.createCivisScript.script;
    const u = await stack.gql(UPDATE, {
      i: { id, arguments: [{ name: 'region', value: 'us' }], schedule: { scheduled: false }, notifications: { successOn: false } },
    });
    expect(u.errors).toBeUndefined();
    expect(u.data!.updateCivisScript.userErrors).toEqual([]);
    expect(u.data!.updateCivisScript.script).toMatchObject({
      arguments: [{ name: 'region', value: 'us' }],
      schedule: { scheduled: false, daysOfWeek: [] },
      notifications: { successOn: false, failureOn: true, successEmailAddresses: [] },
    });
    expect(u.data!.updateCivisScript.script.params.map((p: any) => p.name)).toEqual(['days', 'region']);
    const writes = (await calls()).filter((c) => !c.startsWith('GET'));
    expect(writes).toEqual(['POST /scripts/r', `PATCH /scripts/r/${platformId}`]);
    const body = await upstream(`/scripts/${platformId}`);
    expect(body.arguments).toEqual({ region: 'us' });
  });

  it('takes the same settings on SQL and container scripts', async () => {
    const cred = (await stack.gql(`{ civis { defaultCredential { id } } }`)).data!.civis.defaultCredential.id;
    const sql = await stack.gql(CREATE, {
      i: {
        language: 'SQL',
        name: 'Counts',
        sql: 'SELECT count(*) FROM public.orders',
        databaseId: gid('CivisDatabase', 32),
        credentialId: cred,
        params: [{ name: 'since', type: 'STRING' }],
        arguments: [{ name: 'since', value: '2026-01-01' }],
        schedule: { scheduled: true, daysOfMonth: [1, 15], hours: [2], minutes: [0] },
      },
    });
    expect(sql.errors).toBeUndefined();
    expect(sql.data!.createCivisScript.script).toMatchObject({
      arguments: [{ name: 'since', value: '2026-01-01' }],
      schedule: { scheduled: true, daysOfWeek: [], daysOfMonth: [1, 15], hours: [2], minutes: [0] },
    });
    const box = await stack.gql(CREATE, {
      i: {
        language: 'CONTAINER',
        name: 'Box',
        dockerImageName: 'civisanalytics/datascience-python',
        dockerCommand: 'python run.py',
        notifications: { failureEmailAddresses: ['oncall@example.com'], successOn: false },
      },
    });
    expect(box.errors).toBeUndefined();
    expect(box.data!.createCivisScript.script.notifications).toMatchObject({
      failureEmailAddresses: ['oncall@example.com'],
      successOn: false,
    });
    expect((await calls()).filter((c) => c.startsWith('POST'))).toEqual(['POST /scripts/sql', 'POST /scripts/containers']);
  });

  it('reports every problem of the settings at once, before any call', async () => {
    const r = await stack.gql(CREATE, {
      i: {
        language: 'PYTHON3',
        name: 'x',
        source: 'print(1)',
        params: [
          { name: '1bad', type: 'STRING' },
          { name: 'ok', type: 'OTHER' },
          { name: 'ok', type: 'CREDENTIAL_AWS', default: 'x' },
        ],
        arguments: [{ name: 'nope', value: { a: 1 } }],
        schedule: { scheduled: true, daysOfWeek: [7], daysOfMonth: [1], hours: [24] },
        notifications: { urls: ['ftp://x.example.com/'], stallWarningMinutes: 0 },
      },
    });
    expect(r.errors).toBeUndefined();
    expect(r.data!.createCivisScript.script).toBeNull();
    expect(r.data!.createCivisScript.userErrors.map((e: any) => e.field.join('.'))).toEqual([
      'input.params.0.name',
      'input.params.1.type',
      'input.params.2.name',
      'input.params.2.default',
      'input.arguments.0.name',
      'input.arguments.0.value',
      'input.schedule.daysOfWeek',
      'input.schedule.daysOfMonth',
      'input.schedule.hours',
      'input.notifications.urls.0',
      'input.notifications.stallWarningMinutes',
    ]);
    expect(new Set(r.data!.createCivisScript.userErrors.map((e: any) => e.code))).toEqual(new Set(['INVALID']));
    expect(await calls()).toEqual([]);
    const upd = await stack.gql(UPDATE, { i: { id: gid('CivisScript', 5001), arguments: [{ name: 'x', value: 1 }] } });
    expect(upd.data!.updateCivisScript.userErrors).toEqual([
      {
        field: ['input', 'arguments', '0', 'name'],
        code: 'INVALID',
        message: expect.stringMatching(/not a parameter of the script \(it declares none\)/),
      },
    ]);
    expect(await calls()).toEqual(['GET /scripts/5001']);
  });

  it("maps Civis's refusal to a user error of the input, and never repeats the PATCH after a 502", async () => {
    const created = await stack.gql(CREATE, { i: { language: 'R', name: 'M', source: 'x <- 1' } });
    const id = created.data!.createCivisScript.script.id;
    await stack.faults('civis', { routes: ['PATCH /scripts/r/{id}'], status: 400, count: 1 });
    const refused = await stack.gql(UPDATE, { i: { id, schedule: { scheduled: true, hours: [1] } } });
    expect(refused.errors).toBeUndefined();
    expect(refused.data!.updateCivisScript).toMatchObject({ script: null, userErrors: [{ field: ['input'] }] });
    await stack.faults('civis', { routes: ['PATCH /scripts/r/{id}'], status: 502 });
    const r = await stack.gql(UPDATE, { i: { id, schedule: { scheduled: true, hours: [1] } } });
    expect(r.errors![0]!.extensions).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', upstreamStatus: 502 });
    expect((await calls()).filter((c) => c.startsWith('PATCH'))).toHaveLength(2);
  });
});

describe('Civis list filters', () => {
  /** Runs one list query and answers its nodes and the query strings of the Civis calls it made. */
  async function list(query: string): Promise<{ nodes: any[]; sent: string[]; errors: any }> {
    const before = (await civisLog()).length;
    const r = await stack.gql(`{ civis { ${query} } }`);
    const field = query.slice(0, query.search(/[( ]/));
    const sent = (await civisLog()).slice(before).map((l) => `${l.method} ${l.path}?${decodeURIComponent(l.query)}`);
    return { nodes: r.data?.civis?.[field]?.nodes ?? [], sent, errors: r.errors };
  }

  it('queries: state, SQL search, credential, time bounds, hidden and order, in one call each', async () => {
    const failed = await list(`queries(state: [FAILED]) { nodes { platformId state } }`);
    expect(failed.nodes).toEqual([{ platformId: '6003', state: 'FAILED' }]);
    expect(failed.sent).toEqual(['GET /queries/?limit=20&page_num=1&state=failed']);
    const search = await list(`queries(search: "campaign*", credential: "${gid('Credential', 1002)}") { nodes { platformId } }`);
    expect(search.nodes).toEqual([{ platformId: '6005' }]);
    expect(search.sent).toEqual(['GET /queries/?credential_id=1002&limit=20&page_num=1&query=campaign*']);
    const all = await stack.gql(`{ civis { query(platformId: "6003") { createdAt startedAt } } }`);
    const { createdAt } = all.data!.civis.query;
    const after = await list(
      `queries(createdAfter: "${createdAt}", orderBy: { field: STARTED_AT, direction: ASC }) { nodes { platformId } }`,
    );
    expect(after.nodes).toEqual([{ platformId: '6005' }]);
    expect(after.sent[0]).toBe(`GET /queries/?created_after=${createdAt}&limit=20&order=started_at&order_dir=asc&page_num=1`);
    const before = await list(`queries(startedBefore: "${all.data!.civis.query.startedAt}") { nodes { platformId } }`);
    expect(before.nodes).toEqual([{ platformId: '6001' }]);
    const hidden = await list(`queries(hidden: true) { nodes { platformId } }`);
    expect(hidden.nodes).toEqual([]);
    expect(hidden.sent[0]).toContain('hidden=true');
  });

  it('queries: IDLE and a bad credential id are refused before any call', async () => {
    const idle = await list(`queries(state: [SUCCEEDED, IDLE]) { nodes { platformId } }`);
    expect(idle.errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', param: 'state[1]' });
    const cred = await list(`queries(credential: "${gid('CivisUser', 1)}") { nodes { platformId } }`);
    expect(cred.errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', param: 'credential' });
    expect(idle.sent.concat(cred.sent)).toEqual([]);
  });

  it('jobs by type, imports by sync type, source and destination', async () => {
    const sql = await list(`jobs(type: ["JobTypes::SqlRunner"], first: 50) { nodes { type } }`);
    expect(sql.nodes.length).toBeGreaterThan(0);
    expect(sql.nodes.every((n) => n.type === 'JobTypes::SqlRunner')).toBe(true);
    expect(sql.sent).toEqual(['GET /jobs/?limit=50&page_num=1&type=JobTypes::SqlRunner']);
    const bad = await list(`jobs(type: ["a,b"]) { nodes { type } }`);
    expect(bad.errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', param: 'type[0]' });
    expect(bad.sent).toEqual([]);
    const imports = await list(`imports(syncType: [SALESFORCE, GDOC_IMPORT]) { nodes { platformId syncType } }`);
    expect(imports.nodes.map((n) => n.syncType).sort()).toEqual(['GdocImport', 'Salesforce']);
    expect(imports.sent).toEqual(['GET /imports/?limit=20&page_num=1&type=Salesforce,GdocImport']);
    const db = await upstream<any>('/imports/5101');
    const from = await list(`imports(source: ["${gid('CivisDatabase', db.source.remoteHostId)}"]) { nodes { platformId } }`);
    expect(from.nodes).toContainEqual({ platformId: '5101' });
    expect(from.sent[0]).toContain(`source=${db.source.remoteHostId}`);
    const to = await list(`imports(destination: ["${gid('CivisDatabase', 999)}"]) { nodes { platformId } }`);
    expect(to.nodes).toEqual([]);
  });

  it('models by training table, dependent variable, state, schedule and order; bad combinations refused', async () => {
    const dv = await list(`models(dependentVariable: "churned") { nodes { name } }`);
    expect(dv.nodes).toEqual([{ name: 'Churn propensity' }]);
    expect(dv.sent).toEqual(['GET /models/?dependent_variable=churned&limit=20&page_num=1']);
    const ordered = await list(
      `models(state: SUCCEEDED, trainingTableName: "public", orderBy: { field: LAST_RUN_UPDATED_AT, direction: DESC }) { nodes { currentBuildState } }`,
    );
    expect(ordered.nodes.every((n) => n.currentBuildState === 'SUCCEEDED')).toBe(true);
    expect(ordered.sent).toEqual([
      'GET /models/?limit=20&order=last_run.updated_at&order_dir=desc&page_num=1&status=succeeded&training_table_name=public',
    ]);
    for (const args of ['state: QUEUED', 'scheduled: false', 'state: IDLE, scheduled: true']) {
      const r = await list(`models(${args}) { nodes { name } }`);
      expect(r.errors[0].extensions.code).toBe('BAD_USER_INPUT');
      expect(r.sent).toEqual([]);
    }
  });

  it('projects the caller manages, reports by kind and template, tables by tag and credential, users by group, status and order', async () => {
    const projects = await list(`projects(manageable: true) { nodes { author { platformId } } }`);
    expect(projects.sent).toEqual(['GET /projects/?limit=20&page_num=1&permission=manage']);
    expect(projects.nodes.every((n) => n.author.platformId === '4257')).toBe(true);
    const tableau = await list(`reports(kind: TABLEAU) { nodes { type } }`);
    const seen = (await upstream<any[]>('/reports/?type=tableau')).map((x) => ({ type: x.type }));
    expect(tableau.nodes).toEqual(seen);
    expect(tableau.nodes.every((n) => n.type === 'ReportTypes::Tableau')).toBe(true);
    expect(tableau.sent).toEqual(['GET /reports/?limit=20&page_num=1&type=tableau']);
    const other = await list(`reports(kind: OTHER, templatePlatformId: "77") { nodes { type } }`);
    expect(other.nodes).toEqual([]);
    expect(other.sent).toEqual(['GET /reports/?limit=20&page_num=1&template_id=77&type=other']);
    const tagged = await list(`tables(tagPlatformIds: ["14"]) { nodes { tags { platformId } } }`);
    expect(tagged.nodes.length).toBeGreaterThan(0);
    expect(tagged.nodes.every((n) => n.tags.some((t: any) => t.platformId === '14'))).toBe(true);
    expect(tagged.sent).toEqual(['GET /tables/?limit=20&page_num=1&table_tag_ids=14']);
    const badTag = await list(`tables(tagPlatformIds: ["x"]) { nodes { name } }`);
    expect(badTag.errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', param: 'tagPlatformIds[0]' });
    const users = await list(`users(accountStatus: ALL, orderBy: { field: USERNAME, direction: DESC }, first: 3) { nodes { username } }`);
    const names = users.nodes.map((n) => n.username);
    expect(names).toEqual([...names].sort().reverse());
    expect(users.sent).toEqual(['GET /users/?account_status=all&limit=3&order=user&order_dir=desc&page_num=1']);
    const me = await stack.gql(`{ civis { me { groups { platformId } } } }`);
    const group = me.data!.civis.me.groups[0].platformId;
    const grouped = await list(`users(groupPlatformIds: ["${group}"]) { nodes { username } }`);
    expect(grouped.nodes.length).toBeGreaterThan(0);
    expect(grouped.sent).toEqual([`GET /users/?group_ids=${group}&limit=20&page_num=1`]);
  });
});

describe('CivisProject.files', () => {
  it("lists a project's files from the project's own record, and reads a file only when asked for it", async () => {
    const projects = await upstream<any[]>('/projects/');
    const withFiles = (await Promise.all(projects.map((p) => upstream<any>(`/projects/${p.id}`)))).find((p) => p.files.length > 0);
    expect(withFiles).toBeDefined();
    const before = (await civisLog()).length;
    const r = await stack.gql(`{ civis { project(platformId: "${withFiles.id}") {
      files(first: 10) { totalCount nodes { platformId name expired } } } } }`);
    expect(r.errors).toBeUndefined();
    expect(r.data!.civis.project.files).toEqual({
      totalCount: withFiles.files.length,
      nodes: withFiles.files.slice(0, 10).map((f: any) => ({ platformId: String(f.id), name: f.fileName, expired: f.expired })),
    });
    expect((await civisLog()).slice(before).map((l) => `${l.method} ${l.path}`)).toEqual([`GET /projects/${withFiles.id}`]);

    const withFile = await stack.gql(
      `{ civis { projects(first: 20) { nodes { platformId files(first: 1) { nodes { file { name downloadUrl } } } } } } }`,
    );
    expect(withFile.errors).toBeUndefined();
    const hit = withFile.data!.civis.projects.nodes.find((p: any) => p.platformId === String(withFiles.id));
    expect(hit.files.nodes[0].file.name).toBe(withFiles.files[0].fileName);
    const bad = await stack.gql(`{ civis { project(platformId: "${withFiles.id}") { files(first: -1) { totalCount } } } }`);
    expect(bad.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', param: 'first' });
  });
});

describe('Civis list filters: upstream refusals', () => {
  it("maps Civis's 400 for a filter value it refuses to an error on the list, made once (a 400 is never retried)", async () => {
    const before = (await civisLog()).length;
    const r = await stack.gql(`{ civis { tables(credential: "${gid('Credential', 999999)}") { totalCount } } }`);
    expect(r.data!.civis.tables).toBeNull();
    expect(r.errors![0]).toMatchObject({
      path: ['civis', 'tables'],
      extensions: { code: 'BAD_USER_INPUT', platform: 'civis', upstreamStatus: 400 },
    });
    expect((await civisLog()).slice(before).map((l) => `${l.method} ${l.path} ${l.status}`)).toEqual(['GET /tables/ 400']);
  });
});

describe('Civis list orders', () => {
  async function sent(query: string) {
    const before = (await civisLog()).length;
    const r = await stack.gql(`{ civis { ${query} } }`);
    return { r, sent: (await civisLog()).slice(before).map((l) => `${l.path}?${decodeURIComponent(l.query)}`) };
  }

  it('orders tables by name and runnable lists by their last run, reading `last` from the flipped order in one call', async () => {
    const t = await sent(`tables(orderBy: { field: NAME, direction: DESC }, first: 5) { nodes { name } }`);
    const names = t.r.data!.civis.tables.nodes.map((n: any) => n.name);
    expect(names).toEqual([...names].sort((a: string, b: string) => b.localeCompare(a)));
    expect(t.sent).toEqual(['/tables/?limit=5&order=name&order_dir=desc&page_num=1']);
    const s = await sent(`scripts(orderBy: { field: LAST_RUN_UPDATED_AT }, last: 2) { nodes { platformId } }`);
    expect(s.r.errors).toBeUndefined();
    expect(s.sent).toEqual(['/scripts/?limit=2&order=last_run.updated_at&order_dir=desc&page_num=1']);
  });

  it('refuses LAST_RUN_UPDATED_AT on lists without runs, before any call', async () => {
    for (const list of ['projects', 'credentials']) {
      const root = list === 'credentials' ? `credentials(orderBy: { field: LAST_RUN_UPDATED_AT }) { totalCount }` : null;
      const before = (await civisLog()).length;
      const r = root
        ? await stack.gql(`{ ${root} }`)
        : await stack.gql(`{ civis { projects(orderBy: { field: LAST_RUN_UPDATED_AT }) { totalCount } } }`);
      expect(r.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', param: 'orderBy.field' });
      expect((await civisLog()).slice(before)).toEqual([]);
    }
  });
});

describe('Query.credentials(systemCredentials)', () => {
  it("asks Civis for system credentials only when true, which a user's key does not see", async () => {
    const before = (await civisLog()).length;
    const r = await stack.gql(
      `{ sys: credentials(systemCredentials: true) { totalCount } own: credentials(systemCredentials: false) { totalCount } }`,
    );
    expect(r.errors).toBeUndefined();
    expect(r.data!.sys.totalCount).toBe(0);
    expect(r.data!.own.totalCount).toBeGreaterThan(0);
    expect(
      (await civisLog())
        .slice(before)
        .map((l) => `${l.path}?${l.query}`)
        .sort(),
    ).toEqual(['/credentials/?limit=20&page_num=1', '/credentials/?limit=20&page_num=1&system_credentials=true']);
  });
});
