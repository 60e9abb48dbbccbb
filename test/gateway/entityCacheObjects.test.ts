/**
 * The entity cache for Civis and Prevision.io objects by id and their list pages, over GraphQL over HTTP against the
 * emulators, whose control planes count the upstream calls: off by default, one call for two identical reads once a
 * TTL is configured, credentials apart, every family of write followed at once by a read (by the writer and by another
 * credential), TTL expiry, `POST /cache/invalidate`, and subscriptions' pollers never served from the cache.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CIVIS_DEMO_API_KEY_2, SEED_IDS } from '@augur/emulators/civis';
import { DEFAULT_MASTER_TOKEN, PREVISION_DEMO } from '@augur/emulators/prevision';
import { startStack, type TestStack } from '../helpers/stack.js';
import { sseSubscribe } from '../helpers/live.js';
import { parseConfig } from '../../src/server/config.js';
import type { NodeTypeName } from '../../src/relay/ids.js';

const ADMIN_KEY = 'cache-admin-key-0123456789';
const SECOND_TOKEN = 'augur-second-prevision-token';
const BOB = { 'x-civis-api-key': CIVIS_DEMO_API_KEY_2 };
const SECOND = { 'x-prevision-token': SECOND_TOKEN };
const CHURN = PREVISION_DEMO.deployments[0]!;
const PROJECT = PREVISION_DEMO.projects.find((p) => p.id === CHURN.projectId)!;
const ERRORS = 'userErrors { field code message }';

const SCRIPT = 'query S($p: String!) { civis { script(platformId: $p) { name archived projects { platformId name } } } }';
const SCRIPTS = '{ civis { scripts(first: 50) { nodes { platformId name } } } }';
const JOB = `query J($p: String!) { civis { job(platformId: $p) { state lastRun { platformId state } runs(first: 20) { nodes { platformId state } } } } }`;
const PROJECT_Q =
  'query P($p: String) { prevision { project(platformId: $p) { name experiments(first: 50) { nodes { platformId name } } } } }';
const PROJECTS = '{ prevision { projects(first: 50) { nodes { platformId name } } } }';

const stacks: TestStack[] = [];
afterAll(async () => {
  await Promise.all(stacks.map((s) => s.close()));
});

async function stack(ttls: string): Promise<TestStack> {
  const s = await startStack({
    env: { AUGUR_ENTITY_CACHE_TTLS: ttls, AUGUR_CACHE_ADMIN_KEY: ADMIN_KEY },
    emulatorOptions: {
      // Runs move only when polled; Prevision jobs only through writes.
      civis: { runReadsToFinish: 3 },
      prevision: { masterTokens: [DEFAULT_MASTER_TOKEN, SECOND_TOKEN], asyncStepMs: 0, asyncStepReads: 0, keepAliveMs: 0 },
    },
  });
  stacks.push(s);
  return s;
}

const route = async (s: TestStack, platform: 'civis' | 'prevision', r: string): Promise<number> =>
  (await s.requests(platform)).byRoute[r] ?? 0;
const gid = (s: TestStack, type: NodeTypeName, id: string | number) => s.augur.services.codec.encode(type, String(id));

function invalidate(s: TestStack, body: unknown): Promise<Response> {
  return fetch(s.url.replace(/\/graphql$/, '/cache/invalidate'), {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_KEY}` },
    body: JSON.stringify(body),
  });
}

/** Resets the emulators and, since their data changed behind Augur's back, drops the cache. */
async function fresh(s: TestStack): Promise<void> {
  await s.reset();
  expect((await invalidate(s, {})).status).toBe(200);
}

/** A query's data, failing the test on any error. */
async function data(s: TestStack, query: string, variables?: Record<string, unknown>, headers?: Record<string, string>): Promise<any> {
  const r = await s.gql(query, variables, headers);
  expect(r.errors).toBeUndefined();
  return r.data!;
}

