/**
 * The operation deadline (`AUGUR_OPERATION_TIMEOUT_MS`) inside Apollo's pipeline: the clock starts when execution
 * starts, so time spent parsing, validating and queued for admission does not count (admission has its own bounds:
 * the queue length, and `SERVER_BUSY` past it), and it stops when the response is sent. When it fires, the
 * operation's signal aborts every upstream call still in flight or waiting (see `OperationDeadline`); each field
 * waiting on one fails with OPERATION_TIMEOUT, so execution finishes at once with the data already resolved, and the
 * admission slot is given back as the response goes out.
 */
import type { Context } from '../context.js';
import type { Logger } from '../../core/logger.js';
import type { AugurPlugin } from './combine.js';

export interface DeadlinePluginOptions {
  /** Told when an operation's deadline passes (one warning line per such operation). */
  logger: Logger;
}

export function deadlinePlugin({ logger }: DeadlinePluginOptions): AugurPlugin<Context> {
  return {
    requestDidStart() {
      return {
        executionDidStart({ contextValue }) {
          const { budget } = contextValue;
          budget.operationDeadline.start(() =>
            logger.warn(
              {
                event: 'operation_timeout',
                requestId: budget.requestId,
                timeoutMs: budget.operationDeadline.timeoutMs,
                upstreamCalls: budget.calls,
              },
              'operation deadline passed; aborting its upstream calls',
            ),
          );
        },
        willSendResponse({ contextValue }) {
          contextValue.budget.operationDeadline.stop();
        },
      };
    },
  };
}
