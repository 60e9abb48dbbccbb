import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CIVIS_DEMO_API_KEY, SEED_IDS } from '@augur/emulators/civis';
import { startStack, type TestStack } from '../helpers/stack.js';
import type { NodeTypeName } from '../../src/relay/ids.js';

let stack: TestStack;

const basic = (key: string) => ({ authorization: `Basic ${Buffer.from(`${key}:`).toString('base64')}` });

/** Reads the emulator directly (not through Augur) to see what Augur's write did. */
async function upstream<T = any>(path: string): Promise<T> {
  const res = await fetch(`${stack.embedded.emulators.civis!.url}${path}`, { headers: basic(CIVIS_DEMO_API_KEY) });
  return (await res.json()) as T;
}

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
const calls = async () => (await civisLog()).map((l) => `${l.method} ${l.path} ${l.status}`);
const gid = (type: NodeTypeName, id: number | string) => stack.augur.services.codec.encode(type, String(id));
const ERRORS = 'userErrors { field code message }';

/** Ada's default Database credential on redshift-general (database 32). */
let adaCredential: string;

beforeAll(async () => {
  stack = await startStack();
  const r = await stack.gql(`{ civis { defaultCredential { id remoteHost { platformId } } } }`);
  adaCredential = r.data!.civis.defaultCredential.id;
  expect(r.data!.civis.defaultCredential.remoteHost.platformId).toBe('32');
});
afterAll(() => stack.close());
beforeEach(() => stack.reset());

const CREATE_SCRIPT = `mutation($i: CreateCivisScriptInput!) { createCivisScript(input: $i) {
  script { id platformId name type sql source archived } ${ERRORS} } }`;
const UPDATE_SCRIPT = `mutation($i: UpdateCivisScriptInput!) { updateCivisScript(input: $i) { script { platformId name sql source } ${ERRORS} } }`;

