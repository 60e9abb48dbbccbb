import { describe, expect, it } from 'vitest';
import { PREVISION_DEMO } from '../../src/prevision/index.js';
import { accessToken, call, reset, zipCsv, usePrevision } from './helpers.js';

const [CHURN, ESTATE] = PREVISION_DEMO.projects as [(typeof PREVISION_DEMO.projects)[0], (typeof PREVISION_DEMO.projects)[0]];
const [CHURN_API, HOUSE_API] = PREVISION_DEMO.deployments as [
  (typeof PREVISION_DEMO.deployments)[0],
  (typeof PREVISION_DEMO.deployments)[0],
];
const CHURN_EXP = CHURN.experimentIds[0]!;
const CHURN_TRAIN = CHURN.datasetIds[0]!;
const LEADS_TRAIN = ESTATE.datasetIds[2]!;
const LEAD_EXP = ESTATE.experimentIds[1]!;
const UNKNOWN_ID = '000000000000000000000000';
const CHURN_COLUMNS = ['customer_id', 'tenure_months', 'monthly_charges', 'contract', 'support_calls', 'churn'];

let url = '';
usePrevision({ asyncStepMs: 0, asyncStepReads: 1 }, (s) => ({ url } = s));

const round = (x: number): number => Math.round(x * 10_000) / 10_000;
const get = async (path: string) => call(url, `/ext/v1${path}`);
const versionOf = async (modelId: string): Promise<string> => (await get(`/models/${modelId}`)).body.experiment_version_id;
const modelsOf = async (versionId: string): Promise<Array<{ _id: string; model_name: string; tags: string[] }>> =>
  (await get(`/experiment-versions/${versionId}/models`)).body.items;

