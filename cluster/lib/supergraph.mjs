/**
 * Cluster harness support (not part of Augur's public code): Augur's subgraph and the reviews subgraph composed into
 * a supergraph with Apollo's `@apollo/composition`, the supergraph Hive Gateway serves.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { composeServices } from '@apollo/composition';
import { parse } from 'graphql';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The reviews subgraph's SDL, as its server serves it. */
export function reviewsSdl() {
  return readFileSync(path.join(ROOT, 'subgraphs', 'reviews', 'schema.graphql'), 'utf8');
}

/** A running subgraph's SDL (`_service { sdl }`), e.g. Augur's with AUGUR_FEDERATION=true. */
export async function fetchSubgraphSdl(url, headers = {}) {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query: '{ _service { sdl } }' }),
  });
  const body = await res.json().catch(() => undefined);
  const sdl = body?.data?._service?.sdl;
  if (!res.ok || typeof sdl !== 'string') {
    throw new Error(
      `${url} did not answer _service { sdl } (HTTP ${res.status}: ${JSON.stringify(body).slice(0, 300)}); is it a Federation subgraph (Augur needs AUGUR_FEDERATION=true)?`,
    );
  }
  return sdl;
}

/**
 * Composes subgraphs `[{ name, url, sdl }]` into a supergraph SDL whose routing URLs are each subgraph's `url`.
 * Throws with the composition errors when they do not compose.
 */
export function composeSupergraph(subgraphs) {
  const result = composeServices(subgraphs.map(({ name, url, sdl }) => ({ name, url, typeDefs: parse(sdl) })));
  if (result.errors?.length) {
    throw new Error(
      `The subgraphs ${subgraphs.map((s) => s.name).join(', ')} do not compose:\n${result.errors.map((e) => `- ${e.message}`).join('\n')}`,
    );
  }
  return result.supergraphSdl;
}
