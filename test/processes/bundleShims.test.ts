/**
 * The bundle's stand-in for `@apollo/utils.createhash` (scripts/bundle-shims/createhash.cjs): it remembers the digests
 * of short texts, so it must answer exactly what Node's crypto answers, whether remembered or not.
 */
import { createHash as nodeHash } from 'node:crypto';
import { createRequire } from 'node:module';
import fc from 'fast-check';
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