describe('model details', () => {
  it('serves hyperparameters as a JSON object, the same on every read and after a reset, by algorithm family', async () => {
    const vid = await versionOf(CHURN_API.modelId);
    const [lgb, xgb, linear] = await modelsOf(vid);
    const h = (await get(`/models/${lgb!._id}/hyperparameters/download`)).body;
    expect(h).toMatchObject({
      boosting_type: 'gbdt',
      objective: 'binary',
      learning_rate: expect.any(Number),
      num_leaves: expect.any(Number),
    });
    await reset(url);
    expect((await get(`/models/${lgb!._id}/hyperparameters/download`)).body).toEqual(h);
    expect((await get(`/models/${xgb!._id}/hyperparameters/download`)).body).toMatchObject({
      booster: 'gbtree',
      objective: 'binary:logistic',
    });
    expect((await get(`/models/${linear!._id}/hyperparameters/download`)).body).toMatchObject({
      estimator: 'LogisticRegression',
      penalty: 'l2',
    });
    expect((await get(`/models/${HOUSE_API.modelId}/hyperparameters/download`)).body.objective).toBe('regression');
  });

  it('zips the feature importances as feature,importance, most important first, summing to 1', async () => {
    const out = await zipCsv(url, `/ext/v1/models/${CHURN_API.modelId}/features-importances/download`);
    expect(out.contentType).toBe('application/zip');
    expect(out.name).toBe('LightGBM-1_features_importances.csv');
    expect(out.rows[0]).toEqual(['feature', 'importance']);
    const rows = out.rows.slice(1).map(([f, v]) => [f!, Number(v)] as const);
    // The deployed model's inputs, the id column left out.
    expect(rows.map(([f]) => f).sort()).toEqual([...CHURN_API.features].sort());
    const values = rows.map(([, v]) => v);
    expect([...values].sort((a, b) => b - a)).toEqual(values);
    expect(values.reduce((a, v) => a + v, 0)).toBeCloseTo(1, 3);
  });

  it('zips the cross-validation file: id, target, prediction, probabilities and a fold per training row', async () => {
    const out = await zipCsv(url, `/ext/v1/models/${CHURN_API.modelId}/cross-validation/download`);
    expect(out.rows[0]).toEqual(['customer_id', 'churn', 'pred_churn', 'proba_yes', 'proba_no', 'fold']);
    const rows = out.rows.slice(1);
    expect(rows).toHaveLength(40);
    expect(rows[0]![0]).toBe('C-1001');
    expect(new Set(rows.map((r) => r[5]))).toEqual(new Set(['1', '2', '3', '4', '5']));
    for (const r of rows) expect(r[2]).toBe(Number(r[3]) >= 0.5 ? 'yes' : 'no');
    const regression = await zipCsv(url, `/ext/v1/models/${HOUSE_API.modelId}/cross-validation/download`);
    expect(regression.rows[0]).toEqual(['index', 'price_keur', 'pred_price_keur', 'fold']);
  });

  it('analyses a classification model with optimal_proba, where the dynamic analysis F1 is the best', async () => {
    const chart = (await get(`/models/${CHURN_API.modelId}/analysis`)).body;
    expect(chart).toMatchObject({ model_id: CHURN_API.modelId, training_type: 'classification', classes: ['yes', 'no'], nb_rows: 40 });
    expect(chart.optimal_proba).toBeGreaterThan(0);
    expect(chart.optimal_proba).toBeLessThan(1);
    expect(chart.auc).toBeGreaterThan(0.5);
    const at = (await get(`/models/${CHURN_API.modelId}/dynamic-analysis?threshold=${chart.optimal_proba}`)).body;
    expect(at.score.f1Score).toBe(chart.optimal_f1Score);
    for (const t of [0.2, 0.35, 0.65, 0.8]) {
      expect((await get(`/models/${CHURN_API.modelId}/dynamic-analysis?threshold=${t}`)).body.score.f1Score).toBeLessThanOrEqual(
        chart.optimal_f1Score,
      );
    }
  });

  it('analyses a regression model with error metrics and no optimal_proba', async () => {
    const chart = (await get(`/models/${HOUSE_API.modelId}/analysis`)).body;
    expect(chart).toMatchObject({ training_type: 'regression', target: 'price_keur', nb_rows: 40 });
    expect(chart.optimal_proba).toBeUndefined();
    expect(chart.rmse).toBeGreaterThan(0);
    expect(chart.mae).toBeLessThanOrEqual(chart.rmse);
  });

  it('serves the dynamic analysis keys get_dynamic_performances reads, with a consistent confusion matrix', async () => {
    const r = await get(`/models/${CHURN_API.modelId}/dynamic-analysis?threshold=0.5`);
    expect(r.status).toBe(200);
    const { confusion_matrix: cm, score, labels } = r.body;
    expect(labels).toEqual(['no', 'yes']);
    const [[tn, fp], [fn, tp]] = cm as [[number, number], [number, number]];
    expect(tn + fp + fn + tp).toBe(40);
    expect(Object.keys(score).sort()).toEqual(['accuracy', 'f1Score', 'precision', 'recall']);
    expect(score.accuracy).toBeCloseTo((tp + tn) / 40, 4);
    expect(score.precision).toBeCloseTo(tp / (tp + fp), 4);
    expect(score.recall).toBeCloseTo(tp / (tp + fn), 4);
    // No threshold: 0.5. Threshold 0: everything is predicted positive.
    expect((await get(`/models/${CHURN_API.modelId}/dynamic-analysis`)).body).toEqual(r.body);
    const all = (await get(`/models/${CHURN_API.modelId}/dynamic-analysis?threshold=0.0`)).body;
    expect(all.score.recall).toBe(1);
    expect(all.confusion_matrix[0][0]).toBe(0);
  });

  it.each([['1.5'], ['-0.1'], ['abc'], ['']])('answers 400 for threshold=%s', async (t) => {
    const r = await get(`/models/${CHURN_API.modelId}/dynamic-analysis?threshold=${t}`);
    expect(r.status).toBe(400);
    expect(r.body.message).toMatch(/threshold must be a number between 0 and 1/);
  });

  it('answers 400 for a dynamic analysis of a regression model', async () => {
    const r = await get(`/models/${HOUSE_API.modelId}/dynamic-analysis?threshold=0.5`);
    expect(r.status).toBe(400);
    expect(r.body.message).toMatch(/binary classification models; model .* is a regression model/);
  });

  it.each([
    'hyperparameters/download',
    'features-importances/download',
    'cross-validation/download',
    'analysis',
    'dynamic-analysis?threshold=0.5',
  ])('answers 404 E_NOT_FOUND for /models/{unknown}/%s', async (suffix) => {
    const r = await get(`/models/${UNKNOWN_ID}/${suffix}`);
    expect(r.status).toBe(404);
    expect(r.body.err_code).toBe('E_NOT_FOUND');
  });

  it('answers 400 when the training dataset is gone, naming it', async () => {
    expect((await call(url, `/ext/v1/datasets/${CHURN_TRAIN}`, { method: 'DELETE' })).status).toBe(204);
    const r = await get(`/models/${CHURN_API.modelId}/analysis`);
    expect(r.status).toBe(400);
    expect(r.body.message).toMatch(new RegExp(`training dataset ${CHURN_TRAIN} .* has been deleted`));
  });
});

