'use strict';
// Stands in for `negotiator` in the bundle: Negotiator itself, whose `mediaType` answers are remembered.
//
// Apollo Server negotiates the Accept header on every operation (whether the client takes the legacy incremental
// format: `new Negotiator({ headers: { accept } }).mediaType([...])`), parsing the header and sorting its types each
// time, and clients send the same few Accept headers over and over. An answer depends only on the header and the
// list offered, so it is kept per pair: at most 256 pairs, headers of at most 512 characters (longer ones are
// negotiated each time), the oldest forgotten first. Everything else is negotiator's own.
const Negotiator = require('negotiator/index.js');

const MAX_ENTRIES = 256;
const MAX_ACCEPT = 512;
const answers = new Map();
const negotiate = Negotiator.prototype.mediaType;

function RememberingNegotiator(request) {
  if (!(this instanceof RememberingNegotiator)) return new RememberingNegotiator(request);
  this.request = request;
}
RememberingNegotiator.prototype = Object.create(Negotiator.prototype, {
  constructor: { value: RememberingNegotiator, writable: true, configurable: true },
});

RememberingNegotiator.prototype.mediaType = function mediaType(available) {
  const accept = this.request.headers.accept;
  if ((accept !== undefined && typeof accept !== 'string') || (accept && accept.length > MAX_ACCEPT) || !Array.isArray(available))
    return negotiate.call(this, available);
  // A NUL cannot occur in a header value, so the key is unambiguous; an absent header is a key of its own.
  const key = `${accept === undefined ? '\u0001' : accept}\u0000${available.join('\u0000')}`;
  if (answers.has(key)) return answers.get(key);
  const answer = negotiate.call(this, available);
  if (answers.size >= MAX_ENTRIES) answers.delete(answers.keys().next().value);
  answers.set(key, answer);
  return answer;
};
RememberingNegotiator.prototype.preferredMediaType = RememberingNegotiator.prototype.mediaType;

module.exports = RememberingNegotiator;
module.exports.Negotiator = RememberingNegotiator;
