/**
 * Shapes `errors[]` for clients, after `formatError` (server/errors.ts) has formatted each error:
 *
 * - One error per failure, not per field it reached: the errors of one failed upstream call (a DataLoader rejects
 *   every key of a failed batch with the same Error) merge into one, and identical input errors (the same message
 *   about the same input) merge likewise. The merged error keeps the first `path` and lists every path in
 *   `extensions.paths`; every error with a path carries `paths`.
 * - An `InputErrors` (several problems with one field's input) is served as one error per problem, each with its
 *   `extensions.field`.
 * - Every error carries the request id (`x-request-id`) in `extensions.requestId`.
 * - The order is deterministic whatever order the resolvers failed in: errors without a path first, as they came,
 *   then by path.
 */
import type { GraphQLFormattedError } from 'graphql';
import { AugurError, ErrorCode, InputErrors } from '../../core/errors.js';
import type { Context } from '../context.js';
import { originalErrorOf } from '../errors.js';
import type { AugurPlugin } from './combine.js';

type Path = ReadonlyArray<string | number>;

interface Entry {
  error: GraphQLFormattedError;
  key: unknown;
}

/** What makes two errors the same failure: the same Error instance, or the same input problem. */
function keyOf(error: GraphQLFormattedError, original: unknown): unknown {
  if (original instanceof AugurError && original.code === ErrorCode.BAD_USER_INPUT) {
    return `input|${error.message}|${JSON.stringify(error.extensions?.['field'] ?? null)}`;
  }
  return typeof original === 'object' && original !== null ? original : error;
}

function expand(errors: readonly GraphQLFormattedError[]): Entry[] {
  const out: Entry[] = [];
  for (const error of errors) {
    const original = originalErrorOf(error);
    if (original instanceof InputErrors && original.problems.length > 0) {
      for (const problem of original.problems) {
        const expanded: GraphQLFormattedError = {
          message: problem.message,
          ...(error.locations ? { locations: error.locations } : {}),
          ...(error.path ? { path: error.path } : {}),
          extensions: { ...problem.extensions },
        };
        out.push({ error: expanded, key: keyOf(expanded, problem) });
      }
    } else out.push({ error, key: keyOf(error, original) });
  }
  return out;
}

function comparePaths(a: Path, b: Path): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (x === y) continue;
    if (typeof x === 'number' && typeof y === 'number') return x - y;
    if (typeof x === 'number') return -1;
    if (typeof y === 'number') return 1;
    return x < y ? -1 : 1;
  }
  return a.length - b.length;
}

/** Merges, expands, orders and stamps the errors of one response (see the module's comment). */
export function shapeErrors(errors: readonly GraphQLFormattedError[], requestId: string): GraphQLFormattedError[] {
  const groups = new Map<unknown, GraphQLFormattedError[]>();
  for (const { error, key } of expand(errors)) {
    const group = groups.get(key);
    if (group) group.push(error);
    else groups.set(key, [error]);
  }
  const merged = [...groups.values()].map((group) => {
    const paths = group.flatMap((e) => (e.path ? [e.path] : [])).sort(comparePaths);
    const first = group.find((e) => e.path && comparePaths(e.path, paths[0]!) === 0) ?? group[0]!;
    const extensions: Record<string, unknown> = { ...first.extensions };
    if (paths.length > 0) extensions['paths'] = paths;
    extensions['requestId'] = requestId;
    return { ...first, ...(paths.length > 0 ? { path: paths[0] } : {}), extensions } as GraphQLFormattedError;
  });
  const located = merged.filter((e) => e.path).sort((a, b) => comparePaths(a.path!, b.path!));
  return [...merged.filter((e) => !e.path), ...located];
}

/** The plugin that applies `shapeErrors` to every response Apollo sends. */
export function errorsPlugin(): AugurPlugin<Context> {
  return {
    requestDidStart() {
      return {
        willSendResponse({ response, contextValue }) {
          if (response.body.kind !== 'single') return;
          const errors = response.body.singleResult.errors;
          if (errors?.length) response.body.singleResult.errors = shapeErrors(errors, contextValue.requestId);
        },
      };
    },
  };
}
