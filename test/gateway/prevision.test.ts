import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { PREVISION_DEMO } from '@augur/emulators/prevision';
import { startStack, type TestStack } from '../helpers/stack.js';

const CHURN = PREVISION_DEMO.deployments[0]!;
const HOUSE = PREVISION_DEMO.deployments[1]!;
const HIGH_RISK = { tenure_months: 3, monthly_charges: 99.5, contract: 'month-to-month', support_calls: 4 };
const TOKEN_ROUTE = 'POST /auth/realms/prevision.io/protocol/openid-connect/token';
const PREDICT_ROUTE = 'POST /deployments-host/{deploymentId}/predict';

let stack: TestStack;
beforeAll(async () => {
  // Bulk predictions advance one state per read; tokens live 4 s.
  stack = await startStack({ emulatorOptions: { prevision: { asyncStepMs: 0, asyncStepReads: 1, tokenTtlSeconds: 4, keepAliveMs: 0 } } });
});
afterAll(() => stack.close());
beforeEach(() => stack.reset());

/** The global ids of a deployment and a dataset, given Prevision's own ids, as `StartDeploymentPredictionInput`. */
async function globalIds(deployment: string, dataset: string): Promise<{ deploymentId: string; datasetId: string }> {
  const r = await stack.gql(
    `query($d: String!, $ds: String!) { prevision { deployment(platformId: $d) { id } dataset(platformId: $ds) { id } } }`,
    { d: deployment, ds: dataset },
  );
  expect(r.errors).toBeUndefined();
  return { deploymentId: r.data!.prevision.deployment.id, datasetId: r.data!.prevision.dataset.id };
}

const START = `mutation($i: StartDeploymentPredictionInput!) { startDeploymentPrediction(input: $i) {
  deploymentPrediction { platformId } userErrors { field code message } } }`;

const PAGE = 'totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor } edges { cursor node { id platformId name } }';

describe('Query.prevision', () => {
  it('pages projects and their children over 1-based pages, both directions', async () => {
    const r = await stack.gql(`{ prevision { projects(first: 1) { ${PAGE} } } }`);
    expect(r.errors).toBeUndefined();
    const c = r.data!.prevision.projects;
    expect(c.totalCount).toBe(PREVISION_DEMO.projects.length);
    expect(c.edges[0].node.platformId).toBe(PREVISION_DEMO.projects[0]!.id);
    expect(c.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false });
    const next = await stack.gql(`query($a: String) { prevision { projects(first: 5, after: $a) { ${PAGE} } } }`, {
      a: c.pageInfo.endCursor,
    });
    expect(next.data!.prevision.projects.edges.map((e: any) => e.node.platformId)).toEqual(
      PREVISION_DEMO.projects.slice(1).map((p) => p.id),
    );
    expect(next.data!.prevision.projects.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: true });
    const back = await stack.gql(`query($b: String) { prevision { projects(last: 1, before: $b) { ${PAGE} } } }`, {
      b: next.data!.prevision.projects.pageInfo.startCursor,
    });
    expect(back.data!.prevision.projects.edges.map((e: any) => e.node.platformId)).toEqual([PREVISION_DEMO.projects[0]!.id]);
    const counts = await stack.requests('prevision');
    expect(counts.byRoute['GET /ext/v1/projects']).toBe(3);
  });

  it('walks project → datasets, experiments → versions → models, and deployments', async () => {
    const p = PREVISION_DEMO.projects[0]!;
    const r = await stack.gql(
      `query($id: String!) { prevision { project(platformId: $id) { name datasets(first: 10) { totalCount nodes { platformId name describeState } }
        experiments(first: 10) { nodes { name trainingType project { platformId } versions(first: 5) { nodes { version state bestModelScore models(first: 5) { nodes { name tags deployable } } } } } }
        deployments(first: 5) { nodes { name deployState endpoint { id type platform } } } } } }`,
      { id: p.id },
    );
    expect(r.errors).toBeUndefined();
    const project = r.data!.prevision.project;
    expect(project.name).toBe(p.name);
    expect(project.datasets.nodes.map((d: any) => d.platformId)).toEqual(p.datasetIds);
    expect(project.experiments.nodes.map((e: any) => e.project.platformId)).toEqual(p.experimentIds.map(() => p.id));
    const models = project.experiments.nodes.flatMap((e: any) => e.versions.nodes.flatMap((v: any) => v.models.nodes));
    expect(models.some((m: any) => m.tags.includes('best'))).toBe(true);
    expect(project.deployments.nodes[0].endpoint).toMatchObject({ type: 'DEPLOYMENT', platform: 'PREVISION' });
    // The project itself is read once although every experiment names it.
    expect((await stack.requests('prevision')).byRoute['GET /ext/v1/projects/{id}']).toBe(1);
  });

  it('resolves every object through node(id)', async () => {
    const r = await stack.gql(`query($id: String!) { prevision { deployment(platformId: $id) { id name } } }`, { id: CHURN.id });
    const gid = r.data!.prevision.deployment.id;
    const n = await stack.gql(`query($id: ID!) { node(id: $id) { __typename ... on PrevisionDeployment { platformId name } } }`, {
      id: gid,
    });
    expect(n.data!.node).toEqual({ __typename: 'PrevisionDeployment', platformId: CHURN.id, name: CHURN.name });
    const missing = await stack.gql(`{ prevision { dataset(platformId: "000000000000000000000000") { name } } }`);
    expect(missing.errors?.[0]?.extensions).toMatchObject({ code: 'NOT_FOUND', platform: 'prevision', upstreamStatus: 404 });
  });

  it('reads one object by exactly one of id and platformId, refusing anything else before any call', async () => {
    const { deploymentId } = await globalIds(CHURN.id, PREVISION_DEMO.projects[0]!.datasetIds[0]!);
    await stack.reset();
    const r = await stack.gql(
      `query($id: ID!, $gid: String!) { prevision {
        both: deployment(id: $id, platformId: "${CHURN.id}") { name }
        neither: deployment { name }
        malformed: dataset(platformId: "42") { name }
        global: dataset(platformId: $gid) { name }
        wrongType: dataset(id: $id) { name }
      } }`,
      { id: deploymentId, gid: deploymentId },
    );
    const byPath = Object.fromEntries(r.errors!.map((e) => [e.path!.join('.'), e.extensions!['param']]));
    expect(byPath).toEqual({
      'prevision.both': 'platformId',
      'prevision.neither': 'id',
      'prevision.malformed': 'platformId',
      'prevision.global': 'platformId',
      'prevision.wrongType': 'id',
    });
    expect(r.errors!.every((e) => e.extensions!['code'] === 'BAD_USER_INPUT')).toBe(true);
    expect((await stack.requests('prevision')).total).toBe(0);
  });
});