describe('entity cache for Civis and Prevision: off by default', () => {
  it('caches neither platform unless configured: two identical reads cost two calls each', async () => {
    expect(parseConfig({}).entityCache.ttls).toEqual({ previsto: 10 });
    const s = await stack('previsto=10');
    for (let i = 0; i < 2; i++) {
      await data(s, SCRIPT, { p: '5001' });
      await data(s, PROJECT_Q, { p: PROJECT.id });
    }
    expect(await route(s, 'civis', 'GET /scripts/{id}')).toBe(2);
    expect(await route(s, 'prevision', 'GET /ext/v1/projects/{id}')).toBe(2);
    expect(await route(s, 'prevision', 'GET /ext/v1/projects/{pid}/experiments')).toBe(2);
  });

  it('names the Civis and Prevision types in AUGUR_ENTITY_CACHE_TTLS, and refuses unknown ones', () => {
    expect(parseConfig({ AUGUR_ENTITY_CACHE_TTLS: 'civis=30,civis.runs=0,prevision.experiment-versions=5' }).entityCache.ttls).toEqual({
      civis: 30,
      'civis.runs': 0,
      'prevision.experiment-versions': 5,
    });
    expect(() => parseConfig({ AUGUR_ENTITY_CACHE_TTLS: 'civis.widgets=5' })).toThrow(/civis\.widgets.*credentials, databases/);
    expect(() => parseConfig({ AUGUR_ENTITY_CACHE_TTLS: 'dataiku=5' })).toThrow(/does not cache/);
  });
});

