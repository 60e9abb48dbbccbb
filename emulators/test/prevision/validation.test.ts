import { describe, expect, it } from 'vitest';
import { PREVISION_DEMO } from '../../src/prevision/index.js';
import type { PrevisionEmulator } from '../../src/prevision/index.js';
import { zipSingleFile } from '../../src/prevision/files.js';
import { call, counters, csvRows, EventStream, reset, TOKEN, zipCsv, usePrevision } from './helpers.js';

const [CHURN, ESTATE] = PREVISION_DEMO.projects as [(typeof PREVISION_DEMO.projects)[0], (typeof PREVISION_DEMO.projects)[0]];
const [CHURN_API, HOUSE_API] = PREVISION_DEMO.deployments as [
  (typeof PREVISION_DEMO.deployments)[0],
  (typeof PREVISION_DEMO.deployments)[0],
];
const [CHURN_TRAIN, CHURN_SCORING] = CHURN.datasetIds as [string, string];
const [, HOUSES_SCORING, LEADS_TRAIN] = ESTATE.datasetIds as [string, string, string];
const LEAD_EXP = ESTATE.experimentIds[1]!;
const UNKNOWN_ID = '000000000000000000000000';

/** The version a seeded deployment's main model belongs to. */
const versionOf = async (url: string, modelId: string): Promise<string> =>
  (await call(url, `/ext/v1/models/${modelId}`)).body.experiment_version_id;

