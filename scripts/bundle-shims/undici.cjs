'use strict';
// Stands in for undici's entry point in the bundle. The entry loads all of undici at start, fetch, WebSocket,
// EventSource, cookies, caches and mocks included (and through them Node's own copy of undici, for globalThis.Headers):
// about 35 ms of each start. Augur uses its pools, errors and `request`; this exports those, from undici's own files.
// `request` is undici's, built as its entry builds it (makeDispatcher in undici/index.js). Anything else imported from
// 'undici' is undefined here: the typecheck does not see this file, so the bundle test holds the list to what the
// sources import (test/processes/bundleShims.test.ts).
const Pool = require('undici/lib/dispatcher/pool');
const Agent = require('undici/lib/dispatcher/agent');
const Client = require('undici/lib/dispatcher/client');
const errors = require('undici/lib/core/errors');
const util = require('undici/lib/core/util');
const api = require('undici/lib/api');
const Dispatcher = require('undici/lib/dispatcher/dispatcher');
const { getGlobalDispatcher, setGlobalDispatcher } = require('undici/lib/global');

// As undici's entry does: `pool.request()`, `stream()`, `pipeline()`… are the API's functions on every dispatcher.
Object.assign(Dispatcher.prototype, api);

const { InvalidArgumentError } = errors;

function makeDispatcher(fn) {
  return (url, opts, handler) => {
    if (typeof opts === 'function') {
      handler = opts;
      opts = null;
    }
    if (!url || (typeof url !== 'string' && typeof url !== 'object' && !(url instanceof URL))) {
      throw new InvalidArgumentError('invalid url');
    }
    if (opts != null && typeof opts !== 'object') {
      throw new InvalidArgumentError('invalid opts');
    }
    if (opts && opts.path != null) {
      if (typeof opts.path !== 'string') {
        throw new InvalidArgumentError('invalid opts.path');
      }
      const path = opts.path.startsWith('/') ? opts.path : `/${opts.path}`;
      url = new URL(util.parseOrigin(url).origin + path);
    } else {
      if (!opts) {
        opts = typeof url === 'object' ? url : {};
      }
      url = util.parseURL(url);
    }
    const { agent, dispatcher = getGlobalDispatcher() } = opts;
    if (agent) {
      throw new InvalidArgumentError('unsupported opts.agent. Did you mean opts.client?');
    }
    return fn.call(
      dispatcher,
      {
        ...opts,
        origin: url.origin,
        path: url.search ? `${url.pathname}${url.search}` : url.pathname,
        method: opts.method || (opts.body ? 'PUT' : 'GET'),
      },
      handler,
    );
  };
}

module.exports = {
  Dispatcher,
  Pool,
  Agent,
  Client,
  errors,
  getGlobalDispatcher,
  setGlobalDispatcher,
  request: makeDispatcher(api.request),
};
