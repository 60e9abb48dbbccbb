/**
 * `GET /`: where things are, for any client. A browser asking for HTML is redirected to GraphiQL before this route
 * (graphiql.ts); curl, scripts and health dashboards get this short JSON instead of a 404.
 */
import type { RouteHandler } from './routes.js';

export interface HomeOptions {
  graphiql: boolean;
  metrics: boolean;
}

export function homeRoute(options: HomeOptions): RouteHandler {
  const body = JSON.stringify({
    service: 'augur',
    message:
      'Augur serves GraphQL at /graphql: POST {"query": "{ platforms { kind status { reachable } } }"} with content-type: application/json' +
      (options.graphiql ? ', or open /graphql in a browser for GraphiQL.' : '.'),
    graphql: '/graphql',
    graphiql: options.graphiql ? '/graphql' : null,
    health: '/healthz',
    readiness: '/readyz',
    metrics: options.metrics ? '/metrics' : null,
  });
  return (req, res) => {
    const method = (req.method ?? 'GET').toUpperCase();
    if (method !== 'GET' && method !== 'HEAD') {
      const refusal = JSON.stringify({
        errors: [{ message: `${method} / is not served; GraphQL is at /graphql.`, extensions: { code: 'BAD_REQUEST' } }],
      });
      res.writeHead(405, {
        allow: 'GET, HEAD',
        'content-type': 'application/json; charset=utf-8',
        'content-length': Buffer.byteLength(refusal),
      });
      res.end(refusal);
      return;
    }
    res.writeHead(200, {
      'content-type': 'application/json; charset=utf-8',
      'content-length': Buffer.byteLength(body),
      'cache-control': 'no-cache',
    });
    res.end(method === 'HEAD' ? undefined : body);
  };
}
