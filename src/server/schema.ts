/** Loads the SDL files of `schema/` and builds the executable schema. */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeExecutableSchema } from '@graphql-tools/schema';
import { parse, type DocumentNode, type GraphQLSchema } from 'graphql';
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

export function buildSchema(resolvers: Resolvers, files: readonly SchemaFile[] = loadTypeDefFiles()): GraphQLSchema {
  return makeExecutableSchema({
    // graphql-tools merges type extensions into the documents it is given: each file hands its parsed document over
    // and parses anew if read again (read the documents before building the schema to parse each file once).
    typeDefs: files.map((f) => f[TAKE_DOCUMENT]()),
    resolvers: resolvers as never,
    inheritResolversFromInterfaces: true,
    // Start time: the resolvers are set on the types graphql-js built rather than on a copy of the whole schema, and
    // the SDL's document rules are left to the tests (test/schema/sdl.test.ts), which hold the same files to them;
    // graphql-js still validates the built schema before its first execution.
    updateResolversInPlace: true,
    assumeValidSDL: true,
  });
}

const TAKE_DOCUMENT: unique symbol = Symbol('takeDocument');

/** One SDL file of `schema/`: its name (`previsto.graphql`), its text, and its document, parsed on first use. */
export interface SchemaFile {
  readonly name: string;
  readonly sdl: string;
  /** Parsed once, without token locations, for everything that reads the schema's definitions at start. */
  readonly document: DocumentNode;
  /** The document, which the caller may change; the file parses a new one if read again. */
  [TAKE_DOCUMENT](): DocumentNode;
}

/** The SDL files of `schema/`, in name order. */
export function loadTypeDefFiles(dir = schemaDirectory()): SchemaFile[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.graphql'))
    .sort()
    .map((name) => schemaFile(name, readFileSync(join(dir, name), 'utf8')));
}

function schemaFile(name: string, sdl: string): SchemaFile {
  // Parsing the whole schema takes tens of milliseconds at start; the access table, the upstream-call table and the
  // schema itself read the same documents. Without token locations the AST graphql-js keeps for the process's life
  // is about 1 MB smaller.
  let document: DocumentNode | undefined;
  const parsed = () => (document ??= parse(sdl, { noLocation: true }));
  return {
    name,
    sdl,
    get document() {
      return parsed();
    },
    [TAKE_DOCUMENT]() {
      const taken = parsed();
      document = undefined;
      return taken;
    },
  };
}
