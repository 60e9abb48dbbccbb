import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getIntrospectionQuery, parse } from 'graphql';
import { createContext } from '../../src/server/context.js';
import { measureDocument, type LimitSettings } from '../../src/server/limits.js';
import { buildSchema, loadTypeDefFiles } from '../../src/server/schema.js';
import { fieldCallsOf } from '../../src/server/upstreamCalls.js';
import { createResolvers } from '../../src/resolvers/index.js';
import { startStack, type TestStack } from '../helpers/stack.js';

const PLATFORMS = ['dataiku', 'previsto', 'civis', 'prevision'] as const;

describe('operation limits', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(() => stack.close());

  async function upstreamTotal(): Promise<number> {
    let total = 0;
    for (const p of PLATFORMS) total += (await stack.requests(p)).total;
    return total;
  }

  async function refused(query: string, variables?: Record<string, unknown>) {
    const r = await stack.gql(query, variables);
    expect(r.status).toBe(400);
    expect(r.data).toBeUndefined();
    return r.errors![0]!;
  }

  it('measures a fragment bomb once per fragment and refuses it, naming each limit and its configured value', async () => {
    await stack.reset();
    const bomb = `${Array.from({ length: 30 }, (_, i) => `fragment F${i} on Query { ...F${i + 1} ...F${i + 1} }`).join('\n')}
      fragment F30 on Query { __typename } query { ...F0 }`;
    const r = await stack.gql(bomb);
    expect(r.status).toBe(400);
    const limits = r.errors!.map((e) => e.extensions);
    expect(limits).toContainEqual({ code: 'LIMIT_EXCEEDED', limit: 'maxCost', max: 5000, got: 2 ** 30, requestId: expect.any(String) });
    expect(limits).toContainEqual(expect.objectContaining({ code: 'LIMIT_EXCEEDED', limit: 'maxFieldComparisons', max: 50_000 }));
    expect(await upstreamTotal()).toBe(0);
    // Refused before Apollo: logged and counted like the other refusals.
    expect(stack.logs.some((l) => l['event'] === 'refused' && l['reason'] === 'limit' && l['code'] === 'LIMIT_EXCEEDED')).toBe(true);
  });

  it('counts aliases and directives through fragments, and refuses repeated fields that would make validation quadratic', async () => {
    const aliasFragment = `fragment A on Query { ${Array.from({ length: 20 }, (_, i) => `a${i}: __typename`).join(' ')} }`;
    const aliases = await refused(`query { ${Array.from({ length: 11 }, () => '...A').join(' ')} } ${aliasFragment}`);
    expect(aliases.extensions).toMatchObject({ code: 'LIMIT_EXCEEDED', limit: 'maxAliases', max: 200, got: 220 });
    const directives = await refused(`{ ${'__typename @include(if: true) '.repeat(51)} }`);
    expect(directives.extensions).toMatchObject({ limit: 'maxDirectives', max: 50, got: 51 });
    const repeated = await refused(`{ ${'platforms { kind } '.repeat(400)} }`);
    expect(repeated.extensions).toMatchObject({ limit: 'maxFieldComparisons', max: 50_000 });
    expect(repeated.message).toMatch(/field-merge checks/);
    const sideBySide = await refused(
      `{ ${Array.from({ length: 300 }, (_, i) => `...F${i}`).join(' ')} } ${Array.from({ length: 300 }, (_, i) => `fragment F${i} on Query { platforms { kind } }`).join(' ')}`,
    );
    expect(sideBySide.extensions).toMatchObject({ limit: 'maxFieldComparisons' });
  });

  it('stops parsing past the token limit, over HTTP and for documents that skip the HTTP guard', async () => {
    const flood = `{ ${'__typename '.repeat(6000)} }`;
    const http = await refused(flood);
    expect(http).toEqual({
      message: expect.stringMatching(/more than 5000 tokens/),
      extensions: { code: 'LIMIT_EXCEEDED', limit: 'maxTokens', max: 5000, requestId: expect.any(String) },
    });
    const direct = await stack.augur.apollo.executeOperation(
      { query: flood },
      { contextValue: createContext(stack.augur.services, new Map()) },
    );
    expect(direct.body.kind === 'single' && direct.body.singleResult.errors?.[0]?.extensions).toEqual({
      code: 'LIMIT_EXCEEDED',
      limit: 'maxTokens',
      max: 5000,
      requestId: expect.any(String),
    });
  });

  it('refuses a document longer than maxDocumentBytes before parsing it, counting UTF-8 bytes', async () => {
    const long = await refused(`{ contact(id: "${'A'.repeat(140_000)}") { name } }`);
    expect(long.extensions).toEqual({ requestId: expect.any(String), code: 'LIMIT_EXCEEDED', limit: 'maxDocumentBytes', max: 131_072 });
    // 50,000 three-byte characters: 50,000 UTF-16 units, 150,000 bytes.
    const wide = await refused(`{ contact(id: "${'€'.repeat(50_000)}") { name } }`);
    expect(wide.extensions).toMatchObject({ limit: 'maxDocumentBytes' });
    expect(await upstreamTotal()).toBe(0);
  });

  it('refuses a body whose query alone is over maxDocumentBytes without parsing it, as the guard refuses it after', async () => {
    const query = `{ contact(id: "${'A'.repeat(140_000)}") { name } }`;
    const post = async (body: string) => {
      const res = await fetch(stack.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      const json = (await res.json()) as { errors: Array<{ message: string; extensions: Record<string, unknown> }> };
      const { requestId: _id, ...extensions } = json.errors[0]!.extensions;
      return { status: res.status, message: json.errors[0]!.message, extensions, count: json.errors.length };
    };
    // Read from the body's bytes; a key written with escapes leaves it to the guard, once the body is parsed.
    const early = await post(JSON.stringify({ query, variables: { a: [1, { b: 'c' }] } }));
    const guarded = await post(`{"qu\\u0065ry": ${JSON.stringify(query)}}`);
    expect(early).toEqual(guarded);
    expect(early).toMatchObject({ status: 400, count: 1, extensions: { code: 'LIMIT_EXCEEDED', limit: 'maxDocumentBytes', max: 131_072 } });
    // Escapes count as the fewest bytes they decode to: 30,000 escaped quotes are 30,000 bytes, not 60,000.
    const escapes = await stack.gql(`{ __typename ${'#'.repeat(100_000)}${'"'.repeat(30_000)}\n}`);
    expect(escapes.errors?.[0]?.extensions?.['limit']).not.toBe('maxDocumentBytes');
  });

  it('refuses input values nested past the limit as BAD_USER_INPUT before validation recurses into them', async () => {
    const deep = await refused(`{ predict(endpointName: "churn", features: {a: ${'['.repeat(2000)}${']'.repeat(2000)}}) { raw } }`);
    expect(deep.extensions).toEqual({ requestId: expect.any(String), code: 'BAD_USER_INPUT', limit: 'maxInputDepth', max: 64 });
  });

  it('serves the standard introspection queries, costing the objects they return, through admission', async () => {
    for (const query of [
      getIntrospectionQuery(),
      getIntrospectionQuery({
        descriptions: true,
        specifiedByUrl: true,
        directiveIsRepeatable: true,
        schemaDescription: true,
        inputValueDeprecation: true,
      }),
    ]) {
      const r = await stack.gql(query);
      expect(r.errors).toBeUndefined();
      expect((r.data as { __schema: { types: unknown[] } }).__schema.types.length).toBeGreaterThan(100);
    }
    // The same query again is answered from memory, identically.
    const again = await stack.gql(getIntrospectionQuery());
    expect(again.data).toEqual((await stack.gql(getIntrospectionQuery())).data);
    const metrics = await (await fetch(stack.url.replace(/graphql$/, 'metrics'))).text();
    expect(metrics).toMatch(/^augur_introspection_cache_hits_total 2$/m);
    const line = stack.logs.filter((l) => l['event'] === 'operation' && l['operationName'] === 'IntrospectionQuery').pop();
    expect(line?.['cost']).toBeGreaterThan(1000);
    // At most 60% of the default AUGUR_MAX_COST (5000), so the schema can grow a while before GraphiQL's and codegen's
    // own introspection would be refused; when this fails, make introspection cheaper or the limit higher, knowingly.
    expect(line?.['cost']).toBeLessThan(0.6 * 5000);
  });

  it('refuses a second __schema, an ofType chain deeper than the standard query, and introspection past the cost limit', async () => {
    const twice = await refused(`{ a: __schema { queryType { name } } b: __schema { queryType { name } } }`);
    expect(twice.extensions).toMatchObject({ limit: 'maxIntrospectionSchemas', max: 1, got: 2 });
    const chain = `__type(name: "Contact") { fields { type { ${'ofType { '.repeat(20)}name${' }'.repeat(20)} } } }`;
    const deep = await refused(`{ ${chain} }`);
    expect(deep.extensions).toMatchObject({ limit: 'maxIntrospectionDepth' });
    const wide = await refused(
      `{ ${Array.from({ length: 150 }, (_, i) => `t${i}: __type(name: "Query") { fields { args { type { name } } type { fields { type { name } } } } }`).join(' ')} }`,
    );
    expect(wide.extensions).toMatchObject({ limit: 'maxCost', max: 5000 });
  });

  it('refuses an operation planning more Previsto calls than its share of the key, counting variables, before any call', async () => {
    await stack.reset();
    const grab = await refused(
      `{ ${Array.from({ length: 150 }, (_, i) => `c${i}: contacts(first: 1, search: "x${i}") { totalCount }`).join(' ')} }`,
    );
    expect(grab.extensions).toEqual({
      requestId: expect.any(String),
      code: 'LIMIT_EXCEEDED',
      limit: 'maxUpstreamCalls',
      max: 30,
      got: 150,
      platform: 'previsto',
    });
    expect(grab.message).toMatch(/150 Previsto calls; one operation may plan at most 30/);
    // Per contact, one call for its assignments: the page size given as a variable decides.
    const perContact = `query($n: Int) { contacts(first: $n) { edges { node { assignments(first: 1) { totalCount } } } } }`;
    expect((await refused(perContact, { n: 40 })).extensions).toMatchObject({ limit: 'maxUpstreamCalls', got: 41 });
    expect(await upstreamTotal()).toBe(0);
    const fits = await stack.gql(perContact, { n: 5 });
    expect(fits.errors).toBeUndefined();
    expect((await stack.requests('previsto')).total).toBeLessThanOrEqual(6);
  });
});

