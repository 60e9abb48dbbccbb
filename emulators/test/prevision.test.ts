import { describe, expect, it } from 'vitest';
import { previsionEmulator, PREVISION_DEMO } from '../src/prevision/index.js';
import type { PrevisionEmulator } from '../src/prevision/index.js';
import { firstZipEntry } from '../src/prevision/files.js';
import { call, counters, reset, startPrevision, TOKEN, usePrevision } from './prevision/helpers.js';

const [CHURN, ESTATE] = PREVISION_DEMO.projects as [(typeof PREVISION_DEMO.projects)[0], (typeof PREVISION_DEMO.projects)[0]];
const [CHURN_API, HOUSE_API] = PREVISION_DEMO.deployments as [
  (typeof PREVISION_DEMO.deployments)[0],
  (typeof PREVISION_DEMO.deployments)[0],
];

let em: PrevisionEmulator;
let url = '';

usePrevision({ asyncStepMs: 0, asyncStepReads: 1 }, (s) => ({ em, url } = s));

describe('previsionEmulator module', () => {
  it('declares its platform, default port and demo credentials', () => {
    expect(previsionEmulator.platform).toBe('prevision');
    expect(previsionEmulator.defaultPort).toBe(4101);
    const lines = previsionEmulator.describe().join('\n');
    expect(lines).toContain('augur-demo-prevision');
    expect(lines).toContain('augur-demo-churn-client');
    expect(lines).toContain('augur-demo-house-secret');
    expect(previsionEmulator.describe({ masterTokens: ['other'] }).join('\n')).toContain('Master token: other');
  });

  it('reads only AUGUR_EMULATOR_PREVISION_* variables from the map it is given', () => {
    expect(previsionEmulator.optionsFromEnv({})).toEqual({});
    expect(
      previsionEmulator.optionsFromEnv({
        AUGUR_EMULATOR_PREVISION_MASTER_TOKEN: 'a, b',
        AUGUR_EMULATOR_PREVISION_TOKEN_TTL_SECONDS: '60',
        AUGUR_EMULATOR_PREVISION_KEEPALIVE_MS: '500',
        AUGUR_EMULATOR_PREVISION_ASYNC_STEP_MS: '0',
        AUGUR_EMULATOR_PREVISION_ASYNC_STEP_READS: '2',
        AUGUR_EMULATOR_PREVISION_PUBLIC_URL: 'https://pv.example',
        PREVISION_MASTER_TOKEN: 'ignored',
      }),
    ).toEqual({
      masterTokens: ['a', 'b'],
      tokenTtlSeconds: 60,
      keepAliveMs: 500,
      asyncStepMs: 0,
      asyncStepReads: 2,
      publicUrl: 'https://pv.example',
    });
    expect(() => previsionEmulator.optionsFromEnv({ AUGUR_EMULATOR_PREVISION_TOKEN_TTL_SECONDS: 'soon' })).toThrow(
      /AUGUR_EMULATOR_PREVISION_TOKEN_TTL_SECONDS must be a whole number/,
    );
  });

  it('rejects nonsensical options with a message naming them', () => {
    expect(() => previsionEmulator.create({ masterTokens: [] })).toThrow(/masterTokens/);
    expect(() => previsionEmulator.create({ tokenTtlSeconds: 0 })).toThrow(/tokenTtlSeconds/);
  });
});

