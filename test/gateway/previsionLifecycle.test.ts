import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { PREVISION_DEMO } from '@augur/emulators/prevision';
import { startStack, type TestStack } from '../helpers/stack.js';
import type { NodeTypeName } from '../../src/relay/ids.js';

const CHURN = PREVISION_DEMO.deployments[0]!;
const PROJECT = PREVISION_DEMO.projects.find((p) => p.id === CHURN.projectId)!;
const DATASET = PROJECT.datasetIds[0]!;
const ERRORS = 'userErrors { field code message }';

let stack: TestStack;
beforeAll(async () => {
  // Jobs advance one state per read of the resource.
  stack = await startStack({ emulatorOptions: { prevision: { asyncStepMs: 0, asyncStepReads: 1, keepAliveMs: 0 } } });
});
afterAll(() => stack.close());
beforeEach(() => stack.reset());

const gid = (type: NodeTypeName, id: string) => stack.augur.services.codec.encode(type, id);
/** Upstream calls since the last reset, without the read-backs of loaders: method and route template with counts. */
const routes = async () => (await stack.requests('prevision')).byRoute;

describe('Prevision projects and deletes', () => {
  const CREATE = `mutation($i: CreatePrevisionProjectInput!) { createPrevisionProject(input: $i) { project { id platformId name color description } ${ERRORS} } }`;
  const DELETE = `mutation($i: DeletePrevisionObjectInput!) { deletePrevisionObject(input: $i) { deletedId ${ERRORS} } }`;

  it('creates a project with one POST and deletes it with one DELETE', async () => {
    const r = await stack.gql(CREATE, { i: { name: 'Churn 2', color: '#112233' } });
    expect(r.errors).toBeUndefined();
    const p = r.data!.createPrevisionProject.project;
    expect(p).toMatchObject({ name: 'Churn 2', color: '#112233', description: null });
    const d = await stack.gql(DELETE, { i: { id: p.id } });
    expect(d.data!.deletePrevisionObject).toEqual({ deletedId: p.id, userErrors: [] });
    expect(await routes()).toEqual({ 'POST /ext/v1/projects': 1, 'DELETE /ext/v1/projects/{id}': 1 });
    const gone = await stack.gql(DELETE, { i: { id: p.id } });
    expect(gone.data!.deletePrevisionObject.userErrors).toEqual([
      { field: ['input', 'id'], code: 'NOT_FOUND', message: expect.any(String) },
    ]);
  });

  it('refuses a blank name and a bad colour at once before any call; a deployed experiment is refused on input.id', async () => {
    const r = await stack.gql(CREATE, { i: { name: ' ', color: 'red' } });
    expect(r.data!.createPrevisionProject.userErrors.map((e: any) => [e.field.join('.'), e.code])).toEqual([
      ['input.name', 'REQUIRED'],
      ['input.color', 'INVALID'],
    ]);
    const wrong = await stack.gql(DELETE, { i: { id: gid('PrevisionModel', CHURN.modelId) } });
    expect(wrong.data!.deletePrevisionObject.userErrors[0]).toMatchObject({ field: ['input', 'id'], code: 'INVALID' });
    expect((await stack.requests('prevision')).total).toBe(0);
    const deployed = await stack.gql(DELETE, { i: { id: gid('PrevisionExperiment', PROJECT.experimentIds[0]!) } });
    expect(deployed.data!.deletePrevisionObject).toEqual({
      deletedId: null,
      userErrors: [{ field: ['input', 'id'], code: 'INVALID', message: expect.stringMatching(/deployment/) }],
    });
  });

  it('surfaces a Prevision outage as UPSTREAM_UNAVAILABLE and never repeats the create', async () => {
    await stack.faults('prevision', { status: 503, count: 1, routes: ['POST /ext/v1/projects'] });
    const r = await stack.gql(CREATE, { i: { name: 'x' } });
    expect(r.data).toBeNull();
    expect(r.errors?.[0]?.extensions).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', platform: 'prevision', upstreamStatus: 503 });
    expect(await routes()).toEqual({ 'POST /ext/v1/projects': 1 });
  });
});

