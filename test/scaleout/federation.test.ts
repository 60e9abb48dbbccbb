/**
 * Augur as a Federation 2 subgraph: its `_service { sdl }` composes with another subgraph that extends Contact by
 * key, and `_entities` resolves references through the same loaders as `Query.node`.
 */
import { composeServices } from '@apollo/composition';
import { parse } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type TestStack } from '../helpers/stack.js';

/** A second subgraph owned by another team: reviews of Augur's contacts. */
const REVIEWS_SDL = `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])

  type Contact @key(fields: "id") {
    id: ID!
    reviews: [Review!]!
  }

  type Review {
    stars: Int!
    text: String
  }

  type Query {
    latestReviews: [Review!]!
  }
`;

let stack: TestStack;
let sdl: string;

beforeAll(async () => {
  stack = await startStack({ env: { AUGUR_FEDERATION: 'true' } });
  const res = await stack.gql<{ _service: { sdl: string } }>('{ _service { sdl } }');
  expect(res.errors).toBeUndefined();
  sdl = res.data!._service.sdl;
});
afterAll(() => stack?.close());

describe('Augur as a Federation 2 subgraph', () => {
  it('publishes its SDL with the federation link and an id key on the Node types it can load', () => {
    expect(sdl).toContain('@link(url: "https://specs.apollo.dev/federation/v2.5", import: ["@key", "@authenticated", "@requiresScopes"])');
    for (const type of ['Contact', 'Agreement', 'Assignment', 'Endpoint', 'PrevisionModel']) {
      expect(sdl).toMatch(new RegExp(`type ${type} implements Node[^{]*@key\\(fields: "id"\\)`));
    }
    // PageInfo is a plain value type: no key.
    expect(sdl).not.toMatch(/type PageInfo[^{]*@key/);
  });

  it('composes with a reviews subgraph that extends Contact by key, with no hints about Augur types', async () => {
    const result = composeServices([
      { name: 'augur', typeDefs: parse(sdl), url: stack.url },
      { name: 'reviews', typeDefs: parse(REVIEWS_SDL), url: 'http://127.0.0.1:1/graphql' },
    ]);
    expect(result.errors?.map((e) => e.message)).toBeUndefined();
    const augurTypes = new Set([...sdl.matchAll(/^(?:type|interface|enum|input|union|scalar) (\w+)/gm)].map((m) => m[1]!));
    const aboutAugur = (result.hints ?? []).filter((h) => {
      const coordinate = h.coordinate ?? h.element?.coordinate ?? '';
      // Composition gives the Node interface the conjunction of its implementations' scopes, and says so: expected.
      if (h.definition.code === 'MERGED_NON_REPEATABLE_DIRECTIVE_ARGUMENTS' && h.message.includes('@requiresScopes is applied to "Node"'))
        return false;
      return augurTypes.has(coordinate.split('.')[0]!) || [...augurTypes].some((t) => h.message.includes(`"${t}`));
    });
    expect(aboutAugur.map((h) => h.toString())).toEqual([]);
    expect(result.supergraphSdl).toMatch(/type Contact[\s\S]*reviews: \[Review!\]! @join__field\(graph: REVIEWS\)/);
    // The access directives reach the supergraph, for the router to enforce: on types, and on each field of a platform's block.
    expect(result.supergraphSdl).toMatch(/type Contact implements Node[^{]*@requiresScopes\(scopes: \[\["previsto:read"\]\]\)/);
    expect(result.supergraphSdl).toMatch(/createContact\([^)]*\)[^\n]*@requiresScopes\(scopes: \[\["previsto:write"\]\]\)/);
    expect(result.supergraphSdl).toMatch(/\n\s+civis: Civis![^\n]*@requiresScopes\(scopes: \[\["civis:read"\]\]\)/);
  });

  it('resolves Contact representations through the contact loader, as Query.nodes does', async () => {
    const page = await stack.gql<{ contacts: { edges: Array<{ node: { id: string; name: string; address: { city: string | null } } }> } }>(
      '{ contacts(first: 2) { edges { node { id name address { city } } } } }',
    );
    const [a, b] = page.data!.contacts.edges.map((e) => e.node);
    await stack.reset();

    const nodes = await stack.gql('query($ids: [ID!]!) { nodes(ids: $ids) { ... on Contact { id name address { city } } } }', {
      ids: [a!.id, b!.id],
    });
    const viaNodes = await stack.requests('previsto');
    await stack.reset();

    const entities = await stack.gql(
      'query($r: [_Any!]!) { _entities(representations: $r) { ... on Contact { id name address { city } } } }',
      {
        r: [
          { __typename: 'Contact', id: a!.id },
          { __typename: 'Contact', id: b!.id },
        ],
      },
    );
    expect(entities.errors).toBeUndefined();
    expect(entities.data!['_entities']).toEqual([a, b]);
    expect(entities.data!['_entities']).toEqual(nodes.data!['nodes']);
    const viaEntities = await stack.requests('previsto');
    expect(viaEntities.total).toBeGreaterThan(0);
    expect(viaEntities).toEqual(viaNodes);
  });

  it('rejects a representation whose id belongs to another type, without calling any upstream', async () => {
    const page = await stack.gql<{ agreements: { edges: Array<{ node: { id: string } }> } }>(
      '{ agreements(first: 1) { edges { node { id } } } }',
    );
    await stack.reset();
    const res = await stack.gql('query($r: [_Any!]!) { _entities(representations: $r) { ... on Contact { id } } }', {
      r: [{ __typename: 'Contact', id: page.data!.agreements.edges[0]!.node.id }],
    });
    expect(res.errors?.[0]?.extensions?.['code']).toBe('BAD_USER_INPUT');
    expect(res.errors?.[0]?.message).toContain('belongs to a Agreement');
    expect((await stack.requests('previsto')).total).toBe(0);
  });

  it('still serves the ordinary schema', async () => {
    const res = await stack.gql('{ contacts(first: 1) { totalCount edges { node { name } } } }');
    expect(res.errors).toBeUndefined();
    expect(res.data!['contacts'].edges).toHaveLength(1);
  });
});
