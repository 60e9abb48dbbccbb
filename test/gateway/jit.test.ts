import { ApolloServer } from '@apollo/server';
import { makeExecutableSchema } from '@graphql-tools/schema';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFormatError } from '../../src/server/errors.js';
import { jitGateway } from '../../src/server/jit.js';
import { startStack, type TestStack } from '../helpers/stack.js';

let stack: TestStack;
beforeAll(async () => {
  stack = await startStack({
    env: { AUGUR_JIT: 'true', PREVISTO_RATE_LIMIT: '100000' },
    emulatorOptions: { previsto: { rateLimitPerMinute: 100_000 } },
  });
});
afterAll(() => stack.close());

describe('compiled execution (AUGUR_JIT=true)', () => {
  it('answers the same data with the same upstream calls', async () => {
    await stack.reset();
    const q = `query Scored($n: Int) { contacts(first: $n) { totalCount pageInfo { hasNextPage } edges { cursor node { id name predict(endpointName: "churn") { raw result { ... on ClassificationResult { predictedClass probabilities { label probability } } } } } } } }`;
    const jit = await stack.gql(q, { n: 100 });
    expect(jit.errors).toBeUndefined();
    expect(jit.data!.contacts.edges).toHaveLength(100);
    expect((await stack.requests('previsto')).byRoute).toEqual({ 'GET /contacts': 1 });
    expect((await stack.requests('dataiku')).byRoute).toEqual({ 'POST /public/api/v1/{service}/{endpoint}/predict-multi': 1 });
    const plain = await startStack({ env: { AUGUR_JIT: 'false' } });
    try {
      const interpreted = await plain.gql(q, { n: 100 });
      expect(jit.data).toEqual(interpreted.data);
    } finally {
      await plain.close();
    }
  });

  it('keeps error codes, partial data and node type resolution', async () => {
    const r = await stack.gql(`{ predict(endpointName: "nope", features: {a: 1}) { raw } platforms { kind } }`);
    expect(r.errors?.[0]).toMatchObject({ path: ['predict'], extensions: { code: 'NOT_FOUND' } });
    expect(r.data!.platforms).toHaveLength(4);
    const ep = await stack.gql(`{ endpoints(platform: DATAIKU, first: 1) { nodes { id } } }`);
    const n = await stack.gql(`query($id: ID!) { node(id: $id) { __typename ... on Endpoint { name } } }`, {
      id: ep.data!.endpoints.nodes[0].id,
    });
    expect(n.data!.node).toEqual({ __typename: 'Endpoint', name: 'churn' });
  });

  it('answers nodes(ids) in the order asked, a missing object as null at its own index', async () => {
    const codec = stack.augur.services.codec;
    const contacts = await stack.gql(`{ contacts(first: 2) { nodes { id name } } }`);
    const [a, b] = contacts.data!.contacts.nodes;
    // Missing objects on two platforms, between and after found ones: their 404s settle at other moments than the finds.
    const ids = [
      codec.encode('CivisScript', '999999'),
      a.id,
      codec.encode('Contact', 'cont-DoesNotExist0000'),
      b.id,
      codec.encode('CivisProject', '999998'),
    ];
    await stack.reset();
    const r = await stack.gql(`query($ids: [ID!]!) { nodes(ids: $ids) { id ... on Contact { name } } }`, { ids });
    expect(r.data!.nodes).toEqual([null, { id: a.id, name: a.name }, null, { id: b.id, name: b.name }, null]);
    expect(r.errors!.map((e) => [e.path, e.extensions?.['code']])).toEqual(
      expect.arrayContaining([
        [['nodes', 0], 'NOT_FOUND'],
        [['nodes', 2], 'NOT_FOUND'],
        [['nodes', 4], 'NOT_FOUND'],
      ]),
    );
    expect(r.errors).toHaveLength(3);
  });

  it('masks and logs an unexpected resolver error with its path, as the interpreter does', async () => {
    // graphql-jit leaves `extensions` undefined on a wrapped TypeError; Apollo's formatting used to fail on it,
    // answering a bare "Internal server error" without path and never logging the cause.
    const schema = makeExecutableSchema({
      typeDefs: `type Query { ok: String broken: String }`,
      resolvers: { Query: { ok: () => 'yes', broken: () => (null as unknown as { x: { y: string } }).x.y } },
    });
    const masked: unknown[] = [];
    const apollo = new ApolloServer({ gateway: jitGateway(schema), formatError: createFormatError((error) => masked.push(error)) });
    await apollo.start();
    try {
      const response = await apollo.executeOperation({ query: `{ ok broken }` });
      const result = response.body.kind === 'single' ? response.body.singleResult : undefined;
      expect(result?.data).toEqual({ ok: 'yes', broken: null });
      expect(result?.errors).toEqual([
        {
          message: expect.stringContaining('Internal server error. The failure was logged'),
          path: ['broken'],
          locations: [{ line: 1, column: 6 }],
          extensions: { code: 'INTERNAL_SERVER_ERROR' },
        },
      ]);
      expect(masked).toHaveLength(1);
      expect((masked[0] as { originalError?: unknown }).originalError).toBeInstanceOf(TypeError);
    } finally {
      await apollo.stop();
    }
  });

  it('rejects bad variables with 400 BAD_USER_INPUT before executing', async () => {
    const r = await stack.gql(`query($f: JSONObject!) { predict(endpointName: "churn", features: $f) { raw } }`, { f: [1, 2] });
    expect(r.status).toBe(400);
    expect(r.errors?.[0]?.extensions?.['code']).toBe('BAD_USER_INPUT');
  });
});
