import { describe, expect, it } from 'vitest';
import { PREVISION_DEMO } from '../../src/prevision/index.js';
import type { PrevisionEmulator } from '../../src/prevision/index.js';
import { call, counters, startPrevision, usePrevision } from './helpers.js';

const [CHURN, ESTATE] = PREVISION_DEMO.projects as [(typeof PREVISION_DEMO.projects)[0], (typeof PREVISION_DEMO.projects)[0]];
const CHURN_API = PREVISION_DEMO.deployments[0]!;
const CHURN_EXP = CHURN.experimentIds[0]!;
const LEADS_TRAIN = ESTATE.datasetIds[2]!;
const LEAD_EXP = ESTATE.experimentIds[1]!;
const UNKNOWN_ID = '000000000000000000000000';

interface Wire {
  _id: string;
  version: number;
  parent_version: number | null;
  state: string;
  models_count: number;
  best_model: { _id: string } | null;
}

/** What `Supervised.new_version` posts: the copied config plus `parent_version=self.version`. */
const versionBody = (extra: Record<string, unknown> = {}): string =>
  JSON.stringify({
    description: 'retrain',
    dataset_id: LEADS_TRAIN,
    target_column: 'converted',
    metric: 'auc',
    holdout_dataset_id: null,
    ...extra,
  });

