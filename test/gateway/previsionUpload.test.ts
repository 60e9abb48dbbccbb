import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { PREVISION_DEMO, zipSingleFile } from '@augur/emulators/prevision';
import { startStack, type TestStack } from '../helpers/stack.js';

const PROJECT = PREVISION_DEMO.projects[0]!;
/** The JSON body cap, far below the files sent: a file that got through was never read as a body. */
const MAX_BODY = 64 * 1024;
const MAX_UPLOAD = 1024 * 1024;

let stack: TestStack;
beforeAll(async () => {
  stack = await startStack({
    env: { AUGUR_MAX_BODY_BYTES: String(MAX_BODY), AUGUR_MAX_UPLOAD_BYTES: String(MAX_UPLOAD) },
    emulatorOptions: { prevision: { asyncStepMs: 0, asyncStepReads: 1, keepAliveMs: 0 } },
  });
});
afterAll(() => stack.close());
beforeEach(() => stack.reset());

const UPLOAD = `mutation($i: CreatePrevisionDatasetFromFileInput!) { createPrevisionDatasetFromFile(input: $i) {
  dataset { id platformId name rowCount columnCount copyState } userErrors { field code message } } }`;

/** A csv of `rows` rows, about 40 bytes each. */
function csv(rows: number): Buffer {
  const lines = ['id,value,label'];
  for (let i = 0; i < rows; i++) lines.push(`${i},${(i * 1.37).toFixed(2)},label-number-${i % 97}`);
  return Buffer.from(lines.join('\n') + '\n');
}

/** Sends a GraphQL multipart request: `operations`, `map`, then the file. */
async function upload(
  input: Record<string, unknown>,
  file: Buffer | undefined,
  options: { headers?: Record<string, string>; map?: unknown; query?: string } = {},
): Promise<{ status: number; body: any }> {
  const form = new FormData();
  form.append('operations', JSON.stringify({ query: options.query ?? UPLOAD, variables: { i: { ...input, file: null } } }));
  form.append('map', JSON.stringify(options.map ?? { 0: ['variables.i.file'] }));
  if (file) form.append('0', new Blob([file], { type: 'text/csv' }), 'customers.csv');
  const res = await fetch(stack.url, {
    method: 'POST',
    headers: { 'apollo-require-preflight': 'true', ...options.headers },
    body: form,
  });
  return { status: res.status, body: await res.json() };
}

const gid = (id: string) => stack.augur.services.codec.encode('PrevisionProject', id);
const datasetsUpstream = async (): Promise<Array<{ _id: string; size: number; name: string }>> =>
  (
    (await (
      await fetch(`${stack.embedded.emulators.prevision!.url}/ext/v1/projects/${PROJECT.id}/datasets?rowsPerPage=100`, {
        headers: { authorization: PREVISION_DEMO.masterToken },
      })
    ).json()) as { items: Array<{ _id: string; size: number; name: string }> }
  ).items;