describe('experiment version details', () => {
  const churnVersion = async (): Promise<string> => versionOf(CHURN_API.modelId);

  it('lists every dataset column in the paged envelope get_all_results walks, with roles and types', async () => {
    const vid = await churnVersion();
    const first = (await get(`/experiment-versions/${vid}/features`)).body;
    expect(first.metaData).toMatchObject({ totalItems: 6, currentPage: 1 });
    const all: Array<{ name: string; role: string; type: string; importance_value: number | null }> = [];
    const pages = Math.ceil(first.metaData.totalItems / 4);
    for (let p = 1; p <= pages; p++) all.push(...(await get(`/experiment-versions/${vid}/features?page=${p}&rowsPerPage=4`)).body.items);
    expect(all.map((f) => f.name)).toEqual(CHURN_COLUMNS);
    expect(all.map((f) => f.role)).toEqual(['id', 'feature', 'feature', 'feature', 'feature', 'target']);
    expect(all.map((f) => f.type)).toEqual(['categorical', 'linear', 'linear', 'categorical', 'linear', 'categorical']);
    expect(all[0]!.importance_value).toBeNull();
    expect(all[5]!.importance_value).toBeNull();
  });

  it("gives each feature its share of the best model's importance", async () => {
    const vid = await churnVersion();
    const features = (await get(`/experiment-versions/${vid}/features?rowsPerPage=10`)).body.items as Array<{
      name: string;
      importance_value: number | null;
    }>;
    const best = (await modelsOf(vid)).find((m) => m.tags.includes('best'))!;
    const importances = (await zipCsv(url, `/ext/v1/models/${best._id}/features-importances/download`)).rows.slice(1);
    for (const [name, value] of importances) expect(features.find((f) => f.name === name)!.importance_value).toBe(Number(value));
  });

  it('describes one feature with its stats and a distribution chart (which get_feature_info drops)', async () => {
    const vid = await churnVersion();
    const tenure = await get(`/experiment-versions/${vid}/features/tenure_months`);
    expect(tenure.status).toBe(200);
    expect(tenure.body).toMatchObject({ name: 'tenure_months', type: 'linear', role: 'feature', stats: { nb_values: 40, nb_missing: 0 } });
    const s = tenure.body.stats;
    expect(s.min).toBeLessThanOrEqual(s.median);
    expect(s.median).toBeLessThanOrEqual(s.max);
    expect(s.std).toBeGreaterThan(0);
    expect(tenure.body.distribution_chart).toHaveLength(10);
    expect(tenure.body.distribution_chart.reduce((a: number, b: { count: number }) => a + b.count, 0)).toBe(40);
    const contract = (await get(`/experiment-versions/${vid}/features/contract`)).body;
    expect(contract.type).toBe('categorical');
    expect(contract.stats.nb_modalities).toBe(3);
    expect(contract.stats.modalities.map((m: { value: string }) => m.value).sort()).toEqual(['month-to-month', 'one-year', 'two-year']);
    expect(contract.stats.modalities.reduce((a: number, m: { count: number }) => a + m.count, 0)).toBe(40);
  });

  it('answers 404 for an unknown feature (names are case-sensitive) or version', async () => {
    const vid = await churnVersion();
    const r = await get(`/experiment-versions/${vid}/features/Tenure_months`);
    expect(r.status).toBe(404);
    expect(r.body.message).toMatch(/Feature "Tenure_months" is not a column of dataset churn_train/);
    for (const suffix of ['features', 'features/tenure_months', 'features-stats', 'dropped-features', 'correlation-matrix', 'graph']) {
      expect([suffix, (await get(`/experiment-versions/${UNKNOWN_ID}/${suffix}`)).status]).toEqual([suffix, 404]);
    }
  });

  it('summarises the features, and lists dropped ones (drop_list), which the trained models leave out', async () => {
    const vid = await churnVersion();
    expect((await get(`/experiment-versions/${vid}/features-stats`)).body).toEqual({
      nb_rows: 40,
      nb_columns: 6,
      nb_features: 4,
      nb_dropped_features: 0,
      types: { linear: 3, categorical: 1 },
      roles: { id: 1, feature: 4, target: 1 },
      missing_ratio: 0,
    });
    expect((await get(`/experiment-versions/${vid}/dropped-features`)).body.items).toEqual([]);

    const draft = await call(url, `/ext/v1/experiments/${LEAD_EXP}/versions`, {
      method: 'POST',
      body: JSON.stringify({ dataset_id: LEADS_TRAIN, target_column: 'converted', drop_list: ['days_since_contact'] }),
    });
    const v2 = draft.body._id as string;
    await call(url, `/ext/v1/experiment-versions/${v2}/confirm`, { method: 'PUT' });
    for (let i = 0; i < 3; i++) await get(`/experiment-versions/${v2}`);
    expect((await get(`/experiment-versions/${v2}/dropped-features`)).body.items).toEqual([
      { name: 'days_since_contact', reason: 'drop_list' },
    ]);
    expect((await get(`/experiment-versions/${v2}/features/days_since_contact`)).body).toMatchObject({
      role: 'dropped',
      importance_value: null,
    });
    expect((await get(`/experiment-versions/${v2}/features-stats`)).body).toMatchObject({ nb_features: 2, nb_dropped_features: 1 });
    const best = (await modelsOf(v2)).find((m) => m.tags.includes('best'))!;
    const importances = (await zipCsv(url, `/ext/v1/models/${best._id}/features-importances/download`)).rows.slice(1).map((r) => r[0]);
    expect(importances.sort()).toEqual(['channel', 'visits']);
  });

  it('lists a feature holding a single value as dropped (constant)', async () => {
    const form = new FormData();
    form.set('name', 'flat');
    form.set('file', new Blob(['x,same,label\n1,7,yes\n2,7,no\n3,7,yes\n4,,no\n'], { type: 'text/csv' }), 'flat.csv');
    const ds = (await call(url, `/ext/v1/projects/${CHURN.id}/datasets/file`, { method: 'POST', body: form })).body._id as string;
    for (let i = 0; i < 2; i++) await get(`/datasets/${ds}`);
    const draft = await call(url, `/ext/v1/experiments/${CHURN_EXP}/versions`, {
      method: 'POST',
      body: JSON.stringify({ dataset_id: ds, target_column: 'label' }),
    });
    expect(draft.status).toBe(200);
    const vid = draft.body._id as string;
    // Features are described from the dataset, before any training.
    expect((await get(`/experiment-versions/${vid}/dropped-features`)).body.items).toEqual([{ name: 'same', reason: 'constant' }]);
    expect((await get(`/experiment-versions/${vid}/features-stats`)).body).toMatchObject({
      nb_features: 2,
      nb_dropped_features: 1,
      missing_ratio: round(1 / 12),
    });
    expect((await get(`/experiment-versions/${vid}/features/same`)).body.stats).toMatchObject({
      nb_values: 3,
      nb_missing: 1,
      min: 7,
      max: 7,
      std: 0,
    });
    expect((await get(`/experiment-versions/${vid}/features/x`)).body.importance_value).toBeNull();
  });

  it('serves the correlation matrix of the numerical features in the shape the SDK turns into a DataFrame', async () => {
    const vid = await churnVersion();
    const corr = (await get(`/experiment-versions/${vid}/correlation-matrix`)).body as Array<{
      name: string;
      correlation: Array<{ name: string; score: number }>;
    }>;
    const names = corr.map((d) => d.name);
    expect(names).toEqual(['tenure_months', 'monthly_charges', 'support_calls']);
    corr.forEach((row, i) => {
      expect(row.correlation.map((c) => c.name)).toEqual(names);
      expect(row.correlation[i]!.score).toBe(1);
      row.correlation.forEach((c, j) => {
        expect(Math.abs(c.score)).toBeLessThanOrEqual(1);
        expect(corr[j]!.correlation[i]!.score).toBe(c.score);
      });
    });
  });

  it('serves the training graph: the dataset feeding each model', async () => {
    const vid = await churnVersion();
    const models = await modelsOf(vid);
    const graph = (await get(`/experiment-versions/${vid}/graph`)).body;
    expect(graph.nodes[0]).toEqual({ id: CHURN_TRAIN, type: 'dataset', name: 'churn_train' });
    expect(graph.nodes.slice(1).map((n: { id: string }) => n.id)).toEqual(models.map((m) => m._id));
    expect(graph.edges).toEqual(models.map((m) => ({ source: CHURN_TRAIN, target: m._id })));
  });
});

