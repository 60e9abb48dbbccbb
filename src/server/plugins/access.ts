/**
 * Refuses a mutation operation before its first field runs when the caller may not run one of its fields (see
 * `forbiddenMutations` in access.ts): answered 200 with one FORBIDDEN error at the first refused field, no data, and
 * no upstream call.
 */
import { GraphQLError, Kind, OperationTypeNode, type FragmentDefinitionNode, type GraphQLSchema } from 'graphql';
import { forbidden, forbiddenMutations, type AccessTable } from '../access.js';
import type { Context } from '../context.js';
import { AugurError, ErrorCode } from '../../core/errors.js';
import type { AugurPlugin } from './combine.js';

export function mutationAccessPlugin(schema: GraphQLSchema, table: AccessTable): AugurPlugin<Context> {
  return {
    requestDidStart() {
      return {
        didResolveOperation({ operation, document, contextValue }) {
          if (operation?.operation !== OperationTypeNode.MUTATION) return;
          const fragments: Record<string, FragmentDefinitionNode> = {};
          for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments[d.name.value] = d;
          const refused = forbiddenMutations(schema, table, operation, fragments, contextValue.principal);
          if (refused.length === 0) return;
          const first = refused[0]!;
          const error = forbidden(contextValue.principal, first.requirements, `The mutation ${first.field}`);
          const others = refused.slice(1).map((r) => r.field);
          const refusal = new AugurError(
            ErrorCode.FORBIDDEN,
            others.length > 0 ? `${error.message} Nothing ran; also refused: ${others.join(', ')}.` : `${error.message} Nothing ran.`,
            { ...error.details, fields: refused.map((r) => r.field) },
          );
          // The formatter serves the AugurError's message and extensions; Apollo takes the status from this wrapper.
          throw new GraphQLError(refusal.message, {
            path: [first.field],
            originalError: refusal,
            extensions: { ...refusal.extensions, http: { status: 200 } },
          });
        },
      };
    },
  };
}
