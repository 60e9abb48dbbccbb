/**
 * The audit trail of writes: one `audit` log line per mutation with who asked (the token's subject and issuer, its
 * tenant, or the kind of caller), the operation's name, the mutation fields it selected and the outcome; and
 * `augur_mutations_total{tenant, outcome}` in `/metrics`. Never a token, a key, variables or the query text.
 */
import { Kind, OperationTypeNode } from 'graphql';
import { Counter, type Registry } from 'prom-client';
import type { Context } from '../context.js';
import type { Logger } from '../../core/logger.js';
import { errorCodes, operationName, operationOutcome } from './operation.js';
import type { AugurPlugin } from './combine.js';

export interface AuditPluginOptions {
  logger: Logger;
  /** Where `augur_mutations_total` is registered, when metrics are on. */
  registry?: Registry;
}

/** `ok`, `partial` or `error` as for every operation, or `rejected` when a payload answered user errors instead. */
export type AuditOutcome = 'ok' | 'partial' | 'error' | 'rejected';

export function auditPlugin({ logger, registry }: AuditPluginOptions): AugurPlugin<Context> {
  const audit = logger.child({}, { redact: [] });
  const mutations = registry
    ? new Counter({
        name: 'augur_mutations_total',
        help: 'Mutations by tenant (`none` without one) and outcome (ok, partial, error, rejected: answered user errors).',
        labelNames: ['tenant', 'outcome'] as const,
        registers: [registry],
      })
    : undefined;
  return {
    requestDidStart() {
      return {
        willSendResponse(requestContext) {
          const operation = requestContext.operation;
          if (operation?.operation !== OperationTypeNode.MUTATION) return;
          const ctx = requestContext.contextValue;
          const response = requestContext.response;
          const result = response.body.kind === 'single' ? response.body.singleResult : response.body.initialResult;
          let outcome: AuditOutcome = operationOutcome(response);
          const payloads = Object.values(result.data ?? {});
          if (outcome === 'ok' && payloads.some((p) => ((p as { userErrors?: unknown[] } | null)?.userErrors?.length ?? 0) > 0)) {
            outcome = 'rejected';
          }
          const fields = operation.selectionSet.selections.flatMap((s) => (s.kind === Kind.FIELD ? [s.name.value] : []));
          const { principal } = ctx;
          const tenant = principal.tenant ?? null;
          audit.info(
            {
              event: 'audit',
              requestId: ctx.requestId,
              caller: principal.kind,
              subject: principal.subject ?? null,
              issuer: principal.issuer ?? null,
              tenant,
              operationName: operationName(requestContext),
              fields,
              outcome,
              codes: errorCodes(response).codes,
            },
            `mutation ${outcome}`,
          );
          mutations?.inc({ tenant: tenant ?? 'none', outcome });
        },
      };
    },
  };
}
