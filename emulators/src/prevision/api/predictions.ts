/**
 * Internal to the Prevision emulator: the `/ext/v1` bulk predictions routes.
 */
import type { RouteDef } from '../../framework/emulator.js';
import { badRequest, objectBody, type HandlerContext } from '../context.js';
import { predictionCsv } from '../training.js';
import type { PredictionRecord } from '../store.js';
import { API, ok, zipReply, type ApiScope } from './scope.js';

/** The `/ext/v1` bulk predictions routes. */
export function predictionRoutes(ctx: HandlerContext, scope: ApiScope): RouteDef[] {
  const { store, options } = ctx;
  const { page, deployment, prediction, datasetInProject } = scope;

  return [
    // Bulk predictions
    {
      method: 'POST',
      path: `${API}/deployments/{id}/deployment-predictions`,
      handler: (req) => {
        const d = deployment(req.params['id']!);
        store.jobs.settleAll();
        if (d.deploy_state !== 'done')
          throw badRequest(`Deployment ${d._id} is not running yet (deploy_state ${d.deploy_state}); wait until it is done.`);
        const body = objectBody(req);
        const ds = datasetInProject(d.project_id, body['dataset_id'], 'dataset_id');
        const main = store.models.get(d.models[0]!._id);
        const scorer = main?.scorer ?? null;
        const columns = new Set(ds.columns.map((c) => c.name));
        const missing = scorer ? scorer.features.map((f) => f.name).filter((n) => !columns.has(n)) : [];
        const now = options.now();
        const filename = `${ds.wire.name}_predictions`;
        const rec: PredictionRecord = {
          wire: {
            _id: store.ids.next(now),
            project_id: d.project_id,
            deployment_id: d._id,
            deployment_version: d.current_version,
            dataset_id: ds.wire._id,
            dataset_name: ds.wire.name,
            filename,
            state: 'pending',
            main_model_id: d.models[0]!._id,
            challenger_model_id: d.models[1]?._id ?? null,
            main_model_prediction_state: 'pending',
            challenger_model_prediction_state: d.models[1] ? 'pending' : null,
            missing_columns: missing,
            predictions_count: null,
            created_at: new Date(now).toISOString(),
            created_by: store.profile._id,
          },
          result: null,
        };
        const w = rec.wire;
        store.predictions.set(w._id, rec);
        const fails = !scorer || (missing.length > 0 && d.current_type_violation_policy === 'strict');
        store.jobs.start(w._id, 'DEPLOYMENT_PREDICTION_UPDATE', [
          () => {
            w.state = 'running';
            w.main_model_prediction_state = 'running';
            if (w.challenger_model_prediction_state) w.challenger_model_prediction_state = 'running';
          },
          () => {
            const final = fails ? 'failed' : 'done';
            if (!fails) {
              const out = predictionCsv(scorer, ds, filename);
              rec.result = out.zip;
              w.predictions_count = out.count;
            }
            w.state = final;
            w.main_model_prediction_state = final;
            if (w.challenger_model_prediction_state) w.challenger_model_prediction_state = final;
          },
        ]);
        // The whole prediction, as GET /deployment-predictions/{id} serves it: predict_from_dataset() builds
        // DeploymentPrediction(**body), whose constructor requires _id, project_id and deployment_id.
        return ok(w);
      },
    },
    {
      method: 'GET',
      path: `${API}/deployments/{id}/deployment-predictions`,
      handler: (req) => {
        const id = deployment(req.params['id']!)._id;
        store.jobs.settleAll();
        return page(
          [...store.predictions.values()].filter((p) => p.wire.deployment_id === id).map((p) => p.wire),
          req,
        );
      },
    },
    {
      method: 'GET',
      path: `${API}/deployment-predictions/{id}`,
      handler: (req) => {
        const p = prediction(req.params['id']!);
        store.jobs.read(p.wire._id);
        return ok(p.wire);
      },
    },
    {
      method: 'GET',
      path: `${API}/deployment-predictions/{id}/download`,
      handler: (req) => {
        const p = prediction(req.params['id']!);
        store.jobs.settleAll();
        if (!p.result) {
          throw badRequest(
            `Prediction ${p.wire._id} has no result to download (state ${p.wire.state}); wait for main_model_prediction_state done.`,
          );
        }
        return zipReply(`${p.wire.filename}.zip`, p.result);
      },
    },
  ];
}
