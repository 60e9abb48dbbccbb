/** Civis models and their predictions: `Civis.models`, `model`, `predictions`, `prediction` and their object types. */
import type { InputMaybe, Resolvers } from '../../generated/resolvers.js';
import type { ConnectionArgs } from '../../relay/connection.js';
import { CIVIS_LISTS } from '../../upstreams/civis/client.js';
import type { CivisTableSummary } from '../../upstreams/civis/databaseTypes.js';
import type { CivisModelDetail, CivisPredictionDetail } from '../../upstreams/civis/modelTypes.js';
import { AugurError, ErrorCode, badInput } from '../../core/errors.js';
import type { Context } from '../context.js';
import {
  arrayConnection,
  civisId,
  connection,
  detailField,
  flag,
  gid,
  idString,
  loadCivis,
  lookupId,
  pid,
  runState,
  userIds,
  civisOrder,
} from './shared.js';
import { archivedParam } from './listFilters.js';

/** The build states Civis's model list filters on (its `status`, which also takes `scheduled`). */
const MODEL_STATES = new Set(['running', 'failed', 'succeeded', 'idle']);

/** Civis's one `status` value from `state` and `scheduled`, at most one of them. */
function modelStatus(state: InputMaybe<string> | undefined, scheduled: InputMaybe<boolean> | undefined): string | undefined {
  if (state != null && scheduled != null)
    throw badInput('Pass either "state" or "scheduled": Civis filters models on one status.', { param: 'scheduled' });
  if (scheduled === false)
    throw badInput('Argument "scheduled" takes true only: Civis cannot list models without a schedule.', { param: 'scheduled' });
  if (scheduled) return 'scheduled';
  if (state == null) return undefined;
  if (!MODEL_STATES.has(state))
    throw badInput(`Argument "state" is ${state.toUpperCase()}; Civis filters models on RUNNING, FAILED, SUCCEEDED or IDLE.`, {
      param: 'state',
    });
  return state;
}

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
        {
          model_name: args.name || undefined,
          training_table_name: args.trainingTableName || undefined,
          dependent_variable: args.dependentVariable ?? undefined,
          status: modelStatus(args.state, args.scheduled),
          author: userIds(ctx, args.author, 'author'),
          archived: archivedParam(args),
          hidden: flag(args.hidden),
        },
        args,
        civisOrder(args.orderBy),
      ),
    model: (_r, args, ctx) => loadCivis(ctx, 'CivisModel', lookupId(ctx, args, 'CivisModel')),
    predictions: (_r, args, ctx) =>
      predictionsConnection(ctx, args.model != null ? civisId(ctx, args.model, 'CivisModel', 'model') : undefined, args),
    prediction: (_r, args, ctx) => loadCivis(ctx, 'CivisPrediction', lookupId(ctx, args, 'CivisPrediction')),
  },
  CivisModel: {
    id: gid('CivisModel'),
    platformId: pid,
    name: (m) => m.modelName,
    database: (m, _a, ctx) => loadCivis(ctx, 'CivisDatabase', m.databaseId),
    modelTypePlatformId: (m) => String(m.modelTypeId),
    currentBuildState: (m) => runState(m.currentBuildState),
    activeBuildPlatformId: detailField<CivisModelDetail, string | null>('CivisModel', 'activeBuildId', (d) => idString(d.activeBuildId)),
    author: (m) => m.user,
    predictions: (m, args, ctx) => predictionsConnection(ctx, m.id, args),
  },
  CivisPrediction: {
    id: gid('CivisPrediction'),
    platformId: pid,
    state: (p) => runState(p.state),
    primaryKey: detailField<CivisPredictionDetail, string[]>('CivisPrediction', 'primaryKey', (d) => d.primaryKey),
    model: (p, _a, ctx) => loadCivis(ctx, 'CivisModel', p.modelId),
    // A scored table may be dropped after the prediction ran: that is an answer (null), not a failure.
    scoredTable: (p, _a, ctx) =>
      loadCivis<CivisTableSummary>(ctx, 'CivisTable', p.scoredTableId).catch((e: unknown) => {
        if (e instanceof AugurError && e.code === ErrorCode.NOT_FOUND) return null;
        throw e;
      }),
  },
};
