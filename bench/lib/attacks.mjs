/**
 * Hostile GraphQL requests, one builder per attack class, shared by `test/resilience/attacks.test.ts` and
 * `bench/attack.mjs` (plain ESM so that both vitest and Node load it; types in `attacks.d.mts`).
 *
 * Every class is built so that a gateway that checks documents in linear time answers it with an error before any
 * upstream call: each one crosses at least one of the default document limits (tokens 5000, depth 12, aliases 200,
 * directives 50, field comparisons 50,000, one `__schema` per operation, introspection depth and cost, literal
 * nesting 64, Previsto calls per operation 30), is malformed, or is a request Apollo or the HTTP shell refuses.
 * Bodies stay under the 1 MB body limit, except the one class whose point is to cross it. Builders take no arguments,
 * so the test and the bench send byte-identical bodies.
 */

/** `extensions.code` values a refusal of a GraphQL document may carry. */
export const DOCUMENT_REFUSAL_CODES = ['LIMIT_EXCEEDED', 'BAD_USER_INPUT', 'GRAPHQL_PARSE_FAILED', 'GRAPHQL_VALIDATION_FAILED'];

/** Apollo's and the HTTP shell's own refusals (batching disabled, body too large) carry this code. */
export const REQUEST_REFUSAL_CODES = ['BAD_REQUEST'];

/** The gateway's default body limit (AUGUR_MAX_BODY_BYTES). */
export const MAX_BODY_BYTES = 1024 * 1024;

const range = (n) => Array.from({ length: n }, (_, i) => i);
const repeat = (n, f) => range(n).map(f).join(' ');

/** `fragment F0 on Query { ...F1 ...F1 }` … `fragment F30 on Query { __typename }`: 2^30 paths for a naive walk. */
function fragmentDoubling() {
  const depth = 30;
  const fragments = range(depth).map((i) => `fragment F${i} on Query { ...F${i + 1} ...F${i + 1} }`);
  fragments.push(`fragment F${depth} on Query { __typename }`);
  return { query: `query Doubling { ...F0 }\n${fragments.join('\n')}` };
}

/** 8 layers of 8 fragments, each spreading every fragment of the next layer: 8^8 (16.7M) paths in ~1,400 tokens. */
function fragmentFanOut() {
  const layers = 8;
  const width = 8;
  const name = (layer, i) => `L${layer}_${i}`;
  const defs = [];
  for (let layer = 0; layer < layers; layer++) {
    for (let i = 0; i < width; i++) {
      const body = layer === layers - 1 ? '__typename' : repeat(width, (j) => `...${name(layer + 1, j)}`);
      defs.push(`fragment ${name(layer, i)} on Query { ${body} }`);
    }
  }
  return { query: `query FanOut { ${repeat(width, (j) => `...${name(0, j)}`)} }\n${defs.join('\n')}` };
}

/** The doubling chain through inline fragments and aliases: every level doubles through `... on Query`. */
function fragmentInlineAliases() {
  const depth = 30;
  const defs = range(depth).map(
    (i) => `fragment I${i} on Query { a${i}: __typename ... on Query { ...I${i + 1} } b${i}: __typename ... on Query { ...I${i + 1} } }`,
  );
  defs.push(`fragment I${depth} on Query { leaf: __typename }`);
  return { query: `query InlineAliases { ... on Query { ...I0 } }\n${defs.join('\n')}` };
}

/** The doubling chain on a real type, under a connection: a gateway that lets it through calls Previsto. */
function fragmentOnContact() {
  const depth = 30;
  const defs = range(depth).map((i) => `fragment C${i} on Contact { name ...C${i + 1} ...C${i + 1} }`);
  defs.push(`fragment C${depth} on Contact { id name }`);
  return { query: `query ContactBomb { contacts(first: 1) { edges { node { ...C0 } } } }\n${defs.join('\n')}` };
}

/** The same field 1000 times in one selection set: graphql-js's OverlappingFieldsCanBeMerged compares ~500,000 pairs. */
function duplicateFields() {
  return { query: `{ ${repeat(1000, () => 'platforms { kind }')} }` };
}

/**
 * 380 distinct fragments selecting the same field, spread in one selection set: ~72,000 fragment pairs to compare
 * (over the 50,000 comparisons allowed) in ~4,600 tokens (under the 5,000 token limit).
 */
function fragmentsSameField() {
  const n = 380;
  const defs = range(n).map((i) => `fragment P${i} on Query { platforms { kind } }`);
  return { query: `query SameField { ${repeat(n, (i) => `...P${i}`)} }\n${defs.join('\n')}` };
}

