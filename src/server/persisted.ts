/**
 * Persisted queries. Two modes besides `off`:
 * - `apq`: Apollo's automatic persisted queries. A client sends `extensions.persistedQuery.sha256Hash`; an unknown
 *   hash answers PERSISTED_QUERY_NOT_FOUND and the client resends hash and query, which registers it. The store is
 *   shared by replicas through Redis when `REDIS_URL` is set, else in memory.
 * - `allowlist`: only the operations of a manifest (Apollo's persisted query manifest format) are served, by id or by
 *   full text; anything else is refused with PERSISTED_QUERY_NOT_ALLOWED (HTTP 403) before it is even parsed. The manifest is read from
 *   `AUGUR_PERSISTED_QUERIES_MANIFEST`, or built from the GraphQL documents under `examples/`.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { PrefixingKeyValueCache, type KeyValueCache } from '@apollo/utils.keyvaluecache';
import {
  Kind,
  parse,
  print,
  visit,
  type DefinitionNode,
  type DocumentNode,
  type FragmentDefinitionNode,
  type OperationDefinitionNode,
} from 'graphql';
import { schemaDirectory } from './schema.js';

/** One operation of a manifest. */
export interface ManifestOperation {
  /** The id clients send as `extensions.persistedQuery.sha256Hash`: the SHA-256 of `body`, in hex. */
  id: string;
  name: string;
  type: 'query' | 'mutation' | 'subscription';
  body: string;
}

/** Apollo's persisted query manifest (`@apollo/generate-persisted-query-manifest` writes the same format). */
export interface PersistedQueryManifest {
  format: 'apollo-persisted-query-manifest';
  version: 1;
  operations: ManifestOperation[];
}

/** The code of a refused operation in allow-list mode. */
export const PERSISTED_QUERY_NOT_ALLOWED = 'PERSISTED_QUERY_NOT_ALLOWED';

/** How long an automatically persisted query is kept when nothing else says (seconds). */
export const APQ_TTL_SECONDS = 86_400;

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** The project's `examples/` directory (beside `schema/`). */
export function examplesDirectory(): string {
  return join(dirname(schemaDirectory()), 'examples');
}

/** Folders never read for documents: dependencies, codegen output and builds. */
const SKIPPED_DIRECTORIES = new Set(['node_modules', 'generated', 'dist']);

const SOURCE_EXTENSIONS = ['.ts', '.tsx', '.mts', '.js', '.mjs'];
const GRAPHQL_EXTENSIONS = ['.graphql', '.gql'];

/**
 * The GraphQL documents under `dir`: whole `.graphql`/`.gql` files, and the templates passed to `graphql(...)` or
 * tagged `gql`/`graphql` in source files (templates with `${...}` are skipped). Generated code, `node_modules` and
 * built output (`dist`, the web example's bundle) are not read.
 */