describe('Mutation.createCivisScript and updateCivisScript', () => {
  it('creates a script per language with one POST to its typed route, and changes it with one PATCH', async () => {
    const sql = await stack.gql(CREATE_SCRIPT, {
      i: {
        language: 'SQL',
        name: 'Nightly counts',
        sql: 'SELECT count(*) FROM public.orders',
        databaseId: gid('CivisDatabase', 32),
        credentialId: adaCredential,
      },
    });
    expect(sql.errors).toBeUndefined();
    expect(sql.data!.createCivisScript).toMatchObject({
      userErrors: [],
      script: { name: 'Nightly counts', type: 'JobTypes::SqlRunner', sql: 'SELECT count(*) FROM public.orders', archived: false },
    });
    const py = await stack.gql(CREATE_SCRIPT, { i: { language: 'PYTHON3', name: 'Train', source: 'print(1)' } });
    expect(py.data!.createCivisScript.script).toMatchObject({ type: 'JobTypes::PythonDocker', source: 'print(1)', sql: null });
    const box = await stack.gql(CREATE_SCRIPT, {
      i: { language: 'CONTAINER', name: 'Box', dockerImageName: 'civisanalytics/datascience-python', dockerCommand: 'python run.py' },
    });
    expect(box.data!.createCivisScript.script.type).toBe('JobTypes::ContainerDocker');
    const container = await upstream(`/jobs/${box.data!.createCivisScript.script.platformId}`);
    expect(container.type).toBe('JobTypes::ContainerDocker');
    expect((await calls()).filter((c) => !c.startsWith('GET'))).toEqual([
      'POST /scripts/sql 201',
      'POST /scripts/python3 201',
      'POST /scripts/containers 201',
    ]);

    await stack.reset();
    // Reset restores the seed: create again, then update.
    const again = await stack.gql(CREATE_SCRIPT, { i: { language: 'R', name: 'Model', source: 'x <- 1' } });
    const id = again.data!.createCivisScript.script.id;
    const platformId = again.data!.createCivisScript.script.platformId;
    const updated = await stack.gql(UPDATE_SCRIPT, { i: { id, name: 'Model v2', source: 'x <- 2' } });
    expect(updated.errors).toBeUndefined();
    expect(updated.data!.updateCivisScript).toEqual({
      userErrors: [],
      script: { platformId, name: 'Model v2', sql: null, source: 'x <- 2' },
    });
    expect(await calls()).toEqual(['POST /scripts/r 201', `GET /scripts/${platformId} 200`, `PATCH /scripts/r/${platformId} 200`]);
    expect((await upstream(`/scripts/${platformId}`)).source).toBe('x <- 2');
  });

  it('reports every problem of the input at once, before any call', async () => {
    const r = await stack.gql(CREATE_SCRIPT, { i: { language: 'SQL', name: ' ', source: 'print(1)', cpu: 5 } });
    expect(r.errors).toBeUndefined();
    expect(r.data!.createCivisScript.script).toBeNull();
    expect(r.data!.createCivisScript.userErrors.map((e: any) => [e.field.join('.'), e.code])).toEqual([
      ['input.name', 'REQUIRED'],
      ['input.source', 'INVALID'],
      ['input.cpu', 'INVALID'],
      ['input.sql', 'REQUIRED'],
      ['input.databaseId', 'REQUIRED'],
      ['input.credentialId', 'REQUIRED'],
    ]);
    const none = await stack.gql(UPDATE_SCRIPT, { i: { id: gid('CivisScript', 5001) } });
    expect(none.data!.updateCivisScript.userErrors).toEqual([
      { field: ['input'], code: 'INVALID', message: expect.stringMatching(/changes nothing/) },
    ]);
    const wrong = await stack.gql(UPDATE_SCRIPT, { i: { id: gid('CivisScript', 5001), source: 'print(2)' } });
    expect(wrong.data!.updateCivisScript.userErrors).toEqual([
      { field: ['input', 'source'], code: 'INVALID', message: expect.stringMatching(/does not apply to a sql script/) },
    ]);
    expect(await calls()).toEqual(['GET /scripts/5001 200']);
  });

  it("maps Civis's refusals to user errors on the field they name, and never repeats a create after 502", async () => {
    const refused = await stack.gql(CREATE_SCRIPT, {
      i: { language: 'SQL', name: 'x', sql: 'SELECT 1', databaseId: gid('CivisDatabase', 32), credentialId: gid('Credential', 1012) },
    });
    expect(refused.data!.createCivisScript).toEqual({
      script: null,
      userErrors: [{ field: ['input', 'credentialId'], code: 'INVALID', message: expect.stringMatching(/Database one is needed/) }],
    });
    const unknown = await stack.gql(UPDATE_SCRIPT, { i: { id: gid('CivisScript', 999999), name: 'x' } });
    expect(unknown.data!.updateCivisScript.userErrors).toEqual([
      { field: ['input', 'id'], code: 'NOT_FOUND', message: expect.any(String) },
    ]);

    await stack.reset();
    await stack.faults('civis', { status: 502, count: 1, routes: ['POST /scripts/python3'] });
    const failed = await stack.gql(CREATE_SCRIPT, { i: { language: 'PYTHON3', name: 'Train', source: 'print(1)' } });
    expect(failed.data).toBeNull();
    expect(failed.errors?.[0]?.extensions).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', platform: 'civis', upstreamStatus: 502 });
    expect((await stack.requests('civis')).byRoute).toEqual({ 'POST /scripts/python3': 1 });
  });
});

