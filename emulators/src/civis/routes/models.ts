/**
 * Internal to the Civis emulator: the models and predictions routes.
 */
import { badRequest, notFound, paginate, qFlagFilter, qInt, qIntList, qString, type PageSpec } from '../query.js';
import { type CivisRoute, type RouteContext, MODELS_PAGE, RUNS_PAGE, ok, pathId, contains, P, HIDDEN, ARCHIVED, AUTHOR } from './kit.js';

/** The models and predictions routes, in matching order. */
export function modelRoutes(ctx: RouteContext): CivisRoute[] {
  const store = () => ctx.store();

  return [
    // -------------------------------------------------------------- models and predictions
    {
      method: 'GET',
      path: '/models/',
      handler: (req) => {
        const s = store();
        const q = req.query;
        const modelName = contains(qString(q, 'model_name'));
        const tableName = contains(qString(q, 'training_table_name'));
        const dv = qString(q, 'dependent_variable');
        const status = qString(q, 'status');
        const statuses = ['running', 'failed', 'succeeded', 'idle', 'scheduled'];
        if (status !== undefined && !statuses.includes(status))
          throw badRequest(`status must be one of ${statuses.join(', ')}, got ${JSON.stringify(status)}.`);
        const authors = qIntList(q, 'author');
        const hidden = qFlagFilter(q, 'hidden');
        const archived = qFlagFilter(q, 'archived');
        const out = [];
        for (const m of s.models.values()) {
          const w = m.wire;
          if (modelName && !modelName(w.modelName)) continue;
          if (tableName && !tableName(w.tableName)) continue;
          if (dv !== undefined && w.dependentVariable !== dv) continue;
          if (status === 'scheduled' ? !w.schedule.scheduled : status !== undefined && w.currentBuildState !== status) continue;
          if (authors && !authors.includes(w.user.id)) continue;
          if (!hidden(m.detail.hidden) || !archived(w.archived)) continue;
          out.push(w);
        }
        return paginate(q, out, MODELS_PAGE);
      },
      doc: {
        summary: 'List models',
        query: [
          P.str('model_name', 'If specified, will be used to filter the models returned. Substring matching is supported.'),
          P.str(
            'training_table_name',
            'If specified, will be used to filter the models returned by the training dataset table name. Substring matching is supported.',
          ),
          P.str('dependent_variable', 'If specified, will be used to filter the models returned by the dependent variable column name.'),
          P.str('status', 'If specified, returns models with one of these statuses: running, failed, succeeded, idle, scheduled.'),
          AUTHOR,
          HIDDEN,
          ARCHIVED,
        ],
        page: MODELS_PAGE as PageSpec<never>,
        status: 200,
        array: true,
        sample: (s) => [...s.models.values()].map((m) => m.wire),
      },
    },
    {
      method: 'GET',
      path: '/models/types',
      handler: () => ok(store().modelTypes),
      doc: { summary: 'List model types', status: 200, array: true, sample: (s) => s.modelTypes },
    },
    {
      method: 'GET',
      path: '/models/{id}',
      handler: (req) => ok(store().model(pathId(req)).detail),
      doc: { summary: 'Retrieve model configuration', status: 200, sample: (s) => [...s.models.values()].map((m) => m.detail) },
    },
    {
      method: 'GET',
      path: '/models/{id}/builds',
      handler: (req) => paginate(req.query, store().model(pathId(req)).builds, RUNS_PAGE),
      doc: {
        summary: 'List builds for the given model',
        page: RUNS_PAGE as PageSpec<never>,
        status: 200,
        array: true,
        sample: (s) => [...s.models.values()].flatMap((m) => m.builds),
      },
    },
    {
      method: 'GET',
      path: '/models/{id}/builds/{build_id}',
      handler: (req) => {
        const m = store().model(pathId(req));
        const buildId = pathId(req, 'build_id');
        const b = m.builds.find((x) => x.id === buildId);
        if (!b) throw notFound();
        return ok(b);
      },
      doc: { summary: 'Check status of a build', status: 200, sample: (s) => [...s.models.values()].flatMap((m) => m.builds) },
    },
    {
      method: 'GET',
      path: '/predictions/',
      handler: (req) => {
        const modelId = qInt(req.query, 'model_id');
        const out = [];
        for (const p of store().predictions.values()) if (modelId === undefined || p.wire.modelId === modelId) out.push(p.wire);
        return ok(out);
      },
      doc: {
        summary: 'List predictions',
        query: [P.int('model_id', 'If specified, only return predictions associated with this model ID.')],
        status: 200,
        array: true,
        sample: (s) => [...s.predictions.values()].map((p) => p.wire),
      },
    },
    {
      method: 'GET',
      path: '/predictions/{id}',
      handler: (req) => ok(store().prediction(pathId(req)).detail),
      doc: { summary: 'Show the specified prediction', status: 200, sample: (s) => [...s.predictions.values()].map((p) => p.detail) },
    },
  ];
}