describe('Prevision deployments as endpoints', () => {
  it('lists deployments in Query.endpoints and scores through the same predict field', async () => {
    const list = await stack.gql(`{ endpoints(platform: PREVISION) { totalCount nodes { id name serviceId type } } }`);
    expect(list.errors).toBeUndefined();
    const names = list.data!.endpoints.nodes.map((n: any) => n.name);
    expect(names.sort()).toEqual(PREVISION_DEMO.deployments.map((d) => d.name).sort());
    const churnId = list.data!.endpoints.nodes.find((n: any) => n.name === CHURN.name).id;
    const r = await stack.gql(
      `query($e: ID!, $f: JSONObject!) { predict(endpoint: $e, features: $f) { result { __typename ... on ClassificationResult { predictedClass probabilities { label probability } } } ignored } }`,
      { e: churnId, f: HIGH_RISK },
    );
    expect(r.errors).toBeUndefined();
    expect(r.data!.predict).toEqual({
      result: {
        __typename: 'ClassificationResult',
        predictedClass: 'yes',
        probabilities: [
          { label: 'yes', probability: 0.9442 },
          { label: 'no', probability: 0.0558 },
        ],
      },
      ignored: false,
    });
  });

  it('fetches the OAuth2 token once across many predicts, and refreshes it before expiry', async () => {
    const house = stack.augur.services.codec.encode('Endpoint', `prevision:${HOUSE.id}`);
    const fields = Array.from(
      { length: 10 },
      (_, i) =>
        `p${i}: predict(endpoint: "${house}", features: {surface_m2: ${50 + i}, rooms: 3, city: "Lyon", year_built: 1990}) { ignored }`,
    );
    const first = await stack.gql(`{ ${fields.join(' ')} }`);
    expect(first.errors).toBeUndefined();
    const again = await stack.gql(`{ ${fields.slice(0, 3).join(' ')} }`);
    expect(again.errors).toBeUndefined();
    let counts = await stack.requests('prevision');
    expect(counts.byRoute[TOKEN_ROUTE]).toBe(1);
    expect(counts.byRoute[PREDICT_ROUTE]).toBe(13);
    // Tokens live 4 s and are refreshed 1 s before expiry: after 3.1 s a new one is fetched, once.
    await new Promise((r) => setTimeout(r, 3100));
    await stack.gql(`{ ${fields.slice(0, 4).join(' ')} }`);
    counts = await stack.requests('prevision');
    expect(counts.byRoute[TOKEN_ROUTE]).toBe(2);
    expect(JSON.stringify(stack.logs)).not.toContain(HOUSE.clientSecret);
  }, 20_000);

  it('drops a token the model host refuses and scores with a fresh one', async () => {
    const q = `query($e: ID!, $f: JSONObject!) { predict(endpoint: $e, features: $f) { result { ... on ClassificationResult { predictedClass } } } }`;
    const churn = stack.augur.services.codec.encode('Endpoint', `prevision:${CHURN.id}`);
    expect((await stack.gql(q, { e: churn, f: HIGH_RISK })).errors).toBeUndefined();
    await stack.reset(); // the emulator forgets the tokens it issued; Augur still holds one
    const r = await stack.gql(q, { e: churn, f: HIGH_RISK });
    expect(r.errors).toBeUndefined();
    expect(r.data!.predict.result.predictedClass).toBe('yes');
    const counts = await stack.requests('prevision');
    expect(counts.byRoute[TOKEN_ROUTE]).toBe(1);
    expect(counts.byRoute['GET /deployments-host/{deploymentId}/inputs']).toBe(2); // refused once, then served
    expect(counts.byRoute[PREDICT_ROUTE]).toBe(1);
  });

  it('rejects Dataiku-only options on a deployment before any call', async () => {
    const churn = stack.augur.services.codec.encode('Endpoint', `prevision:${CHURN.id}`);
    const r = await stack.gql(`{ predict(endpoint: "${churn}", features: {a: 1}, dispatch: {forcedGeneration: "v1"}) { ignored } }`);
    expect(r.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', param: 'dispatch' });
    expect((await stack.requests('prevision')).total).toBe(0);
  });
});

describe('bulk deployment predictions', () => {
  it('starts a prediction and reads its state as it moves pending → running → done', async () => {
    const dataset = PREVISION_DEMO.projects[0]!.datasetIds[1]!;
    const input = await globalIds(CHURN.id, dataset);
    await stack.reset();
    const started = await stack.gql(
      `mutation($i: StartDeploymentPredictionInput!) { startDeploymentPrediction(input: $i) {
        deploymentPrediction { id platformId state datasetPlatformId dataset { name } deployment { name } } userErrors { field } } }`,
      { i: input },
    );
    expect(started.errors).toBeUndefined();
    expect(started.data!.startDeploymentPrediction.userErrors).toEqual([]);
    const p = started.data!.startDeploymentPrediction.deploymentPrediction;
    expect(p.datasetPlatformId).toBe(dataset);
    expect(p.dataset.name).toEqual(expect.any(String));
    expect(p.deployment.name).toBe(CHURN.name);
    const states = [p.state];
    for (let i = 0; i < 4 && states[states.length - 1] !== 'DONE'; i++) {
      const r = await stack.gql(`query($id: ID!) { prevision { deploymentPrediction(id: $id) { state mainModelPredictionState } } }`, {
        id: p.id,
      });
      states.push(r.data!.prevision.deploymentPrediction.state);
    }
    expect(states[states.length - 1]).toBe('DONE');
    expect(states).toContain('RUNNING');
    expect((await stack.requests('prevision')).byRoute['POST /ext/v1/deployments/{id}/deployment-predictions']).toBe(1);
  });

  it("pages a deployment's predictions", async () => {
    const r = await stack.gql(
      `query($id: String!) { prevision { deployment(platformId: $id) { predictions(first: 10) { totalCount nodes { platformId state } } } } }`,
      { id: CHURN.id },
    );
    expect(r.data!.prevision.deployment.predictions.nodes.map((n: any) => n.platformId)).toEqual(CHURN.predictionIds);
  });

  it('never retries the start of a bulk prediction', async () => {
    const input = await globalIds(CHURN.id, PREVISION_DEMO.projects[0]!.datasetIds[1]!);
    await stack.faults('prevision', { status: 503, routes: ['POST /ext/v1/deployments/{id}/deployment-predictions'] });
    const r = await stack.gql(
      `mutation($i: StartDeploymentPredictionInput!) { startDeploymentPrediction(input: $i) { deploymentPrediction { id } userErrors { field } } }`,
      { i: input },
    );
    // An upstream that is down is no user error: the whole field fails, in top-level errors.
    expect(r.errors?.[0]?.extensions).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', platform: 'prevision', upstreamStatus: 503 });
    expect((await stack.requests('prevision')).byRoute['POST /ext/v1/deployments/{id}/deployment-predictions']).toBe(1);
  });
});

describe('Prevision error mapping', () => {
  it('maps a wrong token to UNAUTHENTICATED and retries 5xx on reads', async () => {
    const q = `{ prevision { projects(first: 1) { totalCount } } }`;
    const r = await stack.gql(q, undefined, { 'x-prevision-token': 'not-the-token' });
    expect(r.errors?.[0]?.extensions).toMatchObject({ code: 'UNAUTHENTICATED', platform: 'prevision', upstreamStatus: 401 });
    await stack.faults('prevision', { status: 502, count: 1, routes: ['GET /ext/v1/projects'] });
    const ok = await stack.gql(q);
    expect(ok.errors).toBeUndefined();
    expect((await stack.requests('prevision')).byRoute['GET /ext/v1/projects']).toBe(3);
  });
});

describe('typed model inputs and outputs', () => {
  it("lists the features a deployment's model takes, typed", async () => {
    const r = await stack.gql(
      `query($id: String!) { prevision { deployment(platformId: $id) { inputFeatures { name type required } again: inputFeatures { name } } } }`,
      { id: CHURN.id },
    );
    expect(r.errors).toBeUndefined();
    const features = r.data!.prevision.deployment.inputFeatures;
    expect(features.map((f: any) => f.name)).toEqual(CHURN.features);
    expect(features.find((f: any) => f.name === 'tenure_months')).toEqual({ name: 'tenure_months', type: 'NUMBER', required: true });
    expect(features.find((f: any) => f.name === 'contract')).toEqual({ name: 'contract', type: 'STRING', required: true });
    // Read once for both fields (a token left from an earlier test may be refused first).
    const log = await fetch(`${stack.embedded.emulators.prevision!.url}/_emulator/requests?log=1`);
    const served = ((await log.json()) as { log: Array<{ route: string; status: number }> }).log.filter(
      (l) => l.route === 'GET /deployments-host/{deploymentId}/inputs' && l.status === 200,
    );
    expect(served).toHaveLength(1);
  });

  it('answers a classification with its label and probabilities, and a regression with its number', async () => {
    const house = { surface_m2: 72, rooms: 3, city: 'Lyon', year_built: 1990 };
    const r = await stack.gql(
      `query($c: ID!, $h: ID!, $cf: JSONObject!, $hf: JSONObject!) { prevision {
        churn: predict(deployment: $c, features: $cf) { __typename raw ... on PrevisionClassification { label probabilities { label probability } } }
        house: predict(deployment: $h, features: $hf) { __typename raw ... on PrevisionRegression { value } } } }`,
      {
        c: (await globalIds(CHURN.id, PREVISION_DEMO.projects[0]!.datasetIds[0]!)).deploymentId,
        cf: HIGH_RISK,
        ...(await houseIds()),
        hf: house,
      },
    );
    expect(r.errors).toBeUndefined();
    expect(r.data!.prevision.churn).toEqual({
      __typename: 'PrevisionClassification',
      label: 'yes',
      probabilities: [
        { label: 'yes', probability: 0.9442 },
        { label: 'no', probability: 0.0558 },
      ],
      raw: { prediction: 'yes', probas: { yes: 0.9442, no: 0.0558 } },
    });
    const h = r.data!.prevision.house;
    expect(h.__typename).toBe('PrevisionRegression');
    expect(typeof h.value).toBe('number');
    expect(h.raw).toEqual({ prediction: h.value });
  });

  it('refuses a record that does not fit the model before scoring it, naming each feature at fault', async () => {
    const { deploymentId } = await globalIds(CHURN.id, PREVISION_DEMO.projects[0]!.datasetIds[0]!);
    const bad = { tenure_months: 'three', contract: 12, support_calls: null, unknown_extra: 1 };
    const typed = await stack.gql(`query($d: ID!, $f: JSONObject!) { prevision { predict(deployment: $d, features: $f) { raw } } }`, {
      d: deploymentId,
      f: bad,
    });
    expect(typed.data!.prevision.predict).toBeNull();
    const e = typed.errors![0]!;
    expect(e.extensions).toMatchObject({ code: 'BAD_USER_INPUT', param: 'features' });
    expect((e.extensions!['features'] as string[]).sort()).toEqual(['contract', 'monthly_charges', 'support_calls', 'tenure_months']);
    expect(e.message).toContain('"tenure_months" takes a number');
    expect(e.message).toContain('"monthly_charges" is required and missing');
    // The shared predict field checks the same way.
    const shared = await stack.gql(`query($e: ID!, $f: JSONObject!) { predict(endpoint: $e, features: $f) { ignored } }`, {
      e: stack.augur.services.codec.encode('Endpoint', `prevision:${CHURN.id}`),
      f: { ...HIGH_RISK, contract: 1 },
    });
    expect(shared.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', param: 'features', features: ['contract'] });
    // The model's inputs were read; nothing was scored.
    const counts = await stack.requests('prevision');
    expect(counts.byRoute['GET /deployments-host/{deploymentId}/inputs']).toBeGreaterThanOrEqual(2);
    expect(counts.byRoute[PREDICT_ROUTE]).toBeUndefined();
  });
});

describe('startDeploymentPrediction user errors', () => {
  const otherProjectDataset = () => PREVISION_DEMO.projects.find((p) => p.id !== CHURN.projectId)!.datasetIds[0]!;

  it('refuses a malformed, empty or mistyped id before any call', async () => {
    const ok = await globalIds(CHURN.id, PREVISION_DEMO.projects[0]!.datasetIds[1]!);
    await stack.reset();
    const malformed = await stack.gql(START, { i: { ...ok, deploymentId: 'not-an-id' } });
    expect(malformed.errors).toBeUndefined();
    expect(malformed.data!.startDeploymentPrediction).toMatchObject({
      deploymentPrediction: null,
      userErrors: [{ field: ['input', 'deploymentId'], code: 'INVALID' }],
    });
    const empty = await stack.gql(START, { i: { ...ok, datasetId: '' } });
    expect(empty.data!.startDeploymentPrediction.userErrors).toMatchObject([{ field: ['input', 'datasetId'], code: 'INVALID' }]);
    const swapped = await stack.gql(START, { i: { deploymentId: ok.datasetId, datasetId: ok.deploymentId } });
    expect(swapped.data!.startDeploymentPrediction.userErrors[0]).toMatchObject({ field: ['input', 'deploymentId'], code: 'INVALID' });
    expect(swapped.data!.startDeploymentPrediction.userErrors[0].message).toContain('PrevisionDeployment');
    expect((await stack.requests('prevision')).total).toBe(0);
  });

  it("points Prevision's refusal of a dataset of another project at input.datasetId", async () => {
    const input = await globalIds(CHURN.id, otherProjectDataset());
    await stack.reset();
    const r = await stack.gql(START, { i: input });
    expect(r.errors).toBeUndefined();
    expect(r.data!.startDeploymentPrediction).toMatchObject({
      deploymentPrediction: null,
      userErrors: [{ field: ['input', 'datasetId'], code: 'INVALID' }],
    });
    expect(r.data!.startDeploymentPrediction.userErrors[0].message).toContain('does not exist in project');
    const counts = await stack.requests('prevision');
    expect(counts.byRoute['POST /ext/v1/deployments/{id}/deployment-predictions']).toBe(1);
    expect(counts.total).toBe(1);
  });

  it('answers NOT_FOUND at input.deploymentId for a deployment that no longer exists', async () => {
    const input = await globalIds(HOUSE.id, PREVISION_DEMO.projects.find((p) => p.id === HOUSE.projectId)!.datasetIds[0]!);
    const base = stack.embedded.emulators.prevision!.url;
    const del = await fetch(`${base}/ext/v1/deployments/${HOUSE.id}`, {
      method: 'DELETE',
      headers: { authorization: PREVISION_DEMO.masterToken },
    });
    expect(del.status).toBeLessThan(300);
    const r = await stack.gql(START, { i: input });
    expect(r.errors).toBeUndefined();
    expect(r.data!.startDeploymentPrediction).toMatchObject({
      deploymentPrediction: null,
      userErrors: [{ field: ['input', 'deploymentId'], code: 'NOT_FOUND' }],
    });
  });
});

/** Variables `h` (the house deployment's global id) for a query that scores on it. */
async function houseIds(): Promise<{ h: string }> {
  const dataset = PREVISION_DEMO.projects.find((p) => p.id === HOUSE.projectId)!.datasetIds[0]!;
  return { h: (await globalIds(HOUSE.id, dataset)).deploymentId };
}
