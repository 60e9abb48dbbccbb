/**
 * `npm run cluster:supergraph`: the supergraph through Hive Gateway. Starts the cluster of `npm run cluster` with the
 * reviews subgraph and the router, then sends one query joining Previsto contacts, their Dataiku scores and the
 * reviews subgraph's reviews, with the caller's own upstream credentials, and counts the upstream calls it cost (the
 * emulators' `GET /_emulator/requests` after `POST /_emulator/reset`, the replicas' readiness probes apart). The same
 * query without the reviews, sent straight to haproxy, gives the calls Augur makes alone: the router must not add
 * any. A second query with a Previsto key the emulator refuses must fail Previsto's field with UNAUTHENTICATED, which
 * shows the caller's key, not the configured one, reached Augur through the router.
 *
 * Prints a summary, then one JSON line; exits 0 when every check holds.
 */
import { emulatorCounts, endpointIds, resetEmulators, startCluster } from './lib/cluster.mjs';

export const QUERY = `query ScoredReviewedContacts($churn: ID!) {
  contacts(first: 10, orderBy: [{ field: NAME }]) {
    edges {
      node {
        id
        name
        predict(endpoint: $churn, explanations: { enabled: true, nExplanations: 2 }) { explanations { feature value } }
        rating
        reviews { stars text author }
      }
    }
  }
  endpoint(id: $churn) { id name type reviews { stars text } }
}`;

/** The same selection without what the reviews subgraph adds: what Augur alone answers. */
const AUGUR_ONLY = QUERY.replace(/\n\s+rating\n\s+reviews \{ stars text author \}/, '').replace(' reviews { stars text }', '');

async function post(url, query, headers, variables) {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query, variables }),
  });
  return { status: res.status, body: await res.json() };
}

/**
 * The routes of the replicas' readiness probes (src/server/status.ts): haproxy checks /readyz twice a second, and each
 * check may ping every platform, so these are counted apart from the query's own calls.
 */
const PROBE_ROUTES = new Set([
  'prevision GET /ext/v1/version',
  'dataiku GET (unmatched)',
  'civis GET /users/me',
  'previsto GET /accounts/current',
]);

/** `{ "platform route": n }` of the calls counted since the last reset, readiness probes apart. */
function summarise(counts) {
  const byRoute = {};
  const probes = {};
  for (const [platform, { byRoute: routes }] of Object.entries(counts)) {
    for (const [route, c] of Object.entries(routes)) {
      const key = `${platform} ${route}`;
      if (PROBE_ROUTES.has(key)) probes[key] = c;
      else byRoute[key] = c;
    }
  }
  return { byRoute, probes };
}

async function main() {
  // Without the response cache nor the entity cache, so every query below is executed and its upstream calls counted.
  const cluster = await startCluster({
    router: true,
    keepLbLog: true,
    replicaEnv: { AUGUR_RESPONSE_CACHE: 'false', AUGUR_CACHE_TTLS: '', AUGUR_ENTITY_CACHE_TTLS: 'previsto=0' },
  });
  try {
    const urls = cluster.emulatorUrls;
    const credentials = { 'x-previsto-api-key': 'sk_augur_demo', 'x-dataiku-api-key': 'augur-demo-dataiku' };
    // Warm-up: the first operation of each replica compiles the query; not counted.
    const variables = { churn: (await endpointIds(cluster.graphqlUrl)).churn };
    await post(cluster.router.url, QUERY, credentials, variables);

    await resetEmulators(urls);
    const requestId = `supergraph-check-${Date.now()}`;
    const routed = await post(cluster.router.url, QUERY, { ...credentials, 'x-request-id': requestId }, variables);
    const viaRouter = summarise(await emulatorCounts(urls));

    await resetEmulators(urls);
    const direct = await post(cluster.graphqlUrl, AUGUR_ONLY, credentials, variables);
    const viaAugur = summarise(await emulatorCounts(urls));

    const refused = await post(cluster.router.url, QUERY, { ...credentials, 'x-previsto-api-key': 'sk_not_a_key' }, variables);

    const contacts = routed.body.data?.contacts?.edges?.map((e) => e.node) ?? [];
    const checks = {
      routedWithoutErrors: routed.status === 200 && !routed.body.errors && contacts.length === 10,
      everyContactScoredAndReviewed: contacts.every((c) => c.predict?.explanations?.length > 0 && Array.isArray(c.reviews)),
      someReviews: contacts.some((c) => c.reviews.length > 0),
      endpointReviewed: Array.isArray(routed.body.data?.endpoint?.reviews),
      sameAsAugurAlone:
        direct.status === 200 && !direct.body.errors && JSON.stringify(viaRouter.byRoute) === JSON.stringify(viaAugur.byRoute),
      batched:
        viaRouter.byRoute['previsto GET /contacts'] === 1 &&
        Object.keys(viaRouter.byRoute).length === 2 &&
        Object.values(viaRouter.byRoute).every((n) => n === 1),
      callerKeyReachedAugur:
        refused.body.errors?.some((e) => e.path?.[0] === 'contacts' && e.extensions?.code === 'UNAUTHENTICATED') === true &&
        refused.body.data?.endpoint?.name === 'churn',
      requestIdReachedAugur: cluster.lbLog.some((entry) => entry.id === requestId && entry.server.startsWith('augur')),
    };
    return {
      bench: 'cluster-supergraph',
      hiveGateway: cluster.router.version,
      upstreamCalls: { viaRouter, augurAlone: viaAugur },
      contacts: contacts.length,
      reviews: contacts.reduce((n, c) => n + (c.reviews?.length ?? 0), 0),
      refusedKey: refused.body.errors?.map((e) => ({ path: e.path, code: e.extensions?.code })),
      checks,
      pass: Object.values(checks).every(Boolean),
      ...(routed.body.errors ? { errors: routed.body.errors } : {}),
    };
  } finally {
    await cluster.stop();
  }
}

main().then(
  (result) => {
    const calls = Object.entries(result.upstreamCalls.viaRouter.byRoute)
      .map(([route, n]) => `${route} ×${n}`)
      .join(', ');
    console.log(`Supergraph query through Hive Gateway: ${result.contacts} contacts, ${result.reviews} reviews; upstream calls: ${calls}`);
    console.log(
      `  checks: ${Object.entries(result.checks)
        .map(([k, v]) => `${k} ${v ? 'ok' : 'FAILED'}`)
        .join(', ')}`,
    );
    console.log(JSON.stringify(result));
    process.exit(result.pass ? 0 : 1);
  },
  (err) => {
    console.error(err instanceof Error ? err.stack : err);
    process.exit(1);
  },
);
