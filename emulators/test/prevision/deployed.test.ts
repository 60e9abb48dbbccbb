import { describe, expect, it } from 'vitest';
import { PREVISION_DEMO } from '../../src/prevision/index.js';
import { firstZipEntry } from '../../src/prevision/files.js';
import { accessToken, call, counters, startPrevision, TOKEN, TOKEN_URL_PATH, usePrevision } from './helpers.js';

const CHURN_API = PREVISION_DEMO.deployments[0]!;
const HOUSE_API = PREVISION_DEMO.deployments[1]!;
const TOKEN_ROUTE = `POST ${TOKEN_URL_PATH}`;
const PREDICT_ROUTE = 'POST /deployments-host/{deploymentId}/predict';

const HIGH_RISK = { tenure_months: 3, monthly_charges: 99.5, contract: 'month-to-month', support_calls: 4 };
const HOUSE = { surface_m2: 120, rooms: 4, city: 'Paris', year_built: 2005 };

let now = Date.UTC(2024, 0, 1);
let url = '';
const host = (d: { id: string }): string => `${url}/deployments-host/${d.id}`;

usePrevision({ now: () => now, tokenTtlSeconds: 120 }, (s) => ({ url } = s));

describe('token endpoint ({oidc_url}/auth/realms/prevision.io/protocol/openid-connect/token)', () => {
  it('issues a Bearer token for the API key client credentials sent in the form', async () => {
    const r = await call(url, TOKEN_URL_PATH, {
      method: 'POST',
      auth: null,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `grant_type=client_credentials&client_id=${CHURN_API.clientId}&client_secret=${CHURN_API.clientSecret}`,
    });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({
      access_token: expect.stringMatching(/^pvat\./),
      expires_in: 120,
      refresh_expires_in: 0,
      token_type: 'Bearer',
      'not-before-policy': 0,
      scope: 'profile email',
    });
    expect(r.headers.get('cache-control')).toBe('no-store');
  });

  it('accepts the client as HTTP Basic credentials (the requests-oauthlib default)', async () => {
    const basic = Buffer.from(`${HOUSE_API.clientId}:${HOUSE_API.clientSecret}`).toString('base64');
    const r = await call(url, TOKEN_URL_PATH, {
      method: 'POST',
      auth: `Basic ${basic}`,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=client_credentials',
    });
    expect(r.status).toBe(200);
    expect(r.body.token_type).toBe('Bearer');
  });

  it('answers 401 invalid_client for a wrong secret or unknown client, without echoing the secret', async () => {
    const wrong = await call(url, TOKEN_URL_PATH, {
      method: 'POST',
      auth: null,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `grant_type=client_credentials&client_id=${CHURN_API.clientId}&client_secret=guess-123`,
    });
    expect(wrong.status).toBe(401);
    expect(wrong.body).toEqual({ error: 'invalid_client', error_description: expect.stringMatching(/Invalid client credentials/) });
    expect(wrong.text).not.toContain('guess-123');
    const unknown = await call(url, TOKEN_URL_PATH, {
      method: 'POST',
      auth: null,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=client_credentials&client_id=x&client_secret=y',
    });
    expect(unknown.body.error).toBe('invalid_client');
  });

  it('answers 400 unsupported_grant_type for another grant', async () => {
    const r = await call(url, TOKEN_URL_PATH, {
      method: 'POST',
      auth: null,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=password&username=a&password=b',
    });
    expect(r.status).toBe(400);
    expect(r.body.error).toBe('unsupported_grant_type');
  });

  it('defaults expires_in to 300 seconds', async () => {
    const other = await startPrevision();
    try {
      const r = await call(other.url, TOKEN_URL_PATH, {
        method: 'POST',
        auth: null,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: `grant_type=client_credentials&client_id=${CHURN_API.clientId}&client_secret=${CHURN_API.clientSecret}`,
      });
      expect(r.body.expires_in).toBe(300);
    } finally {
      await other.em.close();
    }
  });
});

