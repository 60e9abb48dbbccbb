import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { PREVISION_DEMO } from '@augur/emulators/prevision';
import { startStack, type TestStack } from '../helpers/stack.js';

const PROJECT = PREVISION_DEMO.projects[0]!;
/** The JSON body cap, far below the files sent: a file that got through was never read as a body. */
const MAX_BODY = 64 * 1024;
const MAX_UPLOAD = 1024 * 1024;
const ROUTE = 'POST /ext/v1/exporters/{id}/file';

let stack: TestStack;
beforeAll(async () => {
  stack = await startStack({
    env: {
      AUGUR_MAX_BODY_BYTES: String(MAX_BODY),
      AUGUR_MAX_UPLOAD_BYTES: String(MAX_UPLOAD),
      // With the entity cache on, an exporter's exports read before the upload are cached: the write must drop them.
      AUGUR_ENTITY_CACHE_TTLS: 'prevision=60',
    },
    emulatorOptions: { prevision: { asyncStepMs: 0, asyncStepReads: 1, keepAliveMs: 0 } },
  });
});
afterAll(() => stack.close());
beforeEach(() => stack.reset());

const EXPORT_FILE = `mutation($i: StartPrevisionExportFromFileInput!) { startPrevisionExportFromFile(input: $i) {
  export { id platformId state exporterPlatformId sourceType sourcePlatformId } userErrors { field code message } } }`;

const upstream = () => stack.embedded.emulators.prevision!.url;
const gid = (type: 'PrevisionExporter' | 'PrevisionProject', id: string) => stack.augur.services.codec.encode(type, id);

/** Calls the emulator directly with the demo master token: arranges the upstream and reads it back. */
async function emulator(path: string, init: RequestInit = {}): Promise<any> {
  const res = await fetch(`${upstream()}/ext/v1${path}`, {
    ...init,
    headers: { authorization: PREVISION_DEMO.masterToken, 'content-type': 'application/json', ...init.headers },
  });
  expect(res.status).toBe(200);
  return res.json();
}

/** An FTP connector and a file exporter on it, made in the emulator. */
async function fileExporter(): Promise<string> {
  const c = await emulator(`/projects/${PROJECT.id}/connectors`, {
    method: 'POST',
    body: JSON.stringify({ type: 'FTP', name: 'drop', host: 'ftp.example', port: 21, username: 'u', password: 'p' }),
  });
  const e = await emulator(`/projects/${PROJECT.id}/exporters`, {
    method: 'POST',
    body: JSON.stringify({ connector_id: c._id, name: 'scores out', filepath: '/out/scores.csv' }),
  });
  return e._id as string;
}

interface Logged {
  method: string;
  route: string;
  path: string;
  status: number;
}
/** The emulator's log of calls since the last reset. */
const log = async (): Promise<Logged[]> =>
  ((await (await fetch(`${upstream()}/_emulator/requests?log=1`)).json()) as { log: Logged[] }).log;
/** Where the log stands now, to read what the act calls with {@link since}. */
const mark = async (): Promise<number> => (await log()).length;
/** The calls logged after `from`. */
const since = async (from: number): Promise<Logged[]> => (await log()).slice(from);
const byRoute = (calls: Logged[]): Record<string, number> => {
  const out: Record<string, number> = {};
  for (const c of calls) out[c.route] = (out[c.route] ?? 0) + 1;
  return out;
};

/** A csv of `rows` rows, about 40 bytes each. */
function csv(rows: number): Buffer {
  const lines = ['id,score,label'];
  for (let i = 0; i < rows; i++) lines.push(`${i},${(i * 0.013).toFixed(3)},label-number-${i % 97}`);
  return Buffer.from(lines.join('\n') + '\n');
}

/** Sends a GraphQL multipart request: `operations`, `map`, then the file. */
async function exportFile(exporterId: string, file: Buffer, headers: Record<string, string> = {}): Promise<{ status: number; body: any }> {
  const form = new FormData();
  form.append('operations', JSON.stringify({ query: EXPORT_FILE, variables: { i: { exporterId, file: null } } }));
  form.append('map', JSON.stringify({ 0: ['variables.i.file'] }));
  form.append('0', new Blob([file], { type: 'text/csv' }), 'scores.csv');
  const res = await fetch(stack.url, { method: 'POST', headers: { 'apollo-require-preflight': 'true', ...headers }, body: form });
  return { status: res.status, body: await res.json() };
}

const EXPORTS = `query($id: ID!) { node(id: $id) { ... on PrevisionExporter {
  exports(first: 10) { totalCount nodes { platformId sourceType sourcePlatformId } } } } }`;

