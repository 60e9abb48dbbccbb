import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { KEY2, NOT_FOUND, civisUnderTest, expectBadRequest } from './helpers.js';

/** civis-python's `MIN_PART_SIZE`, the smallest part it cuts, and the smallest S3 accepts for any part but the last. */
const MIN_PART = 5 * 2 ** 20;
const civis = civisUnderTest();
const call = civis.call;

/** Bytes that differ from offset to offset, so a part joined out of order or twice cannot go unnoticed. */
function content(size: number): Buffer {
  const b = Buffer.alloc(size);
  for (let i = 0; i < size; i++) b[i] = (i * 31 + (i >> 12)) & 0xff;
  return b;
}

/** A part `PUT` as civis-python's `_upload_part_base` sends it: `requests.put(url, data=...)`, no auth, no Content-Type. */
function putPart(partUrl: string, bytes: Buffer): Promise<Response> {
  return fetch(partUrl, { method: 'PUT', body: bytes });
}

/** civis-python's slicing in `_upload_part_base`: part `i` (0-based) is `min(part_size, size - part_size * i)` bytes at `part_size * i`. */
function slice(file: Buffer, partSize: number, i: number): Buffer {
  const offset = partSize * i;
  return file.subarray(offset, offset + Math.min(partSize, file.length - offset));
}