describe('measureDocument', () => {
  const schema = buildSchema(createResolvers());
  const calls = fieldCallsOf(loadTypeDefFiles());
  const settings: LimitSettings = {
    maxDepth: 12,
    maxAliases: 200,
    maxDirectives: 50,
    maxCost: 5000,
    maxFieldComparisons: 50_000,
    maxInputDepth: 64,
    defaultPageSize: 20,
    maxPageSize: 100,
    batchSize: 100,
    maxIds: 100,
    maxCalls: { previsto: { max: 30, perMinute: 120, share: 0.25 } },
  };
  const measure = (query: string) => [...measureDocument(parse(query), schema, settings, calls).operations.values()][0]!;

  it('counts upstream calls per platform: lists multiply, model calls batch', () => {
    expect(measure(`{ contacts(first: 100) { edges { node { name predict(endpointName: "churn") { raw } } } } }`).calls).toEqual({
      prevision: 0,
      dataiku: 1,
      civis: 0,
      previsto: 1,
    });
    expect(measure(`{ assignments(first: 20) { edges { node { id contact { name } } } } }`).calls.previsto).toBe(21);
    expect(
      measure(
        `{ ${Array.from({ length: 150 }, (_, i) => `p${i}: predict(endpointName: "churn", features: {n: ${i}}) { raw }`).join(' ')} }`,
      ).calls.dataiku,
    ).toBe(2);
    // Prevision's own predict scores one record per call on Prevision, not on Dataiku.
    const prevision = measure(
      `{ prevision { ${Array.from({ length: 3 }, (_, i) => `p${i}: predict(deployment: "d", features: {n: ${i}}) { raw }`).join(' ')} } }`,
    ).calls;
    expect(prevision).toMatchObject({ prevision: 1 + 3, dataiku: 0 }); // the namespace root counts as one
  });

  it('measures the same totals whether fields are written out or spread from fragments', () => {
    const written = measure(
      `{ contacts(first: 3) { edges { node { id name } } } contacts2: contacts(first: 3) { edges { node { id name } } } }`,
    );
    const spread = measure(
      `{ ...Q contacts2: contacts(first: 3) { ...E } } fragment Q on Query { contacts(first: 3) { ...E } } fragment E on ContactConnection { edges { node { id name } } }`,
    );
    expect(spread).toEqual(written);
  });

  it('counts the rows of a SQL query as a page of the maximum page size, so 200 aliased queries (7 MB) are refused', () => {
    const sql = (n: number) =>
      `{ ${Array.from({ length: n }, (_, i) => `s${i}: sqlQuery(endpointName: "customers-sql", parameters: {minRevenue: ${-1 - i}}) { rowCount rows { values record } }`).join(' ')} }`;
    // sqlQuery 3, rowCount 1, rows 1 + 100 x (values 1 + record 1).
    expect(measure(sql(1)).cost).toBe(3 + 1 + 1 + 100 * 2);
    // Lists the schema bounds itself (a prediction's probabilities) still count once.
    expect(
      measure(
        `{ predict(endpointName: "churn", features: {}) { result { ... on ClassificationResult { probabilities { label probability } } } } }`,
      ).cost,
    ).toBe(3 + 1 + 1 + 2);
    const { errors } = measureDocument(parse(sql(200)), schema, settings, calls);
    expect(errors.map((e) => e.message)).toEqual([expect.stringMatching(/estimated cost is 41000; the limit is 5000/)]);
    expect(measureDocument(parse(sql(24)), schema, settings, calls).errors).toEqual([]);
  });

  it('estimates introspection by the objects it returns: the standard query within the cost limit, a flood of __type past it', () => {
    const standard = measure(
      getIntrospectionQuery({
        descriptions: true,
        specifiedByUrl: true,
        directiveIsRepeatable: true,
        schemaDescription: true,
        inputValueDeprecation: true,
      }),
    );
    // A quarter of a field per object returned; it must stay well within the cost limit, or GraphiQL and codegen could no
    // longer introspect (see the test above for the margin).
    expect(standard.cost).toBeGreaterThan(1000);
    expect(standard.cost).toBeLessThan(0.6 * settings.maxCost);
    // A __type is estimated at the schema's largest type (Mutation): each answers 1 + fields x 2 objects.
    const largest = Math.max(
      ...Object.values(schema.getTypeMap()).map((t) => ('getFields' in t && 'getInterfaces' in t ? Object.keys(t.getFields()).length : 0)),
    );
    expect(largest).toBe(Object.keys(schema.getMutationType()!.getFields()).length);
    expect(
      measure(`{ ${Array.from({ length: 200 }, (_, i) => `t${i}: __type(name: "Contact") { fields { name type { name } } }`).join(' ')} }`)
        .cost,
    ).toBe(200 * 0.25 * (1 + largest * 2));
  });
});

