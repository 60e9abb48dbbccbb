/**
 * Benchmark support (not part of Augur's public code): the operations measured, as request bodies, and the check
 * of each one's answer.
 */

/** Features of the single-record prediction, the same directly and through the gateway. */
export const FEATURES = { name: 'Anna Jensen', city: 'Aarhus', countryCode: 'DK', archived: false };

const gqlLiteral = (obj) =>
  `{${Object.entries(obj)
    .map(([k, v]) => `${k}: ${JSON.stringify(v)}`)
    .join(', ')}}`;

export const QUERIES = {
  single: `{ predict(endpointName: "churn", features: ${gqlLiteral(FEATURES)}) { raw } }`,
  scoredContacts: `{ contacts(first: 100) { edges { node { name predict(endpointName: "churn") { raw } } } } }`,
  aliasedPredicts: `{ ${Array.from(
    { length: 50 },
    (_, i) =>
      `p${i}: predict(endpointName: "churn", features: {name: "Contact ${i}", city: "${i % 2 ? 'Aarhus' : 'Odense'}", archived: ${i % 3 === 0}}) { raw }`,
  ).join(' ')} }`,
  assignmentsWithContacts: `{ assignments(first: 100) { edges { node { contact { name } } } } }`,
  // Soak mix (smaller pages, and the status of every platform).
  scoredContacts20: `{ contacts(first: 20) { edges { node { name predict(endpointName: "churn") { raw } } } } }`,
  assignmentsWithContacts20: `{ assignments(first: 20) { edges { node { contact { name } } } } }`,
  platforms: `{ platforms { kind emulated status { reachable latencyMs } } }`,
};

/** The emulator's REST call a single-field predict needs: what the gateway sends for `QUERIES.single`. */
export const DIRECT = {
  path: '/public/api/v1/augur-demo/churn/predict',
  headers: { authorization: `Basic ${Buffer.from('augur-demo-dataiku:').toString('base64')}` },
  body: JSON.stringify({
    features: FEATURES,
    explanations: { enabled: null, method: null, nExplanations: null, nMonteCarloSteps: null },
  }),
  marker: '"prediction"',
};

/** A GraphQL request for `load()`. */
export function graphqlRequest(query, marker, kind) {
  return { path: '/graphql', body: JSON.stringify({ query }), marker, kind };
}

/** Checks the shape of each scenario's answer once, so a run never measures an operation that returns nothing. */
export const CHECKS = {
  single(data) {
    if (typeof data?.predict?.raw?.prediction !== 'string')
      throw new Error(`single: expected predict.raw.prediction, got ${JSON.stringify(data)}`);
  },
  scoredContacts(data) {
    const edges = data?.contacts?.edges ?? [];
    if (edges.length !== 100 || edges.some((e) => typeof e.node?.predict?.raw?.prediction !== 'string')) {
      throw new Error(`scored-contacts: expected 100 contacts each with a prediction, got ${edges.length} (${JSON.stringify(edges[0])})`);
    }
  },
  aliasedPredicts(data) {
    const values = Object.values(data ?? {});
    if (values.length !== 50 || values.some((v) => typeof v?.raw?.prediction !== 'string')) {
      throw new Error(`aliased-predicts: expected 50 predictions, got ${values.length}`);
    }
  },
  assignmentsWithContacts(data) {
    const edges = data?.assignments?.edges ?? [];
    if (edges.length !== 100 || edges.some((e) => typeof e.node?.contact?.name !== 'string')) {
      throw new Error(`assignments-with-contacts: expected 100 assignments each with its contact, got ${edges.length}`);
    }
  },
};

/** The load of each GraphQL scenario, with the string every good answer contains. */
export const GRAPHQL = {
  single: graphqlRequest(QUERIES.single, '"prediction"'),
  scoredContacts: graphqlRequest(QUERIES.scoredContacts, '"prediction"'),
  aliasedPredicts: graphqlRequest(QUERIES.aliasedPredicts, '"p49"'),
  assignmentsWithContacts: graphqlRequest(QUERIES.assignmentsWithContacts, '"contact"'),
};

/** How the report names each scenario. */
export const LABEL = {
  direct: 'direct (Dataiku REST)',
  single: 'single',
  singleUnbatched: 'single, no cross-op batch',
  scoredContacts: 'scored-contacts',
  aliasedPredicts: 'aliased-predicts',
  assignmentsWithContacts: 'assignments-with-contacts',
};

/** List items per operation of the list scenarios (CPU per item = CPU per operation / items). */
export const ITEMS = { scoredContacts: 100, aliasedPredicts: 50, assignmentsWithContacts: 100 };
/** The GraphQL scenarios, in the order they are measured and reported. */
export const SCENARIOS = ['single', 'scoredContacts', 'aliasedPredicts', 'assignmentsWithContacts'];