describe('civis emulator: multipart upload (civis.io.file_to_civis above 50 MiB)', () => {
  it('runs the flow civis-python drives: post_multipart, a PUT per part URL without auth, post_multipart_complete, then GET and an unauthenticated download', async () => {
    const file = content(2 * MIN_PART + 1234);
    const numParts = Math.ceil(file.length / MIN_PART);
    expect(numParts).toBe(3);

    const created = await call('/files/multipart', { method: 'POST', body: { name: 'large.csv', numParts, expiresAt: null } });
    expect(created.status).toBe(201);
    expect(Object.keys(created.body)).toEqual(['id', 'name', 'createdAt', 'fileSize', 'expiresAt', 'description', 'uploadUrls']);
    expect(created.body).toMatchObject({ name: 'large.csv', fileSize: 0, expiresAt: null, description: null });
    const urls = created.body.uploadUrls as string[];
    expect(urls).toHaveLength(3);
    expect(new Set(urls).size).toBe(3);
    for (const u of urls) expect(u.startsWith(`${civis.url}/files/${created.body.id}/parts/`)).toBe(true);

    // Until it is completed the file has no content, like a single upload before its form POST.
    expect((await call(`/files/${created.body.id}`)).body).toMatchObject({ fileSize: 0, downloadUrl: null, fileUrl: null });

    // civis-python uploads the parts on a thread pool, so they may land in any order.
    const parts = urls.map((_, i) => slice(file, MIN_PART, i));
    const responses = await Promise.all([2, 0, 1].map((i) => putPart(urls[i]!, parts[i]!)));
    for (const [n, res] of responses.entries()) {
      const i = [2, 0, 1][n]!;
      expect(res.status).toBe(200);
      expect(res.headers.get('etag')).toBe(`"${createHash('md5').update(parts[i]!).digest('hex')}"`);
      expect(await res.text()).toBe('');
      // The part URL stands in for S3: none of the API's own headers.
      expect(res.headers.get('x-request-id')).toBeNull();
    }

    const done = await call(`/files/multipart/${created.body.id}/complete`, { method: 'POST' });
    expect(done.status).toBe(204);
    expect(done.text).toBe('');

    const got = (await call(`/files/${created.body.id}`)).body;
    expect(got.fileSize).toBe(file.length);
    expect(got.fileUrl).toBe(`${civis.url}/files/${created.body.id}/download`);
    expect(got.downloadUrl).toBe(got.fileUrl);
    const res = await fetch(got.fileUrl);
    expect(res.status).toBe(200);
    expect(Buffer.from(await res.arrayBuffer()).equals(file)).toBe(true);
  });

  it("takes a part larger than the API's 50 MiB body cap, as civis-python cuts for files past 500 MiB", async () => {
    // sqrt(5 MiB x 720 MiB) = 60 MiB: the part size civis-python picks for a 720 MiB file.
    const part = Buffer.alloc(60 * 2 ** 20, 0x7a);
    const created = (await call('/files/multipart', { method: 'POST', body: { name: 'huge.bin', numParts: 1 } })).body;
    const put = await putPart(created.uploadUrls[0], part);
    expect(put.status).toBe(200);
    expect(put.headers.get('etag')).toBe(`"${createHash('md5').update(part).digest('hex')}"`);
    expect((await call(`/files/multipart/${created.id}/complete`, { method: 'POST' })).status).toBe(204);
    expect((await call(`/files/${created.id}`)).body.fileSize).toBe(part.length);
    // The API routes keep theirs.
    const tooBig = await fetch(`${civis.url}/files/multipart`, { method: 'POST', body: part });
    expect(tooBig.status).toBe(413);
  });

  it('takes the body under the recorded example spelling too (num_parts), with description and the 30-day default expiry', async () => {
    const created = await call('/files/multipart', {
      method: 'POST',
      body: { name: 'my_file.csv.gzip', num_parts: 2, description: 'my description' },
    });
    expect(created.status).toBe(201);
    expect(created.body.uploadUrls).toHaveLength(2);
    expect(created.body.description).toBe('my description');
    expect(Date.parse(created.body.expiresAt) - Date.parse(created.body.createdAt)).toBe(30 * 86_400_000);
  });

  it('joins a single part that is under 5 MiB, since the last part may be of any size', async () => {
    const created = (await call('/files/multipart', { method: 'POST', body: { name: 'one.bin', numParts: 1 } })).body;
    const bytes = Buffer.from('just one small part\n');
    expect((await putPart(created.uploadUrls[0], bytes)).status).toBe(200);
    expect((await call(`/files/multipart/${created.id}/complete`, { method: 'POST' })).status).toBe(204);
    const got = (await call(`/files/${created.id}`)).body;
    expect(got.fileSize).toBe(bytes.length);
    expect(Buffer.from(await (await fetch(got.fileUrl)).arrayBuffer())).toEqual(bytes);
  });

  it('keeps the last copy of a part sent twice (a retried PUT)', async () => {
    const created = (await call('/files/multipart', { method: 'POST', body: { name: 'retry.bin', numParts: 1 } })).body;
    await putPart(created.uploadUrls[0], Buffer.from('first attempt'));
    await putPart(created.uploadUrls[0], Buffer.from('second'));
    expect((await call(`/files/multipart/${created.id}/complete`, { method: 'POST' })).status).toBe(204);
    expect(await (await fetch((await call(`/files/${created.id}`)).body.fileUrl)).text()).toBe('second');
  });

  it('refuses a create without name or numParts, or with numParts outside 1..10000, and allocates no file', async () => {
    expectBadRequest(await call('/files/multipart', { method: 'POST', body: { name: 'x.csv' } }), 'numParts is required');
    expectBadRequest(await call('/files/multipart', { method: 'POST', body: { numParts: 2 } }), 'name is required');
    expectBadRequest(
      await call('/files/multipart', { method: 'POST', body: { name: 'x.csv', numParts: 0 } }),
      'numParts must be between 1 and 10000, got 0',
    );
    expectBadRequest(
      await call('/files/multipart', { method: 'POST', body: { name: 'x.csv', numParts: 10_001 } }),
      'numParts must be between 1 and 10000',
    );
    expectBadRequest(
      await call('/files/multipart', { method: 'POST', body: { name: 'x.csv', numParts: 'two' } }),
      'numParts must be an integer',
    );
    expectBadRequest(
      await call('/files/multipart', { method: 'POST', body: { name: 'x.csv', numParts: 2, expiresAt: 'soon' } }),
      'expiresAt must be an ISO 8601 time',
    );
    const before = (await call('/files/')).body.length;
    const ok = await call('/files/multipart', { method: 'POST', body: { name: 'x.csv', numParts: 2 } });
    expect(ok.body.id).toBe(8005);
    expect((await call('/files/')).body.length).toBe(before + 1);
  });

  it('needs the API key on create and complete, as every API route does', async () => {
    expect((await call('/files/multipart', { method: 'POST', key: null, body: { name: 'x.csv', numParts: 1 } })).status).toBe(401);
    const created = (await call('/files/multipart', { method: 'POST', body: { name: 'x.csv', numParts: 1 } })).body;
    const r = await call(`/files/multipart/${created.id}/complete`, { method: 'POST', key: null });
    expect(r.status).toBe(401);
    expect(r.headers.get('www-authenticate')).toBeTruthy();
  });
});