describe('Mutation.cancelCivisRun and cancelCivisQuery', () => {
  const CANCEL_RUN = `mutation($i: CancelCivisRunInput!) { cancelCivisRun(input: $i) { run { platformId state } ${ERRORS} } }`;
  const CANCEL_QUERY = `mutation($i: CancelCivisQueryInput!) { cancelCivisQuery(input: $i) { query { platformId state result { rows } } ${ERRORS} } }`;

  it('cancels a queued run with one DELETE and reads it back; a finished one is a CONFLICT', async () => {
    const run = await stack.gql(`mutation($i: RunCivisJobInput!) { runCivisJob(input: $i) { run { id platformId } } }`, {
      i: { jobId: gid('CivisJob', SEED_IDS.idleJob) },
    });
    const { id, platformId } = run.data!.runCivisJob.run;
    const log0 = (await civisLog()).length;
    const cancelled = await stack.gql(CANCEL_RUN, { i: { runId: id } });
    expect(cancelled.errors).toBeUndefined();
    expect(cancelled.data!.cancelCivisRun).toEqual({ userErrors: [], run: { platformId, state: 'CANCELLED' } });
    expect((await calls()).slice(log0)).toEqual([
      `DELETE /jobs/${SEED_IDS.idleJob}/runs/${platformId} 202`,
      `GET /jobs/${SEED_IDS.idleJob}/runs/${platformId} 200`,
    ]);
    const again = await stack.gql(CANCEL_RUN, { i: { runId: id } });
    expect(again.data!.cancelCivisRun).toEqual({
      run: null,
      userErrors: [{ field: ['input', 'runId'], code: 'CONFLICT', message: expect.stringMatching(/already finished/) }],
    });
    const bad = await stack.gql(CANCEL_RUN, { i: { runId: gid('CivisJob', 5001) } });
    expect(bad.data!.cancelCivisRun.userErrors).toEqual([{ field: ['input', 'runId'], code: 'INVALID', message: expect.any(String) }]);
    const unknown = await stack.gql(CANCEL_RUN, { i: { runId: gid('CivisJobRun', `${SEED_IDS.idleJob}:1`) } });
    expect(unknown.data!.cancelCivisRun.userErrors).toEqual([
      { field: ['input', 'runId'], code: 'NOT_FOUND', message: expect.any(String) },
    ]);
  });

  it('cancels a running query through its last run, and maps a finished one to CONFLICT', async () => {
    const created = await stack.gql(
      `mutation($i: CreateCivisQueryInput!) { createCivisQuery(input: $i) { query { id platformId lastRunPlatformId } ${ERRORS} } }`,
      { i: { databaseId: gid('CivisDatabase', 32), sql: 'SELECT 1' } },
    );
    const { id, platformId, lastRunPlatformId: lastRunId } = created.data!.createCivisQuery.query;
    const log0 = (await civisLog()).length;
    const cancelled = await stack.gql(CANCEL_QUERY, { i: { id } });
    expect(cancelled.errors).toBeUndefined();
    expect(cancelled.data!.cancelCivisQuery).toEqual({ userErrors: [], query: { platformId, state: 'CANCELLED', result: null } });
    expect((await calls()).slice(log0)).toEqual([
      `GET /queries/${platformId} 200`,
      `DELETE /queries/${platformId}/runs/${lastRunId} 202`,
      `GET /queries/${platformId} 200`,
    ]);
    const again = await stack.gql(CANCEL_QUERY, { i: { id } });
    expect(again.data!.cancelCivisQuery.userErrors).toEqual([{ field: ['input', 'id'], code: 'CONFLICT', message: expect.any(String) }]);
    const unknown = await stack.gql(CANCEL_QUERY, { i: { id: gid('CivisQuery', 999999) } });
    expect(unknown.data!.cancelCivisQuery.userErrors).toEqual([{ field: ['input', 'id'], code: 'NOT_FOUND', message: expect.any(String) }]);
  });
});

describe('Mutation.archiveCivisObject', () => {
  const ARCHIVE = `mutation($i: ArchiveCivisObjectInput!) { archiveCivisObject(input: $i) {
    node { __typename id ... on CivisScript { archived } ... on CivisProject { archived } ... on CivisReport { archived } } ${ERRORS} } }`;

  it('archives and restores scripts, projects and reports with a PUT to their archive route', async () => {
    const script = await stack.gql(ARCHIVE, { i: { id: gid('CivisScript', 5001) } });
    expect(script.errors).toBeUndefined();
    expect(script.data!.archiveCivisObject).toEqual({
      userErrors: [],
      node: { __typename: 'CivisScript', id: gid('CivisScript', 5001), archived: true },
    });
    expect((await upstream('/scripts/5001')).archived).toBe(true);
    const project = await stack.gql(ARCHIVE, { i: { id: gid('CivisProject', 7001) } });
    expect(project.data!.archiveCivisObject.node).toEqual({ __typename: 'CivisProject', id: gid('CivisProject', 7001), archived: true });
    const restored = await stack.gql(ARCHIVE, { i: { id: gid('CivisProject', 7001), archived: false } });
    expect(restored.data!.archiveCivisObject.node.archived).toBe(false);
    expect(await calls()).toEqual([
      'PUT /jobs/5001/archive 200',
      'GET /scripts/5001 200',
      'GET /scripts/5001 200',
      'PUT /projects/7001/archive 200',
      'PUT /projects/7001/archive 200',
    ]);
  });

  it("refuses other types before any call, and maps another user's object to NOT_FOUND", async () => {
    const wrong = await stack.gql(ARCHIVE, { i: { id: gid('Credential', 1001) } });
    expect(wrong.data!.archiveCivisObject).toEqual({
      node: null,
      userErrors: [{ field: ['input', 'id'], code: 'INVALID', message: expect.any(String) }],
    });
    expect((await stack.requests('civis')).total).toBe(0);
    const bobs = await stack.gql(ARCHIVE, { i: { id: gid('CivisProject', 7002) } });
    expect(bobs.data!.archiveCivisObject.userErrors).toEqual([{ field: ['input', 'id'], code: 'NOT_FOUND', message: expect.any(String) }]);
  });

  it('repeats an archive (a PUT) after 503', async () => {
    await stack.faults('civis', { status: 503, count: 1, routes: ['PUT /projects/{id}/archive'] });
    const r = await stack.gql(ARCHIVE, { i: { id: gid('CivisProject', 7001) } });
    expect(r.data!.archiveCivisObject.node.archived).toBe(true);
    expect((await stack.requests('civis')).byRoute).toEqual({ 'PUT /projects/{id}/archive': 2 });
  });
});

