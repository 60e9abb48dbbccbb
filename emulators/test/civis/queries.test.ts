import { gunzipSync, inflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { KEY2, NOT_FOUND, civisUnderTest, expectBadRequest } from './helpers.js';

const civis = civisUnderTest();
const call = civis.call;

/** Polls a query the way civis-python's futures do until it has finished. */
async function finished(id: number): Promise<any> {
  for (let i = 0; i < 10; i++) {
    const q = (await call(`/queries/${id}`)).body;
    if (!['queued', 'running'].includes(q.state)) return q;
  }
  throw new Error(`query ${id} did not finish`);
}

/** The bytes behind a run output's file, fetched the way civis-python does: `GET /files/{id}`, then `fileUrl` without auth. */
async function fileBytes(fileId: number): Promise<{ file: any; bytes: Buffer }> {
  const file = (await call(`/files/${fileId}`)).body;
  const res = await fetch(file.fileUrl);
  return { file, bytes: Buffer.from(await res.arrayBuffer()) };
}

describe('civis emulator: POST /queries/ export options and the result file', () => {
  it('answers the CSV options with the query (201), defaults from the spec when absent', async () => {
    const r = await call('/queries/', { method: 'POST', body: { database: 32, sql: 'SELECT 1', preview_rows: 10 } });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({
      includeHeader: true,
      compression: 'gzip',
      columnDelimiter: 'comma',
      unquoted: false,
      filenamePrefix: null,
      myPermissionLevel: 'manage',
      interactive: false,
    });
    // GET answers the query without them, as the platform does.
    expect((await call(`/queries/${r.body.id}`)).body).not.toHaveProperty('compression');
  });

  it('lists no output while the query runs, then its result file: every row, not only the preview', async () => {
    const q = (
      await call('/queries/', {
        method: 'POST',
        body: { database: 32, sql: 'SELECT customer_id, email FROM public.customers LIMIT 250', previewRows: 5 },
      })
    ).body;
    const early = await call(`/jobs/${q.id}/runs/${q.lastRunId}/outputs`);
    expect(early.status).toBe(200);
    expect(early.body).toEqual([]);
    const done = await finished(q.id);
    expect(done.state).toBe('succeeded');
    expect(done.resultRows).toHaveLength(5);
    const outputs = await call(`/jobs/${q.id}/runs/${q.lastRunId}/outputs`);
    expect(outputs.headers.get('x-pagination-total-entries')).toBe('1');
    expect(outputs.body).toEqual([
      {
        objectType: 'File',
        objectId: expect.any(Number),
        name: `query_${q.id}.csv.gz`,
        link: `/files/${outputs.body[0].objectId}`,
        value: null,
      },
    ]);
    // Read twice, written once.
    expect((await call(`/jobs/${q.id}/runs/${q.lastRunId}/outputs`)).body[0].objectId).toBe(outputs.body[0].objectId);
    const { file, bytes } = await fileBytes(outputs.body[0].objectId);
    expect(file.detectedInfo).toMatchObject({ includeHeader: true, columnDelimiter: 'comma', compression: 'gzip' });
    const lines = gunzipSync(bytes).toString('utf8').trimEnd().split('\n');
    expect(lines).toHaveLength(251);
    expect(lines[0]).toBe('"customer_id","email"');
    expect(lines[1]).toBe(`"${done.resultRows[0][0]}","${done.resultRows[0][1]}"`);
  });

  it('writes the file with the options given: no header, tab or pipe, unquoted, plain or zip, with the prefix', async () => {
    const plain = (
      await call('/queries/', {
        method: 'POST',
        body: {
          database: 32,
          sql: 'SELECT customer_id, email FROM public.customers LIMIT 3',
          previewRows: 3,
          includeHeader: false,
          compression: 'none',
          columnDelimiter: 'pipe',
          unquoted: true,
          filenamePrefix: 'top3',
        },
      })
    ).body;
    const done = await finished(plain.id);
    const out = (await call(`/jobs/${plain.id}/runs/${plain.lastRunId}/outputs`)).body[0];
    expect(out.name).toBe(`top3_${plain.id}.csv`);
    const text = (await fileBytes(out.objectId)).bytes.toString('utf8');
    expect(text).toBe(done.resultRows.map((r: string[]) => `${r.join('|')}\n`).join(''));

    const zipped = (
      await call('/queries/', {
        method: 'POST',
        body: {
          database: 32,
          sql: 'SELECT customer_id FROM public.customers LIMIT 2',
          previewRows: 2,
          compression: 'zip',
          column_delimiter: 'tab',
        },
      })
    ).body;
    await finished(zipped.id);
    const zipOut = (await call(`/jobs/${zipped.id}/runs/${zipped.lastRunId}/outputs`)).body[0];
    const zip = (await fileBytes(zipOut.objectId)).bytes;
    expect(zip.readUInt32LE(0)).toBe(0x04034b50);
    const nameLength = zip.readUInt16LE(26);
    const size = zip.readUInt32LE(18);
    const csv = inflateRawSync(zip.subarray(30 + nameLength, 30 + nameLength + size)).toString('utf8');
    expect(csv.split('\n')[0]).toBe('"customer_id"');
  });

  it('lists no output for a failed query, and 404 for an unknown run, an unknown id and the query of someone else', async () => {
    const failed = (await call('/queries/', { method: 'POST', body: { database: 32, sql: 'SELECT * FROM public.nope', previewRows: 1 } }))
      .body;
    expect((await finished(failed.id)).state).toBe('failed');
    expect((await call(`/jobs/${failed.id}/runs/${failed.lastRunId}/outputs`)).body).toEqual([]);
    expect((await call(`/jobs/${failed.id}/runs/1/outputs`)).body).toEqual(NOT_FOUND);
    expect((await call(`/jobs/999999/runs/1/outputs`)).status).toBe(404);
    expect((await call(`/jobs/${failed.id}/runs/${failed.lastRunId}/outputs`, { key: KEY2 })).status).toBe(404);
  });

  it('refuses a filename prefix that is not a plain name with 400', async () => {
    expectBadRequest(
      await call('/queries/', { method: 'POST', body: { database: 32, sql: 'SELECT 1', previewRows: 1, filenamePrefix: '../x' } }),
      'filenamePrefix must be 1 to 100 letters',
    );
  });
});

describe('civis emulator: GET /queries/ filters', () => {
  it('filters on state, SQL text with wildcards, credential and time bounds', async () => {
    const all = (await call('/queries/')).body as any[];
    expect(all.map((q) => q.id).sort()).toEqual([6001, 6003, 6005]);
    expect((await call('/queries/?state=failed')).body.map((q: any) => q.id)).toEqual([6003]);
    expect((await call('/queries/?state[]=succeeded&state[]=failed')).body).toHaveLength(3);
    expect((await call('/queries/?query=campaign*')).body.map((q: any) => q.id)).toEqual([6005]);
    expect((await call('/queries/?query=select%20customer?id')).body.map((q: any) => q.id)).toEqual([6001]);
    expect((await call('/queries/?credential_id=1002')).body.map((q: any) => q.id)).toEqual([6005]);
    const q6003 = all.find((q) => q.id === 6003);
    expect((await call(`/queries/?created_after=${encodeURIComponent(q6003.createdAt)}`)).body.map((q: any) => q.id)).toEqual([6005]);
    expect((await call(`/queries/?started_before=${encodeURIComponent(q6003.startedAt)}`)).body.map((q: any) => q.id)).toEqual([6001]);
    expect((await call(`/queries/?archived=true`)).body).toEqual([]);
  });

  it('refuses an unknown state and a time that is not ISO 8601 with 400', async () => {
    expectBadRequest(await call('/queries/?state=idle'), 'state must be among queued, running, succeeded, failed, cancelled');
    expectBadRequest(await call('/queries/?started_after=yesterday'), 'started_after must be an ISO 8601 time');
  });
});
