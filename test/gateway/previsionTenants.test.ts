import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_MASTER_TOKEN, PREVISION_DEMO, SECOND_MASTER_TOKEN } from '@augur/emulators/prevision';
import { startStack, type TestStack } from '../helpers/stack.js';
import { bearer, TestIssuer } from '../helpers/issuer.js';

let issuer: TestIssuer;
let stack: TestStack;
const file = join(mkdtempSync(join(tmpdir(), 'augur-prevision-tenants-')), 'tenants.yaml');

beforeAll(async () => {
  writeFileSync(file, `tenants:\n  acme:\n    prevision: ${DEFAULT_MASTER_TOKEN}\n  globex:\n    prevision: ${SECOND_MASTER_TOKEN}\n`);
  issuer = await TestIssuer.start();
  // Sharing between operations is on (the default), so that a shared read or batch crossing tenants would show.
  stack = await startStack({
    env: issuer.env({ AUGUR_TENANTS_FILE: file, AUGUR_TENANT_CLAIM: 'org', AUGUR_SHARE_READS: 'true', AUGUR_CROSS_BATCH: 'true' }),
    emulatorOptions: { prevision: { asyncStepMs: 0, asyncStepReads: 1, keepAliveMs: 0 } },
  });
});
afterAll(async () => {
  await stack?.close();
  await issuer?.close();
});
beforeEach(() => stack.reset());

const token = async (org: string) => bearer(await issuer.token({ org, sub: `user@${org}`, scope: 'prevision:read prevision:write' }));

const READ = `{ prevision {
  profile { email company }
  projects(first: 10) { totalCount nodes { platformId name
    datasets(first: 10) { nodes { platformId name } }
    deployments(first: 10) { nodes { id platformId name } } } } } }`;

type Read = {
  prevision: {
    profile: { email: string };
    projects: {
      totalCount: number;
      nodes: Array<{
        platformId: string;
        datasets: { nodes: Array<{ platformId: string }> };
        deployments: { nodes: Array<{ id: string; platformId: string }> };
      }>;
    };
  };
};

/** Every Prevision id an answer holds. */
const idsOf = (d: Read): Set<string> =>
  new Set(
    d.prevision.projects.nodes.flatMap((p) => [
      p.platformId,
      ...p.datasets.nodes.map((x) => x.platformId),
      ...p.deployments.nodes.map((x) => x.platformId),
    ]),
  );

