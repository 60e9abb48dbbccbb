import { describe, expect, it } from 'vitest';
import { PREVISION_DEMO, SECOND_MASTER_TOKEN } from '../../src/prevision/index.js';
import { call, counters, usePrevision } from './helpers.js';

let url = '';
usePrevision({ asyncStepMs: 0, asyncStepReads: 1 }, (s) => (url = s.url));

const PID = PREVISION_DEMO.projects[0]!.id;
const json = (body: Record<string, string>) => ({
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});

/** A file connector and an exporter on it, as the SDK creates them. */
async function fileExporter(): Promise<string> {
  const c = await call(
    url,
    `/ext/v1/projects/${PID}/connectors`,
    json({ type: 'FTP', name: 'drop', host: 'ftp.example', port: '21', username: 'u', password: 'p' }),
  );
  expect(c.status).toBe(200);
  const e = await call(
    url,
    `/ext/v1/projects/${PID}/exporters`,
    json({ connector_id: c.body._id, name: 'out', filepath: '/out/scores.csv' }),
  );
  expect(e.status).toBe(200);
  return e.body._id as string;
}

/** The body the SDK's `MultipartEncoder` sends for `Exporter.export_file`: fields, then the part `file` as text/csv. */
function exportForm(file: Buffer | undefined, fields: Record<string, string> = {}): FormData {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) form.append(k, v);
  if (file) form.append('file', new Blob([file], { type: 'text/csv' }), 'scores.csv');
  return form;
}

describe('prevision emulator: POST /exporters/{id}/file (Exporter.export_file)', () => {
  it('answers a pending export of the file, lists it among the exporter’s exports, and ends it done', async () => {
    const exporterId = await fileExporter();
    const file = Buffer.from('id,score\n1,0.5\n2,0.25\n');
    const before = await counters(url);
    const x = await call(url, `/ext/v1/exporters/${exporterId}/file`, { method: 'POST', body: exportForm(file, { separator: ',' }) });
    expect(x.status).toBe(200);
    expect(x.body).toEqual({
      _id: expect.stringMatching(/^[0-9a-f]{24}$/),
      project_id: PID,
      exporter_id: exporterId,
      dataset_id: null,
      prediction_id: null,
      prediction_type: null,
      file_name: 'scores.csv',
      file_size: file.length,
      status: 'pending',
      created_at: expect.any(String),
      created_by: expect.any(String),
    });
    const after = await counters(url);
    expect(after.total - before.total).toBe(1);
    expect(after.byRoute['POST /ext/v1/exporters/{id}/file']).toBe(1);
    const listed = await call(url, `/ext/v1/exporters/${exporterId}/exports`);
    expect(listed.body.items.map((i: { _id: string }) => i._id)).toEqual([x.body._id]);
    // One job step per read: running, then done.
    const states = [];
    for (let i = 0; i < 3; i++) states.push((await call(url, `/ext/v1/exports/${x.body._id}`)).body.status);
    expect(states).toEqual(['pending', 'running', 'done']);
  });

  it('answers 404 for an unknown exporter or one of another organization, 400 without a file part', async () => {
    const exporterId = await fileExporter();
    const file = Buffer.from('id\n1\n');
    const unknown = await call(url, `/ext/v1/exporters/${'f'.repeat(24)}/file`, { method: 'POST', body: exportForm(file) });
    expect(unknown.status).toBe(404);
    expect(unknown.body).toMatchObject({ status: 404, err_code: 'E_NOT_FOUND' });
    const elsewhere = await call(url, `/ext/v1/exporters/${exporterId}/file`, {
      method: 'POST',
      auth: SECOND_MASTER_TOKEN,
      body: exportForm(file),
    });
    expect(elsewhere.status).toBe(404);
    const noFile = await call(url, `/ext/v1/exporters/${exporterId}/file`, {
      method: 'POST',
      body: exportForm(undefined, { separator: ';' }),
    });
    expect(noFile.status).toBe(400);
    expect(noFile.body.message).toContain('"file"');
    const notMultipart = await call(url, `/ext/v1/exporters/${exporterId}/file`, json({ file: 'id\n1\n' }));
    expect(notMultipart.status).toBe(400);
    const separator = await call(url, `/ext/v1/exporters/${exporterId}/file`, {
      method: 'POST',
      body: exportForm(file, { separator: ';;' }),
    });
    expect(separator.status).toBe(400);
    expect(separator.body.message).toContain('"separator"');
    expect((await call(url, `/ext/v1/exporters/${exporterId}/exports`)).body.items).toEqual([]);
  });
});