describe('authentication (raw master token)', () => {
  it('answers 401 E_UNK when the Authorization header is missing', async () => {
    const r = await call(url, '/ext/v1/projects', { auth: null });
    expect(r.status).toBe(401);
    expect(r.body).toEqual({ status: 401, err_code: 'E_UNK', message: expect.stringMatching(/^Missing Authorization header/) });
  });

  it('answers 401 E_UNK for a wrong token without echoing it', async () => {
    const r = await call(url, '/ext/v1/projects', { auth: 'not-the-token-xyz' });
    expect(r.status).toBe(401);
    expect(r.body.err_code).toBe('E_UNK');
    expect(r.text).not.toContain('not-the-token-xyz');
  });

  it('rejects the master token sent as a Bearer credential, saying to send it raw', async () => {
    const r = await call(url, '/ext/v1/version', { auth: `Bearer ${TOKEN}` });
    expect(r.status).toBe(401);
    expect(r.body.message).toMatch(/without a "Bearer " prefix/);
  });

  it('serves /profile the E_UNK body the SDK checks for a bad token, and the user for a good one', async () => {
    const bad = await call(url, '/ext/v1/profile', { auth: 'wrong' });
    expect(bad.body.err_code).toBe('E_UNK');
    const good = await call(url, '/ext/v1/profile');
    expect(good.status).toBe(200);
    expect(good.body).toMatchObject({ _id: '61b46890a3f91c2e7b5e21a0', email: 'demo@augur.example', first_name: 'Ada' });
    expect(good.body.err_code).toBeUndefined();
  });

  it('accepts any configured master token', async () => {
    const other = await startPrevision({ masterTokens: ['t1', 't2'] });
    try {
      expect((await call(other.url, '/ext/v1/version', { auth: 't2' })).status).toBe(200);
      expect((await call(other.url, '/ext/v1/version', { auth: TOKEN })).status).toBe(401);
    } finally {
      await other.em.close();
    }
  });
});

describe('GET /ext/v1/version', () => {
  it('points oidc_url at this emulator, as reached through the Host header', async () => {
    const r = await call(url, '/ext/v1/version');
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ version: '11.7.0', build: 'emulator', oidc_url: url });
    const port = new URL(url).port;
    const viaLocalhost = await call(`http://localhost:${port}`, '/ext/v1/version');
    expect(viaLocalhost.body.oidc_url).toBe(`http://localhost:${port}`);
  });

  it('advertises publicUrl instead when configured', async () => {
    const other = await startPrevision({ publicUrl: 'https://prevision.example/' });
    try {
      expect((await call(other.url, '/ext/v1/version')).body.oidc_url).toBe('https://prevision.example');
      const d = await call(other.url, `/ext/v1/deployments/${CHURN_API.id}`);
      expect(d.body.url).toBe(`https://prevision.example/deployments-host/${CHURN_API.id}`);
    } finally {
      await other.em.close();
    }
  });
});

describe('projects', () => {
  it('lists the seeded projects in the {items, metaData} envelope with the keys the SDK reads', async () => {
    const r = await call(url, '/ext/v1/projects');
    expect(r.status).toBe(200);
    expect(r.body.metaData).toEqual({ totalItems: 2, rowsPerPage: 10, currentPage: 1, nextPage: false });
    expect(r.body.items.map((p: { _id: string }) => p._id)).toEqual(['61dbf590a3f91c2e7b5e21a2', '61e13b90a3f91c2e7b5e21b4']);
    expect(r.body.items[0]).toMatchObject({
      _id: CHURN.id,
      name: 'Customer churn',
      color: '#16D92C',
      created_by: PREVISION_DEMO.user.id,
      admins: [{ _id: PREVISION_DEMO.user.id, email: 'demo@augur.example' }],
      // The seeded template "Score new customers".
      pipelines_count: 1,
      experiments_count: 2,
      dataset_count: 3,
    });
  });

  it('creates a project (200, with _id, created_by, admins, contributors, pipelines_count) and gets it back', async () => {
    const c = await call(url, '/ext/v1/projects', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Fraud', description: 'card fraud', color: '#8E00E6' }),
    });
    expect(c.status).toBe(200);
    expect(c.body).toMatchObject({
      name: 'Fraud',
      description: 'card fraud',
      color: '#8E00E6',
      created_by: PREVISION_DEMO.user.id,
      contributors: [],
      pipelines_count: 0,
    });
    expect(c.body._id).toMatch(/^[0-9a-f]{24}$/);
    expect((await call(url, `/ext/v1/projects/${c.body._id}`)).body.name).toBe('Fraud');
    expect((await call(url, '/ext/v1/projects')).body.metaData.totalItems).toBe(3);
  });

  it('answers 400 E_BAD_REQUEST naming the field for an invalid project body', async () => {
    const noName = await call(url, '/ext/v1/projects', { method: 'POST', body: JSON.stringify({ description: 'x' }) });
    expect(noName.status).toBe(400);
    expect(noName.body).toEqual({ status: 400, err_code: 'E_BAD_REQUEST', message: expect.stringContaining('Field "name" is required') });
    const badColor = await call(url, '/ext/v1/projects', { method: 'POST', body: JSON.stringify({ name: 'x', color: 'green' }) });
    expect(badColor.body.message).toMatch(/hex colour/);
    const malformed = await call(url, '/ext/v1/projects', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"name":',
    });
    expect(malformed.status).toBe(400);
    expect(malformed.body.err_code).toBe('E_BAD_REQUEST');
  });

  it('deletes a project with 204 and everything under it, and a reset brings it back', async () => {
    const del = await call(url, `/ext/v1/projects/${CHURN.id}`, { method: 'DELETE' });
    expect(del.status).toBe(204);
    expect(del.text).toBe('');
    expect((await call(url, `/ext/v1/projects/${CHURN.id}`)).status).toBe(404);
    expect((await call(url, `/ext/v1/deployments/${CHURN_API.id}`)).status).toBe(404);
    expect((await call(url, `/ext/v1/datasets/${CHURN.datasetIds[0]}`)).status).toBe(404);
    await reset(url);
    expect((await call(url, `/ext/v1/projects/${CHURN.id}`)).status).toBe(200);
  });

  it('lists project users', async () => {
    const r = await call(url, `/ext/v1/projects/${ESTATE.id}/users`);
    expect(r.body.items).toEqual([
      { _id: PREVISION_DEMO.user.id, email: 'demo@augur.example', role: 'admin' },
      { _id: '61b5ba10a3f91c2e7b5e21a1', email: 'analyst@augur.example', role: 'contributor' },
    ]);
  });
});