describe('jsonNestsDeeperThan', () => {
  it('counts nesting outside strings only, escapes included', async () => {
    const { jsonNestsDeeperThan } = await import('../../src/server/guard.js');
    const deep = (n: number) => Buffer.from(`{"v":${'['.repeat(n)}${']'.repeat(n)}}`);
    expect(jsonNestsDeeperThan(deep(9), 10)).toBe(false);
    expect(jsonNestsDeeperThan(deep(10), 10)).toBe(true);
    expect(jsonNestsDeeperThan(Buffer.from(`{"q":"${'['.repeat(50)}\\\\\\"{{{"}`), 3)).toBe(false);
  });

  it('agrees with a byte-by-byte scan on any text of quotes, backslashes and brackets', async () => {
    const { jsonNestsDeeperThan } = await import('../../src/server/guard.js');
    const reference = (json: Buffer, max: number): boolean => {
      let depth = 0;
      let inString = false;
      for (let i = 0; i < json.length; i++) {
        const c = json[i]!;
        if (inString) {
          if (c === 0x5c) i++;
          else if (c === 0x22) inString = false;
        } else if (c === 0x22) inString = true;
        else if (c === 0x7b || c === 0x5b) {
          if (++depth > max) return true;
        } else if (c === 0x7d || c === 0x5d) depth--;
      }
      return false;
    };
    const text = fc.array(fc.constantFrom('{', '}', '[', ']', '"', '\\', 'a', ':', ','), { maxLength: 60 }).map((a) => a.join(''));
    fc.assert(
      fc.property(text, fc.integer({ min: 0, max: 6 }), (t, max) => {
        const json = Buffer.from(t);
        expect(jsonNestsDeeperThan(json, max)).toBe(reference(json, max));
      }),
      { numRuns: 5000 },
    );
  });
});

