import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
// Apollo's own choice, from its module file (not a public export), to hold the remembered one to it.
import { chooseContentTypeForSingleResultResponse } from '../../node_modules/@apollo/server/dist/esm/ApolloServer.js';
import { HeaderMap } from '@apollo/server';
import { singleResultContentType } from '../../src/server/contentType.js';

const apollos = (accept: string | undefined): string | null => {
  const headers = new HeaderMap();
  if (accept !== undefined) headers.set('accept', accept);
  return chooseContentTypeForSingleResultResponse({ headers });
};

describe('singleResultContentType', () => {
  it('chooses what Apollo chooses for any Accept header, whether remembered or not', () => {
    const type = fc.constantFrom(
      'application/json',
      'application/graphql-response+json',
      'application/*',
      '*/*',
      'text/html',
      'multipart/mixed',
      'application/json; charset=utf-8',
      'application/json; callbackSpec=1.0',
      'application/xml',
    );
    const entry = fc.tuple(type, fc.option(fc.constantFrom('0', '0.1', '0.5', '0.9', '1'), { nil: undefined }));
    const header = fc
      .array(entry, { minLength: 0, maxLength: 4 })
      .map((parts) => parts.map(([t, q]) => (q ? `${t};q=${q}` : t)).join(', '));
    fc.assert(
      fc.property(fc.option(header, { nil: undefined }), (accept) => {
        const expected = apollos(accept);
        expect(singleResultContentType(accept)).toBe(expected);
        expect(singleResultContentType(accept)).toBe(expected);
      }),
      { numRuns: 500 },
    );
  });

  it('answers the same past the headers it remembers, and for a header too long to remember', () => {
    for (let i = 0; i < 600; i++) {
      const accept = `application/x-${i}, application/graphql-response+json;q=0.${(i % 9) + 1}`;
      expect(singleResultContentType(accept)).toBe(apollos(accept));
    }
    const long = `${'application/x-long;a=b, '.repeat(40)}application/json`;
    expect(singleResultContentType(long)).toBe(apollos(long));
    expect(singleResultContentType('text/html')).toBeNull();
  });
});