describe('pagination', () => {
  const path = `/ext/v1/projects/${CHURN.id}/datasets`;

  it('serves a full first page, a partial last page, and an empty page past the end', async () => {
    const p1 = await call(url, `${path}?page=1&rowsPerPage=2`);
    expect(p1.body.items.map((d: { name: string }) => d.name)).toEqual(['churn_train', 'churn_scoring']);
    expect(p1.body.metaData).toEqual({ totalItems: 3, rowsPerPage: 2, currentPage: 1, nextPage: true });
    const p2 = await call(url, `${path}?page=2&rowsPerPage=2`);
    expect(p2.body.items.map((d: { name: string }) => d.name)).toEqual(['customer_value_train']);
    expect(p2.body.metaData).toEqual({ totalItems: 3, rowsPerPage: 2, currentPage: 2, nextPage: false });
    const p9 = await call(url, `${path}?page=9&rowsPerPage=2`);
    expect(p9.status).toBe(200);
    expect(p9.body).toEqual({ items: [], metaData: { totalItems: 3, rowsPerPage: 2, currentPage: 9, nextPage: false } });
  });

  it('lets the SDK get_all_results loop (bare GET, then ?page=1..n) collect every item once', async () => {
    const first = await call(url, path);
    const pages = Math.ceil(first.body.metaData.totalItems / first.body.metaData.rowsPerPage);
    const all: string[] = [];
    for (let n = 1; n <= pages; n++) all.push(...(await call(url, `${path}?page=${n}`)).body.items.map((d: { _id: string }) => d._id));
    expect(all).toEqual(CHURN.datasetIds);
  });

  it('sorts with sortBy and descending=true|false', async () => {
    const desc = await call(url, `${path}?sortBy=name&descending=true`);
    expect(desc.body.items.map((d: { name: string }) => d.name)).toEqual(['customer_value_train', 'churn_train', 'churn_scoring']);
    const asc = await call(url, `${path}?sortBy=name&descending=false`);
    expect(asc.body.items.map((d: { name: string }) => d.name)).toEqual(['churn_scoring', 'churn_train', 'customer_value_train']);
  });

  it('answers the SDK latest_version query with the newest version', async () => {
    const exp = CHURN.experimentIds[0]!;
    const r = await call(url, `/ext/v1/experiments/${exp}/versions?rowsPerPage=1&sortBy=created_at&descending=true`);
    expect(r.body.items).toHaveLength(1);
    expect(r.body.items[0]).toMatchObject({ version: 2, description: 'more estimators', state: 'done' });
    expect(r.body.metaData).toEqual({ totalItems: 2, rowsPerPage: 1, currentPage: 1, nextPage: true });
  });

  it.each([
    ['page=0', /page must be an integer between 1 and/],
    ['page=abc', /page must be an integer/],
    ['rowsPerPage=0', /rowsPerPage must be an integer between 1 and 1000/],
    ['rowsPerPage=5000', /rowsPerPage/],
    ['descending=yes', /descending must be "true" or "false"/],
    ['sortBy=colour', /Cannot sort by "colour": expected one of/],
  ])('answers 400 E_BAD_REQUEST for %s', async (query, message) => {
    const r = await call(url, `${path}?${query}`);
    expect(r.status).toBe(400);
    expect(r.body).toEqual({ status: 400, err_code: 'E_BAD_REQUEST', message: expect.stringMatching(message) });
  });
});

