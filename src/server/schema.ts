/** Loads the SDL files of `schema/` and builds the executable schema. */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeExecutableSchema } from '@graphql-tools/schema';
import type { GraphQLSchema } from 'graphql';
import type { Resolvers } from '../generated/resolvers.js';

/** Finds the project's `schema/` directory from this module's location (works from `src/` and from `dist/src/`). */
export function schemaDirectory(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const candidate = join(dir, 'schema');
    if (existsSync(join(candidate, 'base.graphql'))) return candidate;
    dir = dirname(dir);
  }
  throw new Error('Cannot find the schema/ directory (looked upwards from the server module for schema/base.graphql).');
}

/** The SDL of every `schema/*.graphql` file, in name order. */
export function loadTypeDefs(dir = schemaDirectory()): string[] {
  return loadTypeDefFiles(dir).map((f) => f.sdl);
}

export function buildSchema(resolvers: Resolvers, files = loadTypeDefFiles()): GraphQLSchema {
  // Without token locations, the schema's AST (kept by graphql-js for the life of the process) is about 1 MB smaller.
  return makeExecutableSchema({
    typeDefs: files.map((f) => f.sdl),
    resolvers: resolvers as never,
    inheritResolversFromInterfaces: true,
    noLocation: true,
  });
}

/** The SDL files of `schema/` with their names (`previsto.graphql`), in name order. */
export function loadTypeDefFiles(dir = schemaDirectory()): Array<{ name: string; sdl: string }> {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.graphql'))
    .sort()
    .map((name) => ({ name, sdl: readFileSync(join(dir, name), 'utf8') }));
}
