import { describe, expect, it } from 'vitest';
import { PREVISION_DEMO } from '../../src/prevision/index.js';
import type { PrevisionEmulator } from '../../src/prevision/index.js';
import { zipSingleFile } from '../../src/prevision/files.js';
import { accessToken, call, EventStream, startPrevision, TOKEN, usePrevision } from './helpers.js';

const [CHURN, ESTATE] = PREVISION_DEMO.projects as [(typeof PREVISION_DEMO.projects)[0], (typeof PREVISION_DEMO.projects)[0]];
const CHURN_API = PREVISION_DEMO.deployments[0]!;
const CHURN_SCORING = CHURN.datasetIds[1]!;
const LEADS_TRAIN = ESTATE.datasetIds[2]!;
const HOUSE_EXP = ESTATE.experimentIds[0]!;
const LEAD_EXP = ESTATE.experimentIds[1]!;

const states = (p: { state: string; main_model_prediction_state: string }): string[] => [p.state, p.main_model_prediction_state];

describe('asynchronous jobs driven by reads (asyncStepReads: 1)', () => {
  let em: PrevisionEmulator;
  let url = '';
  usePrevision({ asyncStepMs: 0, asyncStepReads: 1 }, (s) => ({ em, url } = s));

  it('moves a deployment prediction pending → running → done, one step per read, with an event per step', async () => {
    const created = await call(url, `/ext/v1/deployments/${CHURN_API.id}/deployment-predictions`, {
      method: 'POST',
      body: JSON.stringify({ dataset_id: CHURN_SCORING }),
    });
    expect(created.status).toBe(200);
    const id = created.body._id as string;
    // predict_from_dataset() builds DeploymentPrediction(**body): _id, project_id and deployment_id are required.
    expect(created.body).toMatchObject({ _id: expect.stringMatching(/^[0-9a-f]{24}$/), project_id: CHURN.id, deployment_id: CHURN_API.id });
    const seen: string[][] = [];
    const first = await call(url, `/ext/v1/deployment-predictions/${id}`);
    expect(created.body).toEqual(first.body);
    seen.push(states(first.body));
    for (let i = 0; i < 3; i++) seen.push(states((await call(url, `/ext/v1/deployment-predictions/${id}`)).body));
    expect(seen).toEqual([
      ['pending', 'pending'],
      ['running', 'running'],
      ['done', 'done'],
      ['done', 'done'],
    ]);
    const done = await call(url, `/ext/v1/deployment-predictions/${id}`);
    expect(done.body).toMatchObject({
      deployment_id: CHURN_API.id,
      dataset_id: CHURN_SCORING,
      main_model_id: CHURN_API.modelId,
      predictions_count: 12,
      challenger_model_prediction_state: null,
    });
    expect(em.events()).toEqual([
      { id: 1, event: 'DEPLOYMENT_PREDICTION_UPDATE', data: { _id: id } },
      { id: 2, event: 'DEPLOYMENT_PREDICTION_UPDATE', data: { _id: id } },
    ]);
    expect((await fetch(`${url}/ext/v1/deployment-predictions/${id}/download`, { headers: { authorization: TOKEN } })).status).toBe(200);
  });

  it('refuses a download before the prediction is done', async () => {
    const id = (
      await call(url, `/ext/v1/deployments/${CHURN_API.id}/deployment-predictions`, {
        method: 'POST',
        body: JSON.stringify({ dataset_id: CHURN_SCORING }),
      })
    ).body._id;
    const r = await call(url, `/ext/v1/deployment-predictions/${id}/download`);
    expect(r.status).toBe(400);
    expect(r.body.message).toMatch(/state pending/);
  });

  it('rejects a prediction on a dataset of another project', async () => {
    const r = await call(url, `/ext/v1/deployments/${CHURN_API.id}/deployment-predictions`, {
      method: 'POST',
      body: JSON.stringify({ dataset_id: LEADS_TRAIN }),
    });
    expect(r.status).toBe(400);
    expect(r.body.message).toMatch(/does not exist in project/);
  });

  it('uploads a csv dataset (multipart) and walks copy/describe/drift states with DATASET_UPDATE events', async () => {
    const form = new FormData();
    form.set('name', 'tiny');
    form.set('file', new Blob(['a,b,label\n1,x,yes\n2,y,no\n3,,yes\n'], { type: 'text/csv' }), 'tiny.csv');
    const created = await call(url, `/ext/v1/projects/${CHURN.id}/datasets/file`, { method: 'POST', body: form });
    expect(created.status).toBe(200);
    const id = created.body._id as string;
    const read = async (): Promise<unknown[]> => {
      const d = (await call(url, `/ext/v1/datasets/${id}`)).body;
      return [d.copy_state, d.describe_state, d.drift_state, d.isAvailable];
    };
    expect(await read()).toEqual(['running', 'pending', 'pending', false]);
    expect(await read()).toEqual(['done', 'running', 'running', false]);
    expect(await read()).toEqual(['done', 'done', 'done', true]);
    expect(em.events().map((e) => [e.event, e.data._id])).toEqual([
      ['DATASET_UPDATE', id],
      ['DATASET_UPDATE', id],
    ]);
    const sample = await call(url, `/ext/v1/datasets/${id}/sample`);
    expect(sample.body).toEqual({
      columns: [
        { name: 'a', type: 'numerical' },
        { name: 'b', type: 'categorical' },
        { name: 'label', type: 'categorical' },
      ],
      rows: [
        [1, 'x', 'yes'],
        [2, 'y', 'no'],
        [3, null, 'yes'],
      ],
    });
  });

  it('accepts a zip holding one csv (what the SDK sends for a dataframe) and rejects a non-multipart body', async () => {
    const form = new FormData();
    form.set('name', 'zipped');
    form.set('file', new Blob([zipSingleFile('zipped.csv', Buffer.from('x;y\n1,5;a\n'))], { type: 'application/zip' }), 'zipped.zip');
    form.set('separator', ';');
    form.set('decimal', ',');
    const created = await call(url, `/ext/v1/projects/${CHURN.id}/datasets/file`, { method: 'POST', body: form });
    expect(created.body).toMatchObject({ name: 'zipped', file_type: 'zip', separator: ';', nb_rows: 1, nb_columns: 2 });
    expect((await call(url, `/ext/v1/datasets/${created.body._id}/sample`)).body.rows).toEqual([[1.5, 'a']]);
    const json = await call(url, `/ext/v1/projects/${CHURN.id}/datasets/file`, { method: 'POST', body: JSON.stringify({ name: 'x' }) });
    expect(json.status).toBe(400);
    expect(json.body.message).toMatch(/Expected a multipart\/form-data body with fields "name" and "file"/);
  });

  it('trains a new version (draft, confirm, EXPERIMENT_VERSION_UPDATE), deploys its best model and predicts with it', async () => {
    const draft = await call(url, `/ext/v1/experiments/${LEAD_EXP}/versions`, {
      method: 'POST',
      body: JSON.stringify({ description: 'retrain', dataset_id: LEADS_TRAIN, target_column: 'converted', metric: 'auc' }),
    });
    expect(draft.status).toBe(200);
    expect(draft.body).toMatchObject({ version: 2, state: 'pending', draft: true, experiment: { training_type: 'classification' } });
    const vid = draft.body._id as string;
    expect((await call(url, `/ext/v1/experiment-versions/${vid}/confirm`, { method: 'PUT' })).body.draft).toBe(false);
    const again = await call(url, `/ext/v1/experiment-versions/${vid}/confirm`, { method: 'PUT' });
    expect(again.status).toBe(400);
    const seen: string[] = [];
    for (let i = 0; i < 3; i++) seen.push((await call(url, `/ext/v1/experiment-versions/${vid}`)).body.state);
    expect(seen).toEqual(['pending', 'running', 'done']);
    expect(em.events().filter((e) => e.event === 'EXPERIMENT_VERSION_UPDATE')).toHaveLength(2);
    const models = (await call(url, `/ext/v1/experiment-versions/${vid}/models`)).body.items;
    const best = models.find((m: { tags: string[] }) => m.tags.includes('best'));
    expect(models).toHaveLength(3);

    const dep = await call(url, `/ext/v1/projects/${ESTATE.id}/model-deployments`, {
      method: 'POST',
      body: JSON.stringify({
        name: 'leads-api',
        experiment_id: LEAD_EXP,
        main_model_experiment_version_id: vid,
        main_model_id: best._id,
        type_violation_policy: 'best_effort',
      }),
    });
    expect(dep.status).toBe(200);
    expect(dep.body).toMatchObject({ deploy_state: 'pending', url: `${url}/deployments-host/${dep.body._id}` });
    const depStates: string[] = [];
    for (let i = 0; i < 3; i++) depStates.push((await call(url, `/ext/v1/deployments/${dep.body._id}`)).body.deploy_state);
    expect(depStates).toEqual(['pending', 'running', 'done']);

    const key = (await call(url, `/ext/v1/deployments/${dep.body._id}/api-keys`, { method: 'POST' })).body;
    const secret = (await call(url, `/ext/v1/api-keys/${key._id}/secret`)).body;
    const token = await accessToken(url, secret.service_account_client_id, secret.client_secret);
    const inputs = await call(`${dep.body.url}`, '/inputs', { auth: `Bearer ${token}` });
    expect(inputs.body.map((i: { name: string }) => i.name)).toEqual(['visits', 'days_since_contact', 'channel']);
    const p = await call(dep.body.url, '/predict', {
      method: 'POST',
      auth: `Bearer ${token}`,
      body: JSON.stringify({ visits: 20, days_since_contact: 2, channel: 'phone' }),
    });
    expect(p.status).toBe(200);
    expect(['yes', 'no']).toContain(p.body.prediction);
    expect(p.body.probas.yes + p.body.probas.no).toBeCloseTo(1, 4);
  });

  it('rejects a version whose target is not a dataset column', async () => {
    const r = await call(url, `/ext/v1/experiments/${LEAD_EXP}/versions`, {
      method: 'POST',
      body: JSON.stringify({ dataset_id: LEADS_TRAIN, target_column: 'price' }),
    });
    expect(r.status).toBe(400);
    expect(r.body.message).toMatch(
      /"price" is not a column of dataset leads_train \(columns: visits, days_since_contact, channel, converted\)/,
    );
  });

  it('fails a strict deployment prediction on a dataset missing features, listing them', async () => {
    const versions = (await call(url, `/ext/v1/experiments/${HOUSE_EXP}/versions`)).body.items;
    const v = versions[0];
    const dep = await call(url, `/ext/v1/projects/${ESTATE.id}/model-deployments`, {
      method: 'POST',
      body: JSON.stringify({
        name: 'strict',
        experiment_id: HOUSE_EXP,
        main_model_experiment_version_id: v._id,
        main_model_id: v.best_model._id,
        type_violation_policy: 'strict',
      }),
    });
    const early = await call(url, `/ext/v1/deployments/${dep.body._id}/deployment-predictions`, {
      method: 'POST',
      body: JSON.stringify({ dataset_id: ESTATE.datasetIds[1] }),
    });
    expect(early.status).toBe(400);
    expect(early.body.message).toMatch(/not running yet \(deploy_state pending\)/);
    await call(url, `/ext/v1/deployments/${dep.body._id}`);
    await call(url, `/ext/v1/deployments/${dep.body._id}`);
    const id = (
      await call(url, `/ext/v1/deployments/${dep.body._id}/deployment-predictions`, {
        method: 'POST',
        body: JSON.stringify({ dataset_id: LEADS_TRAIN }),
      })
    ).body._id;
    let p = (await call(url, `/ext/v1/deployment-predictions/${id}`)).body;
    expect(p.missing_columns).toEqual(['surface_m2', 'rooms', 'city', 'year_built']);
    p = (await call(url, `/ext/v1/deployment-predictions/${id}`)).body;
    p = (await call(url, `/ext/v1/deployment-predictions/${id}`)).body;
    expect(states(p)).toEqual(['failed', 'failed']);
  });
});