describe('datasets', () => {
  it('serves a dataset with its state fields and isAvailable', async () => {
    const r = await call(url, `/ext/v1/datasets/${CHURN.datasetIds[0]}`);
    expect(r.body).toMatchObject({
      _id: '61dc03a0a3f91c2e7b5e21a3',
      name: 'churn_train',
      separator: ',',
      file_type: 'csv',
      datasource: null,
      copy_state: 'done',
      describe_state: 'done',
      drift_state: 'done',
      embeddings_state: 'pending',
      isAvailable: true,
      nb_rows: 40,
      nb_columns: 6,
    });
  });

  it('serves a sample as column objects and row arrays (the R SDK reads columns[[i]]$name)', async () => {
    const r = await call(url, `/ext/v1/datasets/${CHURN.datasetIds[0]}/sample`);
    expect(r.body.columns).toEqual([
      { name: 'customer_id', type: 'categorical' },
      { name: 'tenure_months', type: 'numerical' },
      { name: 'monthly_charges', type: 'numerical' },
      { name: 'contract', type: 'categorical' },
      { name: 'support_calls', type: 'numerical' },
      { name: 'churn', type: 'categorical' },
    ]);
    expect(r.body.rows).toHaveLength(10);
    expect(r.body.rows[0]).toEqual(['C-1001', 10, 96.48, 'one-year', 4, 'no']);
  });

  it('downloads a zip holding the csv', async () => {
    const res = await fetch(`${url}/ext/v1/datasets/${ESTATE.datasetIds[1]}/download`, { headers: { authorization: TOKEN } });
    expect(res.headers.get('content-type')).toBe('application/zip');
    const entry = firstZipEntry(Buffer.from(await res.arrayBuffer()))!;
    expect(entry.name).toBe('houses_scoring.csv');
    const lines = entry.data.toString('utf8').trim().split('\n');
    expect(lines[0]).toBe('surface_m2,rooms,city,year_built');
    expect(lines).toHaveLength(13);
  });

  it('deletes a dataset with 204 and an empty body, then answers 404 E_NOT_FOUND', async () => {
    const del = await call(url, `/ext/v1/datasets/${CHURN.datasetIds[1]}`, { method: 'DELETE' });
    expect(del.status).toBe(204);
    expect(del.text).toBe('');
    const gone = await call(url, `/ext/v1/datasets/${CHURN.datasetIds[1]}`);
    expect(gone.status).toBe(404);
    expect(gone.body).toEqual({ status: 404, err_code: 'E_NOT_FOUND', message: expect.stringContaining(CHURN.datasetIds[1]!) });
  });
});