describe('POST /deployments/{id}/versions', () => {
  const versions = async () =>
    (await get(`/experiments/${CHURN_EXP}/versions`)).body.items as Array<{ _id: string; best_model: { _id: string } }>;
  const newVersion = async (deploymentId: string, body: Record<string, unknown>) =>
    call(url, `/ext/v1/deployments/${deploymentId}/versions`, { method: 'POST', body: JSON.stringify(body) });

  it("answers the deployment's own _id (new_version() then GETs /deployments/{_id}) and rolls the new model out", async () => {
    const [v1] = await versions();
    const fastest = (await modelsOf(v1!._id)).find((m) => m.tags.includes('fastest'))!;
    const r = await newVersion(CHURN_API.id, { name: 'v2-fastest', main_model_experiment_version_id: v1!._id, main_model_id: fastest._id });
    expect(r.status).toBe(200);
    expect(r.body._id).toBe(CHURN_API.id);
    expect(r.body).toMatchObject({ current_version: 1, deploy_state: 'done', main_model_run_state: 'pending' });
    expect(r.body.versions.map((v: { version: number; name: string }) => [v.version, v.name])).toEqual([
      [1, 'churn-api'],
      [2, 'v2-fastest'],
    ]);

    // The current version keeps serving until the new one runs.
    const token = await accessToken(url, CHURN_API.clientId, CHURN_API.clientSecret);
    const about = async () => (await call(`${url}/deployments-host/${CHURN_API.id}`, '/about', { auth: `Bearer ${token}` })).body;
    expect((await about()).model_id).toBe(CHURN_API.modelId);
    const states: string[] = [];
    for (let i = 0; i < 3; i++) states.push((await get(`/deployments/${CHURN_API.id}`)).body.main_model_run_state);
    expect(states).toEqual(['pending', 'running', 'done']);
    const after = (await get(`/deployments/${CHURN_API.id}`)).body;
    expect(after).toMatchObject({
      current_version: 2,
      deploy_state: 'done',
      models: [{ _id: fastest._id, model_name: 'XGBoost-2', experiment_version_id: v1!._id, role: 'main' }],
    });
    expect(await about()).toMatchObject({ model_id: fastest._id, version: 2 });
  });

  it('adds a challenger when asked', async () => {
    const [v1, v2] = await versions();
    const r = await newVersion(CHURN_API.id, {
      name: 'with-challenger',
      main_model_experiment_version_id: v2!._id,
      main_model_id: CHURN_API.modelId,
      challenger_model_experiment_version_id: v1!._id,
      challenger_model_id: v1!.best_model._id,
    });
    expect(r.status).toBe(200);
    expect(r.body.versions[1]).toMatchObject({ challenger_model_id: v1!.best_model._id, challenger_model_experiment_version_id: v1!._id });
    for (let i = 0; i < 3; i++) await get(`/deployments/${CHURN_API.id}`);
    expect((await get(`/deployments/${CHURN_API.id}`)).body.models.map((m: { role: string }) => m.role)).toEqual(['main', 'challenger']);
  });

  it('refuses another version while one is rolling out', async () => {
    const [v1] = await versions();
    const body = { name: 'a', main_model_experiment_version_id: v1!._id, main_model_id: v1!.best_model._id };
    expect((await newVersion(CHURN_API.id, body)).status).toBe(200);
    const again = await newVersion(CHURN_API.id, { ...body, name: 'b' });
    expect(again.status).toBe(400);
    expect(again.body.message).toMatch(/still deploying \(deploy_state done, main_model_run_state pending\)/);
  });

  it.each([
    ['no name', {}, /Field "name" is required/],
    [
      'a version of another experiment',
      { name: 'x', main_model_experiment_version_id: 'house', main_model_id: 'm' },
      /Field "main_model_experiment_version_id": no version/,
    ],
    [
      'a model of another version',
      { name: 'x', main_model_experiment_version_id: 'v1', main_model_id: HOUSE_API.modelId },
      /Field "main_model_id": no model/,
    ],
  ])('answers 400 for %s, leaving the deployment as it was', async (_name, raw, message) => {
    const [v1] = await versions();
    const houseVersion = await versionOf(HOUSE_API.modelId);
    const body = { ...raw } as Record<string, unknown>;
    if (body['main_model_experiment_version_id'] === 'v1') body['main_model_experiment_version_id'] = v1!._id;
    if (body['main_model_experiment_version_id'] === 'house') body['main_model_experiment_version_id'] = houseVersion;
    const r = await newVersion(CHURN_API.id, body);
    expect(r.status).toBe(400);
    expect(r.body.message).toMatch(message);
    expect((await get(`/deployments/${CHURN_API.id}`)).body).toMatchObject({ current_version: 1, main_model_run_state: 'done' });
    expect((await get(`/deployments/${CHURN_API.id}`)).body.versions).toHaveLength(1);
  });

  it('answers 404 for an unknown deployment', async () => {
    const r = await newVersion(UNKNOWN_ID, { name: 'x' });
    expect(r.status).toBe(404);
    expect(r.body.err_code).toBe('E_NOT_FOUND');
  });
});
