/** Civis models and their predictions: `Civis.models`, `model`, `predictions`, `prediction` and their object types. */
import type { Resolvers } from '../../generated/resolvers.js';
import type { ConnectionArgs } from '../../relay/connection.js';
import { CIVIS_LISTS } from '../../upstreams/civis/client.js';
import type { CivisModelDetail, CivisPredictionDetail } from '../../upstreams/civis/types.js';
import type { Context } from '../context.js';
import { arrayConnection, civisId, connection, date, detailField, flag, gid, loadCivis, runState, userIds } from './shared.js';

/** Civis does not paginate predictions: the list (of one model, or of all) is paged here. */
function predictionsConnection(ctx: Context, modelId: number | undefined, args: ConnectionArgs) {
  const params = modelId === undefined ? {} : { model_id: modelId };
  return arrayConnection(ctx, 'predictions', params, args, () => ctx.civis.predictions(modelId));
}

export const modelResolvers: Resolvers = {
  Civis: {
    models: (_r, args, ctx) =>
      connection(
        ctx,
        'models',
        CIVIS_LISTS.models,
        { model_name: args.name || undefined, author: userIds(ctx, args.author, 'author'), archived: flag(args.archived) },
        args,
      ),
    model: (_r, { id }, ctx) => loadCivis(ctx, 'CivisModel', civisId(ctx, id, 'CivisModel')),
    predictions: (_r, args, ctx) =>
      predictionsConnection(ctx, args.model != null ? civisId(ctx, args.model, 'CivisModel', 'model') : undefined, args),
    prediction: (_r, { id }, ctx) => loadCivis(ctx, 'CivisPrediction', civisId(ctx, id, 'CivisPrediction')),
  },
  CivisModel: {
    id: gid('CivisModel'),
    civisId: (m) => m.id,
    name: (m) => m.modelName,
    database: (m, _a, ctx) => loadCivis(ctx, 'CivisDatabase', m.databaseId),
    activeBuildId: detailField<CivisModelDetail, number | null>('CivisModel', 'activeBuildId', (d) => d.activeBuildId ?? null),
    createdAt: (m) => date(m.createdAt),
    updatedAt: (m) => date(m.updatedAt),
    author: (m) => m.user ?? null,
    lastRun: (m) => m.lastRun ?? null,
    predictions: (m, args, ctx) => predictionsConnection(ctx, m.id, args),
  },
  CivisPrediction: {
    id: gid('CivisPrediction'),
    civisId: (p) => p.id,
    state: (p) => runState(p.state),
    primaryKey: detailField<CivisPredictionDetail, string[]>('CivisPrediction', 'primaryKey', (d) => d.primaryKey ?? []),
    startedAt: (p) => date(p.startedAt),
    finishedAt: (p) => date(p.finishedAt),
    lastRun: (p) => p.lastRun ?? null,
    model: (p, _a, ctx) => loadCivis(ctx, 'CivisModel', p.modelId),
    scoredTable: (p, _a, ctx) => loadCivis(ctx, 'CivisTable', p.scoredTableId),
  },
};
