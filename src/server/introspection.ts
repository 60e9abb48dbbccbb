/**
 * Introspection answered from memory. Its result depends only on the document and its variables, executing it is
 * synchronous (a standard introspection query builds about 3,000 objects in one go), and GraphiQL and code
 * generators send the same query again and again: the results of the last few introspection-only operations are kept
 * and served without executing them again.
 */
import type { ApolloServerPlugin, GraphQLRequestContext } from '@apollo/server';
import {
  Kind as GraphQLKind,
  OperationTypeNode as GraphQLOperationTypeNode,
  type DocumentNode,
  type FormattedExecutionResult,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';

// graphql's enums read once: through a bundle's CommonJS interop every access would run a getter chain.
const Kind = GraphQLKind;
const OperationTypeNode = GraphQLOperationTypeNode;

/** Whether every root field of `operation` (fragments included) is `__schema`, `__type` or `__typename`. */
export function isIntrospectionOnly(operation: OperationDefinitionNode, document: DocumentNode): boolean {
  if (operation.operation !== OperationTypeNode.QUERY) return false;
  const fragments = new Map<string, SelectionSetNode>();
  for (const def of document.definitions) if (def.kind === Kind.FRAGMENT_DEFINITION) fragments.set(def.name.value, def.selectionSet);
  const seen = new Set<string>();
  const pending: SelectionSetNode[] = [operation.selectionSet];
  while (pending.length > 0) {
    for (const sel of pending.pop()!.selections) {
      if (sel.kind === Kind.FIELD) {
        if (!sel.name.value.startsWith('__')) return false;
      } else if (sel.kind === Kind.INLINE_FRAGMENT) pending.push(sel.selectionSet);
      else if (!seen.has(sel.name.value)) {
        seen.add(sel.name.value);
        const set = fragments.get(sel.name.value);
        if (set) pending.push(set);
      }
    }
  }
  return true;
}

type Ctx = GraphQLRequestContext<object>;

function keyOf(ctx: Ctx): string | undefined {
  const { operation, document, queryHash, request } = ctx;
  if (!operation || !document || !queryHash || !isIntrospectionOnly(operation, document)) return undefined;
  return `${queryHash}\n${ctx.operationName ?? ''}\n${JSON.stringify(request.variables ?? {})}`;
}

export function introspectionCachePlugin<C extends object>({
  entries = 8,
  onHit,
}: { entries?: number; onHit?: () => void } = {}): ApolloServerPlugin<C> {
  const results = new Map<string, FormattedExecutionResult>();
  return {
    async requestDidStart() {
      let key: string | undefined;
      return {
        async responseForOperation(ctx) {
          key = keyOf(ctx as unknown as Ctx);
          const hit = key === undefined ? undefined : results.get(key);
          if (!hit) return null;
          // Most recently used last.
          results.delete(key!);
          results.set(key!, hit);
          key = undefined;
          onHit?.();
          return { http: ctx.response.http, body: { kind: 'single', singleResult: hit } };
        },
        async willSendResponse({ response }) {
          if (key === undefined || response.body.kind !== 'single' || response.body.singleResult.errors) return;
          if (results.size >= entries) results.delete(results.keys().next().value as string);
          results.set(key, response.body.singleResult);
        },
      };
    },
  };
}
