import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clipMessage } from '../../src/server/errors.js';
import { quote } from '../../src/core/errors.js';
import { PLATFORMS } from '../../src/core/upstream.js';
import { startStack, type GraphQLResponse, type TestStack } from '../helpers/stack.js';

/** 900 KB: under the 1 MB body limit with room for the rest of the request. */
const HUGE = 'x'.repeat(900_000);
const MESSAGE_BOUND = 1000;
/** Documents holding the huge value reach graphql-js's own messages only past the default document limit (128 KiB). */
const LONG_DOCUMENTS = { AUGUR_MAX_DOCUMENT_BYTES: String(2 * 1024 * 1024) };

async function upstreamTotal(stack: TestStack): Promise<number> {
  let total = 0;
  for (const p of PLATFORMS) total += (await stack.requests(p)).total;
  return total;
}

/** Every message is bounded, repeats no run of 101 characters of the huge value, and carries one of `codes`. */
function expectBounded(res: GraphQLResponse, codes: readonly string[]): void {
  expect(res.errors?.length).toBeGreaterThan(0);
  for (const error of res.errors ?? []) {
    expect(error.message.length).toBeLessThanOrEqual(MESSAGE_BOUND);
    expect(error.message).not.toContain('x'.repeat(101));
    expect(error.message).not.toContain('X'.repeat(101));
    expect(codes).toContain(error.extensions?.['code']);
  }
}

async function post(url: string, body: string, headers: Record<string, string> = {}): Promise<GraphQLResponse> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
  const json = (await res.json()) as Pick<GraphQLResponse, 'data' | 'errors'>;
  return { status: res.status, headers: res.headers, ...json };
}

describe('quote', () => {
  it('JSON-quotes a short value whole and cuts a long one to 100 characters with a trailing …', () => {
    expect(quote('churn')).toBe('"churn"');
    expect(quote('say "hi"')).toBe('"say \\"hi\\""');
    expect(quote(HUGE)).toBe(`"${'x'.repeat(100)}…"`);
    expect(quote(42)).toBe('42');
    expect(quote(null)).toBe('null');
    expect(quote({ id: 'y'.repeat(500) })).toBe(`{"id":"${'y'.repeat(93)}…`);
  });

  it('never splits a surrogate pair, and survives values JSON cannot print', () => {
    const clipped = quote(`${'a'.repeat(99)}😀${'b'.repeat(10)}`);
    expect(clipped).toBe(`"${'a'.repeat(99)}…"`);
    const cyclic: Record<string, unknown> = {};
    cyclic['self'] = cyclic;
    expect(quote(cyclic)).toBe('object');
  });
});

describe('clipMessage', () => {
  it('cuts every quoted run and every run without spaces past 100 characters, and the whole message past 1,000', () => {
    expect(clipMessage(`Expected value of type "Int", found "${HUGE}".`)).toBe(
      `Expected value of type "Int", found "${'x'.repeat(100)}…".`,
    );
    expect(clipMessage(`got invalid value { ${HUGE}: 1 } at "o[0]"`)).toBe(`got invalid value { ${'x'.repeat(100)}… 1 } at "o[0]"`);
    // An escape is never cut in half: the run keeps whole escapes only.
    const escaped = clipMessage(`value "${'a'.repeat(99)}\\"${'b'.repeat(50)}" here`);
    expect(escaped).toBe(`value "${'a'.repeat(99)}…" here`);
    const words = clipMessage(Array.from({ length: 500 }, () => 'word').join(' '));
    expect(words.length).toBe(MESSAGE_BOUND);
    expect(words.endsWith('…')).toBe(true);
    const short = 'Cannot query field "contactz" on type "Query".';
    expect(clipMessage(short)).toBe(short);
  });
});

