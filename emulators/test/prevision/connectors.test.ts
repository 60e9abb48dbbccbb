import { describe, expect, it } from 'vitest';
import { PREVISION_DEMO } from '../../src/prevision/index.js';
import { call, usePrevision } from './helpers.js';

let url = '';
usePrevision({ asyncStepMs: 0, asyncStepReads: 1 }, (s) => (url = s.url));

const PID = PREVISION_DEMO.projects[0]!.id;
/** A form body, as the SDK's `client.request(data=...)` sends it. */
const form = (fields: Record<string, string>) => ({
  method: 'POST',
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  body: new URLSearchParams(fields).toString(),
});

describe('prevision emulator: connectors, data sources, datasets from a data source', () => {
  it('creates a SQL connector from a form, never answers its password, lists, tests and deletes it', async () => {
    const c = await call(
      url,
      `/ext/v1/projects/${PID}/connectors`,
      form({ type: 'SQL', name: 'wh', host: 'db.example', port: '5432', username: 'u', password: 'secret' }),
    );
    expect(c.status).toBe(200);
    expect(c.body).toMatchObject({ type: 'SQL', name: 'wh', host: 'db.example', port: 5432, username: 'u', project_id: PID });
    expect(c.text).not.toContain('secret');
    const listed = await call(url, `/ext/v1/projects/${PID}/connectors`);
    expect(listed.body.items.map((x: any) => x._id)).toEqual([c.body._id]);
    expect((await call(url, `/ext/v1/connectors/${c.body._id}/test`, { method: 'POST' })).status).toBe(200);
    expect((await call(url, `/ext/v1/connectors/${c.body._id}`, { method: 'DELETE' })).status).toBe(204);
    expect((await call(url, `/ext/v1/connectors/${c.body._id}`)).status).toBe(404);
  });

  it('refuses a connector without its required fields, naming the field', async () => {
    const r = await call(
      url,
      `/ext/v1/projects/${PID}/connectors`,
      form({ type: 'SQL', name: 'wh', host: 'db', username: 'u', password: 'p' }),
    );
    expect(r.status).toBe(400);
    expect(r.body.message).toContain('"port"');
    const bad = await call(url, `/ext/v1/projects/${PID}/connectors`, form({ type: 'ODBC', name: 'x' }));
    expect(bad.status).toBe(400);
  });

  it('reads a dataset from a data source: created copying, done after reads, with the synthetic table', async () => {
    const c = (
      await call(
        url,
        `/ext/v1/projects/${PID}/connectors`,
        form({ type: 'SQL', name: 'wh', host: 'db', port: '5432', username: 'u', password: 'p' }),
      )
    ).body;
    const s = await call(
      url,
      `/ext/v1/projects/${PID}/data-sources`,
      form({ connector_id: c._id, name: 'orders', database: 'shop', table: 'orders' }),
    );
    expect(s.status).toBe(200);
    expect(s.body).toMatchObject({ connector_id: c._id, table: 'orders', request: null });
    const d = await call(url, `/ext/v1/projects/${PID}/datasets/data-source`, form({ name: 'orders', datasource_id: s.body._id }));
    expect(d.status).toBe(200);
    expect(d.body).toMatchObject({ datasource: s.body._id, copy_state: 'running', nb_rows: 20, nb_columns: 3 });
    await call(url, `/ext/v1/datasets/${d.body._id}`);
    expect((await call(url, `/ext/v1/datasets/${d.body._id}`)).body.copy_state).toBe('done');
    const noTable = await call(url, `/ext/v1/projects/${PID}/data-sources`, form({ connector_id: c._id, name: 'x' }));
    expect(noTable.status).toBe(400);
    // Deleting the connector deletes its data sources.
    await call(url, `/ext/v1/connectors/${c._id}`, { method: 'DELETE' });
    expect((await call(url, `/ext/v1/data-sources/${s.body._id}`)).status).toBe(404);
  });
});

describe('prevision emulator: exporters and exports', () => {
  it('creates an exporter on a connector, exports a dataset and a prediction as jobs that end done', async () => {
    const c = (
      await call(
        url,
        `/ext/v1/projects/${PID}/connectors`,
        form({ type: 'SQL', name: 'wh', host: 'db', port: '5432', username: 'u', password: 'p' }),
      )
    ).body;
    const e = await call(
      url,
      `/ext/v1/projects/${PID}/exporters`,
      form({ connector_id: c._id, name: 'out', database: 'shop', table: 'scores', database_write_mode: 'append' }),
    );
    expect(e.status).toBe(200);
    expect(e.body).toMatchObject({ connector_id: c._id, database_write_mode: 'append', file_write_mode: null });
    const dataset = PREVISION_DEMO.projects[0]!.datasetIds[0]!;
    const x = await call(url, `/ext/v1/exporters/${e.body._id}/dataset/${dataset}`, { method: 'POST' });
    expect(x.body).toMatchObject({ status: 'pending', dataset_id: dataset, exporter_id: e.body._id });
    await call(url, `/ext/v1/exports/${x.body._id}`);
    await call(url, `/ext/v1/exports/${x.body._id}`);
    expect((await call(url, `/ext/v1/exports/${x.body._id}`)).body.status).toBe('done');
    const prediction = PREVISION_DEMO.deployments.find((d) => d.projectId === PID)?.predictionIds[0];
    if (prediction) {
      const p = await call(url, `/ext/v1/exporters/${e.body._id}/prediction/${prediction}`, form({ prediction_type: 'deployment' }));
      expect(p.body).toMatchObject({ prediction_id: prediction, prediction_type: 'deployment' });
    }
    expect((await call(url, `/ext/v1/exporters/${e.body._id}/exports`)).body.items.length).toBe(prediction ? 2 : 1);
    const missing = await call(url, `/ext/v1/projects/${PID}/exporters`, form({ connector_id: c._id, name: 'x' }));
    expect(missing.status).toBe(400);
  });
});