describe('Prevision experiments: create, version, confirm, stop, and what a version describes', () => {
  const EXPERIMENT = `mutation($i: CreatePrevisionExperimentInput!) { createPrevisionExperiment(input: $i) { experiment { id name trainingType dataType } ${ERRORS} } }`;
  const VERSION = `mutation($i: CreatePrevisionExperimentVersionInput!) { createPrevisionExperimentVersion(input: $i) {
    experimentVersion { id platformId draft state targetColumn datasetPlatformId } ${ERRORS} } }`;
  const CONFIRM = `mutation($i: PrevisionExperimentVersionInput!) { confirmPrevisionExperimentVersion(input: $i) { experimentVersion { draft state } ${ERRORS} } }`;
  const STOP = `mutation($i: PrevisionExperimentVersionInput!) { stopPrevisionExperimentVersion(input: $i) { experimentVersion { state } ${ERRORS} } }`;

  it('trains a new experiment end to end with one call per step', async () => {
    const e = await stack.gql(EXPERIMENT, {
      i: { projectId: gid('PrevisionProject', PROJECT.id), name: 'Churn again', trainingType: 'CLASSIFICATION' },
    });
    expect(e.errors).toBeUndefined();
    expect(e.data!.createPrevisionExperiment.experiment).toMatchObject({
      name: 'Churn again',
      trainingType: 'classification',
      dataType: 'tabular',
    });
    const v = await stack.gql(VERSION, {
      i: {
        experimentId: e.data!.createPrevisionExperiment.experiment.id,
        datasetId: gid('PrevisionDataset', DATASET),
        targetColumn: CHURN.target,
        profile: 'QUICK',
      },
    });
    expect(v.errors).toBeUndefined();
    const version = v.data!.createPrevisionExperimentVersion.experimentVersion;
    expect(version).toMatchObject({ draft: true, state: 'PENDING', targetColumn: CHURN.target, datasetPlatformId: DATASET });
    const c = await stack.gql(CONFIRM, { i: { id: version.id } });
    expect(c.data!.confirmPrevisionExperimentVersion).toEqual({ userErrors: [], experimentVersion: { draft: false, state: 'PENDING' } });
    const again = await stack.gql(CONFIRM, { i: { id: version.id } });
    expect(again.data!.confirmPrevisionExperimentVersion.userErrors).toEqual([
      { field: ['input', 'id'], code: 'INVALID', message: expect.stringMatching(/already confirmed/) },
    ]);
    const s = await stack.gql(STOP, { i: { id: version.id } });
    expect(s.data!.stopPrevisionExperimentVersion).toEqual({ userErrors: [], experimentVersion: { state: 'DONE' } });
    expect(await routes()).toEqual({
      'POST /ext/v1/projects/{pid}/experiments': 1,
      'POST /ext/v1/experiments/{id}/versions': 1,
      'PUT /ext/v1/experiment-versions/{id}/confirm': 2,
      'PUT /ext/v1/experiment-versions/{id}/stop': 1,
    });
  });

  it('reports input problems at once before any call, and points a bad target column at input.targetColumn', async () => {
    const bad = await stack.gql(VERSION, {
      i: { experimentId: 'nope', datasetId: gid('PrevisionDataset', DATASET), targetColumn: 'a', idColumn: 'a', dropList: ['a'] },
    });
    expect(bad.data!.createPrevisionExperimentVersion.userErrors.map((e: any) => e.field.join('.'))).toEqual([
      'input.experimentId',
      'input.idColumn',
      'input.dropList',
    ]);
    expect((await stack.requests('prevision')).total).toBe(0);
    const refused = await stack.gql(VERSION, {
      i: {
        experimentId: gid('PrevisionExperiment', PROJECT.experimentIds[0]!),
        datasetId: gid('PrevisionDataset', DATASET),
        targetColumn: 'no_such_column',
      },
    });
    expect(refused.data!.createPrevisionExperimentVersion.userErrors).toEqual([
      { field: ['input', 'targetColumn'], code: 'INVALID', message: expect.stringMatching(/not a column/) },
    ]);
    const unknown = await stack.gql(STOP, { i: { id: gid('PrevisionExperimentVersion', 'f'.repeat(24)) } });
    expect(unknown.data!.stopPrevisionExperimentVersion.userErrors).toEqual([
      { field: ['input', 'id'], code: 'NOT_FOUND', message: expect.any(String) },
    ]);
  });

  it("reads a version's features and holdout predictions, and a model's hyperparameters and analysis, one call each", async () => {
    const model = await stack.gql(`{ prevision { model(platformId: "${CHURN.modelId}") { experimentVersionPlatformId } } }`);
    const versionId = model.data!.prevision.model.experimentVersionPlatformId;
    await stack.reset();
    const r = await stack.gql(`{ prevision {
      experimentVersion(platformId: "${versionId}") { draft features(first: 100) { totalCount nodes { name type role importance stats } } holdoutPredictions { platformId holdout state model { platformId } } }
      model(platformId: "${CHURN.modelId}") { hyperparameters analysis }
    } }`);
    expect(r.errors).toBeUndefined();
    const v = r.data!.prevision.experimentVersion;
    expect(v.draft).toBe(false);
    expect(v.features.totalCount).toBe(v.features.nodes.length);
    expect(v.features.nodes.find((f: any) => f.name === CHURN.target)).toMatchObject({ role: 'target', importance: null });
    expect(v.holdoutPredictions.every((p: any) => p.model.platformId)).toBe(true);
    expect(
      v.features.nodes
        .filter((f: any) => f.role === 'feature')
        .map((f: any) => f.name)
        .sort(),
    ).toEqual([...CHURN.features].sort());
    expect(v.holdoutPredictions.every((p: any) => p.holdout === true)).toBe(true);
    expect(Object.keys(r.data!.prevision.model.hyperparameters).length).toBeGreaterThan(0);
    expect(r.data!.prevision.model.analysis).toMatchObject({ model_id: CHURN.modelId, classes: expect.any(Array) });
    expect(await routes()).toEqual({
      'GET /ext/v1/experiment-versions/{id}': 1,
      'GET /ext/v1/experiment-versions/{id}/features': 1,
      'GET /ext/v1/experiment-versions/{id}/holdout-predictions': 1,
      'GET /ext/v1/models/{id}': 1,
      'GET /ext/v1/models/{id}/hyperparameters/download': 1,
      'GET /ext/v1/models/{id}/analysis': 1,
    });
  });
});