describe('Mutation.createCivisImport and updateCivisImport', () => {
  const CREATE = `mutation($i: CreateCivisImportInput!) { createCivisImport(input: $i) {
    import { id platformId name syncType isOutbound source { remoteHost { platformId } credential { platformId } } } ${ERRORS} } }`;
  const UPDATE = `mutation($i: UpdateCivisImportInput!) { updateCivisImport(input: $i) { import { platformId name isOutbound syncType } ${ERRORS} } }`;

  it('creates an import with one POST and updates it by reading then replacing it whole', async () => {
    const created = await stack.gql(CREATE, {
      i: {
        name: 'Copy',
        syncType: 'DBSYNC',
        isOutbound: false,
        source: { databaseId: gid('CivisDatabase', 45), credentialId: adaCredential },
      },
    });
    expect(created.errors).toBeUndefined();
    const imp = created.data!.createCivisImport.import;
    expect(imp).toMatchObject({ name: 'Copy', syncType: 'Dbsync', isOutbound: false, source: { remoteHost: { platformId: '45' } } });
    const updated = await stack.gql(UPDATE, { i: { id: imp.id, name: 'Copy back', isOutbound: true } });
    expect(updated.data!.updateCivisImport).toEqual({
      userErrors: [],
      import: { platformId: imp.platformId, name: 'Copy back', isOutbound: true, syncType: 'Dbsync' },
    });
    expect((await calls()).filter((c) => !/\/(databases|credentials|users)\//.test(c))).toEqual([
      'POST /imports/ 201',
      `GET /imports/${imp.platformId} 200`,
      `PUT /imports/${imp.platformId} 200`,
    ]);
    const stored = await upstream(`/imports/${imp.platformId}`);
    expect(stored.source.remoteHostId).toBe(45);
  });

  it('checks ids before any call and points a refused source at input.source', async () => {
    const bad = await stack.gql(CREATE, { i: { name: '', syncType: 'DBSYNC', isOutbound: false, source: { databaseId: 'nope' } } });
    expect(bad.data!.createCivisImport.userErrors.map((e: any) => e.field.join('.'))).toEqual(['input.name', 'input.source.databaseId']);
    expect((await stack.requests('civis')).total).toBe(0);
    const refused = await stack.gql(CREATE, {
      i: { name: 'x', syncType: 'DBSYNC', isOutbound: false, source: { credentialId: gid('Credential', 999999) } },
    });
    expect(refused.data!.createCivisImport.userErrors).toEqual([
      { field: ['input', 'source'], code: 'INVALID', message: expect.any(String) },
    ]);
    const unknown = await stack.gql(UPDATE, { i: { id: gid('CivisImport', 999999), name: 'x' } });
    expect(unknown.data!.updateCivisImport.userErrors).toEqual([
      { field: ['input', 'id'], code: 'NOT_FOUND', message: expect.any(String) },
    ]);
  });
});

