'use strict';
// Stands in for @apollo/utils.createhash in the bundle. That package reaches Node's crypto through `module.require`,
// which a bundled module does not have, so it would fall back to sha.js (SHA-256 in JavaScript) for the hash Apollo
// computes of every query.
const { createHash } = require('node:crypto');

exports.createHash = (kind) => createHash(kind);