describe('experiments, versions and models', () => {
  it('lists experiments with the keys Experiment.from_dict reads', async () => {
    const r = await call(url, `/ext/v1/projects/${ESTATE.id}/experiments`);
    expect(r.body.items.map((e: { name: string; training_type: string }) => [e.name, e.training_type])).toEqual([
      ['House price', 'regression'],
      ['Lead conversion', 'classification'],
    ]);
    expect(r.body.items[0]).toMatchObject({
      project_id: ESTATE.id,
      provider: 'prevision-auto-ml',
      data_type: 'tabular',
      hosting: 'prevision',
    });
  });

  it('creates an experiment and validates its enums', async () => {
    const ok = await call(url, `/ext/v1/projects/${ESTATE.id}/experiments`, {
      method: 'POST',
      body: JSON.stringify({
        name: 'Rent',
        provider: 'prevision-auto-ml',
        data_type: 'tabular',
        training_type: 'regression',
        hosting: 'prevision',
      }),
    });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ name: 'Rent', project_id: ESTATE.id, training_type: 'regression' });
    const bad = await call(url, `/ext/v1/projects/${ESTATE.id}/experiments`, {
      method: 'POST',
      body: JSON.stringify({ name: 'x', training_type: 'clustering' }),
    });
    expect(bad.status).toBe(400);
    expect(bad.body.message).toMatch(/training_type" must be one of classification, regression/);
  });

  it('refuses to delete a deployed experiment and deletes an undeployed one with 204', async () => {
    const deployed = await call(url, `/ext/v1/experiments/${CHURN.experimentIds[0]}`, { method: 'DELETE' });
    expect(deployed.status).toBe(400);
    expect(deployed.body.message).toMatch(/delete the deployment first/);
    expect((await call(url, `/ext/v1/experiments/${CHURN.experimentIds[1]}`, { method: 'DELETE' })).status).toBe(204);
    expect((await call(url, `/ext/v1/experiments/${CHURN.experimentIds[1]}`)).status).toBe(404);
  });

  it('serves versions with the nested experiment and params, and models tagged best', async () => {
    const versions = await call(url, `/ext/v1/experiments/${CHURN.experimentIds[0]}/versions`);
    const v2 = versions.body.items[1];
    expect(v2).toMatchObject({
      _id: '61dfea10a3f91c2e7b5e21ab',
      version: 2,
      parent_version: versions.body.items[0].version,
      experiment: { data_type: 'tabular', training_type: 'classification' },
      experiment_version_params: { target_column: 'churn', id_column: 'customer_id', metric: 'auc' },
      state: 'done',
      created_at: '2022-01-13T09:00:00.000Z',
    });
    const single = await call(url, `/ext/v1/experiment-versions/${v2._id}`);
    expect(single.body.best_model).toEqual({
      _id: CHURN_API.modelId,
      model_name: 'LightGBM-1',
      metric: { name: 'auc', value: expect.any(Number) },
    });
    const models = await call(url, `/ext/v1/experiment-versions/${v2._id}/models`);
    expect(models.body.items.map((m: { model_name: string; tags: string[] }) => [m.model_name, m.tags])).toEqual([
      ['LightGBM-1', ['best']],
      ['XGBoost-2', ['fastest']],
      ['Linear-3', ['simple']],
    ]);
    const model = await call(url, `/ext/v1/models/${CHURN_API.modelId}`);
    expect(model.body).toMatchObject({
      experiment_version_id: v2._id,
      project_id: CHURN.id,
      deployable: true,
      training_type: 'classification',
      hosting: 'prevision',
    });
  });
});