describe('asynchronous jobs driven by an injected clock', () => {
  let now = Date.UTC(2024, 4, 1, 12, 0, 0);
  let url = '';
  usePrevision({ now: () => now, asyncStepMs: 1000, keepAliveMs: 0 }, (s) => ({ url } = s), { resetEach: false });

  it('advances with the clock, shows it on reads and lists, and streams each change in the SDK chunk format', async () => {
    const { stream, response } = await EventStream.open(url);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const id = (
      await call(url, `/ext/v1/deployments/${CHURN_API.id}/deployment-predictions`, {
        method: 'POST',
        body: JSON.stringify({ dataset_id: CHURN_SCORING }),
      })
    ).body._id as string;
    // Mongo-style ids carry their creation second.
    expect(id.slice(0, 8)).toBe(Math.floor(now / 1000).toString(16));
    expect(states((await call(url, `/ext/v1/deployment-predictions/${id}`)).body)).toEqual(['pending', 'pending']);
    now += 999;
    expect(states((await call(url, `/ext/v1/deployment-predictions/${id}`)).body)).toEqual(['pending', 'pending']);
    now += 1;
    const list = await call(url, `/ext/v1/deployments/${CHURN_API.id}/deployment-predictions`);
    expect(states(list.body.items.find((p: { _id: string }) => p._id === id))).toEqual(['running', 'running']);
    await stream.waitFor((s) => s.events().length === 1);
    now += 60_000;
    expect(states((await call(url, `/ext/v1/deployment-predictions/${id}`)).body)).toEqual(['done', 'done']);
    await stream.waitFor((s) => s.events().length === 2);
    expect(stream.events()).toEqual([
      { event: 'DEPLOYMENT_PREDICTION_UPDATE', data: { _id: id } },
      { event: 'DEPLOYMENT_PREDICTION_UPDATE', data: { _id: id } },
    ]);
    // The SDK splits each non-comment chunk on "\n" and reads lines 2 and 3.
    const messages = stream.text.split('\n\n').filter((m) => m !== '' && !m.startsWith(':'));
    for (const m of messages) {
      const [first, eventLine, dataLine] = m.split('\n');
      expect(first).toMatch(/^id: \d+$/);
      expect(eventLine).toBe('event: DEPLOYMENT_PREDICTION_UPDATE');
      expect(JSON.parse(dataLine!.replace('data: ', ''))).toEqual({ _id: id });
    }
    stream.close();
  });

  it('refuses the event stream without the master token', async () => {
    const r = await call(url, '/ext/v1/events', { auth: 'nope' });
    expect(r.status).toBe(401);
    expect(r.body.err_code).toBe('E_UNK');
  });
});

describe('event stream lifecycle with the real clock', () => {
  it('sends keep-alive comments, delivers job events on time without polling, and ends streams on close()', async () => {
    const { em, url } = await startPrevision({ keepAliveMs: 20, asyncStepMs: 25 });
    const { stream } = await EventStream.open(url);
    try {
      await stream.waitFor((s) => s.text.includes(':keep-alive\n\n'));
      expect(stream.text.startsWith(':ok\n\n')).toBe(true);
      const id = (
        await call(url, `/ext/v1/deployments/${CHURN_API.id}/deployment-predictions`, {
          method: 'POST',
          body: JSON.stringify({ dataset_id: CHURN_SCORING }),
        })
      ).body._id as string;
      await stream.waitFor((s) => s.events().length === 2);
      expect(stream.events().map((e) => e.data._id)).toEqual([id, id]);
      expect(states((await call(url, `/ext/v1/deployment-predictions/${id}`)).body)).toEqual(['done', 'done']);
      expect(em.eventStreams).toBe(1);
    } finally {
      await em.close();
    }
    await stream.waitFor((s) => s.closed);
    expect(em.eventStreams).toBe(0);
  });
});
