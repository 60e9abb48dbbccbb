/**
 * The `reviews` subgraph: a small Federation 2 subgraph of its own (built with `@apollo/subgraph`) that extends
 * Augur's `Contact` and `Endpoint` entities by key, so the cluster's router serves a real supergraph. Reviews are
 * derived from the entity's id (the same id always gets the same reviews), so the subgraph keeps no state and any
 * replica of it answers alike.
 *
 * `node subgraphs/reviews/server.mjs` listens on `PORT` (default 4001) and `HOST` (default 127.0.0.1) and prints
 * `reviews subgraph listening on <url>`.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { startStandaloneServer } from '@apollo/server/standalone';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { GraphQLError, parse } from 'graphql';

export const REVIEWS_SDL = readFileSync(new URL('./schema.graphql', import.meta.url), 'utf8');

const AUTHORS = ['Ada', 'Bo', 'Cecilie', 'Dag', 'Ebba', 'Frode'];
const TEXTS = ['On time and tidy.', 'Good work, a little late.', 'Would book again.', 'Missed one window.', 'Excellent.', 'Fine.'];

/** Zero to three reviews of one entity, the same every time for the same id. */
export function reviewsOf(typename, id) {
  const digest = createHash('sha256').update(`${typename}:${id}`).digest();
  const count = digest[0] % 4;
  const out = [];
  for (let i = 0; i < count; i++) {
    out.push({
      id: `review-${digest.subarray(1 + i * 4, 5 + i * 4).toString('hex')}`,
      stars: 1 + (digest[10 + i] % 5),
      text: TEXTS[digest[14 + i] % TEXTS.length],
      author: AUTHORS[digest[18 + i] % AUTHORS.length],
    });
  }
  return out;
}

const resolvers = {
  Query: {
    latestReviews(_parent, { first }) {
      if (!Number.isInteger(first) || first < 1 || first > 50) {
        throw new GraphQLError(`first must be between 1 and 50, got ${first}.`, { extensions: { code: 'BAD_USER_INPUT' } });
      }
      const out = [];
      for (let n = 0; out.length < first; n++) out.push(...reviewsOf('Query', String(n)));
      return out.slice(0, first);
    },
  },
  Contact: {
    __resolveReference: (ref) => ({ id: ref.id }),
    reviews: (contact) => reviewsOf('Contact', contact.id),
    rating(contact) {
      const reviews = reviewsOf('Contact', contact.id);
      return reviews.length ? reviews.reduce((sum, r) => sum + r.stars, 0) / reviews.length : null;
    },
  },
  Endpoint: {
    __resolveReference: (ref) => ({ id: ref.id }),
    reviews: (endpoint) => reviewsOf('Endpoint', endpoint.id),
  },
};

/** The subgraph's Apollo Server (not started). */
export function createReviewsServer() {
  return new ApolloServer({
    schema: buildSubgraphSchema([{ typeDefs: parse(REVIEWS_SDL), resolvers }]),
    // No Apollo usage reporting here, so no traces to inline into responses.
    plugins: [ApolloServerPluginInlineTraceDisabled()],
  });
}

/** Starts the subgraph; answers its URL (`http://host:port/`, GraphQL at any path) and a `stop()`. */
export async function startReviews({ port = 4001, host = '127.0.0.1' } = {}) {
  const server = createReviewsServer();
  const { url } = await startStandaloneServer(server, { listen: { port, host } });
  return { url: `${url.replace(/\/$/, '')}/graphql`, stop: () => server.stop() };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const port = Number(process.env.PORT ?? 4001);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`PORT must be a port number (0 to 65535), got "${process.env.PORT}".`);
    process.exit(2);
  }
  const { url, stop } = await startReviews({ port, host: process.env.HOST ?? '127.0.0.1' });
  console.log(`reviews subgraph listening on ${url}`);
  for (const signal of ['SIGINT', 'SIGTERM']) {
    process.once(signal, () => {
      stop().then(
        () => process.exit(0),
        () => process.exit(1),
      );
    });
  }
}