describe('Prevision deployments and validation predictions', () => {
  const DEPLOY = `mutation($i: CreatePrevisionDeploymentInput!) { createPrevisionDeployment(input: $i) { deployment { id name deployState accessType } ${ERRORS} } }`;
  const REDEPLOY = `mutation($i: CreatePrevisionDeploymentVersionInput!) { createPrevisionDeploymentVersion(input: $i) { deployment { platformId mainModelRunState } ${ERRORS} } }`;
  const VALIDATE = `mutation($i: StartPrevisionValidationPredictionInput!) { startPrevisionValidationPrediction(input: $i) {
    validationPrediction { id platformId state holdout confidence modelPlatformId datasetPlatformId } ${ERRORS} } }`;

  it('deploys a model (its version and experiment read from it) and adds a deployment version', async () => {
    const r = await stack.gql(DEPLOY, { i: { name: 'churn-v2', mainModelId: gid('PrevisionModel', CHURN.modelId), accessType: 'PUBLIC' } });
    expect(r.errors).toBeUndefined();
    expect(r.data!.createPrevisionDeployment).toEqual({
      userErrors: [],
      deployment: { id: expect.any(String), name: 'churn-v2', deployState: 'PENDING', accessType: 'public' },
    });
    expect(await routes()).toEqual({
      'GET /ext/v1/models/{id}': 1,
      'GET /ext/v1/experiment-versions/{id}': 1,
      'POST /ext/v1/projects/{pid}/model-deployments': 1,
    });
    await stack.reset();
    const v = await stack.gql(REDEPLOY, {
      i: { deploymentId: gid('PrevisionDeployment', CHURN.id), name: 'v2', mainModelId: gid('PrevisionModel', CHURN.modelId) },
    });
    expect(v.errors).toBeUndefined();
    expect(v.data!.createPrevisionDeploymentVersion.deployment.platformId).toBe(CHURN.id);
    expect((await routes())['POST /ext/v1/deployments/{id}/versions']).toBe(1);
  });

  it('refuses the same model as main and challenger before any call, and points an unknown model at its field', async () => {
    const same = await stack.gql(DEPLOY, {
      i: { name: 'x', mainModelId: gid('PrevisionModel', CHURN.modelId), challengerModelId: gid('PrevisionModel', CHURN.modelId) },
    });
    expect(same.data!.createPrevisionDeployment.userErrors).toEqual([
      { field: ['input', 'challengerModelId'], code: 'INVALID', message: expect.any(String) },
    ]);
    expect((await stack.requests('prevision')).total).toBe(0);
    const unknown = await stack.gql(DEPLOY, { i: { name: 'x', mainModelId: gid('PrevisionModel', 'a'.repeat(24)) } });
    expect(unknown.data!.createPrevisionDeployment.userErrors).toEqual([
      { field: ['input', 'mainModelId'], code: 'NOT_FOUND', message: expect.any(String) },
    ]);
  });

  it('starts a validation prediction with one POST and reads it by id', async () => {
    const r = await stack.gql(VALIDATE, {
      i: { modelId: gid('PrevisionModel', CHURN.modelId), datasetId: gid('PrevisionDataset', DATASET), confidence: true },
    });
    expect(r.errors).toBeUndefined();
    const p = r.data!.startPrevisionValidationPrediction.validationPrediction;
    expect(p).toMatchObject({ holdout: false, confidence: true, modelPlatformId: CHURN.modelId, datasetPlatformId: DATASET });
    expect(await routes()).toEqual({ 'GET /ext/v1/models/{id}': 1, 'POST /ext/v1/experiment-versions/{id}/validation-predictions': 1 });
    const read = await stack.gql(
      `{ node(id: "${p.id}") { ... on PrevisionValidationPrediction { platformId } } prevision { validationPrediction(platformId: "${p.platformId}") { state } } }`,
    );
    expect(read.errors).toBeUndefined();
    expect(read.data!.node.platformId).toBe(p.platformId);
    const otherProject = PREVISION_DEMO.projects.find((x) => x.id !== PROJECT.id && x.datasetIds.length > 0)!;
    const refused = await stack.gql(VALIDATE, {
      i: { modelId: gid('PrevisionModel', CHURN.modelId), datasetId: gid('PrevisionDataset', otherProject.datasetIds[0]!) },
    });
    expect(refused.data!.startPrevisionValidationPrediction.userErrors).toEqual([
      { field: ['input', 'datasetId'], code: 'INVALID', message: expect.any(String) },
    ]);
  });
});