describe('validation predictions (asyncStepReads: 1)', () => {
  let em: PrevisionEmulator;
  let url = '';
  usePrevision({ asyncStepMs: 0, asyncStepReads: 1 }, (s) => ({ em, url } = s));

  const start = async (versionId: string, body: Record<string, unknown>) =>
    call(url, `/ext/v1/experiment-versions/${versionId}/validation-predictions`, { method: 'POST', body: JSON.stringify(body) });
  /** Reads the prediction until it settles, as the SDK's wait_for_event re-reads it after each PREDICTION_UPDATE. */
  const settle = async (id: string): Promise<string[]> => {
    const seen: string[] = [];
    for (let i = 0; i < 3; i++) seen.push((await call(url, `/ext/v1/validation-predictions/${id}`)).body.state);
    return seen;
  };

  it("runs Model.predict's flow: upload a dataframe as a zip, predict, wait on PREDICTION_UPDATE, download", async () => {
    // Dataset._new(dataframe=df): a multipart upload of a zip holding "<name>.csv", then DATASET_UPDATE until done.
    const csv =
      'customer_id,tenure_months,monthly_charges,contract,support_calls\nC-9001,3,99.5,month-to-month,4\nC-9002,60,25,two-year,0\nC-9003,12,70,one-year,2\n';
    const form = new FormData();
    form.set('name', 'test_LightGBM-1_a1b2c3');
    form.set('file', new Blob([zipSingleFile('test_LightGBM-1_a1b2c3.csv', Buffer.from(csv))], { type: 'application/zip' }), 'tmpabc.zip');
    const ds = (await call(url, `/ext/v1/projects/${CHURN.id}/datasets/file`, { method: 'POST', body: form })).body;
    for (let i = 0; i < 2; i++) await call(url, `/ext/v1/datasets/${ds._id}`);
    expect((await call(url, `/ext/v1/datasets/${ds._id}`)).body).toMatchObject({
      copy_state: 'done',
      describe_state: 'done',
      drift_state: 'done',
    });

    const vid = await versionOf(url, CHURN_API.modelId);
    const created = await start(vid, { dataset_id: ds._id, model_id: CHURN_API.modelId, confidence: 'false' });
    expect(created.status).toBe(200);
    // ValidationPrediction(**body) requires _id, experiment_id, experiment_version_id and project_id.
    expect(created.body).toEqual({
      _id: expect.stringMatching(/^[0-9a-f]{24}$/),
      project_id: CHURN.id,
      experiment_id: CHURN.experimentIds[0],
      experiment_version_id: vid,
      model_id: CHURN_API.modelId,
      model_name: 'LightGBM-1',
      dataset_id: ds._id,
      dataset_name: 'test_LightGBM-1_a1b2c3',
      folder_dataset_id: null,
      filename: 'test_LightGBM-1_a1b2c3_predictions',
      state: 'pending',
      confidence: false,
      holdout: false,
      download_available: false,
      missing_columns: [],
      score: null,
      duration: null,
      predictions_count: null,
      created_at: expect.any(String),
      created_by: PREVISION_DEMO.user.id,
    });
    const id = created.body._id as string;
    expect(await settle(id)).toEqual(['pending', 'running', 'done']);
    expect(em.events().filter((e) => e.event === 'PREDICTION_UPDATE')).toEqual([
      { id: expect.any(Number), event: 'PREDICTION_UPDATE', data: { _id: id } },
      { id: expect.any(Number), event: 'PREDICTION_UPDATE', data: { _id: id } },
    ]);
    expect((await call(url, `/ext/v1/validation-predictions/${id}`)).body).toMatchObject({
      predictions_count: 3,
      download_available: true,
      score: null,
    });

    const out = await zipCsv(url, `/ext/v1/validation-predictions/${id}/download`);
    expect(out.contentType).toBe('application/zip');
    expect(out.name).toBe('test_LightGBM-1_a1b2c3_predictions.csv');
    expect(out.rows[0]).toEqual([
      'customer_id',
      'tenure_months',
      'monthly_charges',
      'contract',
      'support_calls',
      'pred_churn',
      'proba_yes',
      'proba_no',
    ]);
    expect(out.rows).toHaveLength(4);

    // The same model deployed scores the same dataset identically.
    const dp = (
      await call(url, `/ext/v1/deployments/${CHURN_API.id}/deployment-predictions`, {
        method: 'POST',
        body: JSON.stringify({ dataset_id: ds._id }),
      })
    ).body;
    for (let i = 0; i < 3; i++) await call(url, `/ext/v1/deployment-predictions/${dp._id}`);
    expect((await zipCsv(url, `/ext/v1/deployment-predictions/${dp._id}/download`)).rows).toEqual(out.rows);
    expect(out.rows[1]![5]).toBe('yes');
    expect(out.rows[2]![5]).toBe('no');
  });

  it('matches the seeded deployment prediction of the deployed model on the same dataset', async () => {
    const vid = await versionOf(url, CHURN_API.modelId);
    const id = (await start(vid, { dataset_id: CHURN_SCORING, model_id: CHURN_API.modelId, confidence: 'false' })).body._id;
    await settle(id);
    const seeded = await zipCsv(url, `/ext/v1/deployment-predictions/${CHURN_API.predictionIds[0]}/download`);
    const validation = await zipCsv(url, `/ext/v1/validation-predictions/${id}/download`);
    expect(validation.rows).toEqual(seeded.rows);
    expect(validation.rows).toHaveLength(13);
  });

  it('adds confidence and credibility columns to a classification with confidence "true"', async () => {
    const vid = await versionOf(url, CHURN_API.modelId);
    const id = (await start(vid, { dataset_id: CHURN_SCORING, model_id: CHURN_API.modelId, confidence: 'true' })).body._id;
    await settle(id);
    const { rows } = await zipCsv(url, `/ext/v1/validation-predictions/${id}/download`);
    const header = rows[0]!;
    expect(header.slice(-5)).toEqual(['pred_churn', 'proba_yes', 'proba_no', 'confidence', 'credibility']);
    for (const r of rows.slice(1)) {
      const [pYes, , confidence, credibility] = r.slice(-4).map(Number) as [number, number, number, number];
      expect(confidence).toBeCloseTo(Math.max(pYes, 1 - pYes), 4);
      expect(credibility).toBeCloseTo(Math.abs(2 * pYes - 1), 3);
    }
  });

  it('adds TARGET_quantile=<q> columns to a regression with confidence, ordered around the prediction', async () => {
    const vid = await versionOf(url, HOUSE_API.modelId);
    const id = (await start(vid, { dataset_id: HOUSES_SCORING, model_id: HOUSE_API.modelId, confidence: true })).body._id;
    await settle(id);
    const { rows } = await zipCsv(url, `/ext/v1/validation-predictions/${id}/download`);
    const header = rows[0]!;
    // The SDK's tests look for "_quantile=<q>" in the column names.
    for (const q of [1, 5, 10, 25, 50, 75, 95, 99]) expect(header).toContain(`TARGET_quantile=${q}`);
    const at = (name: string): number => header.indexOf(name);
    for (const r of rows.slice(1)) {
      const qs = [1, 5, 10, 25, 50, 75, 95, 99].map((q) => Number(r[at(`TARGET_quantile=${q}`)]));
      expect([...qs].sort((a, b) => a - b)).toEqual(qs);
      expect(qs[4]).toBe(Number(r[at('pred_price_keur')]));
    }
  });

  it("scores the version's metric when the dataset holds the target, deterministically", async () => {
    const vid = await versionOf(url, CHURN_API.modelId);
    const a = (await start(vid, { dataset_id: CHURN_TRAIN, model_id: CHURN_API.modelId, confidence: 'false' })).body._id;
    await settle(a);
    const first = (await call(url, `/ext/v1/validation-predictions/${a}`)).body;
    expect(first.score).toEqual({ name: 'auc', value: expect.any(Number) });
    expect(first.score.value).toBeGreaterThan(0.5);
    expect(first.score.value).toBeLessThanOrEqual(1);
    expect(first.predictions_count).toBe(40);
    await reset(url);
    const b = (await start(vid, { dataset_id: CHURN_TRAIN, model_id: CHURN_API.modelId, confidence: 'false' })).body._id;
    await settle(b);
    expect((await call(url, `/ext/v1/validation-predictions/${b}`)).body.score).toEqual(first.score);
  });

  it('serves the csv itself with extension=csv, and refuses parquet and unknown extensions', async () => {
    const vid = await versionOf(url, CHURN_API.modelId);
    const id = (await start(vid, { dataset_id: CHURN_SCORING, model_id: CHURN_API.modelId, confidence: 'false' })).body._id;
    await settle(id);
    const zipped = await zipCsv(url, `/ext/v1/validation-predictions/${id}/download?extension=zip`);
    const plain = await call(url, `/ext/v1/validation-predictions/${id}/download?extension=csv`);
    expect(plain.status).toBe(200);
    expect(plain.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(plain.headers.get('content-disposition')).toBe('attachment; filename="churn_scoring_predictions.csv"');
    expect(csvRows(plain.text)).toEqual(zipped.rows);
    const parquet = await call(url, `/ext/v1/validation-predictions/${id}/download?extension=parquet`);
    expect(parquet.status).toBe(400);
    expect(parquet.body.message).toMatch(/extension=zip \(the default\) or extension=csv/);
    expect((await call(url, `/ext/v1/validation-predictions/${id}/download?extension=xlsx`)).status).toBe(400);
  });

  it('refuses a download before the prediction is done, naming its state', async () => {
    const vid = await versionOf(url, CHURN_API.modelId);
    const id = (await start(vid, { dataset_id: CHURN_SCORING, model_id: CHURN_API.modelId })).body._id;
    const r = await call(url, `/ext/v1/validation-predictions/${id}/download`);
    expect(r.status).toBe(400);
    expect(r.body.message).toMatch(/state pending/);
  });

  it('deletes a prediction with 204 (ApiResource.delete), then answers 404', async () => {
    const vid = await versionOf(url, CHURN_API.modelId);
    const id = (await start(vid, { dataset_id: CHURN_SCORING, model_id: CHURN_API.modelId })).body._id;
    const del = await call(url, `/ext/v1/validation-predictions/${id}`, { method: 'DELETE' });
    expect(del.status).toBe(204);
    expect(del.text).toBe('');
    expect((await call(url, `/ext/v1/validation-predictions/${id}`)).status).toBe(404);
    expect((await call(url, `/ext/v1/validation-predictions/${id}/download`)).status).toBe(404);
    // The job went with it: no further events.
    const before = em.events().length;
    await call(url, `/ext/v1/validation-predictions/${id}`);
    expect(em.events()).toHaveLength(before);
  });

  it('answers 404 E_NOT_FOUND for unknown versions and predictions', async () => {
    const post = await start(UNKNOWN_ID, { dataset_id: CHURN_SCORING, model_id: CHURN_API.modelId });
    expect(post.status).toBe(404);
    expect(post.body.err_code).toBe('E_NOT_FOUND');
    for (const [method, path] of [
      ['GET', `/ext/v1/validation-predictions/${UNKNOWN_ID}`],
      ['DELETE', `/ext/v1/validation-predictions/${UNKNOWN_ID}`],
      ['GET', `/ext/v1/validation-predictions/${UNKNOWN_ID}/download`],
    ] as const) {
      const r = await call(url, path, { method });
      expect([method, r.status, r.body.err_code]).toEqual([method, 404, 'E_NOT_FOUND']);
    }
  });

  it.each([
    ['no model_id', { dataset_id: CHURN_SCORING }, /Field "model_id" is required/],
    [
      'a model of another version',
      { dataset_id: CHURN_SCORING, model_id: HOUSE_API.modelId },
      /Field "model_id": no model .* in experiment version/,
    ],
    ['no dataset_id', { model_id: CHURN_API.modelId }, /Field "dataset_id" is required/],
    ['a dataset of another project', { dataset_id: LEADS_TRAIN, model_id: CHURN_API.modelId }, /does not exist in project/],
    [
      'confidence "yes"',
      { dataset_id: CHURN_SCORING, model_id: CHURN_API.modelId, confidence: 'yes' },
      /Field "confidence" must be "true" or "false"/,
    ],
    [
      'an unknown folder_dataset_id',
      { dataset_id: CHURN_SCORING, model_id: CHURN_API.modelId, folder_dataset_id: UNKNOWN_ID },
      /Field "folder_dataset_id"/,
    ],
    [
      'a text-similarity body',
      { model_id: CHURN_API.modelId, queries_dataset_id: CHURN_SCORING, queries_dataset_content_column: 'x', top_k: 10 },
      /Text-similarity predictions/,
    ],
  ])('answers 400 for %s', async (_name, body, message) => {
    const vid = await versionOf(url, CHURN_API.modelId);
    const r = await start(vid, body);
    expect(r.status).toBe(400);
    expect(r.body.err_code).toBe('E_BAD_REQUEST');
    expect(r.body.message).toMatch(message);
    expect(em.events()).toEqual([]);
  });

  it('counts the routes under their templates', async () => {
    const vid = await versionOf(url, CHURN_API.modelId);
    const id = (await start(vid, { dataset_id: CHURN_SCORING, model_id: CHURN_API.modelId })).body._id;
    await settle(id);
    await fetch(`${url}/ext/v1/validation-predictions/${id}/download`, { headers: { authorization: TOKEN } });
    const c = await counters(url);
    expect(c.byRoute['POST /ext/v1/experiment-versions/{id}/validation-predictions']).toBe(1);
    expect(c.byRoute['GET /ext/v1/validation-predictions/{id}']).toBe(3);
    expect(c.byRoute['GET /ext/v1/validation-predictions/{id}/download']).toBe(1);
  });
});

describe('holdout predictions (asyncStepReads: 1)', () => {
  let url = '';
  let em: PrevisionEmulator;
  usePrevision({ asyncStepMs: 0, asyncStepReads: 1 }, (s) => ({ em, url } = s));

  const train = async (extra: Record<string, unknown>): Promise<string> => {
    const draft = await call(url, `/ext/v1/experiments/${LEAD_EXP}/versions`, {
      method: 'POST',
      body: JSON.stringify({ description: 'with holdout', dataset_id: LEADS_TRAIN, target_column: 'converted', metric: 'auc', ...extra }),
    });
    expect(draft.status).toBe(200);
    await call(url, `/ext/v1/experiment-versions/${draft.body._id}/confirm`, { method: 'PUT' });
    return draft.body._id as string;
  };
  const holdouts = async (vid: string) => (await call(url, `/ext/v1/experiment-versions/${vid}/holdout-predictions`)).body;

  it('scores the holdout dataset with every model once training is done, as {"items": [...]}', async () => {
    const vid = await train({ holdout_dataset_id: LEADS_TRAIN });
    expect(await holdouts(vid)).toEqual({ items: [] });
    for (let i = 0; i < 3; i++) await call(url, `/ext/v1/experiment-versions/${vid}`);
    const models = (await call(url, `/ext/v1/experiment-versions/${vid}/models`)).body.items as Array<{ _id: string }>;
    const body = await holdouts(vid);
    expect(Object.keys(body)).toEqual(['items']);
    expect(body.items.map((p: { model_id: string }) => p.model_id)).toEqual(models.map((m) => m._id));
    for (const p of body.items) {
      // get_holdout_predictions() pops `_id` from each item.
      expect(p).toMatchObject({
        _id: expect.stringMatching(/^[0-9a-f]{24}$/),
        experiment_version_id: vid,
        dataset_id: LEADS_TRAIN,
        holdout: true,
        state: 'done',
        predictions_count: 40,
      });
      expect(p.score).toEqual({ name: 'auc', value: expect.any(Number) });
    }
    const { rows } = await zipCsv(url, `/ext/v1/validation-predictions/${body.items[0]._id}/download`);
    expect(rows[0]).toEqual(['visits', 'days_since_contact', 'channel', 'pred_converted', 'proba_yes', 'proba_no']);
    // Holdout predictions are scored at once: only the training sent events.
    expect(em.events().filter((e) => e.event === 'PREDICTION_UPDATE')).toEqual([]);
  });

  it('scores only the models trained so far when the version is stopped', async () => {
    const vid = await train({ holdout_dataset_id: LEADS_TRAIN });
    // One read: the stop applies the step due next (the first model, state running), then stops.
    await call(url, `/ext/v1/experiment-versions/${vid}`);
    expect((await call(url, `/ext/v1/experiment-versions/${vid}/stop`, { method: 'PUT' })).body).toMatchObject({
      state: 'done',
      models_count: 1,
    });
    expect((await holdouts(vid)).items).toHaveLength(1);
  });

  it('lists none for a version without a holdout dataset, and 404 for an unknown version', async () => {
    const vid = await train({});
    for (let i = 0; i < 3; i++) await call(url, `/ext/v1/experiment-versions/${vid}`);
    expect(await holdouts(vid)).toEqual({ items: [] });
    const r = await call(url, `/ext/v1/experiment-versions/${UNKNOWN_ID}/holdout-predictions`);
    expect(r.status).toBe(404);
  });

  it("removes a version's validation and holdout predictions with the version", async () => {
    const vid = await train({ holdout_dataset_id: LEADS_TRAIN });
    for (let i = 0; i < 3; i++) await call(url, `/ext/v1/experiment-versions/${vid}`);
    const holdoutId = (await holdouts(vid)).items[0]._id;
    const models = (await call(url, `/ext/v1/experiment-versions/${vid}/models`)).body.items;
    const predId = (
      await call(url, `/ext/v1/experiment-versions/${vid}/validation-predictions`, {
        method: 'POST',
        body: JSON.stringify({ dataset_id: LEADS_TRAIN, model_id: models[0]._id }),
      })
    ).body._id;
    expect((await call(url, `/ext/v1/experiment-versions/${vid}`, { method: 'DELETE' })).status).toBe(204);
    expect((await call(url, `/ext/v1/validation-predictions/${holdoutId}`)).status).toBe(404);
    expect((await call(url, `/ext/v1/validation-predictions/${predId}`)).status).toBe(404);
  });
});

describe('validation prediction events with an injected clock', () => {
  let now = Date.UTC(2024, 4, 1, 12, 0, 0);
  let em: PrevisionEmulator;
  let url = '';
  usePrevision({ now: () => now, asyncStepMs: 1000, keepAliveMs: 0 }, (s) => ({ em, url } = s), { resetEach: false });

  it('streams PREDICTION_UPDATE in the SDK chunk format and reports the duration in seconds', async () => {
    const { stream } = await EventStream.open(url);
    try {
      const vid = await versionOf(url, CHURN_API.modelId);
      const id = (
        await call(url, `/ext/v1/experiment-versions/${vid}/validation-predictions`, {
          method: 'POST',
          body: JSON.stringify({ dataset_id: CHURN_SCORING, model_id: CHURN_API.modelId, confidence: 'false' }),
        })
      ).body._id as string;
      now += 1000;
      expect((await call(url, `/ext/v1/validation-predictions/${id}`)).body.state).toBe('running');
      now += 1000;
      const done = (await call(url, `/ext/v1/validation-predictions/${id}`)).body;
      expect(done).toMatchObject({ state: 'done', duration: 2, predictions_count: 12 });
      await stream.waitFor((s) => s.events().length === 2);
      expect(stream.events()).toEqual([
        { event: 'PREDICTION_UPDATE', data: { _id: id } },
        { event: 'PREDICTION_UPDATE', data: { _id: id } },
      ]);
      expect(em.events().map((e) => e.event)).toEqual(['PREDICTION_UPDATE', 'PREDICTION_UPDATE']);
    } finally {
      stream.close();
    }
  });
});