describe('createPrevisionDatasetFromFile (GraphQL multipart requests)', () => {
  it('streams a file many chunks long and larger than the body limit to Prevision, byte for byte, in one call', async () => {
    const file = csv(25_000);
    expect(file.length).toBeGreaterThan(10 * MAX_BODY);
    expect(file.length).toBeLessThan(MAX_UPLOAD);
    const r = await upload({ projectId: gid(PROJECT.id), name: 'customers_upload' }, file);
    expect(r.status).toBe(200);
    expect(r.body.errors).toBeUndefined();
    const { dataset, userErrors } = r.body.data.createPrevisionDatasetFromFile;
    expect(userErrors).toEqual([]);
    expect(dataset).toMatchObject({ name: 'customers_upload', rowCount: 25_000, columnCount: 3, copyState: 'RUNNING' });
    expect((await stack.requests('prevision')).byRoute).toEqual({ 'POST /ext/v1/projects/{pid}/datasets/file': 1 });
    // Prevision received every byte of the file.
    const stored = (await datasetsUpstream()).find((d) => d._id === dataset.platformId)!;
    expect(stored.size).toBe(file.length);
  });

  it('cuts off a file over AUGUR_MAX_UPLOAD_BYTES with LIMIT_EXCEEDED, registering nothing and never resending', async () => {
    const before = (await datasetsUpstream()).length;
    const file = csv(40_000);
    expect(file.length).toBeGreaterThan(MAX_UPLOAD);
    const r = await upload({ projectId: gid(PROJECT.id), name: 'too_big' }, file);
    expect(r.body.errors?.[0]?.extensions).toMatchObject({ code: 'LIMIT_EXCEEDED', limit: 'maxUploadBytes', max: MAX_UPLOAD });
    expect(r.body.errors[0].path).toEqual(['createPrevisionDatasetFromFile']);
    const after = await datasetsUpstream();
    expect(after.length).toBe(before);
    expect(after.some((d) => d.name === 'too_big')).toBe(false);
    // The cut-off request may or may not have been counted by the emulator; it was never sent twice.
    expect((await stack.requests('prevision')).byRoute['POST /ext/v1/projects/{pid}/datasets/file'] ?? 0).toBeLessThanOrEqual(1);
  });

  it('refuses bad input at its field without calling Prevision, and maps Prevision refusals', async () => {
    const blank = await upload({ projectId: gid(PROJECT.id), name: ' ', separator: ';;' }, csv(10));
    expect(blank.body.data.createPrevisionDatasetFromFile.userErrors.map((e: any) => [e.field.join('.'), e.code])).toEqual([
      ['input.name', 'REQUIRED'],
      ['input.separator', 'INVALID'],
    ]);
    expect((await stack.requests('prevision')).total).toBe(0);
    const missing = await upload({ projectId: gid('f'.repeat(24)), name: 'x' }, csv(10));
    expect(missing.body.data.createPrevisionDatasetFromFile.userErrors).toEqual([
      { field: ['input', 'projectId'], code: 'NOT_FOUND', message: expect.any(String) },
    ]);
    const empty = await upload({ projectId: gid(PROJECT.id), name: 'empty' }, Buffer.alloc(0));
    expect(empty.body.data.createPrevisionDatasetFromFile.userErrors).toEqual([
      { field: ['input', 'file'], code: 'INVALID', message: expect.stringMatching(/empty/) },
    ]);
  });

  it('refuses a multipart request without a preflight header, with two files, or an Upload that is not a file', async () => {
    const csrf = await upload({ projectId: gid(PROJECT.id), name: 'x' }, csv(10), { headers: { 'apollo-require-preflight': '' } });
    expect(csrf.status).toBe(400);
    expect(csrf.body.errors[0]).toMatchObject({
      extensions: { code: 'BAD_REQUEST' },
      message: expect.stringMatching(/Apollo-Require-Preflight/),
    });
    const two = await upload({ projectId: gid(PROJECT.id), name: 'x' }, csv(10), {
      map: { 0: ['variables.i.file'], 1: ['variables.i.other'] },
    });
    expect(two.status).toBe(400);
    expect(two.body.errors[0].message).toMatch(/one file/);
    const nowhere = await upload({ projectId: gid(PROJECT.id), name: 'x' }, csv(10), { map: { 0: ['variables.elsewhere'] } });
    expect(nowhere.status).toBe(400);
    const json = await stack.gql(UPLOAD, { i: { projectId: gid(PROJECT.id), name: 'x', file: 'not a file' } });
    expect(json.errors?.[0]?.extensions?.['code']).toBe('BAD_USER_INPUT');
    expect(json.errors?.[0]?.message).toMatch(/multipart/);
    expect((await stack.requests('prevision')).total).toBe(0);
  });

  it('registers an image folder from a zip in one streamed call, and points a refused file at input.file', async () => {
    const FOLDER = `mutation($i: CreatePrevisionImageFolderFromFileInput!) { createPrevisionImageFolderFromFile(input: $i) {
      imageFolder { id name copyState imageCount sizeBytes } userErrors { field code message } } }`;
    const zip = zipSingleFile('shelf.png', Buffer.alloc(200_000, 3));
    const r = await upload({ projectId: gid(PROJECT.id), name: 'shelves' }, zip, { query: FOLDER });
    expect(r.body.errors).toBeUndefined();
    expect(r.body.data.createPrevisionImageFolderFromFile).toEqual({
      imageFolder: { id: expect.any(String), name: 'shelves', copyState: 'RUNNING', imageCount: 1, sizeBytes: zip.length },
      userErrors: [],
    });
    expect((await stack.requests('prevision')).byRoute).toEqual({ 'POST /ext/v1/projects/{pid}/image-folders': 1 });
    const refused = await upload({ projectId: gid(PROJECT.id), name: 'not images' }, csv(10), { query: FOLDER });
    expect(refused.body.data.createPrevisionImageFolderFromFile.userErrors).toEqual([
      { field: ['input', 'file'], code: 'INVALID', message: expect.stringMatching(/not a zip/) },
    ]);
  });
});