describe('Prevision reads: profile, project members, sorted lists, predictions with explain and confidence', () => {
  it('reads the profile and the members of a project', async () => {
    const r = await stack.gql(
      `{ prevision { profile { platformId email firstName } project(platformId: "${PROJECT.id}") { users { platformId email role } } } }`,
    );
    expect(r.errors).toBeUndefined();
    expect(r.data!.prevision.profile).toMatchObject({ platformId: PREVISION_DEMO.user.id, email: PREVISION_DEMO.user.email });
    expect(r.data!.prevision.project.users).toContainEqual({
      platformId: PREVISION_DEMO.user.id,
      email: PREVISION_DEMO.user.email,
      role: 'admin',
    });
    expect(await routes()).toEqual({ 'GET /ext/v1/profile': 1, 'GET /ext/v1/projects/{id}': 1, 'GET /ext/v1/projects/{id}/users': 1 });
  });

  it('sorts lists with sortBy and descending, and binds cursors to the order', async () => {
    const desc = await stack.gql(
      `{ prevision { projects(first: 10, orderBy: {field: NAME, direction: DESC}) { nodes { name } pageInfo { endCursor } } } }`,
    );
    expect(desc.errors).toBeUndefined();
    const names = desc.data!.prevision.projects.nodes.map((n: any) => n.name);
    expect(names).toEqual([...PREVISION_DEMO.projects.map((p) => p.name)].sort().reverse());
    const log = (await (await fetch(`${stack.embedded.emulators.prevision!.url}/_emulator/requests?log=1`)).json()) as {
      log: Array<{ query: string }>;
    };
    expect(Object.fromEntries(new URLSearchParams(log.log[0]!.query))).toMatchObject({ sortBy: 'name', descending: 'true', page: '1' });
    const mixed = await stack.gql(`query($a: String) { prevision { projects(first: 1, after: $a) { nodes { name } } } }`, {
      a: desc.data!.prevision.projects.pageInfo.endCursor,
    });
    expect(mixed.errors?.[0]?.extensions?.['code']).toBe('BAD_USER_INPUT');
  });

  it('asks the deployed model for explanations and confidence only when told to', async () => {
    const features = { tenure_months: 3, monthly_charges: 99.5, contract: 'month-to-month', support_calls: 4 };
    const r = await stack.gql(
      `query($d: ID!, $f: JSONObject!) { prevision {
        plain: predict(deployment: $d, features: $f) { explanation { feature value } confidence }
        full: predict(deployment: $d, features: $f, explain: true, confidence: true) { explanation { feature value } confidence ... on PrevisionClassification { label } }
      } }`,
      { d: gid('PrevisionDeployment', CHURN.id), f: features },
    );
    expect(r.errors).toBeUndefined();
    expect(r.data!.prevision.plain).toEqual({ explanation: [], confidence: null });
    const contributions = r.data!.prevision.full.explanation as Array<{ feature: string; value: number }>;
    expect(contributions.map((c) => c.feature)).toEqual(expect.arrayContaining(CHURN.features.filter((f) => f in features)));
    const sizes = contributions.map((c) => Math.abs(c.value));
    expect(sizes).toEqual([...sizes].sort((a, b) => b - a));
    expect(r.data!.prevision.full.confidence).toEqual(expect.any(Object));
    const log = (await (await fetch(`${stack.embedded.emulators.prevision!.url}/_emulator/requests?log=1`)).json()) as {
      log: Array<{ route: string; query: string }>;
    };
    expect(
      log.log
        .filter((l) => l.route.endsWith('/predict'))
        .map((l) => l.query)
        .sort(),
    ).toEqual(['', 'confidence=true&explain=true']);
  });
});

