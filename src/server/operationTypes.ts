/**
 * A validation rule refusing an operation whose type the schema does not serve (`subscription`: Augur has none).
 * graphql-js 16 validates such a document and only fails while executing it, with an error that carries no code.
 */
import { GraphQLError, OperationTypeNode, type ASTVisitor, type ValidationContext } from 'graphql';

const PLURAL: Record<OperationTypeNode, string> = {
  [OperationTypeNode.QUERY]: 'queries',
  [OperationTypeNode.MUTATION]: 'mutations',
  [OperationTypeNode.SUBSCRIPTION]: 'subscriptions',
};

export function SupportedOperationTypesRule(context: ValidationContext): ASTVisitor {
  const schema = context.getSchema();
  return {
    OperationDefinition(node) {
      if (schema.getRootType(node.operation)) return;
      const served = Object.values(OperationTypeNode).filter((t) => schema.getRootType(t));
      context.reportError(
        new GraphQLError(`This API serves no ${PLURAL[node.operation]}, only ${served.map((t) => PLURAL[t]).join(' and ')}.`, {
          nodes: node,
        }),
      );
    },
  };
}

/**
 * A validation rule for `/graphql` over plain HTTP: subscriptions are served by the streaming transports only
 * (live/sse.ts, live/ws.ts), so one posted to `/graphql` is refused with where to send it, not executed once.
 */
export function SubscriptionsOverStreamsRule(context: ValidationContext): ASTVisitor {
  return {
    OperationDefinition(node) {
      if (node.operation !== OperationTypeNode.SUBSCRIPTION) return;
      context.reportError(
        new GraphQLError(
          'Subscriptions are served as event streams: POST them to /graphql/stream with "Accept: text/event-stream" (GraphQL over SSE), or send them over a WebSocket to /graphql (graphql-transport-ws).',
          { nodes: node },
        ),
      );
    },
  };
}