describe('deployed model host (<base>/deployments-host/<deploymentId>)', () => {
  it('describes the classification model: /about, /inputs, /outputs', async () => {
    const t = `Bearer ${await accessToken(url, CHURN_API.clientId, CHURN_API.clientSecret)}`;
    const about = await call(host(CHURN_API), '/about', { auth: t });
    expect(about.body).toMatchObject({
      problem_type: 'classification',
      provider: 'prevision-auto-ml',
      name: 'churn-api',
      model_id: CHURN_API.modelId,
      target: 'churn',
    });
    const inputs = await call(host(CHURN_API), '/inputs', { auth: t });
    expect(inputs.body).toEqual([
      { name: 'tenure_months', type: 'numerical', required: true },
      { name: 'monthly_charges', type: 'numerical', required: true },
      { name: 'contract', type: 'categorical', required: true, values: ['two-year', 'one-year', 'month-to-month'] },
      { name: 'support_calls', type: 'numerical', required: true },
    ]);
    const outputs = await call(host(CHURN_API), '/outputs', { auth: t });
    expect(outputs.body).toEqual([{ keyName: 'churn', name: 'churn', type: 'categorical', values: ['yes', 'no'] }]);
  });

  it('predicts a classification from a JSON body sent without Content-Type, fetching the token once', async () => {
    const t = `Bearer ${await accessToken(url, CHURN_API.clientId, CHURN_API.clientSecret)}`;
    const plain = await fetch(`${host(CHURN_API)}/predict`, {
      method: 'POST',
      headers: { authorization: t },
      body: Buffer.from(JSON.stringify(HIGH_RISK)),
    });
    expect(plain.status).toBe(200);
    expect(await plain.json()).toEqual({
      prediction: 'yes',
      probas: { yes: 0.9442, no: 0.0558 },
      response: { predictions: { churn: 'yes', probas: { yes: 0.9442, no: 0.0558 } } },
    });
    const low = await call(host(CHURN_API), '/predict', {
      method: 'POST',
      auth: t,
      body: JSON.stringify({ tenure_months: 60, monthly_charges: 30, contract: 'two-year', support_calls: 0 }),
    });
    expect(low.body.prediction).toBe('no');
    expect(low.body.probas).toEqual({ yes: 0.0078, no: 0.9922 });
    const c = await counters(url);
    expect(c.byRoute[TOKEN_ROUTE]).toBe(1);
    expect(c.byRoute[PREDICT_ROUTE]).toBe(2);
  });

  it('adds confidence and explanation when asked, and accepts the SDK [{name, value}] body', async () => {
    const t = `Bearer ${await accessToken(url, CHURN_API.clientId, CHURN_API.clientSecret)}`;
    const sdkBody = Object.entries(HIGH_RISK).map(([name, value]) => ({ name, value }));
    const r = await call(host(CHURN_API), '/predict?explain=true&confidence=true', {
      method: 'POST',
      auth: t,
      body: JSON.stringify(sdkBody),
    });
    expect(r.body.prediction).toBe('yes');
    expect(r.body.confidence).toEqual({ score: 0.9442 });
    expect(r.body.explanation).toEqual({ tenure_months: 1.4527, monthly_charges: 0.3012, contract: 1.131, support_calls: 0.4551 });
    // Where DeployedModel.predict reads: response.predictions[outputs[0].keyName], .confidence, .explanation.
    expect(r.body.response.predictions).toMatchObject({ churn: 'yes', confidence: { score: 0.9442 }, explanation: r.body.explanation });
  });

  it('predicts a regression with quantile confidence, even when curl labels the JSON as a form', async () => {
    const t = `Bearer ${await accessToken(url, HOUSE_API.clientId, HOUSE_API.clientSecret)}`;
    const r = await call(host(HOUSE_API), '/predict?confidence=true', {
      method: 'POST',
      auth: t,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: JSON.stringify(HOUSE),
    });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({
      prediction: 427.33,
      confidence: { 'TARGET_quantile=10': 347.76, 'TARGET_quantile=50': 427.33, 'TARGET_quantile=90': 506.9 },
      response: {
        predictions: { price_keur: 427.33, 'TARGET_quantile=10': 347.76, 'TARGET_quantile=50': 427.33, 'TARGET_quantile=90': 506.9 },
      },
    });
    const plain = await call(host(HOUSE_API), '/predict', {
      method: 'POST',
      auth: t,
      body: JSON.stringify({ surface_m2: 40, rooms: 1, city: 'Nantes', year_built: 1930 }),
    });
    expect(plain.body).toEqual({ prediction: 88.17, response: { predictions: { price_keur: 88.17 } } });
  });

  it('agrees with the seeded bulk prediction for the same row', async () => {
    const zip = Buffer.from(
      await (
        await fetch(`${url}/ext/v1/deployment-predictions/${CHURN_API.predictionIds[0]}/download`, { headers: { authorization: TOKEN } })
      ).arrayBuffer(),
    );
    const [header, first] = firstZipEntry(zip)!.data.toString('utf8').split('\n') as [string, string];
    const row = Object.fromEntries(header.split(',').map((h, i) => [h, first.split(',')[i]]));
    const t = `Bearer ${await accessToken(url, CHURN_API.clientId, CHURN_API.clientSecret)}`;
    const input = {
      tenure_months: Number(row['tenure_months']),
      monthly_charges: Number(row['monthly_charges']),
      contract: row['contract'],
      support_calls: Number(row['support_calls']),
    };
    const unit = await call(host(CHURN_API), '/predict', { method: 'POST', auth: t, body: JSON.stringify(input) });
    expect(unit.body.prediction).toBe(row['pred_churn']);
    expect(unit.body.probas.yes).toBe(Number(row['proba_yes']));
  });

  it('treats missing or mistyped features as neutral under best_effort, and a non-object body as 400', async () => {
    const t = `Bearer ${await accessToken(url, HOUSE_API.clientId, HOUSE_API.clientSecret)}`;
    const partial = await call(host(HOUSE_API), '/predict', {
      method: 'POST',
      auth: t,
      body: JSON.stringify({ surface_m2: '120', city: 'Atlantis', extra: 1 }),
    });
    expect(partial.status).toBe(200);
    expect(typeof partial.body.prediction).toBe('number');
    const bad = await call(host(HOUSE_API), '/predict', { method: 'POST', auth: t, body: '42' });
    expect(bad.status).toBe(400);
    expect(bad.body).toEqual({
      status: 400,
      err_code: 'E_BAD_REQUEST',
      message: expect.stringMatching(/Expected a JSON body of feature values/),
    });
    const broken = await call(host(HOUSE_API), '/predict', { method: 'POST', auth: t, body: '{"surface_m2":' });
    expect(broken.status).toBe(400);
  });

  it('answers 401 with WWW-Authenticate without a Bearer token, and refuses the master token', async () => {
    const none = await call(host(CHURN_API), '/predict', { method: 'POST', auth: null, body: JSON.stringify(HIGH_RISK) });
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toMatch(/^Bearer /);
    expect(none.body).toEqual({
      status: 401,
      err_code: 'E_UNK',
      message: expect.stringMatching(/Expected "Authorization: Bearer <access_token>"/),
    });
    const master = await call(host(CHURN_API), '/about', { auth: TOKEN });
    expect(master.status).toBe(401);
    const unknown = await call(host(CHURN_API), '/about', { auth: 'Bearer pvat.nope' });
    expect(unknown.body.message).toMatch(/Unknown access token/);
  });

  it('refuses a token issued for another deployment', async () => {
    const t = `Bearer ${await accessToken(url, HOUSE_API.clientId, HOUSE_API.clientSecret)}`;
    const r = await call(host(CHURN_API), '/about', { auth: t });
    expect(r.status).toBe(401);
    expect(r.body.message).toMatch(/belongs to another deployment/);
  });

  it('expires tokens after tokenTtlSeconds of the emulator clock', async () => {
    const t = `Bearer ${await accessToken(url, CHURN_API.clientId, CHURN_API.clientSecret)}`;
    now += 119_000;
    expect((await call(host(CHURN_API), '/about', { auth: t })).status).toBe(200);
    now += 1_000;
    const expired = await call(host(CHURN_API), '/about', { auth: t });
    expect(expired.status).toBe(401);
    expect(expired.body.message).toMatch(/expired/);
    expect(
      (await call(host(CHURN_API), '/about', { auth: `Bearer ${await accessToken(url, CHURN_API.clientId, CHURN_API.clientSecret)}` }))
        .status,
    ).toBe(200);
  });

  it('answers 404 E_NOT_FOUND for an unknown deployment host', async () => {
    const r = await call(`${url}/deployments-host/000000000000000000000000`, '/about', { auth: 'Bearer x' });
    expect(r.status).toBe(404);
    expect(r.body.err_code).toBe('E_NOT_FOUND');
  });

  it('rejects type violations under the strict policy, naming each feature', async () => {
    const v = (await call(url, `/ext/v1/deployments/${HOUSE_API.id}`)).body.versions[0];
    const dep = (
      await call(url, `/ext/v1/projects/${HOUSE_API.projectId}/model-deployments`, {
        method: 'POST',
        body: JSON.stringify({
          name: 'strict-house',
          experiment_id: (await call(url, `/ext/v1/deployments/${HOUSE_API.id}`)).body.experiment_id,
          main_model_experiment_version_id: v.main_model_experiment_version_id,
          main_model_id: v.main_model_id,
          type_violation_policy: 'strict',
        }),
      })
    ).body;
    const key = (await call(url, `/ext/v1/deployments/${dep._id}/api-keys`, { method: 'POST' })).body;
    const secret = (await call(url, `/ext/v1/api-keys/${key._id}/secret`)).body;
    const t = `Bearer ${await accessToken(url, secret.service_account_client_id, secret.client_secret)}`;
    const starting = await call(dep.url, '/about', { auth: t });
    expect(starting.status).toBe(503);
    expect(starting.body.err_code).toBe('E_UNAVAILABLE');
    now += 5_000; // asyncStepMs defaults to 2000: two steps and the deployment is up
    const r = await call(dep.url, '/predict', { method: 'POST', auth: t, body: JSON.stringify({ surface_m2: '120', city: 'Paris' }) });
    expect(r.status).toBe(400);
    expect(r.body.message).toBe(
      'Type violation (policy strict): feature "surface_m2" expects a number, got "120"; feature "rooms" is missing; feature "year_built" is missing. Expected features: surface_m2 (numerical), rooms (numerical), city (categorical), year_built (numerical).',
    );
    expect((await call(dep.url, '/predict', { method: 'POST', auth: t, body: JSON.stringify(HOUSE) })).body.prediction).toBe(427.33);
  });
});