describe('Prevision status', () => {
  it('reports a refused master token as unauthenticated', async () => {
    const bad = await startStack({ env: { PREVISION_MASTER_TOKEN: 'not-the-token' } });
    try {
      const r = await bad.gql(`{ platform(kind: PREVISION) { status { reachable error version credential } } }`);
      expect(r.errors).toBeUndefined();
      expect(r.data!.platform.status).toEqual({ reachable: false, error: 'unauthenticated', version: null, credential: 'REFUSED' });
    } finally {
      await bad.close();
    }
    const good = await stack.gql(`{ platforms { kind status { reachable error version credential } } }`);
    const byKind = Object.fromEntries(good.data!.platforms.map((p: any) => [p.kind, p.status]));
    expect(byKind.PREVISION).toMatchObject({ reachable: true, error: null, version: expect.any(String), credential: 'ACCEPTED' });
    // The other platforms' checks send no credential: they say nothing of it.
    for (const kind of ['DATAIKU', 'CIVIS', 'PREVISTO']) expect(byKind[kind]).toMatchObject({ reachable: true, credential: 'NOT_CHECKED' });
  });
});

describe('Prevision connectors, data sources and datasets read from them', () => {
  const CONNECTOR = `mutation($i: CreatePrevisionConnectorInput!) { createPrevisionConnector(input: $i) {
    connector { id platformId name type host port username } ${ERRORS} } }`;
  const TEST = `mutation($i: TestPrevisionConnectorInput!) { testPrevisionConnector(input: $i) { reachable ${ERRORS} } }`;
  const SOURCE = `mutation($i: CreatePrevisionDataSourceInput!) { createPrevisionDataSource(input: $i) {
    dataSource { id platformId name table connector { platformId } } ${ERRORS} } }`;
  const DATASET = `mutation($i: CreatePrevisionDatasetFromDataSourceInput!) { createPrevisionDatasetFromDataSource(input: $i) {
    dataset { id platformId name rowCount copyState dataSourcePlatformId } ${ERRORS} } }`;
  const SQL = { type: 'SQL', name: 'warehouse', host: 'db.example', port: 5432, username: 'reader', password: 'Very-Secret-Pw' };

  it('creates a connector (its password never answered nor logged), a data source on it, and a dataset from that', async () => {
    const c = await stack.gql(CONNECTOR, { i: { projectId: gid('PrevisionProject', PROJECT.id), ...SQL } });
    expect(c.errors).toBeUndefined();
    const connector = c.data!.createPrevisionConnector.connector;
    expect(connector).toMatchObject({ name: 'warehouse', type: 'SQL', host: 'db.example', port: 5432, username: 'reader' });
    expect(JSON.stringify(c)).not.toContain('Very-Secret-Pw');
    expect(JSON.stringify(stack.logs)).not.toContain('Very-Secret-Pw');
    const t = await stack.gql(TEST, { i: { id: connector.id } });
    expect(t.data!.testPrevisionConnector).toEqual({ reachable: true, userErrors: [] });
    const s = await stack.gql(SOURCE, { i: { connectorId: connector.id, name: 'orders', database: 'shop', table: 'orders' } });
    expect(s.errors).toBeUndefined();
    const source = s.data!.createPrevisionDataSource.dataSource;
    expect(source).toMatchObject({ name: 'orders', table: 'orders', connector: { platformId: connector.platformId } });
    const d = await stack.gql(DATASET, { i: { dataSourceId: source.id, name: 'orders' } });
    expect(d.errors).toBeUndefined();
    expect(d.data!.createPrevisionDatasetFromDataSource.dataset).toMatchObject({
      name: 'orders',
      rowCount: 20,
      copyState: 'RUNNING',
      dataSourcePlatformId: source.platformId,
    });
    const listed = await stack.gql(`{ prevision { project(platformId: "${PROJECT.id}") {
      connectors(first: 5, orderBy: {field: NAME}) { totalCount nodes { platformId } } dataSources(first: 5) { nodes { platformId } } } } }`);
    expect(listed.data!.prevision.project.connectors).toEqual({ totalCount: 1, nodes: [{ platformId: connector.platformId }] });
    expect(listed.data!.prevision.project.dataSources.nodes).toEqual([{ platformId: source.platformId }]);
    const counts = await routes();
    expect(counts).toMatchObject({
      'POST /ext/v1/projects/{pid}/connectors': 1,
      'POST /ext/v1/connectors/{id}/test': 1,
      // Read once for the data source's project, and again for its `connector` field from the request's memo.
      'GET /ext/v1/connectors/{id}': 1,
      'POST /ext/v1/projects/{pid}/data-sources': 1,
      'GET /ext/v1/data-sources/{id}': 1,
      'POST /ext/v1/projects/{pid}/datasets/data-source': 1,
      'GET /ext/v1/projects/{pid}/connectors': 1,
      'GET /ext/v1/projects/{pid}/data-sources': 1,
    });
    const deleted = await stack.gql(`mutation($i: DeletePrevisionObjectInput!) { deletePrevisionObject(input: $i) { deletedId } }`, {
      i: { id: connector.id },
    });
    expect(deleted.data!.deletePrevisionObject.deletedId).toBe(connector.id);
  });

  it("checks each kind's required fields at once before any call, and reports an unreachable source as reachable: false", async () => {
    const bad = await stack.gql(CONNECTOR, { i: { projectId: gid('PrevisionProject', PROJECT.id), type: 'SQL', name: 'x', port: 70000 } });
    expect(bad.data!.createPrevisionConnector.userErrors.map((e: any) => e.field.join('.'))).toEqual([
      'input.host',
      'input.username',
      'input.password',
      'input.port',
    ]);
    const gcp = await stack.gql(CONNECTOR, { i: { projectId: gid('PrevisionProject', PROJECT.id), type: 'GCP', name: 'g' } });
    expect(gcp.data!.createPrevisionConnector.userErrors).toEqual([
      { field: ['input', 'googleCredentials'], code: 'REQUIRED', message: expect.any(String) },
    ]);
    expect((await stack.requests('prevision')).total).toBe(0);
    const c = await stack.gql(CONNECTOR, { i: { projectId: gid('PrevisionProject', PROJECT.id), ...SQL, host: 'unreachable.invalid' } });
    const t = await stack.gql(TEST, { i: { id: c.data!.createPrevisionConnector.connector.id } });
    expect(t.data!.testPrevisionConnector).toEqual({ reachable: false, userErrors: [] });
    const unknown = await stack.gql(TEST, { i: { id: gid('PrevisionConnector', 'a'.repeat(24)) } });
    expect(unknown.data!.testPrevisionConnector.userErrors).toEqual([
      { field: ['input', 'id'], code: 'NOT_FOUND', message: expect.any(String) },
    ]);
    const noTable = await stack.gql(SOURCE, { i: { connectorId: c.data!.createPrevisionConnector.connector.id, name: 's' } });
    expect(noTable.data!.createPrevisionDataSource.userErrors).toEqual([
      { field: ['input', 'table'], code: 'INVALID', message: expect.any(String) },
    ]);
    const noSource = await stack.gql(DATASET, { i: { dataSourceId: gid('PrevisionDataSource', 'b'.repeat(24)), name: 'd' } });
    expect(noSource.data!.createPrevisionDatasetFromDataSource.userErrors).toEqual([
      { field: ['input', 'dataSourceId'], code: 'NOT_FOUND', message: expect.any(String) },
    ]);
  });

  it('surfaces a Prevision outage on a connector create as UPSTREAM_UNAVAILABLE, sent once', async () => {
    await stack.faults('prevision', { status: 502, count: 1, routes: ['POST /ext/v1/projects/{pid}/connectors'] });
    const r = await stack.gql(CONNECTOR, { i: { projectId: gid('PrevisionProject', PROJECT.id), ...SQL } });
    expect(r.data).toBeNull();
    expect(r.errors?.[0]?.extensions).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', upstreamStatus: 502 });
    expect(await routes()).toEqual({ 'POST /ext/v1/projects/{pid}/connectors': 1 });
  });
});