describe('startPrevisionExportFromFile (GraphQL multipart requests)', () => {
  it("streams the file to POST /exporters/{id}/file in one call, and the export shows in the exporter's exports", async () => {
    const exporterId = await fileExporter();
    const exporter = gid('PrevisionExporter', exporterId);
    // Read (and cache) the exporter's exports before the upload.
    expect((await stack.gql(EXPORTS, { id: exporter })).data!.node.exports.totalCount).toBe(0);
    const before = await mark();

    const file = csv(5_000);
    expect(file.length).toBeGreaterThan(2 * MAX_BODY);
    const r = await exportFile(exporter, file);
    expect(r.status).toBe(200);
    expect(r.body.errors).toBeUndefined();
    const { export: exp, userErrors } = r.body.data.startPrevisionExportFromFile;
    expect(userErrors).toEqual([]);
    expect(exp).toMatchObject({ state: 'PENDING', exporterPlatformId: exporterId, sourceType: 'file', sourcePlatformId: null });
    expect(await since(before)).toEqual([
      expect.objectContaining({ method: 'POST', route: ROUTE, path: `/ext/v1/exporters/${exporterId}/file`, status: 200 }),
    ]);
    // Prevision received every byte, as the part `file` with the caller's file name.
    const stored = await emulator(`/exports/${exp.platformId}`);
    expect(stored).toMatchObject({ exporter_id: exporterId, file_name: 'scores.csv', file_size: file.length, dataset_id: null });

    // The write dropped the cached exporter and exports page, as the other exports do: both are read from Prevision
    // again, and the new export is listed.
    const beforeList = await mark();
    const listed = (await stack.gql(EXPORTS, { id: exporter })).data!.node.exports;
    expect(listed).toEqual({ totalCount: 1, nodes: [{ platformId: exp.platformId, sourceType: 'file', sourcePlatformId: null }] });
    expect(byRoute(await since(beforeList))).toEqual({ 'GET /ext/v1/exporters/{id}': 1, 'GET /ext/v1/exporters/{id}/exports': 1 });
  });

  it('refuses an unknown exporter at input.exporterId, and an id of another type without calling Prevision', async () => {
    const unknown = await exportFile(gid('PrevisionExporter', 'f'.repeat(24)), csv(10));
    expect(unknown.body.data.startPrevisionExportFromFile).toEqual({
      export: null,
      userErrors: [{ field: ['input', 'exporterId'], code: 'NOT_FOUND', message: expect.any(String) }],
    });
    expect((await stack.requests('prevision')).byRoute).toEqual({ [ROUTE]: 1 });

    const before = await mark();
    const wrongType = await exportFile(gid('PrevisionProject', PROJECT.id), csv(10));
    expect(wrongType.body.errors).toBeUndefined();
    expect(wrongType.body.data.startPrevisionExportFromFile).toEqual({
      export: null,
      userErrors: [{ field: ['input', 'exporterId'], code: 'INVALID', message: expect.stringMatching(/PrevisionExporter/) }],
    });
    const garbage = await exportFile('not-a-global-id', csv(10));
    expect(garbage.body.data.startPrevisionExportFromFile.userErrors).toEqual([
      { field: ['input', 'exporterId'], code: 'INVALID', message: expect.any(String) },
    ]);
    expect(await since(before)).toEqual([]);
  });

  it('cuts off a file over AUGUR_MAX_UPLOAD_BYTES with LIMIT_EXCEEDED, starting no export and never resending', async () => {
    const exporterId = await fileExporter();
    const before = await mark();
    const file = csv(40_000);
    expect(file.length).toBeGreaterThan(MAX_UPLOAD);
    const r = await exportFile(gid('PrevisionExporter', exporterId), file);
    expect(r.body.errors?.[0]?.extensions).toMatchObject({ code: 'LIMIT_EXCEEDED', limit: 'maxUploadBytes', max: MAX_UPLOAD });
    expect(r.body.errors[0].path).toEqual(['startPrevisionExportFromFile']);
    expect((await emulator(`/exporters/${exporterId}/exports`)).items).toEqual([]);
    // The cut-off request may or may not have been counted by the emulator; it was never sent twice.
    expect(byRoute(await since(before))[ROUTE] ?? 0).toBeLessThanOrEqual(1);
  });

  it('sends the upload once even when Prevision fails it with a retryable status', async () => {
    const exporterId = await fileExporter();
    await stack.faults('prevision', { status: 503, count: 1, routes: [ROUTE] });
    const before = await mark();
    const r = await exportFile(gid('PrevisionExporter', exporterId), csv(10));
    expect(r.body.errors?.[0]?.extensions).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', upstreamStatus: 503 });
    expect(byRoute(await since(before))).toEqual({ [ROUTE]: 1 });
  });

  it('refuses the multipart request without a preflight header before anything runs', async () => {
    const exporterId = await fileExporter();
    const before = await mark();
    const r = await exportFile(gid('PrevisionExporter', exporterId), csv(10), { 'apollo-require-preflight': '' });
    expect(r.status).toBe(400);
    expect(r.body.errors[0]).toMatchObject({
      extensions: { code: 'BAD_REQUEST' },
      message: expect.stringMatching(/Apollo-Require-Preflight/),
    });
    expect(await since(before)).toEqual([]);
    expect((await emulator(`/exporters/${exporterId}/exports`)).items).toEqual([]);
  });
});
