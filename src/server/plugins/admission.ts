/**
 * Admission control inside Apollo's pipeline: once an operation is parsed, validated and resolved (so its estimated
 * cost is known, and a bad request never queues), it waits for the gate before executing, and gives its cost back when
 * its response is sent. A full queue answers 503 `SERVER_BUSY` with `Retry-After: 1`, before any upstream call; an
 * operation whose caller hung up while it waited is dropped unexecuted.
 */
import { HeaderMap, type GraphQLRequestContextDidResolveOperation } from '@apollo/server';
import { GraphQLError, type OperationDefinitionNode } from 'graphql';
import type { AdmissionGate, AdmissionTicket } from '../admission.js';
import type { Context } from '../context.js';
import { ErrorCode } from '../../core/errors.js';
import type { AugurPlugin } from './combine.js';

export function admissionPlugin(
  gate: AdmissionGate,
  costs: Pick<WeakMap<OperationDefinitionNode, number>, 'get'>,
  /** Runs first and may refuse the operation by throwing (the upstream-call share): nothing is queued then. */
  check?: (requestContext: GraphQLRequestContextDidResolveOperation<Context>) => void,
  /** Whose operation it is, for fair waiting between clients (the context's caller by default). */
  clientOf: (context: Context) => string = (context) => context.caller,
): AugurPlugin<Context> {
  return {
    requestDidStart() {
      let ticket: AdmissionTicket | undefined;
      const waitFor = async (entry: Promise<AdmissionTicket>, contextValue: Context): Promise<void> => {
        const waitFrom = performance.now();
        ticket = await entry;
        contextValue.budget.queuedMs = Math.round((performance.now() - waitFrom) * 100) / 100;
        // A caller that hung up while its operation waited gets nothing executed: under overload, clients that
        // time out and retry would otherwise have every abandoned attempt run as well.
        if (contextValue.callerGone()) {
          gate.leave(ticket);
          ticket = undefined;
          throw new GraphQLError('The caller closed the connection while the operation waited for admission; nothing was executed.', {
            extensions: { code: ErrorCode.CALLER_GONE, http: { status: 499 } },
          });
        }
      };
      return {
        // Synchronous unless the operation must wait for its turn: no promise per admitted operation.
        didResolveOperation(requestContext) {
          check?.(requestContext);
          const { operation, contextValue } = requestContext;
          // Validation records every operation's cost; an unknown one (never the case with Apollo's document store)
          // counts as one field.
          const entry = gate.enter((operation && costs.get(operation)) ?? 1, clientOf(contextValue));
          if (entry === undefined) {
            throw new GraphQLError('Augur is at capacity: too many operations are waiting. Retry after a second.', {
              extensions: {
                code: ErrorCode.SERVER_BUSY,
                retryAfter: 1,
                limit: 'maxQueuedOperations',
                max: gate.maxQueued,
                http: { status: 503, headers: new HeaderMap([['retry-after', '1']]) },
              },
            });
          }
          if (entry instanceof Promise) return waitFor(entry, contextValue);
          ticket = entry;
          return undefined;
        },
        willSendResponse() {
          if (ticket) gate.leave(ticket);
          ticket = undefined;
        },
      };
    },
  };
}