describe('jsonQueryBytesAtLeast', () => {
  it('never exceeds the UTF-8 size of the query JSON.parse finds, whatever the body', async () => {
    const { jsonQueryBytesAtLeast } = await import('../../src/server/guard.js');
    const utf8 = (json: Buffer): number => {
      let parsed: unknown;
      try {
        parsed = JSON.parse(json.toString('utf8'));
      } catch {
        return -1;
      }
      const query =
        parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as { query?: unknown }).query : undefined;
      return typeof query === 'string' ? Buffer.byteLength(query, 'utf8') : 0;
    };
    // Strings with every kind of escape, surrogates alone and in pairs, several `query` members, other values.
    const content = fc.string({ unit: fc.constantFrom('a', '€', '😀', '\\', '"', '\n', '\ud800', '\u0000', '{', '[') });
    const value = fc.oneof(
      content.map((t) => JSON.stringify(t)),
      content.map((t) => JSON.stringify(t).replace(/[a€]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`)),
      fc.constantFrom('null', '12', 'true', '{"query":"xxxxxxxxxxxx"}', '["query","xxxxxxxxxxxx"]'),
    );
    const member = fc.tuple(fc.constantFrom('query', 'variables', 'operationName', 'qu\\u0065ry'), value).map(([k, v]) => `"${k}": ${v}`);
    const body = fc.oneof(
      fc.array(member, { maxLength: 4 }).map((ms) => ` {${ms.join(', ')}} `),
      fc.array(member, { maxLength: 2 }).map((ms) => `[{${ms.join(',')}}]`),
      fc.string({ unit: fc.constantFrom('{', '}', '"', '\\', 'query', ':', ',', 'x') }),
    );
    fc.assert(
      fc.property(body, (text) => {
        const json = Buffer.from(text);
        const bound = jsonQueryBytesAtLeast(json);
        const real = utf8(json);
        if (real >= 0) expect(bound).toBeLessThanOrEqual(real);
      }),
      { numRuns: 5000 },
    );
  });

  it('is the exact size for a plain query string, and 0 when the last query member is not a string', async () => {
    const { jsonQueryBytesAtLeast } = await import('../../src/server/guard.js');
    expect(jsonQueryBytesAtLeast(Buffer.from(JSON.stringify({ query: `{ a(s: "${'x'.repeat(1000)}") }`, variables: { q: 1 } })))).toBe(
      1012,
    );
    expect(jsonQueryBytesAtLeast(Buffer.from(`{"query":"${'x'.repeat(50)}","query":null}`))).toBe(0);
    expect(jsonQueryBytesAtLeast(Buffer.from(`{"variables":{"query":"${'x'.repeat(50)}"}}`))).toBe(0);
  });
});
