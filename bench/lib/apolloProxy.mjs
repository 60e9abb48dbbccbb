/**
 * Benchmark support (not part of Augur's public code): the least a GraphQL server on Augur's stack does for
 * aliased-predicts. An Apollo Server 5 with a four-type schema, Apollo's default plugins, graphql-js's executor, a
 * DataLoader per request that sends the operation's 50 records to Dataiku as one predict-multi through an undici Pool,
 * and a Node HTTP server in front of `executeHTTPGraphQLRequest`, as Augur has. No limits, checks, logs, metrics,
 * upstream policy or caches. bench/proxy.mjs bundles it as Augur's build is bundled (esbuild, production mode) and
 * runs it beside the bare proxy and the gateway.
 * Usage: node <bundle> <port> <dataiku url> <authorization>
 */
import http from 'node:http';
import { ApolloServer, HeaderMap } from '@apollo/server';
import DataLoader from 'dataloader';
import { GraphQLScalarType } from 'graphql';
import { Pool } from 'undici';

const [port, dataikuUrl, authorization] = process.argv.slice(2);
const pool = new Pool(dataikuUrl, { connections: 64 });
const EXPLANATIONS = { enabled: null, method: null, nExplanations: null, nMonteCarloSteps: null };

const typeDefs = /* GraphQL */ `
  scalar JSON
  input Features {
    name: String
    city: String
    archived: Boolean
  }
  type Prediction {
    raw: JSON
  }
  type Query {
    predict(endpointName: String!, features: Features!): Prediction
  }
`;

async function predictMulti(endpointName, records) {
  const res = await pool.request({
    path: `/public/api/v1/augur-demo/${encodeURIComponent(endpointName)}/predict-multi`,
    method: 'POST',
    headers: { authorization, 'content-type': 'application/json' },
    body: JSON.stringify({ items: records.map((features) => ({ features })), explanations: EXPLANATIONS }),
  });
  const text = await res.body.text();
  if (res.statusCode !== 200) throw new Error(`Dataiku answered ${res.statusCode}`);
  return JSON.parse(text).results;
}

const resolvers = {
  JSON: new GraphQLScalarType({ name: 'JSON', serialize: (v) => v, parseValue: (v) => v }),
  Query: {
    predict: async (_root, { endpointName, features }, ctx) => ({ raw: await ctx.predictions(endpointName).load(features) }),
  },
};

const server = new ApolloServer({ typeDefs, resolvers });
await server.start();

/** One DataLoader per endpoint per request. */
function context() {
  const loaders = new Map();
  return {
    predictions(endpointName) {
      let loader = loaders.get(endpointName);
      if (!loader) {
        loader = new DataLoader((records) => predictMulti(endpointName, records), { cache: false });
        loaders.set(endpointName, loader);
      }
      return loader;
    },
  };
}

http
  .createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', async () => {
      try {
        const headers = new HeaderMap();
        for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) headers.set(k, Array.isArray(v) ? v.join(', ') : v);
        const answer = await server.executeHTTPGraphQLRequest({
          httpGraphQLRequest: {
            method: req.method ?? 'POST',
            headers,
            search: '',
            body: JSON.parse(Buffer.concat(chunks).toString('utf8')),
          },
          context: async () => context(),
        });
        res.statusCode = answer.status ?? 200;
        for (const [k, v] of answer.headers) res.setHeader(k, v);
        if (answer.body.kind === 'complete') res.end(answer.body.string);
        else {
          for await (const part of answer.body.asyncIterator) res.write(part);
          res.end();
        }
      } catch (err) {
        res.statusCode = 500;
        res.end(JSON.stringify({ errors: [{ message: String(err) }] }));
      }
    });
  })
  .listen(Number(port), '127.0.0.1', () => console.log('listening'));
