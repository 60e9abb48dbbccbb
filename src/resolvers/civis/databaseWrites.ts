/** Civis database writes: cancelling a query (`Mutation.cancelCivisQuery`) and a table's metadata (`updateCivisTable`). */
import type { Resolvers } from '../../generated/resolvers.js';
import type { CivisQuery, CivisTableSummary } from '../../upstreams/civis/databaseTypes.js';
import { payload, pointing } from '../userErrors.js';
import { call, civisId } from './shared.js';
import { Problems, finished, refusal } from './writeChecks.js';

/** The database writes' part of the resolver map. */
export const databaseWriteResolvers: Resolvers = {
  Mutation: {
    cancelCivisQuery: (_p, { input }, ctx) =>
      payload(
        async () => {
          const id = civisId(ctx, input.id, 'CivisQuery', 'input.id');
          const query = await pointing(
            () => ctx.services.civis.get<CivisQuery>(call(ctx), 'queries', id),
            () => 'input.id',
          );
          await pointing(
            () => ctx.services.civis.cancelQueryRun(call(ctx), id, query.lastRunId),
            () => 'input.id',
          ).catch(finished('query'));
          return ctx.services.civis.get<CivisQuery>(call(ctx), 'queries', id);
        },
        (query): { query: CivisQuery | null } => ({ query }),
        { query: null },
      ),
    updateCivisTable: (_p, { input }, ctx) =>
      payload(
        () => {
          const p = new Problems();
          const id = p.id(ctx, 'input.id', input.id, 'CivisTable');
          if (input.description === undefined && input.primaryKeys == null && input.lastModifiedKeys == null)
            p.add('input', 'input changes nothing; pass at least one field to update.');
          for (const f of ['primaryKeys', 'lastModifiedKeys'] as const) {
            const v = input[f];
            if (v && v.some((c) => !c.trim())) p.add(`input.${f}`, `input.${f} must name columns; one is blank.`);
            if (v && new Set(v).size !== v.length) p.add(`input.${f}`, `input.${f} names a column twice.`);
          }
          p.throwIfAny();
          const body: Record<string, unknown> = {};
          if (input.description !== undefined) body['description'] = input.description;
          if (input.primaryKeys != null) body['primaryKeys'] = input.primaryKeys;
          if (input.lastModifiedKeys != null) body['lastModifiedKeys'] = input.lastModifiedKeys;
          return pointing(
            () => ctx.services.civis.updateTable<CivisTableSummary>(call(ctx), id!, body),
            refusal('input.id', [
              ['input.primaryKeys', 'primaryKeys'],
              ['input.lastModifiedKeys', 'lastModifiedKeys'],
            ]),
          );
        },
        (table): { table: CivisTableSummary | null } => ({ table }),
        { table: null },
      ),
  },
};
