/**
 * Admission control inside Apollo's pipeline: once an operation is parsed, validated and resolved (so its estimated
 * cost is known, and a bad request never queues), it waits for the gate before executing, and gives its cost back when
 * its response is sent. A full queue answers 503 `SERVER_BUSY` with `Retry-After: 1`, before any upstream call.
 */
import { HeaderMap, type ApolloServerPlugin } from '@apollo/server';
import { GraphQLError, type OperationDefinitionNode } from 'graphql';
import type { AdmissionGate, AdmissionTicket } from '../admission.js';
import type { Context } from '../context.js';
import { ErrorCode } from '../errors.js';

export function admissionPlugin(gate: AdmissionGate, costs: WeakMap<OperationDefinitionNode, number>): ApolloServerPlugin<Context> {
  return {
    async requestDidStart() {
      let ticket: AdmissionTicket | undefined;
      return {
        async didResolveOperation({ operation }) {
          // Validation records every operation's cost; an unknown one (never the case with Apollo's document store)
          // counts as one field.
          const entry = gate.enter((operation && costs.get(operation)) ?? 1);
          if (entry === undefined) {
            throw new GraphQLError('Augur is at capacity: too many operations are waiting. Retry after a second.', {
              extensions: { code: ErrorCode.SERVER_BUSY, retryAfter: 1, http: { status: 503, headers: new HeaderMap([['retry-after', '1']]) } },
            });
          }
          ticket = entry instanceof Promise ? await entry : entry;
        },
        async willSendResponse() {
          if (ticket) gate.leave(ticket);
          ticket = undefined;
        },
      };
    },
  };
}