describe('projects: createCivisProject, updateCivisProject, addCivisProjectObject, removeCivisProjectObject', () => {
  const CREATE = `mutation($i: CreateCivisProjectInput!) { createCivisProject(input: $i) { project { id platformId name description note } ${ERRORS} } }`;
  const UPDATE = `mutation($i: UpdateCivisProjectInput!) { updateCivisProject(input: $i) { project { name description note } ${ERRORS} } }`;
  const ADD = `mutation($i: CivisProjectObjectInput!) { addCivisProjectObject(input: $i) { project { objects { platformId objectType } } ${ERRORS} } }`;
  const REMOVE = `mutation($i: CivisProjectObjectInput!) { removeCivisProjectObject(input: $i) { project { objects { platformId } } ${ERRORS} } }`;

  it('creates, updates (keeping omitted fields), and puts objects in and out of a project', async () => {
    const created = await stack.gql(CREATE, { i: { name: 'Q3', note: 'draft' } });
    expect(created.errors).toBeUndefined();
    const p = created.data!.createCivisProject.project;
    expect(p).toMatchObject({ name: 'Q3', description: '', note: 'draft' });
    const updated = await stack.gql(UPDATE, { i: { id: p.id, description: 'Quarter three' } });
    expect(updated.data!.updateCivisProject).toEqual({
      userErrors: [],
      project: { name: 'Q3', description: 'Quarter three', note: 'draft' },
    });
    const added = await stack.gql(ADD, { i: { projectId: p.id, objectId: gid('CivisScript', 5001) } });
    expect(added.data!.addCivisProjectObject.project.objects).toEqual([{ platformId: '5001', objectType: 'JobTypes::Script' }]);
    const script = await stack.gql(`{ civis { script(platformId: "5001") { projects { platformId name } } } }`);
    expect(script.data!.civis.script.projects).toContainEqual({ platformId: p.platformId, name: 'Q3' });
    await stack.gql(ADD, { i: { projectId: p.id, objectId: gid('CivisFile', 8001) } });
    const removed = await stack.gql(REMOVE, { i: { projectId: p.id, objectId: gid('CivisScript', 5001) } });
    expect(removed.data!.removeCivisProjectObject.project.objects).toEqual([{ platformId: '8001' }]);
    expect(await calls()).toEqual([
      'POST /projects/ 201',
      `GET /projects/${p.platformId} 200`,
      `PUT /projects/${p.platformId} 200`,
      `PUT /jobs/5001/projects/${p.platformId} 204`,
      `GET /projects/${p.platformId} 200`,
      'GET /scripts/5001 200',
      `PUT /files/8001/projects/${p.platformId} 204`,
      `GET /projects/${p.platformId} 200`,
      `DELETE /jobs/5001/projects/${p.platformId} 204`,
      `GET /projects/${p.platformId} 200`,
    ]);
  });

  it('refuses blank names and empty updates before any call, and tells an unknown project from an unknown object', async () => {
    const blank = await stack.gql(CREATE, { i: { name: '  ' } });
    expect(blank.data!.createCivisProject.userErrors).toEqual([
      { field: ['input', 'name'], code: 'REQUIRED', message: expect.any(String) },
    ]);
    const empty = await stack.gql(UPDATE, { i: { id: gid('CivisProject', 7001) } });
    expect(empty.data!.updateCivisProject.userErrors[0].field).toEqual(['input']);
    expect((await stack.requests('civis')).total).toBe(0);
    const noProject = await stack.gql(ADD, { i: { projectId: gid('CivisProject', 999999), objectId: gid('CivisScript', 5001) } });
    expect(noProject.data!.addCivisProjectObject.userErrors).toEqual([
      { field: ['input', 'projectId'], code: 'NOT_FOUND', message: expect.any(String) },
    ]);
    const noObject = await stack.gql(ADD, { i: { projectId: gid('CivisProject', 7001), objectId: gid('CivisReport', 999999) } });
    expect(noObject.data!.addCivisProjectObject.userErrors).toEqual([
      { field: ['input', 'objectId'], code: 'NOT_FOUND', message: expect.any(String) },
    ]);
  });
});

