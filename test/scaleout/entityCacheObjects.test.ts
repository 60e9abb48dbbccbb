/**
 * The entity cache for Civis and Prevision.io objects shared by two replicas through a real Redis: one replica serves
 * what the other cached; a read on one replica right after a write acknowledged by the other returns the new state,
 * for the writer's credential and another's; nothing in Redis names a credential.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CIVIS_DEMO_API_KEY, CIVIS_DEMO_API_KEY_2, SEED_IDS } from '@augur/emulators/civis';
import { DEFAULT_MASTER_TOKEN, PREVISION_DEMO } from '@augur/emulators/prevision';
import { createServer, type AugurServer } from '../../src/server/createServer.js';
import { createLogger } from '../../src/server/logger.js';
import { startRedis, type TestRedis } from '../helpers/redis.js';
import { startStack, type TestStack } from '../helpers/stack.js';

const SECOND_TOKEN = 'augur-second-prevision-token';
const BOB = { 'x-civis-api-key': CIVIS_DEMO_API_KEY_2 };
const SECOND = { 'x-prevision-token': SECOND_TOKEN };
const CHURN = PREVISION_DEMO.deployments[0]!;
const PROJECT = PREVISION_DEMO.projects.find((p) => p.id === CHURN.projectId)!;
const ERRORS = 'userErrors { field code message }';
const SCRIPT = 'query S($p: String!) { civis { script(platformId: $p) { name archived lastRun { platformId } } } }';
const PROJECTS = '{ prevision { projects(first: 50) { nodes { platformId } } } }';
const VERSION = 'query V($p: String) { prevision { experimentVersion(platformId: $p) { draft state } } }';

let redis: TestRedis;
let a: TestStack;
let b: { url: string; augur: AugurServer; server: http.Server };

/** A second replica: another Augur server on the same emulators and the same Redis. */
async function secondReplica(first: TestStack): Promise<typeof b> {
  const augur = await createServer({
    config: first.embedded.config,
    platforms: first.embedded.platforms,
    dataikuEndpoints: first.embedded.dataikuEndpoints,
    logger: createLogger({ level: 'silent' }),
  });
  await augur.start();
  const server = http.createServer(augur.handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`, augur, server };
}

type Read = (query: string, variables?: Record<string, unknown>, headers?: Record<string, string>) => Promise<any>;

/** A query's data on replica A or B, failing the test on any error. */
const onA: Read = async (query, variables, headers) => {
  const r = await a.gql(query, variables, headers);
  expect(r.errors).toBeUndefined();
  return r.data;
};
const onB: Read = async (query, variables, headers = {}) => {
  const res = await fetch(b.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query, variables }),
  });
  const r = (await res.json()) as { data?: any; errors?: unknown };
  expect(r.errors).toBeUndefined();
  return r.data;
};
const gid = (type: 'CivisScript' | 'CivisJob', id: string | number) => a.augur.services.codec.encode(type, String(id));

beforeAll(async () => {
  redis = await startRedis();
  a = await startStack({
    env: { REDIS_URL: redis.url, AUGUR_ENTITY_CACHE_TTLS: 'civis=60,prevision=60', AUGUR_SHARE_READS: 'true' },
    emulatorOptions: {
      civis: { runReadsToFinish: 3 },
      prevision: { masterTokens: [DEFAULT_MASTER_TOKEN, SECOND_TOKEN], asyncStepMs: 0, asyncStepReads: 0, keepAliveMs: 0 },
    },
  });
  b = await secondReplica(a);
}, 60_000);

afterAll(async () => {
  if (b) {
    b.server.closeAllConnections();
    await new Promise<void>((resolve) => b.server.close(() => resolve()));
    await b.augur.stop();
  }
  await a?.close();
  await redis?.close();
});

const route = async (platform: 'civis' | 'prevision', r: string): Promise<number> => (await a.requests(platform)).byRoute[r] ?? 0;

describe('Civis and Prevision entity cache over Redis, two replicas', () => {
  it('serves one replica what the other cached, per credential, and keeps no credential in Redis', async () => {
    const first = await onA(SCRIPT, { p: '5001' });
    expect(await onB(SCRIPT, { p: '5001' })).toEqual(first);
    expect(await route('civis', 'GET /scripts/{id}')).toBe(1);
    await onB(SCRIPT, { p: '5001' }, BOB);
    expect(await route('civis', 'GET /scripts/{id}')).toBe(2);

    expect(await onB(PROJECTS)).toEqual(await onA(PROJECTS));
    expect(await route('prevision', 'GET /ext/v1/projects')).toBe(1);
    const keys = (await redis.client().keys('augur:ec:*')).join(' ');
    expect(keys).toContain('civis|');
    expect(keys).toContain('prevision|');
    for (const secret of [CIVIS_DEMO_API_KEY, CIVIS_DEMO_API_KEY_2, DEFAULT_MASTER_TOKEN, SECOND_TOKEN]) expect(keys).not.toContain(secret);
  });

  it('returns the new state on one replica right after each kind of Civis write on the other', async () => {
    await onB(SCRIPT, { p: '5001' });
    await onB(SCRIPT, { p: '5001' }, BOB);
    await onA(`mutation($i: UpdateCivisScriptInput!) { updateCivisScript(input: $i) { ${ERRORS} } }`, {
      i: { id: gid('CivisScript', 5001), name: 'Renamed on A' },
    });
    expect((await onB(SCRIPT, { p: '5001' })).civis.script.name).toBe('Renamed on A');
    expect((await onB(SCRIPT, { p: '5001' }, BOB)).civis.script.name).toBe('Renamed on A');

    await onA(SCRIPT, { p: '5001' });
    await onB(`mutation($i: ArchiveCivisObjectInput!) { archiveCivisObject(input: $i) { ${ERRORS} } }`, {
      i: { id: gid('CivisScript', 5001) },
    });
    expect((await onA(SCRIPT, { p: '5001' })).civis.script.archived).toBe(true);

    const job = String(SEED_IDS.idleJob);
    const before = (await onA(SCRIPT, { p: job })).civis.script.lastRun;
    const started = await onB(`mutation($i: RunCivisJobInput!) { runCivisJob(input: $i) { run { id platformId } } }`, {
      i: { jobId: gid('CivisJob', job) },
    });
    const run = started.runCivisJob.run;
    expect(before?.platformId).not.toBe(run.platformId);
    expect((await onA(SCRIPT, { p: job })).civis.script.lastRun).toEqual({ platformId: run.platformId });
    const cancelled = await onA(`mutation($i: CancelCivisRunInput!) { cancelCivisRun(input: $i) { run { state } ${ERRORS} } }`, {
      i: { runId: run.id },
    });
    expect(cancelled.cancelCivisRun.run.state).toBe('CANCELLED');
    const RUNS = 'query J($p: String!) { civis { job(platformId: $p) { lastRun { state } } } }';
    expect((await onB(RUNS, { p: job })).civis.job.lastRun.state).toBe('CANCELLED');
  });

  it('returns the new state on one replica right after Prevision writes on the other', async () => {
    const ids = (d: any) => (d.prevision.projects.nodes as Array<{ platformId: string }>).map((n) => n.platformId);
    await onB(PROJECTS);
    await onB(PROJECTS, undefined, SECOND);
    const created = await onA(
      `mutation($i: CreatePrevisionProjectInput!) { createPrevisionProject(input: $i) { project { id platformId } ${ERRORS} } }`,
      { i: { name: 'Made on A' } },
    );
    const project = created.createPrevisionProject.project;
    expect(ids(await onB(PROJECTS))).toContain(project.platformId);
    expect(ids(await onB(PROJECTS, undefined, SECOND))).toContain(project.platformId);

    const experiment = (
      await onB(`mutation($i: CreatePrevisionExperimentInput!) { createPrevisionExperiment(input: $i) { experiment { id } ${ERRORS} } }`, {
        i: {
          projectId: a.augur.services.codec.encode('PrevisionProject', PROJECT.id),
          name: 'Trained on B',
          trainingType: 'CLASSIFICATION',
        },
      })
    ).createPrevisionExperiment.experiment;
    const version = (
      await onB(
        `mutation($i: CreatePrevisionExperimentVersionInput!) { createPrevisionExperimentVersion(input: $i) { experimentVersion { id platformId } ${ERRORS} } }`,
        {
          i: {
            experimentId: experiment.id,
            datasetId: a.augur.services.codec.encode('PrevisionDataset', PROJECT.datasetIds[0]!),
            targetColumn: CHURN.target,
            profile: 'QUICK',
          },
        },
      )
    ).createPrevisionExperimentVersion.experimentVersion;
    expect((await onA(VERSION, { p: version.platformId })).prevision.experimentVersion.draft).toBe(true);
    await onB(`mutation($i: PrevisionExperimentVersionInput!) { confirmPrevisionExperimentVersion(input: $i) { ${ERRORS} } }`, {
      i: { id: version.id },
    });
    expect((await onA(VERSION, { p: version.platformId })).prevision.experimentVersion.draft).toBe(false);
    await onA(`mutation($i: PrevisionExperimentVersionInput!) { stopPrevisionExperimentVersion(input: $i) { ${ERRORS} } }`, {
      i: { id: version.id },
    });
    expect((await onB(VERSION, { p: version.platformId }, SECOND)).prevision.experimentVersion.state).toBe('DONE');

    await onB(`mutation($i: DeletePrevisionObjectInput!) { deletePrevisionObject(input: $i) { ${ERRORS} } }`, { i: { id: project.id } });
    expect(ids(await onA(PROJECTS))).not.toContain(project.platformId);
    expect(ids(await onA(PROJECTS, undefined, SECOND))).not.toContain(project.platformId);
  });

  it('answers a Civis write while Redis is down, and serves nothing stale once it is back', async () => {
    await onA(SCRIPT, { p: '5002' });
    await onB(SCRIPT, { p: '5002' });
    await redis.kill();
    // Reads still answer, from Civis; the write answers although its invalidation cannot reach Redis.
    expect((await onB(SCRIPT, { p: '5002' })).civis.script.name).toEqual(expect.any(String));
    const renamed = await onA(`mutation($i: UpdateCivisScriptInput!) { updateCivisScript(input: $i) { script { name } ${ERRORS} } }`, {
      i: { id: gid('CivisScript', 5002), name: 'Renamed while Redis was down' },
    });
    expect(renamed.updateCivisScript).toEqual({ script: { name: 'Renamed while Redis was down' }, userErrors: [] });
    await redis.restart();
    expect((await onB(SCRIPT, { p: '5002' })).civis.script.name).toBe('Renamed while Redis was down');
    expect((await onA(SCRIPT, { p: '5002' })).civis.script.name).toBe('Renamed while Redis was down');
  });
});