describe('entity cache for Civis and Prevision, in memory', () => {
  let s: TestStack;
  beforeAll(async () => {
    s = await stack('civis=60,prevision=60');
  });

  it('answers two identical reads of an object and of a list page with one upstream GET each, with an age hint', async () => {
    await fresh(s);
    const first = await data(s, SCRIPT, { p: '5001' });
    const res = await fetch(s.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: SCRIPT, variables: { p: '5001' } }),
    });
    const again = (await res.json()) as { data: unknown; extensions?: { cache?: { hits: number; age: number } } };
    expect(again.data).toEqual(first);
    expect(again.extensions?.cache).toMatchObject({ hits: 1, age: expect.any(Number) });
    expect(await route(s, 'civis', 'GET /scripts/{id}')).toBe(1);

    expect(await data(s, SCRIPTS)).toEqual(await data(s, SCRIPTS));
    expect(await route(s, 'civis', 'GET /scripts/')).toBe(1);

    expect(await data(s, PROJECT_Q, { p: PROJECT.id })).toEqual(await data(s, PROJECT_Q, { p: PROJECT.id }));
    expect(await data(s, PROJECTS)).toEqual(await data(s, PROJECTS));
    expect(await s.requests('prevision')).toMatchObject({
      byRoute: { 'GET /ext/v1/projects/{id}': 1, 'GET /ext/v1/projects/{pid}/experiments': 1, 'GET /ext/v1/projects': 1 },
    });
  });

  it('keeps each credential in its own partition', async () => {
    await fresh(s);
    const ada = await data(s, '{ civis { me { username } } }');
    const bob = await data(s, '{ civis { me { username } } }', undefined, BOB);
    expect(ada.civis.me.username).not.toBe(bob.civis.me.username);
    expect((await data(s, '{ civis { me { username } } }', undefined, BOB)).civis.me.username).toBe(bob.civis.me.username);
    expect((await data(s, '{ civis { me { username } } }')).civis.me.username).toBe(ada.civis.me.username);
    expect(await route(s, 'civis', 'GET /users/me')).toBe(2);

    await data(s, PROJECT_Q, { p: PROJECT.id });
    await data(s, PROJECT_Q, { p: PROJECT.id }, SECOND);
    await data(s, PROJECT_Q, { p: PROJECT.id }, SECOND);
    expect(await route(s, 'prevision', 'GET /ext/v1/projects/{id}')).toBe(2);
  });

  it('shows a script created, renamed, archived and linked to a project at once, to the writer and to another credential', async () => {
    await fresh(s);
    const before = await data(s, SCRIPTS);
    await data(s, SCRIPTS, undefined, BOB);
    const created = await data(
      s,
      `mutation($i: CreateCivisScriptInput!) { createCivisScript(input: $i) { script { platformId } ${ERRORS} } }`,
      { i: { language: 'PYTHON3', name: 'Cached create', source: 'print(1)' } },
    );
    const id = created.createCivisScript.script.platformId as string;
    const names = (d: any) => (d.civis.scripts.nodes as Array<{ platformId: string; name: string }>).map((n) => n.platformId);
    expect(names(before)).not.toContain(id);
    expect(names(await data(s, SCRIPTS))).toContain(id);
    expect(names(await data(s, SCRIPTS, undefined, BOB))).toContain(id);

    expect((await data(s, SCRIPT, { p: '5001' })).civis.script).toMatchObject({ name: expect.any(String), archived: false });
    await data(s, SCRIPT, { p: '5001' }, BOB);
    const renamed = await data(s, `mutation($i: UpdateCivisScriptInput!) { updateCivisScript(input: $i) { script { name } ${ERRORS} } }`, {
      i: { id: gid(s, 'CivisScript', 5001), name: 'Renamed through Augur' },
    });
    expect(renamed.updateCivisScript.userErrors).toEqual([]);
    expect((await data(s, SCRIPT, { p: '5001' })).civis.script.name).toBe('Renamed through Augur');
    expect((await data(s, SCRIPT, { p: '5001' }, BOB)).civis.script.name).toBe('Renamed through Augur');

    const archived = await data(s, `mutation($i: ArchiveCivisObjectInput!) { archiveCivisObject(input: $i) { ${ERRORS} } }`, {
      i: { id: gid(s, 'CivisScript', 5001) },
    });
    expect(archived.archiveCivisObject.userErrors).toEqual([]);
    expect((await data(s, SCRIPT, { p: '5001' })).civis.script.archived).toBe(true);

    const PROJECT_OBJECTS = 'query P($p: String!) { civis { project(platformId: $p) { name objects { platformId } } } }';
    const objects = async () => ((await data(s, PROJECT_OBJECTS, { p: '7001' })).civis.project.objects as any[]).map((o) => o.platformId);
    expect(await objects()).not.toContain(id);
    const linked = await data(s, `mutation($i: CivisProjectObjectInput!) { addCivisProjectObject(input: $i) { ${ERRORS} } }`, {
      i: { projectId: gid(s, 'CivisProject', 7001), objectId: gid(s, 'CivisScript', id) },
    });
    expect(linked.addCivisProjectObject.userErrors).toEqual([]);
    expect(await objects()).toContain(id);
    const projectName = (await data(s, PROJECT_OBJECTS, { p: '7001' })).civis.project.name as string;
    expect((await data(s, SCRIPT, { p: id })).civis.script.projects).toEqual([{ platformId: '7001', name: projectName }]);

    // A project's name shows in the objects it holds: renaming it shows there at once too.
    const project = await data(s, `mutation($i: UpdateCivisProjectInput!) { updateCivisProject(input: $i) { ${ERRORS} } }`, {
      i: { id: gid(s, 'CivisProject', 7001), name: 'Project renamed' },
    });
    expect(project.updateCivisProject.userErrors).toEqual([]);
    expect((await data(s, PROJECT_OBJECTS, { p: '7001' })).civis.project.name).toBe('Project renamed');
    expect((await data(s, SCRIPT, { p: id })).civis.script.projects).toEqual([{ platformId: '7001', name: 'Project renamed' }]);

    await data(s, `mutation($i: CivisProjectObjectInput!) { removeCivisProjectObject(input: $i) { ${ERRORS} } }`, {
      i: { projectId: gid(s, 'CivisProject', 7001), objectId: gid(s, 'CivisScript', id) },
    });
    expect(await objects()).not.toContain(id);
    expect((await data(s, SCRIPT, { p: id })).civis.script.projects).toEqual([]);
  });

  it("shows a job's new run, its lastRun and state at once after runCivisJob and cancelCivisRun", async () => {
    await fresh(s);
    const job = String(SEED_IDS.idleJob);
    const before = (await data(s, JOB, { p: job })).civis.job;
    await data(s, JOB, { p: job }, BOB);
    await data(s, `{ civis { script(platformId: "${job}") { lastRun { platformId state } } } }`);
    const jobCalls = await route(s, 'civis', 'GET /jobs/{id}');
    await data(s, JOB, { p: job });
    expect(await route(s, 'civis', 'GET /jobs/{id}')).toBe(jobCalls);

    const started = await data(s, `mutation($i: RunCivisJobInput!) { runCivisJob(input: $i) { run { id platformId state } } }`, {
      i: { jobId: gid(s, 'CivisJob', job) },
    });
    const run = started.runCivisJob.run;
    const after = (await data(s, JOB, { p: job })).civis.job;
    // Reading the job moves a queued run on: its state is the run's, whatever it is now.
    expect(after.lastRun.platformId).toBe(run.platformId);
    expect(['QUEUED', 'RUNNING']).toContain(after.state);
    expect(before.state).toBe('IDLE');
    expect(after.runs.nodes.map((n: any) => n.platformId)).toContain(run.platformId);
    expect(before.runs.nodes.map((n: any) => n.platformId)).not.toContain(run.platformId);

    // Each read of the job moves the run on (it finishes on its third): cancel it before it does.
    const cancelled = await data(s, `mutation($i: CancelCivisRunInput!) { cancelCivisRun(input: $i) { run { state } ${ERRORS} } }`, {
      i: { runId: run.id },
    });
    expect(cancelled.cancelCivisRun).toEqual({ run: { state: 'CANCELLED' }, userErrors: [] });
    const done = (await data(s, JOB, { p: job })).civis.job;
    expect(done.lastRun).toEqual({ platformId: run.platformId, state: 'CANCELLED' });
    expect(done.runs.nodes.find((n: any) => n.platformId === run.platformId).state).toBe('CANCELLED');
    // Another credential's cached copy, and the script view of the same job, show it too.
    expect((await data(s, JOB, { p: job }, BOB)).civis.job.lastRun).toEqual({ platformId: run.platformId, state: 'CANCELLED' });
    expect((await data(s, `{ civis { script(platformId: "${job}") { lastRun { platformId state } } } }`)).civis.script.lastRun).toEqual({
      platformId: run.platformId,
      state: 'CANCELLED',
    });
  });

  it('shows a credential, a query and a table at once after their writes', async () => {
    await fresh(s);
    const CREDENTIAL = 'query C($id: ID!) { civis { credential(id: $id) { name description } } }';
    const made = await data(s, `mutation($i: CreateCredentialInput!) { createCredential(input: $i) { credential { id } ${ERRORS} } }`, {
      i: { name: 'cache-cred', type: 'CUSTOM', username: 'u', password: 'secret-password-1' },
    });
    const credId = made.createCredential.credential.id as string;
    expect((await data(s, CREDENTIAL, { id: credId })).civis.credential.description).toBeNull();
    await data(s, `mutation($i: UpdateCredentialInput!) { updateCredential(input: $i) { ${ERRORS} } }`, {
      i: { id: credId, description: 'now described' },
    });
    expect((await data(s, CREDENTIAL, { id: credId })).civis.credential.description).toBe('now described');
    await data(s, `mutation($i: DeleteCredentialInput!) { deleteCredential(input: $i) { ${ERRORS} } }`, { i: { id: credId } });
    const gone = await s.gql(CREDENTIAL, { id: credId });
    expect(gone.errors?.[0]?.extensions?.['code']).toBe('NOT_FOUND');

    const query = await data(
      s,
      `mutation($i: CreateCivisQueryInput!) { createCivisQuery(input: $i) { query { id platformId state } ${ERRORS} } }`,
      { i: { databaseId: gid(s, 'CivisDatabase', 32), sql: 'SELECT 1' } },
    );
    const q = query.createCivisQuery.query;
    const QUERY = 'query Q($p: String!) { civis { query(platformId: $p) { state } } }';
    const seen = (await data(s, QUERY, { p: q.platformId })).civis.query.state;
    expect(seen).not.toBe('CANCELLED');
    await data(s, `mutation($i: CancelCivisQueryInput!) { cancelCivisQuery(input: $i) { ${ERRORS} } }`, { i: { id: q.id } });
    expect((await data(s, QUERY, { p: q.platformId })).civis.query.state).toBe('CANCELLED');

    const TABLE = 'query T($p: String!) { civis { table(platformId: $p) { description } } }';
    const table = String(SEED_IDS.customersTable);
    await data(s, TABLE, { p: table });
    await data(s, `mutation($i: UpdateCivisTableInput!) { updateCivisTable(input: $i) { ${ERRORS} } }`, {
      i: { id: gid(s, 'CivisTable', table), description: 'Described through Augur' },
    });
    expect((await data(s, TABLE, { p: table })).civis.table.description).toBe('Described through Augur');
  });

  it('shows Prevision projects, experiments and versions at once after create, confirm, stop and delete', async () => {
    await fresh(s);
    const ids = (nodes: Array<{ platformId: string }>) => nodes.map((n) => n.platformId);
    const listed = async (headers?: Record<string, string>) => ids((await data(s, PROJECTS, undefined, headers)).prevision.projects.nodes);
    await listed();
    await listed(SECOND);
    const created = await data(
      s,
      `mutation($i: CreatePrevisionProjectInput!) { createPrevisionProject(input: $i) { project { id platformId } ${ERRORS} } }`,
      { i: { name: 'Cached project' } },
    );
    const project = created.createPrevisionProject.project;
    expect(await listed()).toContain(project.platformId);
    expect(await listed(SECOND)).toContain(project.platformId);

    const experiments = async () => ids((await data(s, PROJECT_Q, { p: project.platformId })).prevision.project.experiments.nodes);
    expect(await experiments()).toEqual([]);
    const experiment = (
      await data(
        s,
        `mutation($i: CreatePrevisionExperimentInput!) { createPrevisionExperiment(input: $i) { experiment { id platformId } ${ERRORS} } }`,
        { i: { projectId: project.id, name: 'Cached experiment', trainingType: 'CLASSIFICATION' } },
      )
    ).createPrevisionExperiment.experiment;
    expect(await experiments()).toEqual([experiment.platformId]);

    // The dataset lives in the seeded project: train there.
    const seeded = (
      await data(
        s,
        `mutation($i: CreatePrevisionExperimentInput!) { createPrevisionExperiment(input: $i) { experiment { id platformId } ${ERRORS} } }`,
        { i: { projectId: gid(s, 'PrevisionProject', PROJECT.id), name: 'Cached training', trainingType: 'CLASSIFICATION' } },
      )
    ).createPrevisionExperiment.experiment;
    const EXPERIMENT =
      'query E($p: String) { prevision { experiment(platformId: $p) { versions(first: 20) { nodes { platformId draft state } } } } }';
    const versions = async () => (await data(s, EXPERIMENT, { p: seeded.platformId })).prevision.experiment.versions.nodes;
    expect(await versions()).toEqual([]);
    const version = (
      await data(
        s,
        `mutation($i: CreatePrevisionExperimentVersionInput!) { createPrevisionExperimentVersion(input: $i) { experimentVersion { id platformId } ${ERRORS} } }`,
        {
          i: {
            experimentId: seeded.id,
            datasetId: gid(s, 'PrevisionDataset', PROJECT.datasetIds[0]!),
            targetColumn: CHURN.target,
            profile: 'QUICK',
          },
        },
      )
    ).createPrevisionExperimentVersion.experimentVersion;
    expect(await versions()).toEqual([{ platformId: version.platformId, draft: true, state: 'PENDING' }]);
    const VERSION = 'query V($p: String) { prevision { experimentVersion(platformId: $p) { draft state } } }';
    expect((await data(s, VERSION, { p: version.platformId }, SECOND)).prevision.experimentVersion.draft).toBe(true);
    await data(s, `mutation($i: PrevisionExperimentVersionInput!) { confirmPrevisionExperimentVersion(input: $i) { ${ERRORS} } }`, {
      i: { id: version.id },
    });
    expect((await data(s, VERSION, { p: version.platformId })).prevision.experimentVersion.draft).toBe(false);
    expect((await data(s, VERSION, { p: version.platformId }, SECOND)).prevision.experimentVersion.draft).toBe(false);
    expect((await versions())[0].draft).toBe(false);
    await data(s, `mutation($i: PrevisionExperimentVersionInput!) { stopPrevisionExperimentVersion(input: $i) { ${ERRORS} } }`, {
      i: { id: version.id },
    });
    expect((await data(s, VERSION, { p: version.platformId })).prevision.experimentVersion.state).toBe('DONE');
    expect((await versions())[0].state).toBe('DONE');

    const deleted = await data(
      s,
      `mutation($i: DeletePrevisionObjectInput!) { deletePrevisionObject(input: $i) { deletedId ${ERRORS} } }`,
      {
        i: { id: project.id },
      },
    );
    expect(deleted.deletePrevisionObject.userErrors).toEqual([]);
    expect(await listed()).not.toContain(project.platformId);
    expect(await listed(SECOND)).not.toContain(project.platformId);
    expect((await s.gql(PROJECT_Q, { p: project.platformId })).errors?.[0]?.extensions?.['code']).toBe('NOT_FOUND');
    const experimentGone = await s.gql('query E($p: String) { prevision { experiment(platformId: $p) { name } } }', {
      p: experiment.platformId,
    });
    expect(experimentGone.errors?.[0]?.extensions?.['code']).toBe('NOT_FOUND');
  });

  it('drops a Civis object and a Prevision type on POST /cache/invalidate, and refuses unknown types', async () => {
    await fresh(s);
    await data(s, SCRIPT, { p: '5001' });
    await data(s, SCRIPT, { p: '5001' });
    expect(await route(s, 'civis', 'GET /scripts/{id}')).toBe(1);
    const r = await invalidate(s, { platform: 'civis', type: 'scripts', id: '5001' });
    expect(r.status).toBe(200);
    expect(await r.json()).toEqual({ invalidated: { platform: 'civis', type: 'scripts', id: '5001' } });
    await data(s, SCRIPT, { p: '5001' });
    expect(await route(s, 'civis', 'GET /scripts/{id}')).toBe(2);

    await data(s, PROJECT_Q, { p: PROJECT.id });
    expect((await invalidate(s, { platform: 'prevision', type: 'experiment-versions' })).status).toBe(200);
    await data(s, PROJECT_Q, { p: PROJECT.id });
    expect(await route(s, 'prevision', 'GET /ext/v1/projects/{id}')).toBe(1);
    expect((await invalidate(s, { platform: 'prevision', type: 'projects', id: PROJECT.id })).status).toBe(200);
    await data(s, PROJECT_Q, { p: PROJECT.id });
    expect(await route(s, 'prevision', 'GET /ext/v1/projects/{id}')).toBe(2);

    const bad = await invalidate(s, { platform: 'civis', type: 'widgets' });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { code: string; message: string } }).error).toMatchObject({
      code: 'BAD_REQUEST',
      message: expect.stringMatching(/credentials, databases/),
    });
  });

  it("serves subscriptions' polls from Civis, never from the cache", async () => {
    await fresh(s);
    const job = String(SEED_IDS.idleJob);
    const started = await data(s, `mutation($i: RunCivisJobInput!) { runCivisJob(input: $i) { run { id platformId } } }`, {
      i: { jobId: gid(s, 'CivisJob', job) },
    });
    const run = started.runCivisJob.run;
    const RUN = `query R($j: String!, $r: String) { civis { job(platformId: $j) { run(platformId: $r) { state } } } }`;
    const cachedState = (await data(s, RUN, { j: job, r: run.platformId })).civis.job.run.state;
    await data(s, RUN, { j: job, r: run.platformId });
    const RUN_ROUTE = 'GET /jobs/{id}/runs/{run_id}';
    const read = await route(s, 'civis', RUN_ROUTE);
    // The run finishes only on Civis reads: a poller served from the cache would never see it move.
    const sub = await sseSubscribe(s.url, 'subscription($id: ID!) { civisJobRun(id: $id) { state } }', { id: run.id });
    await sub.done;
    const states = sub.events.map((e) => e.data?.civisJobRun?.state);
    expect(states.at(-1)).toBe('SUCCEEDED');
    expect(states[0]).not.toBe(cachedState);
    expect(await route(s, 'civis', RUN_ROUTE)).toBeGreaterThan(read);
  }, 30_000);

  it('counts hits, misses and write invalidations of both platforms in /metrics', async () => {
    const text = await (await fetch(s.url.replace(/\/graphql$/, '/metrics'))).text();
    expect(text).toMatch(/augur_entity_cache_reads_total\{platform="civis",type="scripts",outcome="hit"\} [1-9]/);
    expect(text).toMatch(/augur_entity_cache_reads_total\{platform="civis",type="scripts",outcome="miss"\} [1-9]/);
    expect(text).toMatch(/augur_entity_cache_reads_total\{platform="prevision",type="projects",outcome="hit"\} [1-9]/);
    expect(text).toMatch(/augur_entity_cache_invalidations_total\{platform="civis",type="runs",reason="write"\} [1-9]/);
    expect(text).toMatch(/augur_entity_cache_invalidations_total\{platform="prevision",type="experiments",reason="write"\} [1-9]/);
    expect(text).toMatch(/augur_entity_cache_invalidations_total\{platform="prevision",type="all",reason="write"\} [1-9]/);
  });
});

describe('entity cache for Civis and Prevision: per-type TTLs', () => {
  it('re-reads once the TTL has passed, and never caches a type whose TTL is 0', async () => {
    const s = await stack('civis.scripts=1,prevision=60,prevision.projects=0');
    await data(s, SCRIPT, { p: '5001' });
    await data(s, SCRIPT, { p: '5001' });
    expect(await route(s, 'civis', 'GET /scripts/{id}')).toBe(1);
    // Jobs have no TTL of their own and civis none at all.
    await data(s, JOB, { p: '5001' });
    await data(s, JOB, { p: '5001' });
    expect(await route(s, 'civis', 'GET /jobs/{id}')).toBe(2);
    await new Promise((r) => setTimeout(r, 1300));
    await data(s, SCRIPT, { p: '5001' });
    expect(await route(s, 'civis', 'GET /scripts/{id}')).toBe(2);

    await data(s, PROJECT_Q, { p: PROJECT.id });
    await data(s, PROJECT_Q, { p: PROJECT.id });
    expect(await s.requests('prevision')).toMatchObject({
      byRoute: { 'GET /ext/v1/projects/{id}': 2, 'GET /ext/v1/projects/{pid}/experiments': 1 },
    });
  });
});
