import { describe, expect, it } from 'vitest';
import { previsionEmulator, SECOND_MASTER_TOKEN, type PrevisionEmulator } from '../../src/prevision/index.js';
import { call, TOKEN, TOKEN_URL_PATH, usePrevision } from './helpers.js';

let em: PrevisionEmulator;
let url = '';
usePrevision({ asyncStepMs: 0, asyncStepReads: 1 }, (s) => ({ em, url } = s));

const ids = async (auth: string, path: string): Promise<string[]> => {
  const r = await call(url, path, { auth });
  expect(r.status).toBe(200);
  return (r.body.items as Array<{ _id: string }>).map((i) => i._id);
};

describe('a second organization (second master token)', () => {
  it('answers the second token with data of its own: another user, other projects, ids unknown to the first', async () => {
    const first = await call(url, '/ext/v1/profile');
    const second = await call(url, '/ext/v1/profile', { auth: SECOND_MASTER_TOKEN });
    expect(first.body.email).toBe('demo@augur.example');
    expect(second.body).toMatchObject({ email: 'bob@globex.example', company: 'Globex' });
    const mine = await ids(TOKEN, '/ext/v1/projects');
    const theirs = await ids(SECOND_MASTER_TOKEN, '/ext/v1/projects');
    expect(theirs).toHaveLength(1);
    expect(mine.filter((id) => theirs.includes(id))).toEqual([]);
    // An id of one organization is a 404 for the other, both ways.
    expect((await call(url, `/ext/v1/projects/${theirs[0]}`)).status).toBe(404);
    expect((await call(url, `/ext/v1/projects/${mine[0]}`, { auth: SECOND_MASTER_TOKEN })).status).toBe(404);
  });

  it('keeps what one organization creates from the other, and resets both', async () => {
    const created = await call(url, '/ext/v1/projects', {
      method: 'POST',
      auth: SECOND_MASTER_TOKEN,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Globex only' }),
    });
    expect(created.status).toBe(200);
    expect(await ids(SECOND_MASTER_TOKEN, '/ext/v1/projects')).toContain(created.body._id);
    expect(await ids(TOKEN, '/ext/v1/projects')).not.toContain(created.body._id);
    await fetch(`${url}/_emulator/reset`, { method: 'POST' });
    expect(await ids(SECOND_MASTER_TOKEN, '/ext/v1/projects')).not.toContain(created.body._id);
  });

  it("serves the second organization's deployed model with its own API key", async () => {
    const [project] = await ids(SECOND_MASTER_TOKEN, '/ext/v1/projects');
    const [deployment] = await ids(SECOND_MASTER_TOKEN, `/ext/v1/projects/${project}/model-deployments`);
    const [key] = await ids(SECOND_MASTER_TOKEN, `/ext/v1/deployments/${deployment}/api-keys`);
    const secret = await call(url, `/ext/v1/api-keys/${key}/secret`, { auth: SECOND_MASTER_TOKEN });
    const token = await call(url, TOKEN_URL_PATH, {
      method: 'POST',
      auth: null,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: secret.body.service_account_client_id,
        client_secret: secret.body.client_secret,
      }).toString(),
    });
    expect(token.status).toBe(200);
    const inputs = await call(url, `/deployments-host/${deployment}/inputs`, { auth: `Bearer ${token.body.access_token}` });
    expect(inputs.status).toBe(200);
    expect(inputs.body.map((i: { name: string }) => i.name)).toContain('surface_m2');
    // The first organization's key does not open the second's deployment.
    expect((await call(url, `/ext/v1/deployments/${deployment}/api-keys`)).status).toBe(404);
  });

  it('can be turned off, and refuses a token claimed by both organizations', async () => {
    expect(() => previsionEmulator.create({ masterTokens: ['x'], secondMasterTokens: ['x'] })).toThrow(/both/);
    const single = previsionEmulator.create({ secondMasterTokens: [] }) as PrevisionEmulator;
    const base = await single.listen(0);
    try {
      expect((await fetch(`${base}/ext/v1/profile`, { headers: { authorization: SECOND_MASTER_TOKEN } })).status).toBe(401);
    } finally {
      await single.close();
    }
    expect(previsionEmulator.optionsFromEnv({ AUGUR_EMULATOR_PREVISION_SECOND_MASTER_TOKEN: 'p, q' })).toEqual({
      secondMasterTokens: ['p', 'q'],
    });
    expect(em.eventStreams).toBe(0);
  });
});
