'use strict';
// Stands in for fast-json-stringify in the bundle. graphql-jit imports it (and through it ajv) at load time for its
// `customJSONSerializer` option, which Augur never turns on: the import alone took about 100 ms of each start and
// several MB of heap. Should the option ever be turned on, this says so instead of serialising wrongly.
module.exports = function fastJsonStringify() {
  throw new Error("graphql-jit's customJSONSerializer is not available in Augur's bundle (scripts/bundle-shims/fast-json-stringify.cjs).");
};
module.exports.default = module.exports;
