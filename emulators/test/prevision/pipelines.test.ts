import { describe, expect, it } from 'vitest';
import { PREVISION_DEMO, zipSingleFile, type PrevisionEmulator } from '../../src/prevision/index.js';
import { call, counters, usePrevision } from './helpers.js';

let em: PrevisionEmulator;
let url = '';
usePrevision({ asyncStepMs: 0, asyncStepReads: 1 }, (s) => ({ em, url } = s));

const CHURN = PREVISION_DEMO.projects[0]!;
const json = (method: string, body: unknown): RequestInit => ({
  method,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});

describe('pipeline templates and scheduled runs', () => {
  it("lists a project's templates with the nodes the SDK's get_nodes_properties reads", async () => {
    const r = await call(url, `/ext/v1/projects/${CHURN.id}/pipeline-templates`);
    expect(r.status).toBe(200);
    expect(r.body.metaData.totalItems).toBe(1);
    const t = r.body.items[0];
    expect(t).toMatchObject({ name: 'Score new customers', project_id: CHURN.id, draft: false, used_in_run: true });
    // What get_nodes_properties does: node name, then properties without the hidden ones.
    const props = t.nodes.map((n: any) => ({
      name: n.pipeline_component_id.metadata.name,
      properties: n.pipeline_component_id.interfaces.properties.filter((p: any) => !p.hidden).map((p: any) => p.name),
    }));
    expect(props).toEqual([
      { name: 'import-dataset', properties: ['dataset_id'] },
      { name: 'predict', properties: ['deployment_id', 'confidence'] },
      { name: 'export', properties: ['exporter_id'] },
    ]);
    expect((await call(url, `/ext/v1/pipeline-templates/${t._id}`)).body).toEqual(t);
  });

  it("creates a run with the SDK's four calls, triggers it, and answers its executions newest first", async () => {
    const t = (await call(url, `/ext/v1/projects/${CHURN.id}/pipeline-templates`)).body.items[0];
    const draft = await call(
      url,
      `/ext/v1/projects/${CHURN.id}/pipeline-scheduled-runs`,
      json('POST', { pipeline_template_id: t._id, name: 'Ad hoc' }),
    );
    expect(draft.status).toBe(200);
    expect(draft.body).toMatchObject({ draft: true, enabled: false, exec_type: 'manual' });
    const id = draft.body._id;
    // Not confirmed: no trigger.
    expect((await call(url, `/ext/v1/pipeline-scheduled-runs/${id}/trigger`, { method: 'POST' })).status).toBe(400);
    const node = t.nodes[1]._id;
    const set = await call(url, `/ext/v1/pipeline-scheduled-runs/${id}/node/${node}`, json('PUT', [{ name: 'confidence', value: true }]));
    expect(set.body.nodes_properties).toEqual([{ node_id: node, properties: [{ name: 'confidence', value: true }] }]);
    const wrong = await call(url, `/ext/v1/pipeline-scheduled-runs/${id}/node/${node}`, json('PUT', [{ name: 'nope', value: 1 }]));
    expect(wrong.status).toBe(400);
    expect(wrong.body.message).toMatch(/no property "nope"/);
    expect((await call(url, `/ext/v1/pipeline-scheduled-runs/${id}`, json('PUT', { name: 'Ad hoc', exec_type: 'manual' }))).status).toBe(
      200,
    );
    const confirmed = await call(url, `/ext/v1/pipeline-scheduled-runs/${id}/confirm`, { method: 'POST' });
    expect(confirmed.body).toMatchObject({ draft: false, enabled: true });
    expect((await call(url, `/ext/v1/pipeline-scheduled-runs/${id}/confirm`, { method: 'POST' })).status).toBe(400);
    const triggered = await call(url, `/ext/v1/pipeline-scheduled-runs/${id}/trigger`, { method: 'POST' });
    expect(triggered.status).toBe(200);
    const read = async () => (await call(url, `/ext/v1/pipeline-scheduled-runs/${id}?limit=1`)).body.executions;
    // One step per read of the execution's job: pending, then running, then done.
    const seen = [];
    for (let i = 0; i < 4; i++) {
      em.settle();
      seen.push((await read())[0].status);
      await call(url, `/ext/v1/projects/${CHURN.id}/pipeline-scheduled-runs`);
    }
    expect(seen).toEqual(['pending', 'running', 'done', 'done']);
    expect(em.events().some((e) => e.event === 'PIPELINE_SCHEDULED_RUN_UPDATE')).toBe(true);
    const counts = await counters(url);
    expect(counts.byRoute['POST /ext/v1/pipeline-scheduled-runs/{id}/trigger']).toBe(2);
  });

  it('checks a recurring schedule, refuses deleting a template in use, and deletes runs and image folders', async () => {
    const run = (await call(url, `/ext/v1/projects/${CHURN.id}/pipeline-scheduled-runs`)).body.items[0];
    expect(run.executions).toBeUndefined();
    const full = await call(url, `/ext/v1/pipeline-scheduled-runs/${run._id}`);
    expect(full.body.executions).toHaveLength(2);
    expect(
      (await call(url, `/ext/v1/pipeline-scheduled-runs/${run._id}`, json('PUT', { exec_type: 'recurring', exec_cron: 'daily' }))).status,
    ).toBe(400);
    expect((await call(url, `/ext/v1/pipeline-templates/${run.pipeline_template_id}`, { method: 'DELETE' })).status).toBe(400);
    expect((await call(url, `/ext/v1/pipeline-scheduled-runs/${run._id}`, { method: 'DELETE' })).status).toBe(204);
    expect((await call(url, `/ext/v1/pipeline-templates/${run.pipeline_template_id}`, { method: 'DELETE' })).status).toBe(204);
    const folders = await call(url, `/ext/v1/projects/${CHURN.id}/image-folders?sortBy=name`);
    expect(folders.body.items).toEqual([expect.objectContaining({ name: 'store_fronts', copy_state: 'done' })]);
    const folder = folders.body.items[0]._id;
    expect((await call(url, `/ext/v1/image-folders/${folder}`)).body.name).toBe('store_fronts');
    expect((await call(url, `/ext/v1/image-folders/${folder}`, { method: 'DELETE' })).status).toBe(204);
    expect((await call(url, `/ext/v1/image-folders/${folder}`)).status).toBe(404);
  });

  it("uploads a zip of images as the SDK's DatasetImages._new does, copying until FOLDER_UPDATE says done", async () => {
    const form = new FormData();
    form.append('name', 'shelves');
    form.append('file', new Blob([zipSingleFile('a.png', Buffer.alloc(300, 1))]), 'shelves');
    const r = await call(url, `/ext/v1/projects/${CHURN.id}/image-folders`, { method: 'POST', body: form });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ name: 'shelves', project_id: CHURN.id, copy_state: 'running', nb_images: 1 });
    const again = await call(url, `/ext/v1/image-folders/${r.body._id}`);
    expect(again.body.copy_state).toBe('running');
    expect((await call(url, `/ext/v1/image-folders/${r.body._id}`)).body.copy_state).toBe('done');
    expect(
      em
        .events()
        .filter((e) => e.event === 'FOLDER_UPDATE')
        .map((e) => e.data._id),
    ).toEqual([r.body._id]);
    const notZip = new FormData();
    notZip.append('name', 'x');
    notZip.append('file', new Blob(['a,b\n1,2\n']), 'x.csv');
    const refused = await call(url, `/ext/v1/projects/${CHURN.id}/image-folders`, { method: 'POST', body: notZip });
    expect(refused.status).toBe(400);
    expect(refused.body.message).toMatch(/not a zip/);
  });
});
