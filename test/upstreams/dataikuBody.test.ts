/**
 * The predict-multi body assembled from remembered bytes (frozen features: entity cache hits scored with their own
 * fields) is the body `JSON.stringify` gives, byte for byte; anything else is left to `JSON.stringify`.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ownFields } from '../../src/resolvers/dataiku.js';
import { predictMultiBody, type DataikuPredictOptions } from '../../src/upstreams/dataiku/client.js';
import type { DataikuRecord } from '../../src/upstreams/dataiku/types.js';
import { deepFreeze } from '../../src/upstreams/readCache.js';

const features = fc.dictionary(fc.string({ unit: 'binary', maxLength: 8 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 6 });
const options = fc.record(
  {
    explanations: fc.record({
      enabled: fc.option(fc.boolean()),
      method: fc.option(fc.constantFrom('ICE', 'SHAPLEY')),
      nExplanations: fc.option(fc.integer({ min: 1, max: 10 })),
      nMonteCarloSteps: fc.option(fc.integer({ min: 1, max: 100 })),
    }),
    dispatch: fc.record({ forcedGeneration: fc.string({ maxLength: 5 }) }),
  },
  { requiredKeys: ['explanations'] },
) as fc.Arbitrary<DataikuPredictOptions>;

const expected = (records: DataikuRecord[], o: DataikuPredictOptions) =>
  JSON.stringify(
    o.dispatch ? { items: records, explanations: o.explanations, dispatch: o.dispatch } : { items: records, explanations: o.explanations },
  );

describe('predictMultiBody', () => {
  it('sends frozen features as the bytes JSON.stringify gives the whole body, twice over the same records', () => {
    fc.assert(
      fc.property(fc.array(features, { minLength: 1, maxLength: 8 }), options, (all, o) => {
        const records = all.map((f) => ({ features: deepFreeze(f) }));
        const body = predictMultiBody(records, o);
        expect(Buffer.isBuffer(body)).toBe(true);
        expect((body as Buffer).toString('utf8')).toBe(expected(records, o));
        // The second time the features' bytes are remembered: still the same body.
        expect((predictMultiBody(records, o) as Buffer).toString('utf8')).toBe(expected(records, o));
      }),
      { numRuns: 500 },
    );
  });

  it('leaves a body with unfrozen features or a context to JSON.stringify', () => {
    const frozen = { features: deepFreeze({ a: 1 }) };
    const o: DataikuPredictOptions = { explanations: { enabled: null, method: null, nExplanations: null, nMonteCarloSteps: null } };
    for (const other of [{ features: { b: 2 } }, { features: deepFreeze({ b: 2 }), context: { c: 3 } }]) {
      const body = predictMultiBody([frozen, other], o);
      expect(Buffer.isBuffer(body)).toBe(false);
      expect(JSON.stringify(body)).toBe(expected([frozen, other], o));
    }
  });
});

describe('ownFields', () => {
  it("derives a frozen object's features once, frozen, and copies an unfrozen object's every time", () => {
    const cached = deepFreeze({ id: 'c1', name: 'A', agentIds: ['x'] });
    const first = ownFields(cached);
    expect(first).toEqual({ name: 'A', agentIds: ['x'] });
    expect(Object.isFrozen(first)).toBe(true);
    expect(ownFields(cached)).toBe(first);
    const fresh = { id: 'c2', name: 'B' };
    const copy = ownFields(fresh);
    expect(copy).toEqual({ name: 'B' });
    expect(Object.isFrozen(copy)).toBe(false);
    expect(ownFields(fresh)).not.toBe(copy);
  });
});
