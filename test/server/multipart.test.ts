import { describe, expect, it } from 'vitest';
import type { IncomingMessage } from 'node:http';
import { multipartBoundary, MultipartError, readMultipartOperation } from '../../src/server/multipart.js';

const B = 'xYzBoundary';

/** A request whose body arrives in chunks of `size` bytes. */
function request(body: Buffer, size: number): IncomingMessage {
  return {
    async *[Symbol.asyncIterator]() {
      for (let i = 0; i < body.length; i += size) yield body.subarray(i, i + size);
    },
  } as unknown as IncomingMessage;
}

function multipart(parts: Array<{ name: string; filename?: string; data: string | Buffer }>): Buffer {
  const chunks: Buffer[] = [];
  for (const p of parts) {
    const disposition = `form-data; name="${p.name}"${p.filename !== undefined ? `; filename="${p.filename}"` : ''}`;
    chunks.push(Buffer.from(`--${B}\r\nContent-Disposition: ${disposition}\r\n\r\n`), Buffer.from(p.data), Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${B}--\r\n`));
  return Buffer.concat(chunks);
}

const OPERATIONS = JSON.stringify({ query: 'mutation($f: Upload!) { x(f: $f) }', variables: { f: null } });

describe('readMultipartOperation', () => {
  it('hands over the file byte for byte whatever the chunk size, the delimiter straddling chunks included', async () => {
    // Bytes that look like the start of the delimiter inside the file.
    const file = Buffer.concat([Buffer.from('a,b\r\n--xYzBound\r\n-'), Buffer.alloc(5000, 7), Buffer.from('\r\n--')]);
    const body = multipart([
      { name: 'operations', data: OPERATIONS },
      { name: 'map', data: JSON.stringify({ 0: ['variables.f'] }) },
      { name: '0', filename: 'f.csv', data: file },
    ]);
    for (const size of [1, 2, 7, 64, 4096, body.length]) {
      const op = await readMultipartOperation(request(body, size), B, 10_000);
      const upload = (op.body['variables'] as { f: any }).f;
      expect(upload).toBe(op.upload);
      expect(upload.filename).toBe('f.csv');
      const got: Buffer[] = [];
      for await (const c of upload.chunks()) got.push(c);
      expect(Buffer.concat(got).equals(file)).toBe(true);
      expect(upload.consumed).toBe(true);
      expect(() => upload.chunks()).toThrow(/already read/);
    }
  });

  it('bounds operations and map, and refuses what the specification does not allow', async () => {
    const big = multipart([{ name: 'operations', data: 'x'.repeat(2000) }]);
    await expect(readMultipartOperation(request(big, 100), B, 1000)).rejects.toMatchObject({ status: 413 });
    const noMap = multipart([{ name: 'operations', data: OPERATIONS }]);
    await expect(readMultipartOperation(request(noMap, 100), B, 1000)).rejects.toBeInstanceOf(MultipartError);
    const fileFirst = multipart([
      { name: '0', filename: 'f', data: 'abc' },
      { name: 'operations', data: OPERATIONS },
    ]);
    await expect(readMultipartOperation(request(fileFirst, 100), B, 1000)).rejects.toThrow(/"operations" and then "map"/);
    const truncated = multipart([
      { name: 'operations', data: OPERATIONS },
      { name: 'map', data: JSON.stringify({ 0: ['variables.f'] }) },
      { name: '0', filename: 'f', data: 'abc' },
    ]).subarray(0, -20);
    const op = await readMultipartOperation(request(truncated, 100), B, 1000);
    const read = async () => {
      for await (const _ of op.upload!.chunks()) void _;
    };
    await expect(read()).rejects.toThrow(/ended inside its file/);
  });

  it('reads the boundary of a multipart content type only', () => {
    expect(multipartBoundary('multipart/form-data; boundary=abc')).toBe('abc');
    expect(multipartBoundary('multipart/form-data; boundary="a b"')).toBe('a b');
    expect(multipartBoundary('application/json')).toBeUndefined();
    expect(multipartBoundary('multipart/form-data')).toBeUndefined();
  });
});