describe('Prevision with two tenants', () => {
  it('runs the same reads and writes of two tenants concurrently, each seeing its own organization only', async () => {
    const acme = await token('acme');
    const globex = await token('globex');
    const create = `mutation($n: String!) { createPrevisionProject(input: { name: $n }) { project { platformId } userErrors { code } } }`;
    const runs = await Promise.all(
      Array.from({ length: 8 }, (_, i) => {
        const who = i % 2 ? globex : acme;
        return i < 4 ? stack.gql<Read>(READ, undefined, who) : stack.gql(create, { n: `made by ${i % 2 ? 'globex' : 'acme'} ${i}` }, who);
      }),
    );
    for (const r of runs) expect(r.errors).toBeUndefined();
    const [a0, g0, a1, g1] = runs.slice(0, 4).map((r) => r.data as Read);
    expect(a0!.prevision.profile.email).toBe('demo@augur.example');
    expect(g0!.prevision.profile.email).toBe('bob@globex.example');
    const acmeIds = new Set([...idsOf(a0!), ...idsOf(a1!)]);
    const globexIds = new Set([...idsOf(g0!), ...idsOf(g1!)]);
    expect([...acmeIds].filter((id) => globexIds.has(id))).toEqual([]);
    expect(a0!.prevision.projects.totalCount).toBe(PREVISION_DEMO.projects.length);

    // Each created project shows to its tenant only.
    const made = runs.slice(4).map((r) => (r.data as any).createPrevisionProject.project.platformId as string);
    const after = await Promise.all([stack.gql<Read>(READ, undefined, acme), stack.gql<Read>(READ, undefined, globex)]);
    const acmeNow = idsOf(after[0].data!);
    const globexNow = idsOf(after[1].data!);
    expect(made.filter((_, i) => i % 2 === 0).every((id) => acmeNow.has(id) && !globexNow.has(id))).toBe(true);
    expect(made.filter((_, i) => i % 2 === 1).every((id) => globexNow.has(id) && !acmeNow.has(id))).toBe(true);
    expect(after[1].data!.prevision.projects.totalCount).toBe(1 + 2);
    // Four creates reached Prevision, once each.
    expect((await stack.requests('prevision')).byRoute['POST /ext/v1/projects']).toBe(4);
  });

  it("cannot read or score another tenant's objects, by Prevision id or by global id", async () => {
    const acme = await token('acme');
    const globex = await token('globex');
    const g = (await stack.gql<Read>(READ, undefined, globex)).data!;
    const project = g.prevision.projects.nodes[0]!;
    const deployment = project.deployments.nodes[0]!;
    await stack.reset();
    const r = await stack.gql(
      `query($p: String!, $d: ID!) { prevision { project(platformId: $p) { name } deployment(id: $d) { name } } }`,
      { p: project.platformId, d: deployment.id },
      acme,
    );
    expect(r.data?.prevision?.project ?? null).toBeNull();
    expect(r.data?.prevision?.deployment ?? null).toBeNull();
    expect(r.errors?.map((e) => e.extensions?.['code'])).toEqual(['NOT_FOUND', 'NOT_FOUND']);
    // Both reads were asked of Prevision with acme's token, which knows neither.
    const counts = await stack.requests('prevision');
    expect(counts.byRoute['GET /ext/v1/projects/{id}']).toBe(1);
    expect(counts.byRoute['GET /ext/v1/deployments/{id}']).toBe(1);
    const scored = await stack.gql(
      `query($d: ID!) { prevision { predict(deployment: $d, features: { surface_m2: 50, rooms: 2 }) { __typename } } }`,
      { d: deployment.id },
      acme,
    );
    expect(scored.errors?.[0]?.extensions?.['code']).toBe('NOT_FOUND');
    expect(JSON.stringify([r, scored]) + JSON.stringify(stack.logs)).not.toContain(SECOND_MASTER_TOKEN);
  });

  it("uploads each tenant's file to its own organization concurrently, and lists pipelines and folders apart", async () => {
    const acme = await token('acme');
    const globex = await token('globex');
    const first = async (who: Record<string, string>) =>
      (await stack.gql<Read>(READ, undefined, who)).data!.prevision.projects.nodes[0]!.platformId;
    const [acmeProject, globexProject] = await Promise.all([first(acme), first(globex)]);
    const upload = async (who: Record<string, string>, projectPlatformId: string, name: string) => {
      const form = new FormData();
      const query = `mutation($i: CreatePrevisionDatasetFromFileInput!) { createPrevisionDatasetFromFile(input: $i) { dataset { platformId } userErrors { code } } }`;
      const projectId = stack.augur.services.codec.encode('PrevisionProject', projectPlatformId);
      form.append('operations', JSON.stringify({ query, variables: { i: { projectId, name, file: null } } }));
      form.append('map', JSON.stringify({ 0: ['variables.i.file'] }));
      form.append('0', new Blob([`a,b\n${'1,2\n'.repeat(5000)}`], { type: 'text/csv' }), `${name}.csv`);
      const res = await fetch(stack.url, { method: 'POST', headers: { ...who, 'apollo-require-preflight': 'true' }, body: form });
      return ((await res.json()) as any).data.createPrevisionDatasetFromFile.dataset.platformId as string;
    };
    const [acmeDataset, globexDataset] = await Promise.all([
      upload(acme, acmeProject, 'acme_upload'),
      upload(globex, globexProject, 'globex_upload'),
    ]);
    const LISTS = `query($p: String!) { prevision { project(platformId: $p) { datasets(first: 20) { nodes { platformId } }
      pipelineTemplates(first: 5) { totalCount } pipelineScheduledRuns(first: 5) { totalCount } imageFolders(first: 5) { totalCount } } } }`;
    const [a, g] = await Promise.all([stack.gql(LISTS, { p: acmeProject }, acme), stack.gql(LISTS, { p: globexProject }, globex)]);
    const ids = (r: any) => r.data.prevision.project.datasets.nodes.map((n: { platformId: string }) => n.platformId);
    expect(ids(a)).toContain(acmeDataset);
    expect(ids(a)).not.toContain(globexDataset);
    expect(ids(g)).toContain(globexDataset);
    expect(ids(g)).not.toContain(acmeDataset);
    expect(a.data!.prevision.project.pipelineTemplates.totalCount).toBe(1);
    expect(g.data!.prevision.project.pipelineTemplates.totalCount).toBe(0);
    expect(g.data!.prevision.project.imageFolders.totalCount).toBe(0);
    // Neither tenant can read the other's upload.
    const cross = await stack.gql(`query($d: String!) { prevision { dataset(platformId: $d) { name } } }`, { d: globexDataset }, acme);
    expect(cross.errors?.[0]?.extensions?.['code']).toBe('NOT_FOUND');
  });
});
