import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { PREVISION_DEMO } from '@augur/emulators/prevision';
import { startStack, type TestStack } from '../helpers/stack.js';

const CHURN = PREVISION_DEMO.deployments[0]!;
const PROJECT = PREVISION_DEMO.projects.find((p) => p.id === CHURN.projectId)!;

let stack: TestStack;
beforeAll(async () => {
  stack = await startStack({ emulatorOptions: { prevision: { asyncStepMs: 0, asyncStepReads: 1, keepAliveMs: 0 } } });
});
afterAll(() => stack.close());
beforeEach(() => stack.reset());

/** The emulator's log of calls since the last reset: route template and query string. */
const calls = async () =>
  (
    (await (await fetch(`${stack.embedded.emulators.prevision!.url}/_emulator/requests?log=1`)).json()) as {
      log: Array<{ route: string; query: string }>;
    }
  ).log;

describe('Prevision lists in an explicit order', () => {
  it('sorts versions, models, predictions and features with sortBy and descending', async () => {
    const r = await stack.gql(
      `query($p: String!, $d: String!) { prevision {
        project(platformId: $p) { experiments(first: 1, orderBy: {field: NAME}) { nodes {
          versions(first: 5, orderBy: {field: CREATED_AT, direction: DESC}) { nodes { platformId createdAt
            models(first: 5, orderBy: {field: NAME, direction: DESC}) { nodes { name } }
            features(first: 50, orderBy: {field: NAME}) { nodes { name } } } } } } }
        deployment(platformId: $d) { predictions(first: 5, orderBy: {field: CREATED_AT}) { nodes { createdAt } } } } }`,
      { p: PROJECT.id, d: CHURN.id },
    );
    expect(r.errors).toBeUndefined();
    const versions = r.data!.prevision.project.experiments.nodes[0].versions.nodes;
    const created = versions.map((v: any) => v.createdAt);
    expect(created.length).toBeGreaterThan(1);
    expect(created).toEqual([...created].sort().reverse());
    const models = versions[0].models.nodes.map((m: any) => m.name);
    expect(models).toEqual([...models].sort().reverse());
    const features = versions[0].features.nodes.map((f: any) => f.name);
    expect(features).toEqual([...features].sort());
    const predictions = r.data!.prevision.deployment.predictions.nodes.map((p: any) => p.createdAt);
    expect(predictions).toEqual([...predictions].sort());
    const sorts = (await calls())
      .filter((c) => c.query.includes('sortBy'))
      .map((c) => {
        const q = Object.fromEntries(new URLSearchParams(c.query));
        return `${c.route} ${q['sortBy']} ${q['descending']}`;
      })
      .sort();
    // One call per list and parent: the experiments page, one versions page, and per version its models and features.
    expect(sorts).toEqual(
      [
        'GET /ext/v1/projects/{pid}/experiments name false',
        'GET /ext/v1/experiments/{id}/versions created_at true',
        ...versions.flatMap(() => [
          'GET /ext/v1/experiment-versions/{id}/models name true',
          'GET /ext/v1/experiment-versions/{id}/features name false',
        ]),
        'GET /ext/v1/deployments/{id}/deployment-predictions created_at false',
      ].sort(),
    );
  });

  it('refuses an order field the items lack, before any call', async () => {
    const r = await stack.gql(
      `query($d: String!) { prevision { deployment(platformId: $d) { predictions(first: 5, orderBy: {field: NAME}) { totalCount } } } }`,
      { d: CHURN.id },
    );
    expect(r.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT' });
    expect(r.errors?.[0]?.message).toMatch(/cannot be ordered by NAME.*CREATED_AT/);
    expect((await stack.requests('prevision')).byRoute['GET /ext/v1/deployments/{id}/deployment-predictions']).toBeUndefined();
  });
});

const gid = (type: Parameters<TestStack['augur']['services']['codec']['encode']>[0], id: string) =>
  stack.augur.services.codec.encode(type, id);
const routes = async () => (await stack.requests('prevision')).byRoute;
const ERRORS = 'userErrors { field code message }';

/** The seeded template and run of the churn project, read from the emulator. */
async function seeded(): Promise<{ template: any; run: any }> {
  const auth = { authorization: PREVISION_DEMO.masterToken };
  const base = `${stack.embedded.emulators.prevision!.url}/ext/v1/projects/${PROJECT.id}`;
  const template = ((await (await fetch(`${base}/pipeline-templates`, { headers: auth })).json()) as any).items[0];
  const run = ((await (await fetch(`${base}/pipeline-scheduled-runs`, { headers: auth })).json()) as any).items[0];
  await stack.reset();
  return { template, run };
}

describe('Prevision pipelines and image folders', () => {
  it("reads a project's pipeline templates, scheduled runs with their executions, and image folders", async () => {
    const r = await stack.gql(
      `query($p: String!) { prevision { project(platformId: $p) {
        pipelineTemplates(first: 5, orderBy: {field: NAME}) { totalCount nodes { id name draft usedInRun nodes { platformId name properties { name type } } } }
        pipelineScheduledRuns(first: 5) { totalCount nodes { id name execType cron enabled draft template { name } nodeSettings { nodePlatformId values }
          executions(last: 1) { state startedAt endedAt } } }
        imageFolders(first: 5) { totalCount nodes { id name copyState imageCount sizeBytes } } } } }`,
      { p: PROJECT.id },
    );
    expect(r.errors).toBeUndefined();
    const project = r.data!.prevision.project;
    const template = project.pipelineTemplates.nodes[0];
    expect(template).toMatchObject({ name: 'Score new customers', draft: false, usedInRun: true });
    // The hidden property of the predict node is left out, as the SDK's get_nodes_properties does.
    expect(template.nodes.map((n: any) => [n.name, n.properties.map((x: any) => x.name)])).toEqual([
      ['import-dataset', ['dataset_id']],
      ['predict', ['deployment_id', 'confidence']],
      ['export', ['exporter_id']],
    ]);
    const run = project.pipelineScheduledRuns.nodes[0];
    expect(run).toMatchObject({ name: 'Nightly churn scoring', execType: 'RECURRING', cron: '0 2 * * *', enabled: true, draft: false });
    expect(run.template).toEqual({ name: 'Score new customers' });
    expect(run.nodeSettings).toEqual([{ nodePlatformId: template.nodes[1].platformId, values: { deployment_id: CHURN.id } }]);
    // Newest first.
    expect(run.executions).toEqual([{ state: 'DONE', startedAt: expect.any(String), endedAt: expect.any(String) }]);
    expect(project.imageFolders.nodes).toEqual([
      { id: expect.any(String), name: 'store_fronts', copyState: 'DONE', imageCount: 48, sizeBytes: 3_145_728 },
    ]);
    expect(await routes()).toEqual({
      'GET /ext/v1/projects/{id}': 1,
      'GET /ext/v1/projects/{pid}/pipeline-templates': 1,
      'GET /ext/v1/projects/{pid}/pipeline-scheduled-runs': 1,
      // A listed run holds no executions: one read of the run asks for as many as wanted.
      'GET /ext/v1/pipeline-scheduled-runs/{id}': 1,
      'GET /ext/v1/pipeline-templates/{id}': 1,
      'GET /ext/v1/projects/{pid}/image-folders': 1,
    });
    const limit = (await calls()).find((c) => c.route === 'GET /ext/v1/pipeline-scheduled-runs/{id}')!.query;
    expect(limit).toBe('limit=1');
  });

  it('reads one run, template or folder by id, its executions without another call, and refuses a bad `last`', async () => {
    const { template, run } = await seeded();
    const r = await stack.gql(
      `query($r: ID!, $t: String!) { prevision {
        pipelineScheduledRun(id: $r) { platformId executions { platformId state } }
        pipelineTemplate(platformId: $t) { id platformId } } }`,
      { r: gid('PrevisionPipelineScheduledRun', run._id), t: template._id },
    );
    expect(r.errors).toBeUndefined();
    expect(r.data!.prevision.pipelineScheduledRun.executions).toHaveLength(2);
    expect(r.data!.prevision.pipelineTemplate.id).toBe(gid('PrevisionPipelineTemplate', template._id));
    expect(await routes()).toEqual({ 'GET /ext/v1/pipeline-scheduled-runs/{id}': 1, 'GET /ext/v1/pipeline-templates/{id}': 1 });
    const bad = await stack.gql(
      `query($r: String!) { prevision { pipelineScheduledRun(platformId: $r) { executions(last: 0) { state } } } }`,
      {
        r: run._id,
      },
    );
    expect(bad.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT' });
    const missing = await stack.gql(`{ prevision { imageFolder(platformId: "${'0'.repeat(24)}") { name } } }`);
    expect(missing.errors?.[0]?.extensions).toMatchObject({ code: 'NOT_FOUND', platform: 'prevision' });
  });

  const CREATE = `mutation($i: CreatePrevisionPipelineScheduledRunInput!) { createPrevisionPipelineScheduledRun(input: $i) {
    scheduledRun { id platformId name draft enabled execType cron nodeSettings { nodePlatformId values } } ${ERRORS} } }`;
  const TRIGGER = `mutation($i: TriggerPrevisionPipelineScheduledRunInput!) { triggerPrevisionPipelineScheduledRun(input: $i) {
    scheduledRun { executions(last: 1) { state } } ${ERRORS} } }`;

  it("creates a run with the SDK's calls, one each, then triggers it once", async () => {
    const { template } = await seeded();
    const predict = template.nodes[1]._id;
    const r = await stack.gql(CREATE, {
      i: {
        templateId: gid('PrevisionPipelineTemplate', template._id),
        name: 'Weekly scoring',
        execType: 'RECURRING',
        cron: '0 3 * * 1',
        nodeSettings: [{ nodePlatformId: predict, values: { deployment_id: CHURN.id, confidence: true } }],
      },
    });
    expect(r.errors).toBeUndefined();
    const created = r.data!.createPrevisionPipelineScheduledRun;
    expect(created.userErrors).toEqual([]);
    expect(created.scheduledRun).toMatchObject({
      name: 'Weekly scoring',
      draft: false,
      enabled: true,
      execType: 'RECURRING',
      cron: '0 3 * * 1',
    });
    expect(created.scheduledRun.nodeSettings).toEqual([{ nodePlatformId: predict, values: { deployment_id: CHURN.id, confidence: true } }]);
    expect(await routes()).toEqual({
      'GET /ext/v1/pipeline-templates/{id}': 1,
      'POST /ext/v1/projects/{pid}/pipeline-scheduled-runs': 1,
      'PUT /ext/v1/pipeline-scheduled-runs/{id}/node/{nodeId}': 1,
      'PUT /ext/v1/pipeline-scheduled-runs/{id}': 1,
      'POST /ext/v1/pipeline-scheduled-runs/{id}/confirm': 1,
    });
    const log = await calls();
    expect(log.map((c) => c.route)).toEqual([
      'GET /ext/v1/pipeline-templates/{id}',
      'POST /ext/v1/projects/{pid}/pipeline-scheduled-runs',
      'PUT /ext/v1/pipeline-scheduled-runs/{id}/node/{nodeId}',
      'PUT /ext/v1/pipeline-scheduled-runs/{id}',
      'POST /ext/v1/pipeline-scheduled-runs/{id}/confirm',
    ]);
    const t = await stack.gql(TRIGGER, { i: { id: created.scheduledRun.id } });
    expect(t.errors).toBeUndefined();
    expect(t.data!.triggerPrevisionPipelineScheduledRun).toEqual({ scheduledRun: { executions: [{ state: 'PENDING' }] }, userErrors: [] });
    // Triggered once; the run read back once.
    const after = await routes();
    expect(after['POST /ext/v1/pipeline-scheduled-runs/{id}/trigger']).toBe(1);
    expect(after['GET /ext/v1/pipeline-scheduled-runs/{id}']).toBe(1);
  });

  it('reports every bad input at once before any write', async () => {
    const { template } = await seeded();
    const r = await stack.gql(CREATE, {
      i: {
        templateId: gid('PrevisionPipelineTemplate', template._id),
        name: ' ',
        cron: '0 3 * * 1',
      },
    });
    expect(r.data!.createPrevisionPipelineScheduledRun.userErrors.map((e: any) => [e.field.join('.'), e.code])).toEqual([
      ['input.name', 'REQUIRED'],
      ['input.cron', 'INVALID'],
    ]);
    const nodes = await stack.gql(CREATE, {
      i: {
        templateId: gid('PrevisionPipelineTemplate', template._id),
        name: 'x',
        execType: 'RECURRING',
        cron: 'daily',
        nodeSettings: [
          { nodePlatformId: 'f'.repeat(24), values: {} },
          { nodePlatformId: template.nodes[1]._id, values: { internal_queue: 'q', confidence: true } },
        ],
      },
    });
    expect(nodes.data!.createPrevisionPipelineScheduledRun.userErrors.map((e: any) => e.field.join('.'))).toEqual(['input.cron']);
    const settings = await stack.gql(CREATE, {
      i: {
        templateId: gid('PrevisionPipelineTemplate', template._id),
        name: 'x',
        nodeSettings: [
          { nodePlatformId: 'f'.repeat(24), values: {} },
          { nodePlatformId: template.nodes[1]._id, values: { internal_queue: 'q', confidence: true } },
        ],
      },
    });
    const errs = settings.data!.createPrevisionPipelineScheduledRun.userErrors;
    expect(errs.map((e: any) => e.field.join('.'))).toEqual(['input.nodeSettings.0.nodePlatformId', 'input.nodeSettings.1.values']);
    expect(errs[1].message).toMatch(/not "internal_queue"/);
    // The first two were refused without a call; the third read the template only. Nothing was written.
    expect(await routes()).toEqual({ 'GET /ext/v1/pipeline-templates/{id}': 1 });
    const unknown = await stack.gql(CREATE, { i: { templateId: gid('PrevisionPipelineTemplate', 'e'.repeat(24)), name: 'x' } });
    expect(unknown.data!.createPrevisionPipelineScheduledRun.userErrors).toEqual([
      { field: ['input', 'templateId'], code: 'NOT_FOUND', message: expect.any(String) },
    ]);
    const wrongType = await stack.gql(CREATE, { i: { templateId: gid('PrevisionProject', PROJECT.id), name: 'x' } });
    expect(wrongType.data!.createPrevisionPipelineScheduledRun.userErrors[0]).toMatchObject({
      field: ['input', 'templateId'],
      code: 'INVALID',
    });
  });

  it('deletes the draft when a later step fails, never repeating the confirm', async () => {
    const { template } = await seeded();
    await stack.faults('prevision', { status: 503, routes: ['POST /ext/v1/pipeline-scheduled-runs/{id}/confirm'] });
    const r = await stack.gql(CREATE, { i: { templateId: gid('PrevisionPipelineTemplate', template._id), name: 'Doomed' } });
    expect(r.errors?.[0]?.extensions).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', platform: 'prevision', upstreamStatus: 503 });
    const counts = await routes();
    expect(counts['POST /ext/v1/pipeline-scheduled-runs/{id}/confirm']).toBe(1);
    expect(counts['POST /ext/v1/projects/{pid}/pipeline-scheduled-runs']).toBe(1);
    expect(counts['DELETE /ext/v1/pipeline-scheduled-runs/{id}']).toBe(1);
    await stack.faults('prevision', {});
    const left = await stack.gql(
      `query($p: String!) { prevision { project(platformId: $p) { pipelineScheduledRuns(first: 10) { nodes { name } } } } }`,
      {
        p: PROJECT.id,
      },
    );
    expect(left.data!.prevision.project.pipelineScheduledRuns.nodes.map((n: any) => n.name)).toEqual(['Nightly churn scoring']);
  });

  it('refuses to trigger a draft or an unknown run, at input.id, and deletes runs, templates and folders', async () => {
    const { template, run } = await seeded();
    // A draft made directly on the platform.
    const draft = (await (
      await fetch(`${stack.embedded.emulators.prevision!.url}/ext/v1/projects/${PROJECT.id}/pipeline-scheduled-runs`, {
        method: 'POST',
        headers: { authorization: PREVISION_DEMO.masterToken, 'content-type': 'application/json' },
        body: JSON.stringify({ pipeline_template_id: template._id, name: 'draft' }),
      })
    ).json()) as { _id: string };
    const t = await stack.gql(TRIGGER, { i: { id: gid('PrevisionPipelineScheduledRun', draft._id) } });
    expect(t.data!.triggerPrevisionPipelineScheduledRun.userErrors).toEqual([
      { field: ['input', 'id'], code: 'INVALID', message: expect.stringMatching(/draft/) },
    ]);
    const gone = await stack.gql(TRIGGER, { i: { id: gid('PrevisionPipelineScheduledRun', 'e'.repeat(24)) } });
    expect(gone.data!.triggerPrevisionPipelineScheduledRun.userErrors[0]).toMatchObject({ field: ['input', 'id'], code: 'NOT_FOUND' });
    const DELETE = `mutation($i: DeletePrevisionObjectInput!) { deletePrevisionObject(input: $i) { deletedId ${ERRORS} } }`;
    const inUse = await stack.gql(DELETE, { i: { id: gid('PrevisionPipelineTemplate', template._id) } });
    expect(inUse.data!.deletePrevisionObject.userErrors[0]).toMatchObject({ field: ['input', 'id'], code: 'INVALID' });
    for (const id of [
      gid('PrevisionPipelineScheduledRun', run._id),
      gid('PrevisionPipelineScheduledRun', draft._id),
      gid('PrevisionPipelineTemplate', template._id),
    ]) {
      const d = await stack.gql(DELETE, { i: { id } });
      expect(d.data!.deletePrevisionObject).toEqual({ deletedId: id, userErrors: [] });
    }
    const counts = await routes();
    expect(counts['DELETE /ext/v1/pipeline-scheduled-runs/{id}']).toBe(2);
    expect(counts['DELETE /ext/v1/pipeline-templates/{id}']).toBe(2);
    expect(counts['POST /ext/v1/pipeline-scheduled-runs/{id}/trigger']).toBe(2);
  });
});

describe('Prevision project members', () => {
  const USERS = 'project { users { platformId email role } }';
  const ADD = `mutation($i: AddPrevisionProjectUserInput!) { addPrevisionProjectUser(input: $i) { ${USERS} ${ERRORS} } }`;
  const SET = `mutation($i: SetPrevisionProjectUserRoleInput!) { setPrevisionProjectUserRole(input: $i) { ${USERS} ${ERRORS} } }`;
  const REMOVE = `mutation($i: RemovePrevisionProjectUserInput!) { removePrevisionProjectUser(input: $i) { ${USERS} ${ERRORS} } }`;

  it('adds a member, changes their role and removes them, one call each, answering the members as they are', async () => {
    const projectId = gid('PrevisionProject', PROJECT.id);
    const added = await stack.gql(ADD, { i: { projectId, email: 'grace@augur.example', role: 'END_USER' } });
    expect(added.errors).toBeUndefined();
    const users = added.data!.addPrevisionProjectUser.project.users;
    const grace = users.find((u: any) => u.email === 'grace@augur.example');
    expect(grace).toMatchObject({ role: 'end_user' });
    expect(await routes()).toEqual({
      'POST /ext/v1/projects/{id}/users': 1,
      'GET /ext/v1/projects/{id}': 1,
      'GET /ext/v1/projects/{id}/users': 1,
    });
    const set = await stack.gql(SET, { i: { projectId, userPlatformId: grace.platformId, role: 'CONTRIBUTOR' } });
    expect(set.data!.setPrevisionProjectUserRole.project.users).toContainEqual({ ...grace, role: 'contributor' });
    const removed = await stack.gql(REMOVE, { i: { projectId, userPlatformId: grace.platformId } });
    expect(removed.data!.removePrevisionProjectUser.userErrors).toEqual([]);
    expect(removed.data!.removePrevisionProjectUser.project.users.map((u: any) => u.email)).not.toContain('grace@augur.example');
    const counts = await routes();
    expect(counts['PUT /ext/v1/projects/{id}/users/{userId}']).toBe(1);
    expect(counts['DELETE /ext/v1/projects/{id}/users/{userId}']).toBe(1);
  });

  it('refuses bad input before any call and points Prevision refusals at their field', async () => {
    const projectId = gid('PrevisionProject', PROJECT.id);
    const bad = await stack.gql(ADD, { i: { projectId: 'nope', email: 'not-an-email', role: 'VIEWER' } });
    expect(bad.data!.addPrevisionProjectUser.userErrors.map((e: any) => e.field.join('.'))).toEqual(['input.projectId', 'input.email']);
    const badId = await stack.gql(REMOVE, { i: { projectId, userPlatformId: 'someone' } });
    expect(badId.data!.removePrevisionProjectUser.userErrors[0]).toMatchObject({ field: ['input', 'userPlatformId'], code: 'INVALID' });
    expect((await stack.requests('prevision')).total).toBe(0);
    const twice = await stack.gql(ADD, { i: { projectId, email: PREVISION_DEMO.user.email, role: 'VIEWER' } });
    expect(twice.data!.addPrevisionProjectUser.userErrors).toEqual([
      { field: ['input', 'email'], code: 'INVALID', message: expect.stringMatching(/already a member/) },
    ]);
    const lastAdmin = await stack.gql(SET, { i: { projectId, userPlatformId: PREVISION_DEMO.user.id, role: 'VIEWER' } });
    expect(lastAdmin.data!.setPrevisionProjectUserRole.userErrors).toEqual([
      { field: ['input', 'role'], code: 'INVALID', message: expect.stringMatching(/last admin/) },
    ]);
    const stranger = await stack.gql(REMOVE, { i: { projectId, userPlatformId: 'a'.repeat(24) } });
    expect(stranger.data!.removePrevisionProjectUser.userErrors[0]).toMatchObject({
      field: ['input', 'userPlatformId'],
      code: 'NOT_FOUND',
    });
    const noProject = await stack.gql(REMOVE, {
      i: { projectId: gid('PrevisionProject', 'b'.repeat(24)), userPlatformId: 'a'.repeat(24) },
    });
    expect(noProject.data!.removePrevisionProjectUser.userErrors[0]).toMatchObject({ field: ['input', 'projectId'], code: 'NOT_FOUND' });
    // The add is never repeated: an outage answers once.
    await stack.reset();
    await stack.faults('prevision', { status: 503, routes: ['POST /ext/v1/projects/{id}/users'] });
    const down = await stack.gql(ADD, { i: { projectId, email: 'x@augur.example', role: 'VIEWER' } });
    expect(down.errors?.[0]?.extensions).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', upstreamStatus: 503 });
    expect((await routes())['POST /ext/v1/projects/{id}/users']).toBe(1);
  });
});