describe('Prevision exporters and exports', () => {
  const CONNECTOR = `mutation($i: CreatePrevisionConnectorInput!) { createPrevisionConnector(input: $i) { connector { id } } }`;
  const EXPORTER = `mutation($i: CreatePrevisionExporterInput!) { createPrevisionExporter(input: $i) {
    exporter { id platformId name target writeMode connector { type } } ${ERRORS} } }`;
  const EXPORT = `mutation($i: StartPrevisionExportInput!) { startPrevisionExport(input: $i) {
    export { id platformId state sourceType sourcePlatformId } ${ERRORS} } }`;

  async function sqlConnector(): Promise<string> {
    const c = await stack.gql(CONNECTOR, {
      i: {
        projectId: gid('PrevisionProject', PROJECT.id),
        type: 'SQL',
        name: 'wh',
        host: 'db',
        port: 5432,
        username: 'u',
        password: 'pw-123456',
      },
    });
    return c.data!.createPrevisionConnector.connector.id;
  }

  it('creates an exporter, exports a dataset, and polls the export until done', async () => {
    const connectorId = await sqlConnector();
    const e = await stack.gql(EXPORTER, { i: { connectorId, name: 'scores', database: 'shop', table: 'scores', writeMode: 'APPEND' } });
    expect(e.errors).toBeUndefined();
    const exporter = e.data!.createPrevisionExporter.exporter;
    expect(exporter).toMatchObject({ name: 'scores', target: 'shop.scores', writeMode: 'APPEND', connector: { type: 'SQL' } });
    const x = await stack.gql(EXPORT, { i: { exporterId: exporter.id, datasetId: gid('PrevisionDataset', DATASET) } });
    expect(x.errors).toBeUndefined();
    const exp = x.data!.startPrevisionExport.export;
    expect(exp).toMatchObject({ state: 'PENDING', sourceType: 'dataset', sourcePlatformId: DATASET });
    let state = exp.state;
    for (let i = 0; i < 4 && state !== 'DONE'; i++) {
      state = (await stack.gql(`{ prevision { export(id: "${exp.id}") { state } } }`)).data!.prevision.export.state;
    }
    expect(state).toBe('DONE');
    const listed = await stack.gql(
      `{ prevision { project(platformId: "${PROJECT.id}") { exporters(first: 5) { nodes { platformId exports(first: 5) { totalCount } } } } } }`,
    );
    expect(listed.data!.prevision.project.exporters.nodes).toEqual([{ platformId: exporter.platformId, exports: { totalCount: 1 } }]);
    expect(await routes()).toMatchObject({
      'POST /ext/v1/projects/{pid}/exporters': 1,
      'POST /ext/v1/exporters/{id}/dataset/{datasetId}': 1,
      'GET /ext/v1/exporters/{id}/exports': 1,
    });
  });

  it('checks the target and the one thing to export before any export call, and points refusals at their field', async () => {
    const connectorId = await sqlConnector();
    const before = (await stack.requests('prevision')).total;
    const bad = await stack.gql(EXPORTER, { i: { connectorId, name: 'x', path: '/out.csv', writeMode: 'SAFE' } });
    expect(bad.data!.createPrevisionExporter.userErrors.map((u: any) => u.field.join('.'))).toEqual([
      'input.database',
      'input.table',
      'input.writeMode',
    ]);
    const e = await stack.gql(EXPORTER, { i: { connectorId, name: 'x', database: 'd', table: 't' } });
    const exporterId = e.data!.createPrevisionExporter.exporter.id;
    const none = await stack.gql(EXPORT, { i: { exporterId } });
    expect(none.data!.startPrevisionExport.userErrors).toEqual([
      { field: ['input', 'datasetId'], code: 'INVALID', message: expect.any(String) },
    ]);
    const two = await stack.gql(EXPORT, {
      i: {
        exporterId,
        datasetId: gid('PrevisionDataset', DATASET),
        deploymentPredictionId: gid('PrevisionDeploymentPrediction', CHURN.predictionIds[0] ?? 'c'.repeat(24)),
      },
    });
    expect(two.data!.startPrevisionExport.userErrors[0].field).toEqual(['input', 'deploymentPredictionId']);
    // A connector read per mutation that needed it, and the exporter create; no export was sent.
    expect((await stack.requests('prevision')).byRoute).toMatchObject({
      'GET /ext/v1/connectors/{id}': 2,
      'POST /ext/v1/projects/{pid}/exporters': 1,
    });
    expect((await stack.requests('prevision')).total - before).toBe(3);
    const otherProject = PREVISION_DEMO.projects.find((x) => x.id !== PROJECT.id && x.datasetIds.length > 0)!;
    const elsewhere = await stack.gql(EXPORT, { i: { exporterId, datasetId: gid('PrevisionDataset', otherProject.datasetIds[0]!) } });
    expect(elsewhere.data!.startPrevisionExport.userErrors).toEqual([
      { field: ['input', 'datasetId'], code: 'INVALID', message: expect.any(String) },
    ]);
    const unknown = await stack.gql(EXPORT, {
      i: { exporterId: gid('PrevisionExporter', 'd'.repeat(24)), datasetId: gid('PrevisionDataset', DATASET) },
    });
    expect(unknown.data!.startPrevisionExport.userErrors).toEqual([
      { field: ['input', 'exporterId'], code: 'NOT_FOUND', message: expect.any(String) },
    ]);
  });
});