describe('Mutation.createCivisReport, updateCivisReport and updateCivisTable', () => {
  const CREATE = `mutation($i: CreateCivisReportInput!) { createCivisReport(input: $i) { report { id platformId name script { platformId } } ${ERRORS} } }`;
  const UPDATE = `mutation($i: UpdateCivisReportInput!) { updateCivisReport(input: $i) { report { name script { platformId } } ${ERRORS} } }`;
  const TABLE = `mutation($i: UpdateCivisTableInput!) { updateCivisTable(input: $i) {
    table { platformId description primaryKeys lastModifiedKeys } ${ERRORS} } }`;

  it('creates and updates a report with one POST and one PATCH', async () => {
    const created = await stack.gql(CREATE, { i: { name: 'Revenue', scriptId: gid('CivisScript', 5001), codeBody: '<p>hi</p>' } });
    expect(created.errors).toBeUndefined();
    const r = created.data!.createCivisReport.report;
    expect(r).toMatchObject({ name: 'Revenue', script: { platformId: '5001' } });
    const updated = await stack.gql(UPDATE, { i: { id: r.id, name: 'Revenue 2', scriptId: null } });
    expect(updated.data!.updateCivisReport).toEqual({ userErrors: [], report: { name: 'Revenue 2', script: null } });
    expect((await calls()).filter((c) => !c.startsWith('GET /scripts/'))).toEqual([
      'POST /reports/ 200',
      `PATCH /reports/${r.platformId} 200`,
    ]);
    const unknownScript = await stack.gql(CREATE, { i: { scriptId: gid('CivisScript', 999999) } });
    expect(unknownScript.data!.createCivisReport.userErrors).toEqual([
      { field: ['input', 'scriptId'], code: 'INVALID', message: expect.any(String) },
    ]);
  });

  it("changes a table's description and keys with one PATCH; an unknown column is refused on its field", async () => {
    const r = await stack.gql(TABLE, {
      i: { id: gid('CivisTable', SEED_IDS.customersTable), description: 'Customers', primaryKeys: ['customer_id'] },
    });
    expect(r.errors).toBeUndefined();
    expect(r.data!.updateCivisTable).toEqual({
      userErrors: [],
      table: { platformId: String(SEED_IDS.customersTable), description: 'Customers', primaryKeys: ['customer_id'], lastModifiedKeys: [] },
    });
    expect(await calls()).toEqual([`PATCH /tables/${SEED_IDS.customersTable} 200`]);
    const bad = await stack.gql(TABLE, { i: { id: gid('CivisTable', SEED_IDS.customersTable), primaryKeys: ['nope'] } });
    expect(bad.data!.updateCivisTable.userErrors).toEqual([
      { field: ['input', 'primaryKeys'], code: 'INVALID', message: expect.any(String) },
    ]);
    const dup = await stack.gql(TABLE, { i: { id: gid('CivisTable', SEED_IDS.customersTable), primaryKeys: ['a', 'a'] } });
    expect(dup.data!.updateCivisTable.userErrors[0].message).toMatch(/twice/);
  });
});

describe('Mutation.createCivisFileUpload', () => {
  const UPLOAD = `mutation($i: CreateCivisFileUploadInput!) { createCivisFileUpload(input: $i) {
    upload { file { id platformId name fileSize author { username } } url fields } ${ERRORS} } }`;

  it('answers the upload URL and form fields; the bytes go to Civis directly and the file is then usable', async () => {
    const r = await stack.gql(UPLOAD, { i: { name: 'data.csv', description: 'Upload' } });
    expect(r.errors).toBeUndefined();
    const { upload } = r.data!.createCivisFileUpload;
    const file = upload.file;
    expect(file).toMatchObject({ name: 'data.csv', fileSize: 0, author: { username: 'ada.demo' } });
    expect(upload.url).toMatch(/\/files\/\d+\/upload$/);
    expect(upload.fields).toMatchObject({ key: `files/${file.platformId}/data.csv` });
    expect(await calls()).toEqual(['POST /files/ 201', `GET /files/${file.platformId} 200`]);
    // What the browser does: a form POST straight to the upload URL.
    const form = new FormData();
    for (const [k, v] of Object.entries(upload.fields as Record<string, string>)) form.append(k, v);
    form.append('file', new Blob(['a,b\n1,2\n']), 'data.csv');
    const posted = await fetch(upload.url, { method: 'POST', body: form });
    expect(posted.status).toBe(204);
    const after = await stack.gql(`{ civis { file(id: "${file.id}") { fileSize } } }`);
    expect(after.data!.civis.file.fileSize).toBe(8);
  });

  it('refuses a blank name or a past expiry before any call, and never repeats the create after 504', async () => {
    const bad = await stack.gql(UPLOAD, { i: { name: '', expiresAt: '2001-01-01T00:00:00Z' } });
    expect(bad.data!.createCivisFileUpload.userErrors.map((e: any) => e.field.join('.'))).toEqual(['input.name', 'input.expiresAt']);
    expect((await stack.requests('civis')).total).toBe(0);
    await stack.faults('civis', { status: 504, count: 1, routes: ['POST /files/'] });
    const failed = await stack.gql(UPLOAD, { i: { name: 'x.csv' } });
    expect(failed.errors?.[0]?.extensions).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', upstreamStatus: 504 });
    expect((await stack.requests('civis')).byRoute).toEqual({ 'POST /files/': 1 });
  });
});

