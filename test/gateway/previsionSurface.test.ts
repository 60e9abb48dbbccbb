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
