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

const PAGE = 'totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor } edges { cursor node { id previsionId name } }';

describe('Query.prevision', () => {
  it('pages projects and their children over 1-based pages, both directions', async () => {
    const r = await stack.gql(`{ prevision { projects(first: 1) { ${PAGE} } } }`);
    expect(r.errors).toBeUndefined();
    const c = r.data!.prevision.projects;
    expect(c.totalCount).toBe(PREVISION_DEMO.projects.length);
    expect(c.edges[0].node.previsionId).toBe(PREVISION_DEMO.projects[0]!.id);
    expect(c.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false });
    const next = await stack.gql(`query($a: String) { prevision { projects(first: 5, after: $a) { ${PAGE} } } }`, {
      a: c.pageInfo.endCursor,
    });
    expect(next.data!.prevision.projects.edges.map((e: any) => e.node.previsionId)).toEqual(
      PREVISION_DEMO.projects.slice(1).map((p) => p.id),
    );
    expect(next.data!.prevision.projects.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: true });
    const back = await stack.gql(`query($b: String) { prevision { projects(last: 1, before: $b) { ${PAGE} } } }`, {
      b: next.data!.prevision.projects.pageInfo.startCursor,
    });
    expect(back.data!.prevision.projects.edges.map((e: any) => e.node.previsionId)).toEqual([PREVISION_DEMO.projects[0]!.id]);
    const counts = await stack.requests('prevision');
    expect(counts.byRoute['GET /ext/v1/projects']).toBe(3);
  });

  it('walks project → datasets, experiments → versions → models, and deployments', async () => {
    const p = PREVISION_DEMO.projects[0]!;
    const r = await stack.gql(
      `query($id: ID!) { prevision { project(id: $id) { name datasets(first: 10) { totalCount nodes { previsionId name describeState } }
        experiments(first: 10) { nodes { name trainingType project { previsionId } versions(first: 5) { nodes { version state bestModelScore models(first: 5) { nodes { name tags deployable } } } } } }
        deployments(first: 5) { nodes { name deployState endpoint { id type platform } } } } } }`,
      { id: p.id },
    );
    expect(r.errors).toBeUndefined();
    const project = r.data!.prevision.project;
    expect(project.name).toBe(p.name);
    expect(project.datasets.nodes.map((d: any) => d.previsionId)).toEqual(p.datasetIds);
    expect(project.experiments.nodes.map((e: any) => e.project.previsionId)).toEqual(p.experimentIds.map(() => p.id));
    const models = project.experiments.nodes.flatMap((e: any) => e.versions.nodes.flatMap((v: any) => v.models.nodes));
    expect(models.some((m: any) => m.tags.includes('best'))).toBe(true);
    expect(project.deployments.nodes[0].endpoint).toMatchObject({ type: 'DEPLOYMENT', platform: 'PREVISION' });
    // The project itself is read once although every experiment names it.
    expect((await stack.requests('prevision')).byRoute['GET /ext/v1/projects/{id}']).toBe(1);
  });

  it('resolves every object through node(id)', async () => {
    const r = await stack.gql(`query($id: ID!) { prevision { deployment(id: $id) { id name } } }`, { id: CHURN.id });
    const gid = r.data!.prevision.deployment.id;
    const n = await stack.gql(`query($id: ID!) { node(id: $id) { __typename ... on PrevisionDeployment { previsionId name } } }`, {
      id: gid,
    });
    expect(n.data!.node).toEqual({ __typename: 'PrevisionDeployment', previsionId: CHURN.id, name: CHURN.name });
    const missing = await stack.gql(`{ prevision { dataset(id: "000000000000000000000000") { name } } }`);
    expect(missing.errors?.[0]?.extensions).toMatchObject({ code: 'NOT_FOUND', platform: 'prevision', upstreamStatus: 404 });
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
    const started = await stack.gql(
      `mutation($d: ID!, $ds: ID!) { startDeploymentPrediction(deployment: $d, dataset: $ds) { id previsionId state datasetId deployment { name } } }`,
      { d: CHURN.id, ds: dataset },
    );
    expect(started.errors).toBeUndefined();
    const p = started.data!.startDeploymentPrediction;
    expect(p.datasetId).toBe(dataset);
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
      `query($id: ID!) { prevision { deployment(id: $id) { predictions(first: 10) { totalCount nodes { previsionId state } } } } }`,
      { id: CHURN.id },
    );
    expect(r.data!.prevision.deployment.predictions.nodes.map((n: any) => n.previsionId)).toEqual(CHURN.predictionIds);
  });

  it('never retries the start of a bulk prediction', async () => {
    await stack.faults('prevision', { status: 503, routes: ['POST /ext/v1/deployments/{id}/deployment-predictions'] });
    const r = await stack.gql(`mutation($d: ID!, $ds: ID!) { startDeploymentPrediction(deployment: $d, dataset: $ds) { id } }`, {
      d: CHURN.id,
      ds: PREVISION_DEMO.projects[0]!.datasetIds[1],
    });
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
