/**
 * One structured log line per GraphQL operation (`event: "operation"`). Only facts Augur computed are logged (name,
 * type, outcome, timings, counts, error codes, request id): never headers, variables or the query text, so no secret
 * a caller sends can reach the logs.
 */
import type { OperationDefinitionNode } from 'graphql';
import type { Context } from '../context.js';
import type { Logger } from '../../core/logger.js';
import { errorCodes, operationName, operationOutcome, operationType } from './operation.js';
import type { AugurPlugin } from './combine.js';

export interface LoggingPluginOptions {
  logger: Logger;
  /** Estimated cost of each validated operation, as recorded by the limit rules. */
  costs?: Pick<WeakMap<OperationDefinitionNode, number>, 'get'>;
}

export function loggingPlugin({ logger, costs }: LoggingPluginOptions): AugurPlugin<Context> {
  // Every field of this line is computed by Augur (no header, variable, query text or upstream text), so it skips the
  // root logger's path-based redaction, which walks and copies each logged object: 4-5x the cost of the line itself.
  const operations = logger.child({}, { redact: [] });
  return {
    requestDidStart() {
      const started = performance.now();
      return {
        willSendResponse(requestContext) {
          const ctx = requestContext.contextValue;
          const outcome = operationOutcome(requestContext.response);
          const { codes, count } = errorCodes(requestContext.response);
          const name = operationName(requestContext);
          operations.info(
            {
              event: 'operation',
              requestId: ctx.requestId,
              operationName: name,
              operationType: operationType(requestContext),
              outcome,
              // The estimate admission control weighs (AUGUR_MAX_ACTIVE_COST); null when the document did not validate.
              cost: (requestContext.operation && costs?.get(requestContext.operation)) ?? null,
              durationMs: Math.round((performance.now() - started) * 100) / 100,
              // Parts of durationMs spent waiting: for admission, and for Previsto's rate budget (summed over calls).
              queuedMs: ctx.budget.queuedMs,
              rateLimitWaitMs: ctx.budget.rateLimitWaitMs,
              upstreamCalls: ctx.budget.calls,
              cacheHits: ctx.budget.cacheHits,
              sharedCalls: ctx.budget.sharedCalls,
              batchedItems: ctx.budget.batchedItems,
              retries: ctx.budget.retries,
              errorCodes: codes,
              errorCount: count,
            },
            `${name ?? 'anonymous'} ${outcome}`,
          );
        },
      };
    },
  };
}
