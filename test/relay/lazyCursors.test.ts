/**
 * A connection signs a cursor (an HMAC) only when something reads it: a page whose cursors nobody selects costs no
 * signature, and the cursors read are the ones its codec signs.
 */
import { describe, expect, it, vi } from 'vitest';
import { connectionFromArray } from '../../src/relay/connection.js';
import { IdCodec } from '../../src/relay/ids.js';

const limits = { defaultPageSize: 20, maxPageSize: 100 };

describe('cursors of a connection', () => {
  it('are signed only when read, edges and pageInfo alike', () => {
    const codec = new IdCodec('a-secret-of-enough-length-for-tests');
    const sign = vi.spyOn(codec, 'cursor');
    const page = connectionFromArray('things', {}, { first: 3 }, ['a', 'b', 'c', 'd'], codec, limits);
    expect(page.edges.map((e) => e.node)).toEqual(['a', 'b', 'c']);
    expect(page.pageInfo.hasNextPage).toBe(true);
    expect(page.pageInfo.hasPreviousPage).toBe(false);
    expect(sign).not.toHaveBeenCalled();

    const end = page.pageInfo.endCursor;
    expect(sign).toHaveBeenCalledTimes(1);
    expect(end).toBe(page.edges[2]!.cursor);
    expect(page.pageInfo.startCursor).toBe(page.edges[0]!.cursor);
    // Each edge's cursor is signed once, however often it is read.
    expect(sign).toHaveBeenCalledTimes(2);
    const next = connectionFromArray('things', {}, { first: 3, after: end }, ['a', 'b', 'c', 'd'], codec, limits);
    expect(next.edges.map((e) => e.node)).toEqual(['d']);
  });

  it('share one shape: the cursor is a getter of their prototype, not of each edge, and they serialise as plain edges', () => {
    // An object literal with a getter gets a hidden class of its own, allocated in V8's old generation, and kept each
    // page's edges alive past young collections (promoted, then swept): a page of 100 contacts promoted about 30 KB.
    const codec = new IdCodec('a-secret-of-enough-length-for-tests');
    const page = connectionFromArray('things', {}, { first: 3 }, ['a', 'b', 'c'], codec, limits);
    const [first, ...rest] = page.edges;
    for (const edge of [first!, ...rest]) {
      expect(Object.getOwnPropertyDescriptor(edge, 'cursor')).toBeUndefined();
      expect(Object.getPrototypeOf(edge)).toBe(Object.getPrototypeOf(first));
    }
    expect(Object.getOwnPropertyDescriptor(page.pageInfo, 'endCursor')).toBeUndefined();
    // Nothing of the codec (its key) shows through a copy or JSON.
    expect(Object.keys(first!)).toEqual(['node']);
    expect(JSON.parse(JSON.stringify(page))).toEqual({
      edges: page.edges.map((e) => ({ node: e.node, cursor: e.cursor })),
      nodes: ['a', 'b', 'c'],
      totalCount: 3,
      pageInfo: { hasNextPage: false, hasPreviousPage: false, startCursor: page.edges[0]!.cursor, endCursor: page.edges[2]!.cursor },
    });
    expect(JSON.stringify(page)).not.toContain('a-secret');
  });
});