/** One alias on two different fields, 1000 times: every pair is a conflict, and graphql-js reports each one. */
function conflictingAliases() {
  return { query: `{ platforms { ${repeat(1000, (i) => (i % 2 ? 'k: emulated' : 'k: kind'))} } }` };
}

/** `__typename @include(if: true)` with the directive repeated 1000 times (7,000 tokens). */
function repeatedDirectives() {
  return { query: `{ __typename ${repeat(1000, () => '@include(if: true)')} }` };
}

/** 1000 distinct unknown directives on one field (2,000 tokens: the directive limit, not the token limit, applies). */
function unknownDirectives() {
  return { query: `{ __typename ${repeat(1000, (i) => `@d${i}`)} }` };
}

/**
 * `{ __typename` followed by 100 KB of commas, whitespace and comments and never closed: the lexer walks all of it
 * before the parser can fail at the end of the document.
 */
function ignoredCharactersFlood() {
  const unit = ', ,\t,\n# a comment that the lexer has to skip, character by character\n';
  return { query: `{ __typename ${unit.repeat(Math.ceil(100_000 / unit.length))}` };
}

/** 100 KB of one-letter field names: 50,000 tokens. */
function fieldNameFlood() {
  return { query: `{ ${'a '.repeat(50_000)}}` };
}

/** A 900 KB string literal as the argument of a field that takes none. */
function longStringLiteral() {
  return { query: `{ __typename(s: "${'x'.repeat(900_000)}") }` };
}

/** 200 aliased `__schema` selections: the whole schema's fields, 200 times over. */
function schemaAliases() {
  return { query: `{ ${repeat(200, (i) => `s${i}: __schema { types { fields { type { name } } } }`)} }` };
}

/** 200 aliased `__type` selections of a type with many fields. */
function typeAliases() {
  return { query: `{ ${repeat(200, (i) => `t${i}: __type(name: "Contact") { fields { name type { name } } }`)} }` };
}

/** `ofType` nested 30 deep under one `__type`. */
function ofTypeChain() {
  const depth = 30;
  return { query: `{ __type(name: "Contact") { fields { type { ${'ofType { '.repeat(depth)}name${' }'.repeat(depth)} } } } }` };
}

const nestedList = (depth) => `${'['.repeat(depth)}1${']'.repeat(depth)}`;
const nestedListValue = (depth) => {
  let v = [1];
  for (let i = 1; i < depth; i++) v = [v];
  return v;
};

/** A list literal nested 10,000 deep as a JSON argument: a recursive parser or coercion walks 10,000 frames. */
function deepListLiteral() {
  return { query: `{ predict(endpointName: "churn", features: {a: ${nestedList(10_000)}}) { raw } }` };
}

const DEEP_VARIABLE_QUERY = 'query DeepVariable($f: JSONObject!) { predict(endpointName: "churn", features: $f) { raw } }';

/** The same nesting as a JSON variable: no token limit sees it, only a check of variable values does. */
function deepListVariable() {
  return { query: DEEP_VARIABLE_QUERY, variables: { f: { a: nestedListValue(10_000) } } };
}

/** Its JSON text, written out: V8's JSON.stringify runs out of stack at this depth (JSON.parse does not). */
function deepListVariableJson() {
  return `{"query":${JSON.stringify(DEEP_VARIABLE_QUERY)},"variables":{"f":{"a":${nestedList(10_000)}}}}`;
}

/** An input object literal nested 900 deep (~3,600 tokens, so under the token limit and over the nesting limit). */
function deepObjectLiteral() {
  const depth = 900;
  return { query: `{ predict(endpointName: "churn", features: ${'{a: '.repeat(depth)}1${'}'.repeat(depth)}) { raw } }` };
}

const GIANT = 900_000;

/** A 900 KB id literal. */
function giantIdLiteral() {
  return { query: `{ contact(id: "${'A'.repeat(GIANT)}") { name } }` };
}

/** A 900 KB id as a variable. */
function giantIdVariable() {
  return { query: 'query GiantId($id: ID!) { contact(id: $id) { name } }', variables: { id: 'A'.repeat(GIANT) } };
}

/** 1000 named operations in one document (10,000 tokens); `operationName` picks one. */
function manyOperations() {
  return {
    query: range(1000)
      .map((i) => `query Q${i} { a: __typename b: __typename }`)
      .join('\n'),
    operationName: 'Q500',
  };
}

/** A JSON array of 100 operations, each of which would call Previsto: Apollo's batching is off. */
function batched() {
  return range(100).map((i) => ({ query: `query B${i} { contacts(first: 1) { edges { node { name } } } }` }));
}

