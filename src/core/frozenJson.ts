/**
 * JSON of values that never change, serialised once per value.
 *
 * The entity cache hands every operation that reads an entry the same parsed, deep-frozen objects
 * (upstreams/readCache.ts), and the values Augur derives from them are frozen in turn (a contact's features, say).
 * Such a value's JSON is the same for every operation that sends it, so it is serialised (and encoded as UTF-8) once
 * and remembered for as long as the value lives. Only frozen values whose contents are frozen as well may be passed:
 * that is what keeps the remembered bytes true.
 */
const encoded = new WeakMap<object, Buffer>();

/** The UTF-8 bytes of `JSON.stringify(value)`, for a deep-frozen object; remembered. */
export function frozenJsonBytes(value: object): Buffer {
  let bytes = encoded.get(value);
  if (bytes === undefined) {
    bytes = Buffer.from(JSON.stringify(value));
    encoded.set(value, bytes);
  }
  return bytes;
}