describe('deployments and API keys', () => {
  it("lists deployments whose url is this emulator's deployed-model host", async () => {
    const r = await call(url, `/ext/v1/projects/${CHURN.id}/model-deployments`);
    expect(r.body.items).toHaveLength(1);
    expect(r.body.items[0]).toMatchObject({
      _id: '61e53010a3f91c2e7b5e21c2',
      name: 'churn-api',
      deploy_state: 'done',
      main_model_run_state: 'done',
      current_version: 1,
      current_type_violation_policy: 'best_effort',
      access_type: 'fine_grained',
      training_type: 'classification',
      url: `${url}/deployments-host/61e53010a3f91c2e7b5e21c2`,
    });
    const house = await call(url, `/ext/v1/deployments/${HOUSE_API.id}`);
    expect(house.body).toMatchObject({ name: 'house-price-api', training_type: 'regression', project_id: ESTATE.id });
  });

  it('serves API key ids, then the client id and secret from /api-keys/{id}/secret', async () => {
    const keys = await call(url, `/ext/v1/deployments/${CHURN_API.id}/api-keys`);
    expect(keys.body.items.map((k: { _id: string }) => k._id)).toEqual([CHURN_API.apiKeyId]);
    expect(keys.text).not.toContain('augur-demo-churn-secret');
    const secret = await call(url, `/ext/v1/api-keys/${CHURN_API.apiKeyId}/secret`);
    expect(secret.body).toEqual({ service_account_client_id: 'augur-demo-churn-client', client_secret: 'augur-demo-churn-secret' });
  });

  it('creates another API key whose credentials open the token endpoint', async () => {
    const created = await call(url, `/ext/v1/deployments/${HOUSE_API.id}/api-keys`, { method: 'POST' });
    expect(created.status).toBe(200);
    expect(created.body.deployment_id).toBe(HOUSE_API.id);
    const secret = await call(url, `/ext/v1/api-keys/${created.body._id}/secret`);
    expect(secret.body.service_account_client_id).toMatch(/^house-price-api-[0-9a-f]{6}$/);
    const token = await call(url, '/auth/realms/prevision.io/protocol/openid-connect/token', {
      method: 'POST',
      auth: null,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `grant_type=client_credentials&client_id=${secret.body.service_account_client_id}&client_secret=${secret.body.client_secret}`,
    });
    expect(token.status).toBe(200);
    expect((await call(url, `/ext/v1/deployments/${HOUSE_API.id}/api-keys`)).body.metaData.totalItems).toBe(2);
  });

  it('lists seeded bulk predictions, one done and one failed, and downloads the done one', async () => {
    const r = await call(url, `/ext/v1/deployments/${CHURN_API.id}/deployment-predictions`);
    expect(
      r.body.items.map((p: { _id: string; state: string; main_model_prediction_state: string }) => [
        p._id,
        p.state,
        p.main_model_prediction_state,
      ]),
    ).toEqual([
      ['61e7d310a3f91c2e7b5e21c6', 'done', 'done'],
      ['61e7e120a3f91c2e7b5e21c7', 'failed', 'failed'],
    ]);
    const res = await fetch(`${url}/ext/v1/deployment-predictions/${CHURN_API.predictionIds[0]}/download`, {
      headers: { authorization: TOKEN },
    });
    const csv = firstZipEntry(Buffer.from(await res.arrayBuffer()))!.data.toString('utf8');
    expect(csv.split('\n')[0]).toBe('customer_id,tenure_months,monthly_charges,contract,support_calls,pred_churn,proba_yes,proba_no');
    const failed = await call(url, `/ext/v1/deployment-predictions/${CHURN_API.predictionIds[1]}/download`);
    expect(failed.status).toBe(400);
    expect(failed.body.message).toMatch(/no result to download \(state failed\)/);
  });

  it("deletes a deployment on DELETE /model-deployments/{id}, the path the SDK's delete() uses, with 204", async () => {
    const alias = await call(url, `/ext/v1/model-deployments/${HOUSE_API.id}`);
    const canonical = await call(url, `/ext/v1/deployments/${HOUSE_API.id}`);
    expect(alias.status).toBe(200);
    expect(alias.body).toEqual(canonical.body);
    const del = await call(url, `/ext/v1/model-deployments/${HOUSE_API.id}`, { method: 'DELETE' });
    expect(del.status).toBe(204);
    expect(del.text).toBe('');
    expect((await call(url, `/ext/v1/deployments/${HOUSE_API.id}`)).status).toBe(404);
    expect((await call(url, `/ext/v1/model-deployments/${HOUSE_API.id}`)).status).toBe(404);
    expect((await call(url, `/ext/v1/deployments/${HOUSE_API.id}/api-keys`)).status).toBe(404);
    expect((await call(url, `/ext/v1/deployment-predictions/${HOUSE_API.predictionIds[0]}`)).status).toBe(404);
    expect((await call(url, `/ext/v1/projects/${ESTATE.id}/model-deployments`)).body.metaData.totalItems).toBe(0);
    const again = await call(url, `/ext/v1/model-deployments/${HOUSE_API.id}`, { method: 'DELETE' });
    expect(again.status).toBe(404);
    expect(again.body).toEqual({ status: 404, err_code: 'E_NOT_FOUND', message: expect.stringContaining(HOUSE_API.id) });
    const routes = (await counters(url)).byRoute;
    expect(routes['DELETE /ext/v1/model-deployments/{id}']).toBe(2);
    expect(routes['DELETE /ext/v1/deployments/{id}']).toBeUndefined();
  });

  it('validates a new deployment against the project, experiment, version and model', async () => {
    const body = {
      name: 'x',
      experiment_id: CHURN.experimentIds[0],
      main_model_experiment_version_id: 'nope',
      main_model_id: CHURN_API.modelId,
    };
    const r = await call(url, `/ext/v1/projects/${CHURN.id}/model-deployments`, { method: 'POST', body: JSON.stringify(body) });
    expect(r.status).toBe(400);
    expect(r.body.message).toMatch(/main_model_experiment_version_id": no version "nope"/);
  });
});

describe('errors', () => {
  it('answers unknown routes with 404 E_NOT_FOUND and wrong methods with 405', async () => {
    const nope = await call(url, '/ext/v1/nothing-here');
    expect(nope.status).toBe(404);
    expect(nope.body).toEqual({ status: 404, err_code: 'E_NOT_FOUND', message: 'No such route: GET /ext/v1/nothing-here' });
    const put = await call(url, `/ext/v1/projects/${CHURN.id}`, { method: 'PUT' });
    expect(put.status).toBe(405);
    expect(put.body.err_code).toBe('E_METHOD_NOT_ALLOWED');
  });

  it('accepts paths with a trailing slash, as the R SDK sends them', async () => {
    expect((await call(url, `/ext/v1/deployments/${CHURN_API.id}/api-keys/`)).status).toBe(200);
  });
});

describe('fault injection', () => {
  const route = 'GET /ext/v1/projects';

  it('injects a status at a rate and counts every request under its route key', async () => {
    em.setFaults({ status: 503, rate: 0.5, routes: [route] });
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await call(url, '/ext/v1/projects')).status);
    expect(statuses).toEqual([200, 503, 200, 503]);
    expect((await call(url, '/ext/v1/version')).status).toBe(200);
    const c = await counters(url);
    expect(c.byRoute[route]).toBe(4);
    expect(c.byRoute['GET /ext/v1/version']).toBe(1);
  });

  it('sends the platform envelope and Retry-After with an injected 429', async () => {
    await fetch(`${url}/_emulator/faults`, {
      method: 'POST',
      body: JSON.stringify({ status: 429, retryAfter: 7, routes: [route], count: 1 }),
    });
    const r = await call(url, '/ext/v1/projects');
    expect(r.status).toBe(429);
    expect(r.headers.get('retry-after')).toBe('7');
    expect(r.body).toEqual({ status: 429, err_code: 'E_TOO_MANY_REQUESTS', message: 'Injected fault: HTTP 429' });
    expect((await call(url, '/ext/v1/projects')).status).toBe(200);
  });

  it('hangs a request until the client gives up', async () => {
    em.setFaults({ hang: true, routes: [route], count: 1 });
    await expect(
      fetch(`${url}/ext/v1/projects`, { headers: { authorization: TOKEN }, signal: AbortSignal.timeout(150) }),
    ).rejects.toThrow();
    expect((await counters(url)).byRoute[route]).toBe(1);
  });

  it('resets the connection', async () => {
    em.setFaults({ reset: true, routes: [route], count: 1 });
    await expect(fetch(`${url}/ext/v1/projects`, { headers: { authorization: TOKEN } })).rejects.toThrow();
    expect((await call(url, '/ext/v1/projects')).status).toBe(200);
    expect((await counters(url)).byRoute[route]).toBe(2);
  });

  it('answers malformed JSON with a 200', async () => {
    em.setFaults({ malformed: true, routes: [route] });
    const res = await fetch(`${url}/ext/v1/projects`, { headers: { authorization: TOKEN } });
    expect(res.status).toBe(200);
    await expect(res.json()).rejects.toThrow();
  });

  it('delays answers by latencyMs', async () => {
    em.setFaults({ latencyMs: 120, routes: [route] });
    const t0 = performance.now();
    expect((await call(url, '/ext/v1/projects')).status).toBe(200);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(110);
    const t1 = performance.now();
    await call(url, '/ext/v1/version');
    expect(performance.now() - t1).toBeLessThan(100);
  });
});
