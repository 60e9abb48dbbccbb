/** Prevision's long work watched live: a bulk prediction, an experiment version training, a deployment. */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { PREVISION_DEMO } from '@augur/emulators/prevision';
import { startStack, type TestStack } from '../helpers/stack.js';
import { sseSubscribe, wsClient, wsSubscribe } from '../helpers/live.js';

const CHURN = PREVISION_DEMO.deployments[0]!;
const PROJECT = PREVISION_DEMO.projects[0]!;

let stack: TestStack;
beforeAll(async () => {
  // Asynchronous resources move one state per read of them; polls every 20 ms.
  stack = await startStack({
    env: { AUGUR_LIVE_POLL_MIN_MS: '20', AUGUR_LIVE_POLL_MAX_MS: '80' },
    emulatorOptions: { prevision: { asyncStepMs: 0, asyncStepReads: 1, keepAliveMs: 0 } },
  });
});
afterAll(() => stack.close());
beforeEach(() => stack.reset());

describe('Prevision subscriptions', () => {
  it('watches a bulk prediction started by startDeploymentPrediction over SSE until it is DONE', async () => {
    const ids = await stack.gql(
      `query($d: String!, $ds: String!) { prevision { deployment(platformId: $d) { id } dataset(platformId: $ds) { id } } }`,
      { d: CHURN.id, ds: PROJECT.datasetIds[1] },
    );
    const started = await stack.gql(
      `mutation($i: StartDeploymentPredictionInput!) { startDeploymentPrediction(input: $i) { deploymentPrediction { id state } userErrors { message } } }`,
      { i: { deploymentId: ids.data!.prevision.deployment.id, datasetId: ids.data!.prevision.dataset.id } },
    );
    expect(started.data!.startDeploymentPrediction.userErrors).toEqual([]);
    const id = started.data!.startDeploymentPrediction.deploymentPrediction.id as string;
    const sub = await sseSubscribe(
      stack.url,
      `subscription($id: ID) { previsionDeploymentPrediction(id: $id) { state mainModelPredictionState deployment { name } } }`,
      { id },
    );
    await sub.done;
    const seen = sub.events.map((e) => e.data.previsionDeploymentPrediction);
    expect(seen.at(-1)).toMatchObject({ state: 'DONE', mainModelPredictionState: 'DONE', deployment: { name: CHURN.name } });
    expect(new Set(seen.map((p) => JSON.stringify(p))).size).toBe(seen.length);
    // One read per poll, the prediction moving one state per read, and none after DONE.
    const reads = (await stack.requests('prevision')).byRoute['GET /ext/v1/deployment-predictions/{id}']!;
    expect(reads).toBeGreaterThanOrEqual(seen.length);
    expect(reads).toBeLessThanOrEqual(seen.length + 1);
    await new Promise((r) => setTimeout(r, 200));
    expect((await stack.requests('prevision')).byRoute['GET /ext/v1/deployment-predictions/{id}']).toBe(reads);
    expect(stack.augur.live.activePollers).toBe(0);
  });

  it('watches an experiment version training over WebSocket, by Prevision id, until it is DONE', async () => {
    const res = await fetch(`${stack.embedded.emulators.prevision!.url}/ext/v1/experiments/${PROJECT.experimentIds[0]}/versions`, {
      method: 'POST',
      headers: { authorization: PREVISION_DEMO.masterToken, 'content-type': 'application/json' },
      body: JSON.stringify({ dataset_id: PROJECT.datasetIds[0], target_column: 'churn' }),
    });
    expect(res.status).toBeLessThan(300);
    const version = (await res.json()) as { _id: string };
    // A new version is a draft until confirmed, which starts its training.
    const confirm = await fetch(`${stack.embedded.emulators.prevision!.url}/ext/v1/experiment-versions/${version._id}/confirm`, {
      method: 'PUT',
      headers: { authorization: PREVISION_DEMO.masterToken },
    });
    expect(confirm.status).toBeLessThan(300);
    const client = wsClient(stack.url);
    try {
      const sub = wsSubscribe(
        client,
        `subscription($p: String) { previsionExperimentVersion(platformId: $p) { platformId state bestModelScore } }`,
        { p: version._id },
      );
      await sub.done;
      const states = sub.events.map((e) => e.data.previsionExperimentVersion.state);
      expect(states.at(-1)).toBe('DONE');
      expect(states[0]).not.toBe('DONE');
      expect(new Set(states).size).toBe(states.length);
    } finally {
      await client.dispose();
    }
  });

  it('emits a deployment that is already serving once, then completes', async () => {
    const sub = await sseSubscribe(
      stack.url,
      `subscription($p: String) { previsionDeployment(platformId: $p) { name deployState mainModelRunState } }`,
      { p: CHURN.id },
    );
    await sub.done;
    expect(sub.events.map((e) => e.data)).toEqual([
      { previsionDeployment: { name: CHURN.name, deployState: 'DONE', mainModelRunState: 'DONE' } },
    ]);
    expect((await stack.requests('prevision')).byRoute['GET /ext/v1/deployments/{id}']).toBe(1);
  });
});