describe('Civis list filters and query export options', () => {
  it('passes language, category, hidden, scheduled and manageable to Civis as its list parameters', async () => {
    const r = await stack.gql(`{ civis {
      scripts(first: 50, language: [PYTHON3, CONTAINER], category: "script") { nodes { type } }
      jobs(first: 5, scheduled: true, manageable: true, hidden: false) { totalCount }
      projects(first: 5, autoShare: false, hidden: false) { totalCount }
      reports(first: 5, hidden: true) { totalCount }
    } }`);
    expect(r.errors).toBeUndefined();
    expect(new Set(r.data!.civis.scripts.nodes.map((n: any) => n.type))).toEqual(
      new Set(['JobTypes::PythonDocker', 'JobTypes::ContainerDocker']),
    );
    const log = await civisLog();
    const q = (route: string) => Object.fromEntries(new URLSearchParams(log.find((l) => l.route === route)!.query));
    expect(q('GET /scripts/')).toMatchObject({ type: 'python3,containers', category: 'script' });
    expect(q('GET /jobs/')).toMatchObject({ scheduled: 'true', permission: 'manage', hidden: 'false' });
    expect(q('GET /projects/')).toMatchObject({ auto_share: 'false', hidden: 'false' });
    expect(q('GET /reports/')).toMatchObject({ hidden: 'true' });
    expect(log).toHaveLength(4);
  });

  it('sends export options with a query, and refuses a bad filename prefix before any call', async () => {
    const CREATE = `mutation($i: CreateCivisQueryInput!) { createCivisQuery(input: $i) { query { platformId } ${ERRORS} } }`;
    const ok = await stack.gql(CREATE, {
      i: {
        databaseId: gid('CivisDatabase', 32),
        sql: 'SELECT 1',
        includeHeader: false,
        compression: 'GZIP',
        columnDelimiter: 'PIPE',
        unquoted: true,
        filenamePrefix: 'out',
      },
    });
    expect(ok.data!.createCivisQuery.userErrors).toEqual([]);
    expect((await stack.requests('civis')).byRoute).toEqual({ 'POST /queries/': 1 });
    const bad = await stack.gql(CREATE, { i: { databaseId: gid('CivisDatabase', 32), sql: 'SELECT 1', filenamePrefix: '../etc' } });
    expect(bad.data!.createCivisQuery.userErrors).toEqual([
      { field: ['input', 'filenamePrefix'], code: 'INVALID', message: expect.any(String) },
    ]);
    expect((await stack.requests('civis')).byRoute).toEqual({ 'POST /queries/': 1 });
  });
});

describe('Civis retries', () => {
  it('repeats a GET up to retry_total (6) times, as civis-python does', async () => {
    // 429s: 5xx answers would open the circuit breaker (AUGUR_BREAKER_THRESHOLD, 5) before the sixth retry.
    await stack.faults('civis', { status: 429, count: 6, routes: ['GET /jobs/'] });
    const r = await stack.gql(`{ civis { jobs(first: 1) { totalCount } } }`);
    expect(r.errors).toBeUndefined();
    expect((await stack.requests('civis')).byRoute).toEqual({ 'GET /jobs/': 7 });
  });

  it('stops after retry_total retries with the last error', async () => {
    await stack.faults('civis', { status: 429, count: 7, routes: ['GET /jobs/'] });
    const r = await stack.gql(`{ civis { jobs(first: 1) { totalCount } } }`);
    expect(r.errors?.[0]?.extensions).toMatchObject({ code: 'RATE_LIMITED', platform: 'civis', upstreamStatus: 429 });
    expect((await stack.requests('civis')).byRoute).toEqual({ 'GET /jobs/': 7 });
  });
});
