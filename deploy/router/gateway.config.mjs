/**
 * Hive Gateway's configuration for the supergraph of Augur and the reviews subgraph (`npm run cluster`, compose.yaml's
 * `router` profile): `hive-gateway supergraph <supergraph.graphql> -c deploy/router/gateway.config.mjs`.
 *
 * Augur answers with the caller's own platform credentials when the caller sends them, and needs the gateway key
 * when AUGUR_API_KEYS is set: the router passes those headers on to Augur, and to no other subgraph. The request id
 * and trace context go to every subgraph, so their log lines and spans join the caller's.
 */

/** Headers that carry a caller's credentials for Augur (see docs/configuration.md). */
export const CREDENTIAL_HEADERS = [
  'x-previsto-api-key',
  'x-dataiku-api-key',
  'x-dataiku-bearer-token',
  'x-civis-api-key',
  'x-prevision-token',
  'x-api-key',
  'authorization',
];

/** Headers that follow a request through every subgraph. */
export const CORRELATION_HEADERS = ['x-request-id', 'traceparent', 'tracestate'];

export const gatewayConfig = {
  propagateHeaders: {
    fromClientToSubgraphs({ request, subgraphName }) {
      const names = subgraphName === 'augur' ? [...CREDENTIAL_HEADERS, ...CORRELATION_HEADERS] : CORRELATION_HEADERS;
      const headers = {};
      for (const name of names) {
        const value = request.headers.get(name);
        if (value !== null) headers[name] = value;
      }
      return headers;
    },
  },
};