export function findDocuments(dir: string): Array<{ file: string; text: string }> {
  const out: Array<{ file: string; text: string }> = [];
  if (!existsSync(dir)) return out;
  const walk = (d: string): void => {
    for (const name of readdirSync(d).sort()) {
      const path = join(d, name);
      if (statSync(path).isDirectory()) {
        if (!SKIPPED_DIRECTORIES.has(name) && !name.startsWith('.')) walk(path);
        continue;
      }
      const file = relative(dir, path);
      if (GRAPHQL_EXTENSIONS.some((e) => name.endsWith(e))) out.push({ file, text: readFileSync(path, 'utf8') });
      else if (SOURCE_EXTENSIONS.some((e) => name.endsWith(e)) && !name.endsWith('.d.ts')) {
        const source = readFileSync(path, 'utf8');
        for (const m of source.matchAll(/\b(?:graphql|gql)\s*(?:\(\s*)?`([^`]*)`/g)) {
          if (!m[1]!.includes('${')) out.push({ file, text: m[1]! });
        }
      }
    }
  };
  walk(dir);
  return out;
}

/**
 * Builds a manifest from GraphQL documents: one entry per named operation, its body being the operation followed by
 * the fragments it uses (transitively, by name), printed by graphql-js as a client printing the document would.
 */
export function manifestFromDocuments(documents: ReadonlyArray<{ file: string; text: string }>): PersistedQueryManifest {
  const operations: Array<{ op: OperationDefinitionNode; file: string }> = [];
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const { file, text } of documents) {
    let doc: DocumentNode;
    try {
      doc = parse(text);
    } catch (err) {
      throw new Error(`${file}: a GraphQL document does not parse (${(err as Error).message}); fix it or move it out of the examples.`);
    }
    for (const def of doc.definitions) {
      if (def.kind === Kind.FRAGMENT_DEFINITION) fragments.set(def.name.value, def);
      else if (def.kind === Kind.OPERATION_DEFINITION) {
        if (!def.name)
          throw new Error(
            `${file}: persisted operations need a name; name the anonymous ${def.operation} (e.g. "${def.operation} MyOperation { ... }").`,
          );
        operations.push({ op: def, file });
      }
    }
  }
  const byId = new Map<string, ManifestOperation>();
  const names = new Map<string, string>();
  for (const { op, file } of operations) {
    const used = new Map<string, FragmentDefinitionNode>();
    const collect = (node: OperationDefinitionNode | FragmentDefinitionNode): void => {
      visit(node, {
        FragmentSpread(spread) {
          const name = spread.name.value;
          if (used.has(name)) return;
          const fragment = fragments.get(name);
          if (!fragment)
            throw new Error(`${file}: operation ${op.name!.value} spreads fragment ${name}, which no document under the examples defines.`);
          used.set(name, fragment);
          collect(fragment);
        },
      });
    };
    collect(op);
    const definitions: DefinitionNode[] = [op, ...[...used.values()].sort((a, b) => a.name.value.localeCompare(b.name.value))];
    const body = print({ kind: Kind.DOCUMENT, definitions });
    const id = sha256Hex(body);
    const name = op.name!.value;
    const other = names.get(name);
    if (other !== undefined && other !== id)
      throw new Error(`${file}: two different operations are named ${name}; operation names must be unique in a manifest.`);
    names.set(name, id);
    byId.set(id, { id, name, type: op.operation, body });
  }
  return {
    format: 'apollo-persisted-query-manifest',
    version: 1,
    operations: [...byId.values()].sort((a, b) => a.name.localeCompare(b.name)),
  };
}

/** Reads and checks a manifest file. */
export function loadManifest(path: string): PersistedQueryManifest {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new Error(
      `AUGUR_PERSISTED_QUERIES_MANIFEST (${path}) cannot be read as JSON: ${(err as Error).message}. Generate it with "npm run persisted:manifest".`,
    );
  }
  const m = raw as Partial<PersistedQueryManifest>;
  if (m?.format !== 'apollo-persisted-query-manifest' || m.version !== 1 || !Array.isArray(m.operations)) {
    throw new Error(
      `AUGUR_PERSISTED_QUERIES_MANIFEST (${path}) is not an Apollo persisted query manifest: expected {"format":"apollo-persisted-query-manifest","version":1,"operations":[...]}.`,
    );
  }
  m.operations.forEach((op, i) => {
    if (typeof op?.id !== 'string' || typeof op.body !== 'string' || !op.id || !op.body) {
      throw new Error(`AUGUR_PERSISTED_QUERIES_MANIFEST (${path}): operations[${i}] needs a non-empty string "id" and "body".`);
    }
  });
  return m as PersistedQueryManifest;
}

/** The manifest in force in allow-list mode: the configured file, else the operations under `examples/`. */
export function resolveManifest(path: string | undefined): PersistedQueryManifest {
  if (path) return loadManifest(path);
  return manifestFromDocuments(findDocuments(examplesDirectory()));
}

function normalized(source: string): string | undefined {
  try {
    return print(parse(source));
  } catch {
    return undefined;
  }
}

/** The allow-list: registered ids and bodies, and the check applied to every operation's text. */
export class AllowList {
  /** id or SHA-256 of a body (as sent, or normalised) -> body. */
  private readonly bodies = new Map<string, string>();
  private readonly allowedHashes = new Set<string>();
  /** Recently checked texts that differ from a registered body only in formatting. */
  private readonly recent = new Map<string, boolean>();

  constructor(readonly manifest: PersistedQueryManifest) {
    for (const op of manifest.operations) {
      this.bodies.set(op.id, op.body);
      this.bodies.set(sha256Hex(op.body), op.body);
      this.allowedHashes.add(sha256Hex(op.body));
      const n = normalized(op.body);
      if (n !== undefined) this.allowedHashes.add(sha256Hex(n));
    }
  }

  get size(): number {
    return this.manifest.operations.length;
  }

  allows(source: string): boolean {
    const hash = sha256Hex(source);
    if (this.allowedHashes.has(hash)) return true;
    let ok = this.recent.get(hash);
    if (ok === undefined) {
      const n = normalized(source);
      ok = n !== undefined && this.allowedHashes.has(sha256Hex(n));
      if (this.recent.size >= 1000) this.recent.clear();
      this.recent.set(hash, ok);
    }
    return ok;
  }

  /**
   * A read-only APQ store: registered operations resolve by id; registrations of anything else are ignored. Marked so
   * Apollo does not prefix its keys (the ids are looked up as they are).
   */
  cache(): KeyValueCache<string> {
    return PrefixingKeyValueCache.cacheDangerouslyDoesNotNeedPrefixesForIsolation({
      get: async (key: string) => this.bodies.get(key),
      set: async () => undefined,
      delete: async () => false,
    });
  }

  /**
   * Checks a GraphQL-over-HTTP request before Apollo parses anything: every operation carrying its text (POST body,
   * batch, or GET `query` parameter) must be registered. Operations sent by hash alone pass: Apollo looks them up in
   * `cache()`, which knows only registered ids. Answers the error response to send, or undefined.
   */
  refusal(method: string, search: string, body: unknown): { status: number; body: { errors: unknown[] } } | undefined {
    const requests: unknown[] = method === 'GET' ? [Object.fromEntries(new URLSearchParams(search))] : Array.isArray(body) ? body : [body];
    for (const r of requests) {
      const query = (r as { query?: unknown } | null)?.query;
      if (typeof query !== 'string' || query === '' || this.allows(query)) continue;
      const name = (r as { operationName?: unknown }).operationName;
      const label = typeof name === 'string' && name ? ` "${name}"` : '';
      return {
        status: 403,
        body: {
          errors: [
            {
              message: `This server only runs registered operations, and the operation${label} sent is not in its persisted query manifest. Send a registered operation (its id in extensions.persistedQuery.sha256Hash, or its exact text), or register it and redeploy.`,
              extensions: { code: PERSISTED_QUERY_NOT_ALLOWED },
            },
          ],
        },
      };
    }
    return undefined;
  }
}