describe('error hygiene', () => {
  /** Defaults: compiled execution, introspection and APQ on. */
  let compiled: TestStack;
  /** Introspection and persisted queries off, JSON input limited to 8 levels. */
  let locked: TestStack;
  /** graphql-js's interpreter, introspection off. */
  let interpreted: TestStack;

  beforeAll(async () => {
    [compiled, locked, interpreted] = await Promise.all([
      startStack({ env: LONG_DOCUMENTS }),
      startStack({ env: { ...LONG_DOCUMENTS, AUGUR_INTROSPECTION: 'false', AUGUR_PERSISTED_QUERIES: 'off', AUGUR_MAX_INPUT_DEPTH: '8' } }),
      startStack({ env: { ...LONG_DOCUMENTS, AUGUR_JIT: 'false', AUGUR_INTROSPECTION: 'false' } }),
    ]);
  });
  afterAll(async () => {
    await Promise.all([compiled?.close(), locked?.close(), interpreted?.close()]);
  });

  it('answers a 900 KB id on contact(id:) and node(id:), literal or variable, with a short BAD_USER_INPUT and no upstream call', async () => {
    for (const stack of [compiled, interpreted]) {
      await stack.reset();
      for (const id of [HUGE, `cont-${HUGE}`]) {
        const answers = [
          await stack.gql(`{ contact(id: "${id}") { id name } }`),
          await stack.gql(`query($id: ID!) { contact(id: $id) { id name } }`, { id }),
          await stack.gql(`{ node(id: "${id}") { id } }`),
          await stack.gql(`query($id: ID!) { node(id: $id) { id } }`, { id }),
        ];
        for (const res of answers) {
          expect(res.status).toBe(200);
          expectBounded(res, ['BAD_USER_INPUT']);
          expect(res.errors?.[0]?.extensions).toMatchObject({ param: 'id' });
        }
      }
      expect(await upstreamTotal(stack)).toBe(0);
    }
  });

  it("repeats at most 100 characters of a caller's value in Augur's own messages", async () => {
    await compiled.reset();
    const endpoint = await compiled.gql(`query($e: String!) { predict(endpointName: $e, features: {a: 1}) { raw } }`, { e: HUGE });
    expectBounded(endpoint, ['NOT_FOUND']);
    expect(endpoint.errors?.[0]?.message).toContain(`No configured endpoint "${'x'.repeat(100)}…".`);
    const meta = await compiled.gql(`query($m: [MetaCondition!]) { contacts(first: 1, filter: {meta: $m}) { totalCount } }`, {
      m: [{ key: HUGE, value: 'v' }],
    });
    expectBounded(meta, ['BAD_USER_INPUT']);
    expect(meta.errors?.[0]?.message).toContain(`filter.meta key "${'x'.repeat(100)}…" must be`);
    expect(await upstreamTotal(compiled)).toBe(0);
  });

  it('cuts the literals and variable values graphql-js repeats: a huge string in an Int position, a huge enum value, a huge field name', async () => {
    for (const stack of [compiled, interpreted]) {
      await stack.reset();
      const ENUM_LIKE = 'X'.repeat(900_000);
      const cases: Array<[GraphQLResponse, number, string]> = [
        [await stack.gql(`{ contacts(first: "${HUGE}") { totalCount } }`), 400, 'GRAPHQL_VALIDATION_FAILED'],
        [await stack.gql(`query($n: Int) { contacts(first: $n) { totalCount } }`, { n: HUGE }), 400, 'BAD_USER_INPUT'],
        [
          await stack.gql(`{ contacts(first: 1, orderBy: [{field: ${ENUM_LIKE}, direction: ASC}]) { totalCount } }`),
          400,
          'GRAPHQL_VALIDATION_FAILED',
        ],
        [
          await stack.gql(`query($o: [ContactOrder!]) { contacts(first: 1, orderBy: $o) { totalCount } }`, {
            o: [{ field: ENUM_LIKE, direction: 'ASC' }],
          }),
          400,
          'BAD_USER_INPUT',
        ],
        [
          await stack.gql(`query($o: [ContactOrder!]) { contacts(first: 1, orderBy: $o) { totalCount } }`, {
            o: [{ [HUGE]: 1, field: 'NAME', direction: 'ASC' }],
          }),
          400,
          'BAD_USER_INPUT',
        ],
        [await stack.gql(`{ ${HUGE} }`), 400, 'GRAPHQL_VALIDATION_FAILED'],
        [await stack.gql(`{ contacts(${HUGE}: 1) { totalCount } }`), 400, 'GRAPHQL_VALIDATION_FAILED'],
      ];
      for (const [res, status, code] of cases) {
        expect(res.status).toBe(status);
        expectBounded(res, [code]);
      }
      expect(cases[0]![0].errors?.[0]?.message).toBe(`Int cannot represent non-integer value: "${'x'.repeat(100)}…"`);
      expect(await upstreamTotal(stack)).toBe(0);
    }
  });

  it('keeps "Did you mean" suggestions with introspection on and drops them from validation and variable errors with it off', async () => {
    const probes = async (stack: TestStack) => [
      await stack.gql(`{ contactz(first: 1) { totalCount } }`),
      await stack.gql(`{ contacts(first: 1, orderBy: [{field: NAMEE, direction: ASC}]) { totalCount } }`),
      await stack.gql(`query($o: [ContactOrder!]) { contacts(first: 1, orderBy: $o) { totalCount } }`, {
        o: [{ field: 'NAMEE', direction: 'ASC' }],
      }),
      await stack.gql(`query($o: [ContactOrder!]) { contacts(first: 1, orderBy: $o) { totalCount } }`, {
        o: [{ fieldd: 'NAME', direction: 'ASC' }],
      }),
    ];
    const open = await probes(compiled);
    expect(open.map((r) => r.errors?.[0]?.extensions?.['code'])).toEqual([
      'GRAPHQL_VALIDATION_FAILED',
      'GRAPHQL_VALIDATION_FAILED',
      'BAD_USER_INPUT',
      'BAD_USER_INPUT',
    ]);
    expect(open[0]!.errors?.[0]?.message).toBe('Cannot query field "contactz" on type "Query". Did you mean "contact" or "contacts"?');
    // ContactOrderField has a value per property: "NAMEE" is near "NAME" and others ("NOTE"...).
    expect(open[2]!.errors?.[0]?.message).toMatch(/Did you mean the enum value "NAME"[^?]*\?$/);
    expect(open.flatMap((r) => r.errors ?? []).filter((e) => /Did you mean/.test(e.message)).length).toBeGreaterThanOrEqual(4);
    for (const stack of [locked, interpreted]) {
      const closed = await probes(stack);
      expect(closed.map((r) => r.status)).toEqual([400, 400, 400, 400]);
      expect(closed.map((r) => r.errors?.[0]?.extensions?.['code'])).toEqual([
        'GRAPHQL_VALIDATION_FAILED',
        'GRAPHQL_VALIDATION_FAILED',
        'BAD_USER_INPUT',
        'BAD_USER_INPUT',
      ]);
      expect(closed[0]!.errors?.[0]?.message).toBe('Cannot query field "contactz" on type "Query".');
      expect(closed[2]!.errors?.[0]?.message).toBe(
        'Variable "$o" got invalid value "NAMEE" at "o[0].field"; Value "NAMEE" does not exist in "ContactOrderField" enum.',
      );
      for (const error of closed.flatMap((r) => r.errors ?? [])) expect(error.message).not.toMatch(/Did you mean/);
    }
  });

  it('answers PERSISTED_QUERY_NOT_FOUND and PERSISTED_QUERY_NOT_SUPPORTED with HTTP 200 and no-cache, for GET and POST, as Apollo Server does', async () => {
    const extensions = { persistedQuery: { version: 1, sha256Hash: 'a'.repeat(64) } };
    for (const [stack, code, message] of [
      [compiled, 'PERSISTED_QUERY_NOT_FOUND', 'PersistedQueryNotFound'],
      [locked, 'PERSISTED_QUERY_NOT_SUPPORTED', 'PersistedQueryNotSupported'],
    ] as const) {
      const viaPost = await fetch(stack.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ extensions }),
      });
      // GET needs a header a browser form cannot send (Apollo's CSRF prevention).
      const viaGet = await fetch(`${stack.url}?extensions=${encodeURIComponent(JSON.stringify(extensions))}`, {
        headers: { 'apollo-require-preflight': 'true' },
      });
      for (const res of [viaPost, viaGet]) {
        expect(res.status).toBe(200);
        expect(res.headers.get('cache-control')).toBe('private, no-cache, must-revalidate');
        expect(await res.json()).toEqual({ errors: [{ message, extensions: { code, requestId: expect.any(String) } }] });
      }
    }
  });

  it('refuses JSON input nested past AUGUR_MAX_INPUT_DEPTH as BAD_USER_INPUT naming the limit, variable or literal, and accepts it at the limit', async () => {
    /** `levels` levels of objects: {"a":{"a":...{"leaf":1}}}. */
    const nested = (levels: number) => `${'{"a":'.repeat(levels - 1)}{"leaf":1}${'}'.repeat(levels - 1)}`;
    const literal = (levels: number) => `${'{a: '.repeat(levels - 1)}{leaf: 1}${'}'.repeat(levels - 1)}`;
    const PREDICT = 'query($f: JSONObject!) { predict(endpointName: \\"churn\\", features: $f) { raw } }';
    for (const [stack, max] of [
      [locked, 8],
      [compiled, 64],
    ] as const) {
      await stack.reset();
      const refused = [
        await post(stack.url, `{"query":"${PREDICT}","variables":{"f":${nested(max + 1)}}}`),
        await stack.gql(`{ predict(endpointName: "churn", features: ${literal(max + 1)}) { raw } }`),
      ];
      for (const res of refused) {
        expect(res.status).toBe(400);
        expect(res.errors?.[0]?.extensions).toMatchObject({
          code: 'BAD_USER_INPUT',
          limit: 'maxInputDepth',
          max,
          requestId: expect.any(String),
        });
        expect(res.errors?.[0]?.message).toContain(`at most ${max} levels deep (AUGUR_MAX_INPUT_DEPTH)`);
      }
      expect(await upstreamTotal(stack)).toBe(0);
      const accepted = await post(stack.url, `{"query":"${PREDICT}","variables":{"f":${nested(max)}}}`);
      expect(accepted.errors).toBeUndefined();
      expect(accepted.data?.['predict']).toEqual({ raw: expect.objectContaining({ prediction: expect.any(String) }) });
      expect((await stack.requests('dataiku')).total).toBe(1);
    }
  });

  it('answers a list nested 10,000 deep, as a JSON variable or as a literal, with HTTP 400 and a clean code, never a stack overflow', async () => {
    const deep = `${'['.repeat(10_000)}${']'.repeat(10_000)}`;
    const QUERY = 'query($f: JSON!) { predict(endpointName: \\"churn\\", features: {a: $f}) { raw } }';
    for (const stack of [compiled, interpreted]) {
      await stack.reset();
      const variable = await post(stack.url, `{"query":"${QUERY}","variables":{"f":${deep}}}`);
      expect(variable.status).toBe(400);
      expect(variable.errors?.[0]?.extensions).toEqual({
        code: 'BAD_USER_INPUT',
        limit: 'maxInputDepth',
        max: 64,
        requestId: expect.any(String),
      });
      const literal = await stack.gql(`{ predict(endpointName: "churn", features: {a: ${deep}}) { raw } }`);
      expect(literal.status).toBe(400);
      // A token limit may refuse the document before it is parsed; otherwise the nesting is refused.
      expectBounded(literal, ['LIMIT_EXCEEDED', 'BAD_USER_INPUT']);
      for (const res of [variable, literal]) expect(JSON.stringify(res.errors)).not.toMatch(/call stack|RangeError/i);
      expect(await upstreamTotal(stack)).toBe(0);
      expect((await stack.gql('{ __typename }')).data).toEqual({ __typename: 'Query' });
    }
  });
});