describe('civis emulator: multipart part URLs', () => {
  it('answer 404 for an unknown file, another upload id, a part number not handed out, or a file without a multipart upload', async () => {
    const created = (await call('/files/multipart', { method: 'POST', body: { name: 'p.bin', numParts: 2 } })).body;
    const first = new URL(created.uploadUrls[0]);
    const at = (path: string, query = first.search) => `${civis.url}${path}${query}`;
    const bytes = Buffer.from('x');
    expect((await putPart(at('/files/999999/parts/1'), bytes)).status).toBe(404);
    expect((await putPart(at(`/files/${created.id}/parts/0`), bytes)).status).toBe(404);
    expect((await putPart(at(`/files/${created.id}/parts/3`), bytes)).status).toBe(404);
    expect((await putPart(at(`/files/${created.id}/parts/abc`), bytes)).status).toBe(404);
    expect((await putPart(at(`/files/${created.id}/parts/1`, '?uploadId=someone-else'), bytes)).status).toBe(404);
    expect((await putPart(at(`/files/${created.id}/parts/1`, ''), bytes)).status).toBe(404);
    // A file from the single-upload route has no part URLs.
    const single = (await call('/files/', { method: 'POST', body: { name: 's.bin' } })).body;
    const res = await putPart(at(`/files/${single.id}/parts/1`), bytes);
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual(NOT_FOUND);
    // None of these touched the real upload: both part URLs still work.
    for (const u of created.uploadUrls as string[]) expect((await putPart(u, bytes)).status).toBe(200);
  });

  it('stop working once the upload is completed', async () => {
    const created = (await call('/files/multipart', { method: 'POST', body: { name: 'c.bin', numParts: 1 } })).body;
    expect((await putPart(created.uploadUrls[0], Buffer.from('done'))).status).toBe(200);
    expect((await call(`/files/multipart/${created.id}/complete`, { method: 'POST' })).status).toBe(204);
    expect((await putPart(created.uploadUrls[0], Buffer.from('late'))).status).toBe(404);
    expect(await (await fetch((await call(`/files/${created.id}`)).body.fileUrl)).text()).toBe('done');
  });
});

describe('civis emulator: POST /files/multipart/{id}/complete', () => {
  it('fails with a 400 naming the missing part, aborts the upload and leaves the file without content', async () => {
    const created = (await call('/files/multipart', { method: 'POST', body: { name: 'gap.bin', numParts: 3 } })).body;
    const urls = created.uploadUrls as string[];
    expect((await putPart(urls[0]!, content(MIN_PART))).status).toBe(200);
    expect((await putPart(urls[2]!, Buffer.from('tail'))).status).toBe(200);
    const r = await call(`/files/multipart/${created.id}/complete`, { method: 'POST' });
    expectBadRequest(r, 'part(s) 2 of 3 were never uploaded');
    expect(r.body.errorDescription).toContain('start again with POST /files/multipart');
    expect((await call(`/files/${created.id}`)).body).toMatchObject({ fileSize: 0, downloadUrl: null, fileUrl: null });
    // Aborted: the part URLs are gone and completing again has nothing to complete.
    expect((await putPart(urls[1]!, content(MIN_PART))).status).toBe(404);
    expectBadRequest(await call(`/files/multipart/${created.id}/complete`, { method: 'POST' }), 'has no multipart upload in progress');
  });

  it('fails when a part other than the last is under 5 MiB, as S3 does', async () => {
    const created = (await call('/files/multipart', { method: 'POST', body: { name: 'small.bin', numParts: 2 } })).body;
    await putPart(created.uploadUrls[0], content(MIN_PART - 1));
    await putPart(created.uploadUrls[1], Buffer.from('tail'));
    expectBadRequest(
      await call(`/files/multipart/${created.id}/complete`, { method: 'POST' }),
      `part(s) 1 are under the ${MIN_PART} bytes`,
    );
    expect((await call(`/files/${created.id}`)).body.fileSize).toBe(0);
  });

  it('is a 400 for a file from the single-upload route, and a 404 for an unknown file or one of another user', async () => {
    const single = (await call('/files/', { method: 'POST', body: { name: 's.csv' } })).body;
    expectBadRequest(
      await call(`/files/multipart/${single.id}/complete`, { method: 'POST' }),
      `file ${single.id} has no multipart upload in progress`,
    );
    const unknown = await call('/files/multipart/999999/complete', { method: 'POST' });
    expect(unknown.status).toBe(404);
    expect(unknown.body).toEqual(NOT_FOUND);
    const bobs = (await call('/files/multipart', { method: 'POST', key: KEY2, body: { name: 'b.bin', numParts: 1 } })).body;
    await putPart(bobs.uploadUrls[0], Buffer.from('bob'));
    expect((await call(`/files/multipart/${bobs.id}/complete`, { method: 'POST' })).status).toBe(404);
    // Bob's upload is untouched and he can still complete it.
    expect((await call(`/files/multipart/${bobs.id}/complete`, { method: 'POST', key: KEY2 })).status).toBe(204);
  });
});
