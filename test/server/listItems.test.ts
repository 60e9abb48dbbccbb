import { ApolloServer } from '@apollo/server';
import { makeExecutableSchema } from '@graphql-tools/schema';
import { execute, parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { jitGateway } from '../../src/server/jit.js';
import { settleListItems } from '../../src/server/listItems.js';

/** Items settle after `ms`; a negative delay rejects after `-ms`. */
const later = (ms: number, v: number) =>
  new Promise((resolve, reject) => setTimeout(() => (ms < 0 ? reject(new Error(`item ${v} failed`)) : resolve({ v })), Math.abs(ms)));

const CASES: Record<string, number[]> = {
  'a failure settling last, in the middle': [5, -30, 10],
  'a failure settling first, at the end': [20, 10, -1],
  'two failures': [-20, 10, -5],
  'no failure': [3, 1, 2],
};

function schema() {
  const s = makeExecutableSchema({
    typeDefs: `type Query { items(delays: [Int!]!): [Item] strict(delays: [Int!]!): [Item!] plain: [Int] } type Item { v: Int }`,
    resolvers: {
      Query: {
        items: (_: unknown, { delays }: { delays: number[] }) => delays.map((ms, i) => later(ms, i)),
        strict: (_: unknown, { delays }: { delays: number[] }) => delays.map((ms, i) => later(ms, i)),
        plain: () => [1, null, 3],
      },
    },
  });
  settleListItems(s);
  return s;
}

function expected(delays: number[]) {
  return {
    items: delays.map((ms, i) => (ms < 0 ? null : { v: i })),
    paths: delays.flatMap((ms, i) => (ms < 0 ? [['items', i]] : [])),
  };
}

describe('failed items of a nullable-item list keep their index', () => {
  it.each(Object.entries(CASES))('compiled execution: %s', async (_name, delays) => {
    const apollo = new ApolloServer({ gateway: jitGateway(schema()) });
    await apollo.start();
    try {
      const response = await apollo.executeOperation({ query: `query($d: [Int!]!) { items(delays: $d) { v } }`, variables: { d: delays } });
      const result = response.body.kind === 'single' ? response.body.singleResult : undefined;
      const want = expected(delays);
      expect(result?.data).toEqual({ items: want.items });
      expect((result?.errors ?? []).map((e) => e.path).sort()).toEqual(want.paths.sort());
    } finally {
      await apollo.stop();
    }
  });

  it.each(Object.entries(CASES))('interpreted execution: %s', async (_name, delays) => {
    const result = await execute({
      schema: schema(),
      document: parse(`query($d: [Int!]!) { items(delays: $d) { v } }`),
      variableValues: { d: delays },
    });
    const want = expected(delays);
    expect(result.data).toEqual({ items: want.items });
    expect((result.errors ?? []).map((e) => e.path).sort()).toEqual(want.paths.sort());
  });

  it('leaves lists of non-null items and lists without promises as they were', async () => {
    const s = schema();
    expect(s.getQueryType()!.getFields()['strict']!.resolve).toBeDefined();
    const result = await execute({ schema: s, document: parse(`{ strict(delays: [1, -2]) { v } plain }`) });
    expect(result.data).toEqual({ strict: null, plain: [1, null, 3] });
    expect(result.errors?.map((e) => e.path)).toEqual([['strict', 1]]);
  });
});
