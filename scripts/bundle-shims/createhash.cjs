'use strict';
// Stands in for @apollo/utils.createhash in the bundle. That package reaches Node's crypto through `module.require`,
// which a bundled module does not have, so it would fall back to sha.js (SHA-256 in JavaScript) for the hash Apollo
// computes of every query.
//
// Apollo hashes the text of every request's query (`createHash('sha256').update(query).digest('hex')`), and front-ends
// send the same few queries over and over: a digest of a short text is remembered, so a repeated query costs a map
// lookup instead of a hash object and a SHA-256. At most 256 texts of at most 8 KB each are kept per kind of hash
// (2 MB at worst for sha256), the oldest forgotten first.
const { createHash } = require('node:crypto');

const MAX_ENTRIES = 256;
const MAX_TEXT = 8192;
// Per hash kind (Apollo asks only for sha256), keyed by the text itself: a key built by joining kind and text would
// copy every text before looking it up.
const digestsByKind = new Map();

class RememberingHash {
  constructor(kind) {
    this.kind = kind;
    this.parts = [];
  }

  update(data, encoding) {
    this.parts.push(encoding === undefined ? data : Buffer.from(data, encoding));
    return this;
  }

  digest(encoding) {
    const [only] = this.parts;
    if (this.parts.length === 1 && typeof only === 'string' && encoding === 'hex' && only.length <= MAX_TEXT) {
      let digests = digestsByKind.get(this.kind);
      if (digests === undefined) digestsByKind.set(this.kind, (digests = new Map()));
      let digest = digests.get(only);
      if (digest === undefined) {
        digest = createHash(this.kind).update(only).digest('hex');
        if (digests.size >= MAX_ENTRIES) digests.delete(digests.keys().next().value);
        digests.set(only, digest);
      }
      return digest;
    }
    const hash = createHash(this.kind);
    for (const part of this.parts) hash.update(part);
    return hash.digest(encoding);
  }
}

exports.createHash = (kind) => new RememberingHash(kind);