describe('experiment versions (asyncStepReads: 1)', () => {
  let em: PrevisionEmulator;
  let url = '';
  usePrevision({ asyncStepMs: 0, asyncStepReads: 1 }, (s) => ({ em, url } = s));

  const seedVersions = async (experimentId: string): Promise<Wire[]> =>
    (await call(url, `/ext/v1/experiments/${experimentId}/versions`)).body.items;
  const draft = async (extra: Record<string, unknown> = {}): Promise<Wire> => {
    const r = await call(url, `/ext/v1/experiments/${LEAD_EXP}/versions`, { method: 'POST', body: versionBody(extra) });
    expect(r.status).toBe(200);
    return r.body;
  };
  const read = async (id: string): Promise<Wire> => (await call(url, `/ext/v1/experiment-versions/${id}`)).body;
  const models = async (id: string): Promise<Array<{ _id: string; tags: string[] }>> =>
    (await call(url, `/ext/v1/experiment-versions/${id}/models`)).body.items;

  it('stores the seed parent as the parent version number, the form the SDK sends and reads back', async () => {
    const [v1, v2] = await seedVersions(CHURN_EXP);
    expect([v1!.parent_version, v2!.parent_version]).toEqual([null, 1]);
  });

  it('accepts parent_version as the integer version number (new_version) and as a version id', async () => {
    const [v1] = await seedVersions(LEAD_EXP);
    const byNumber = await draft({ parent_version: 1 });
    expect(byNumber).toMatchObject({ version: 2, parent_version: 1 });
    const byId = await draft({ parent_version: v1!._id });
    expect(byId).toMatchObject({ version: 3, parent_version: 1 });
    const ofNewer = await draft({ parent_version: 3 });
    expect(ofNewer).toMatchObject({ version: 4, parent_version: 3 });
    expect((await read(ofNewer._id)).parent_version).toBe(3);
  });

  it.each([
    ['an unknown version number', 7, /"parent_version": 7 is not a version of experiment .* \(its versions: 1\)/],
    ['a version id of another experiment', 'CHURN_V1', /is not a version of experiment/],
    ['an unknown id', UNKNOWN_ID, /is not a version of experiment/],
    ['a boolean', true, /"parent_version" must be a version number \(or a version id\)/],
    ['a fraction', 1.5, /"parent_version" must be a version number/],
  ])('answers 400 E_BAD_REQUEST for parent_version as %s, and creates nothing', async (_label, raw, message) => {
    const value = raw === 'CHURN_V1' ? (await seedVersions(CHURN_EXP))[0]!._id : raw;
    const r = await call(url, `/ext/v1/experiments/${LEAD_EXP}/versions`, { method: 'POST', body: versionBody({ parent_version: value }) });
    expect(r.status).toBe(400);
    expect(r.body).toEqual({ status: 400, err_code: 'E_BAD_REQUEST', message: expect.stringMatching(message) });
    expect(await seedVersions(LEAD_EXP)).toHaveLength(1);
  });

  it('lists the first model while the version is still running, the rest when it is done', async () => {
    const v = await draft();
    await call(url, `/ext/v1/experiment-versions/${v._id}/confirm`, { method: 'PUT' });
    expect(await models(v._id)).toEqual([]);
    expect((await read(v._id)).state).toBe('pending');
    const first = await models(v._id);
    expect(first.map((m) => m.tags)).toEqual([['best']]);
    expect(await read(v._id)).toMatchObject({ state: 'running', models_count: 1, best_model: { _id: first[0]!._id } });
    const all = await models(v._id);
    expect(all).toHaveLength(3);
    expect(all[0]!._id).toBe(first[0]!._id);
    expect(await read(v._id)).toMatchObject({ state: 'done', models_count: 3, best_model: { _id: first[0]!._id } });
    expect(em.events().map((e) => [e.event, e.data._id])).toEqual([
      ['EXPERIMENT_VERSION_UPDATE', v._id],
      ['EXPERIMENT_VERSION_UPDATE', v._id],
    ]);
  });

  it('stops a running version on PUT /stop: done with the models so far, an event, and no further progress', async () => {
    const v = await draft();
    await call(url, `/ext/v1/experiment-versions/${v._id}/confirm`, { method: 'PUT' });
    await read(v._id);
    // The SDK's own flow: wait until len(models) > 0, check it is running, stop().
    expect(await models(v._id)).toHaveLength(1);
    expect((await seedVersions(LEAD_EXP)).find((x) => x._id === v._id)).toMatchObject({ state: 'running', models_count: 1 });
    const stopped = await call(url, `/ext/v1/experiment-versions/${v._id}/stop`, { method: 'PUT' });
    expect(stopped.status).toBe(200);
    expect(stopped.body).toMatchObject({ _id: v._id, state: 'done', models_count: 1 });
    expect(em.events().map((e) => [e.event, e.data._id])).toEqual([
      ['EXPERIMENT_VERSION_UPDATE', v._id],
      ['EXPERIMENT_VERSION_UPDATE', v._id],
    ]);
    for (let i = 0; i < 3; i++) expect((await read(v._id)).state).toBe('done');
    const kept = await models(v._id);
    expect(kept).toHaveLength(1);
    expect(em.events()).toHaveLength(2);

    // A stopped version is done, so its best model deploys.
    const dep = await call(url, `/ext/v1/projects/${ESTATE.id}/model-deployments`, {
      method: 'POST',
      body: JSON.stringify({
        name: 'stopped',
        experiment_id: LEAD_EXP,
        main_model_experiment_version_id: v._id,
        main_model_id: kept[0]!._id,
      }),
    });
    expect(dep.status).toBe(200);
  });

  it('stops a confirmed version before training starts, leaving it done without models', async () => {
    const v = await draft();
    await call(url, `/ext/v1/experiment-versions/${v._id}/confirm`, { method: 'PUT' });
    const stopped = await call(url, `/ext/v1/experiment-versions/${v._id}/stop`, { method: 'PUT' });
    expect(stopped.body).toMatchObject({ state: 'done', models_count: 0, best_model: null });
    await read(v._id);
    expect(await models(v._id)).toEqual([]);
  });

  it('answers a stop of a finished version with it unchanged, of a draft with 400, of an unknown id with 404', async () => {
    const [v1] = await seedVersions(LEAD_EXP);
    const done = await call(url, `/ext/v1/experiment-versions/${v1!._id}/stop`, { method: 'PUT' });
    expect(done.status).toBe(200);
    expect(done.body).toEqual(v1);
    expect(em.events()).toEqual([]);
    const d = await draft();
    const early = await call(url, `/ext/v1/experiment-versions/${d._id}/stop`, { method: 'PUT' });
    expect(early.status).toBe(400);
    expect(early.body.message).toMatch(/is a draft: confirm it/);
    const unknown = await call(url, `/ext/v1/experiment-versions/${UNKNOWN_ID}/stop`, { method: 'PUT' });
    expect(unknown.status).toBe(404);
    expect(unknown.body.err_code).toBe('E_NOT_FOUND');
  });

  it('deletes a version with 204, its models with it, even mid-training', async () => {
    const v = await draft({ parent_version: 1 });
    await call(url, `/ext/v1/experiment-versions/${v._id}/confirm`, { method: 'PUT' });
    await read(v._id);
    const [model] = await models(v._id);
    expect((await seedVersions(LEAD_EXP)).find((x) => x._id === v._id)!.state).toBe('running');
    const del = await call(url, `/ext/v1/experiment-versions/${v._id}`, { method: 'DELETE' });
    expect(del.status).toBe(204);
    expect(del.text).toBe('');
    expect((await call(url, `/ext/v1/experiment-versions/${v._id}`)).status).toBe(404);
    expect((await call(url, `/ext/v1/experiment-versions/${v._id}/models`)).status).toBe(404);
    expect((await call(url, `/ext/v1/models/${model!._id}`)).status).toBe(404);
    expect((await seedVersions(LEAD_EXP)).map((x) => x.version)).toEqual([1]);
    em.settle();
    expect(em.events()).toHaveLength(1);
    // Numbers are not reused: a child's parent_version keeps naming one version.
    expect(await draft()).toMatchObject({ version: 3 });
    expect((await counters(url)).byRoute['DELETE /ext/v1/experiment-versions/{id}']).toBe(1);
  });

  it('refuses to delete a version with a deployed model, and answers 404 for an unknown one', async () => {
    const [, v2] = await seedVersions(CHURN_EXP);
    const deployed = await call(url, `/ext/v1/experiment-versions/${v2!._id}`, { method: 'DELETE' });
    expect(deployed.status).toBe(400);
    expect(deployed.body.message).toMatch(new RegExp(`deployed as "churn-api" \\(${CHURN_API.id}\\); delete the deployment first`));
    expect((await read(v2!._id)).state).toBe('done');
    const unknown = await call(url, `/ext/v1/experiment-versions/${UNKNOWN_ID}`, { method: 'DELETE' });
    expect(unknown.status).toBe(404);
    expect(unknown.body).toEqual({ status: 404, err_code: 'E_NOT_FOUND', message: expect.stringContaining(UNKNOWN_ID) });
  });
});

describe('experiment versions driven by an injected clock', () => {
  it('shows the first model with state running one step after confirm, all three with done one step later', async () => {
    let now = Date.UTC(2024, 4, 1, 12, 0, 0);
    const { em, url } = await startPrevision({ now: () => now, asyncStepMs: 1000, keepAliveMs: 0 });
    try {
      const v = (await call(url, `/ext/v1/experiments/${LEAD_EXP}/versions`, { method: 'POST', body: versionBody() })).body as Wire;
      await call(url, `/ext/v1/experiment-versions/${v._id}/confirm`, { method: 'PUT' });
      const count = async (): Promise<number> => (await call(url, `/ext/v1/experiment-versions/${v._id}/models`)).body.items.length;
      const state = async (): Promise<string> => (await call(url, `/ext/v1/experiment-versions/${v._id}`)).body.state;
      expect([await count(), await state()]).toEqual([0, 'pending']);
      now += 1000;
      expect([await count(), await state()]).toEqual([1, 'running']);
      now += 1000;
      expect([await count(), await state()]).toEqual([3, 'done']);
    } finally {
      await em.close();
    }
  });
});