/** Selections 100 levels deep: contacts → edges → node → assignments → edges → node → contact → assignments … */
function deepSelection() {
  const levels = 100;
  let open = 'contacts(first: 1) { edges { node { ';
  let close = ' } } }';
  let depth = 3;
  while (depth + 4 <= levels) {
    open += 'assignments(first: 1) { edges { node { contact { ';
    close = ` } } } }${close}`;
    depth += 4;
  }
  return { query: `query Deep { ${open}id${close} }` };
}

/** 150 aliased contact searches: 150 Previsto calls in one operation, five times the 30 one operation may plan. */
function previstoBudgetGrab() {
  return { query: `{ ${repeat(150, (i) => `c${i}: contacts(first: 1, search: "x${i}") { edges { node { name } } }`)} }` };
}

/** A query padded past the 1 MB body limit with an unused variable. */
function bodyOverLimit() {
  return { query: '{ __typename }', variables: { pad: 'x'.repeat(MAX_BODY_BYTES) } };
}

/**
 * The attack classes. `build()` answers a GraphQL request body (or, for `batched`, the raw JSON value posted);
 * `json()`, where present, its JSON text; `codes` are the `extensions.code` values its refusal may carry.
 * @type {ReadonlyArray<import('./attacks.d.mts').AttackClass>}
 */
export const ATTACKS = [
  { name: 'fragment-doubling', group: 'fragment bombs', build: fragmentDoubling },
  { name: 'fragment-fan-out', group: 'fragment bombs', build: fragmentFanOut },
  { name: 'fragment-inline-aliases', group: 'fragment bombs', build: fragmentInlineAliases },
  { name: 'fragment-on-contact', group: 'fragment bombs', build: fragmentOnContact },
  { name: 'duplicate-fields', group: 'field merging', build: duplicateFields },
  { name: 'fragments-same-field', group: 'field merging', build: fragmentsSameField },
  { name: 'conflicting-aliases', group: 'field merging', build: conflictingAliases },
  { name: 'repeated-directives', group: 'directives', build: repeatedDirectives },
  { name: 'unknown-directives', group: 'directives', build: unknownDirectives },
  { name: 'ignored-characters-flood', group: 'tokens', build: ignoredCharactersFlood },
  { name: 'field-name-flood', group: 'tokens', build: fieldNameFlood },
  { name: 'long-string-literal', group: 'tokens', build: longStringLiteral },
  { name: 'schema-aliases', group: 'introspection', build: schemaAliases },
  { name: 'type-aliases', group: 'introspection', build: typeAliases },
  { name: 'oftype-chain', group: 'introspection', build: ofTypeChain },
  { name: 'deep-list-literal', group: 'deep literals', build: deepListLiteral },
  { name: 'deep-list-variable', group: 'deep literals', build: deepListVariable, json: deepListVariableJson },
  { name: 'deep-object-literal', group: 'deep literals', build: deepObjectLiteral },
  { name: 'giant-id-literal', group: 'giant strings', build: giantIdLiteral },
  { name: 'giant-id-variable', group: 'giant strings', build: giantIdVariable },
  { name: 'many-operations', group: 'operations', build: manyOperations },
  { name: 'batched', group: 'operations', build: batched, codes: REQUEST_REFUSAL_CODES },
  { name: 'deep-selection', group: 'depth', build: deepSelection },
  { name: 'previsto-budget-grab', group: 'upstream budget', build: previstoBudgetGrab, allowedAtBenchBudget: true },
  { name: 'body-over-limit', group: 'body', build: bodyOverLimit, codes: REQUEST_REFUSAL_CODES, overBodyLimit: true },
].map((a) => ({ codes: DOCUMENT_REFUSAL_CODES, overBodyLimit: false, ...a }));

const bodies = new Map();

/** The JSON text posted for an attack class (built once and kept: some are close to 1 MB). */
export function attackBody(name) {
  let body = bodies.get(name);
  if (body === undefined) {
    const attack = ATTACKS.find((a) => a.name === name);
    if (!attack) throw new Error(`No attack class "${name}". Known: ${ATTACKS.map((a) => a.name).join(', ')}.`);
    body = attack.json ? attack.json() : JSON.stringify(attack.build());
    const over = Buffer.byteLength(body) > MAX_BODY_BYTES;
    if (over !== attack.overBodyLimit) {
      throw new Error(
        `Attack "${name}" is ${Buffer.byteLength(body)} bytes: it must be ${attack.overBodyLimit ? 'over' : 'under'} the ${MAX_BODY_BYTES} byte body limit.`,
      );
    }
    bodies.set(name, body);
  }
  return body;
}
