/**
 * The bundle's stand-ins (scripts/bundle-shims/). `@apollo/utils.createhash` remembers the digests of short texts, so
 * it must answer exactly what Node's crypto answers, whether remembered or not. `undici` exports only part of undici,
 * so it must export everything the sources import from it, working. `negotiator` remembers its media-type answers, so
 * they must be negotiator's answers.
 */
import { createHash as nodeHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import path from 'node:path';
import fc from 'fast-check';
import * as undici from 'undici';
import { describe, expect, it } from 'vitest';

const require = createRequire(import.meta.url);
interface Hash {
  update(data: string | Buffer, encoding?: BufferEncoding): Hash;
  digest(encoding?: BufferEncoding): string | Buffer;
}
const shim = require('../../scripts/bundle-shims/createhash.cjs') as { createHash(kind: string): Hash };

describe('the createhash shim of the bundle', () => {
  it('answers what node:crypto answers for any text, remembered or not, and past its size limits', () => {
    const text = fc.oneof(fc.string({ maxLength: 200 }), fc.string({ minLength: 8000, maxLength: 9000 }));
    fc.assert(
      fc.property(text, fc.constantFrom('sha256', 'sha512'), (t, kind) => {
        const expected = nodeHash(kind).update(t).digest('hex');
        // Twice: the second answer comes from memory when the text is short enough.
        expect(shim.createHash(kind).update(t).digest('hex')).toBe(expected);
        expect(shim.createHash(kind).update(t).digest('hex')).toBe(expected);
      }),
      { numRuns: 300 },
    );
  });

  it('hashes several updates, buffers and other encodings as node:crypto does', () => {
    const hash = shim.createHash('sha256');
    hash.update('query { a }');
    hash.update(Buffer.from(' and more'));
    hash.update('6869', 'hex');
    expect(hash.digest('base64')).toBe(nodeHash('sha256').update('query { a }').update(' and more').update('hi').digest('base64'));
    expect(shim.createHash('sha256').update('x').digest('base64')).toBe(nodeHash('sha256').update('x').digest('base64'));
  });

  it('keeps answering correctly once more texts were hashed than it remembers', () => {
    const texts = Array.from({ length: 600 }, (_, i) => `query Q${i} { contacts(first: ${i}) { edges { node { id } } } }`);
    for (const t of [...texts, ...texts])
      expect(shim.createHash('sha256').update(t).digest('hex')).toBe(nodeHash('sha256').update(t).digest('hex'));
  });
});

describe('the undici shim of the bundle', () => {
  const undiciShim = require('../../scripts/bundle-shims/undici.cjs') as Record<string, unknown>;

  it('exports every value the sources import from undici, as undici exports it', () => {
    const files = (dir: string): string[] =>
      readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
        e.isDirectory() ? files(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : [],
      );
    const imported = new Set<string>();
    for (const file of [...files('src'), ...files('emulators/src')]) {
      for (const m of readFileSync(file, 'utf8').matchAll(/import\s+(type\s+)?\{([^}]*)\}\s+from\s+'undici'/g)) {
        if (m[1]) continue;
        for (const part of m[2]!.split(',')) {
          const name = part
            .trim()
            .split(/\s+as\s+/)[0]!
            .replace(/^type\s+/, '');
          if (name && !part.trim().startsWith('type ')) imported.add(name);
        }
      }
    }
    expect(imported.size).toBeGreaterThan(0);
    // `request` is built anew as undici's entry builds it (its behaviour is the next test); the rest is undici's own.
    for (const name of imported) {
      if (name === 'request') expect(typeof undiciShim[name]).toBe('function');
      else expect(undiciShim[name], name).toBe((undici as Record<string, unknown>)[name]);
    }
  });

  it('answers with its pools and its request, and its errors are the ones they throw', async () => {
    const server = http.createServer((req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ path: req.url, method: req.method }));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const { Pool, request, errors } = undiciShim as unknown as typeof undici;
    const pool = new Pool(origin, { connections: 1 });
    try {
      const viaPool = await pool.request({ path: '/a?b=1', method: 'GET' });
      expect(await viaPool.body.json()).toEqual({ path: '/a?b=1', method: 'GET' });
      const viaRequest = await request(`${origin}/c`, { method: 'POST', body: 'x' });
      expect(viaRequest.statusCode).toBe(200);
      expect(await viaRequest.body.json()).toEqual({ path: '/c', method: 'POST' });
      await expect(pool.request({ path: 'no-slash', method: 'GET' })).rejects.toBeInstanceOf(errors.InvalidArgumentError);
    } finally {
      await pool.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    }
  });
});

describe('the negotiator shim of the bundle', () => {
  type Negotiation = {
    mediaType(available?: string[]): string | undefined;
    mediaTypes(available?: string[]): string[];
    charset(available?: string[]): string | undefined;
  };
  type Make = (request: { headers: Record<string, string | undefined> }) => Negotiation;
  const real = require('negotiator') as Make;
  const shimmed = require('../../scripts/bundle-shims/negotiator.cjs') as Make & {
    Negotiator: new (...args: Parameters<Make>) => Negotiation;
  };
  const types = ['application/json', 'application/graphql-response+json', 'multipart/mixed', 'text/html', 'text/*', '*/*'];
  const offered = [
    'multipart/mixed;deferSpec=20220824',
    'multipart/mixed; deferSpec=20220824',
    'application/json; charset=utf-8',
    'application/graphql-response+json; charset=utf-8',
    'text/html',
  ];
  const accept = fc.oneof(
    fc.constant(undefined),
    fc.string({ maxLength: 40 }),
    fc
      .array(fc.tuple(fc.constantFrom(...types, ...offered), fc.option(fc.constantFrom('0', '0.1', '0.5', '1'))), { maxLength: 4 })
      .map((parts) => parts.map(([t, q]) => (q === null ? t : `${t};q=${q}`)).join(', ')),
    fc.string({ minLength: 513, maxLength: 600 }),
  );

  it('answers mediaType as negotiator does, remembered or not, for any Accept header and offer', () => {
    fc.assert(
      fc.property(accept, fc.option(fc.subarray(offered), { nil: undefined }), (header, available) => {
        const expected = real({ headers: { accept: header } }).mediaType(available);
        // Twice: the second answer comes from memory for headers short enough.
        expect(shimmed({ headers: { accept: header } }).mediaType(available)).toBe(expected);
        expect(new shimmed.Negotiator({ headers: { accept: header } }).mediaType(available)).toBe(expected);
      }),
      { numRuns: 500 },
    );
  });

  it('leaves the other negotiations to negotiator', () => {
    const request = { headers: { accept: 'text/html, application/json;q=0.5', 'accept-charset': 'utf-8, iso-8859-1;q=0.2' } };
    expect(shimmed(request).mediaTypes()).toEqual(real(request).mediaTypes());
    expect(shimmed(request).charset(['iso-8859-1', 'utf-8'])).toBe('utf-8');
  });
});
