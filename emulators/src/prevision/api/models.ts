/**
 * Internal to the Prevision emulator: the `/ext/v1` validation predictions and models routes.
 */
import type { RouteDef } from '../../framework/emulator.js';
import { crossValidation, dynamicAnalysis, evaluate, featureImportances, hyperparameters, modelAnalysis } from '../analysis.js';
import { badRequest, objectBody, optionalString, requiredString, type HandlerContext } from '../context.js';
import { API, ok, noContent, tableReply, type ApiScope } from './scope.js';

/** The `/ext/v1` validation predictions and models routes. */
export function modelRoutes(ctx: HandlerContext, scope: ApiScope): RouteDef[] {
  const { store } = ctx;
  const {
    version,
    model,
    datasetInProject,
    validationPrediction,
    trainingDataset,
    modelVersion,
    booleanField,
    newValidationPrediction,
    completeValidation,
  } = scope;

  return [
    // Validation predictions (a model of a version scoring a dataset)
    {
      method: 'POST',
      path: `${API}/experiment-versions/{id}/validation-predictions`,
      handler: (req) => {
        const v = version(req.params['id']!);
        const body = objectBody(req);
        if (v.experiment.training_type === 'text-similarity' || body['queries_dataset_id'] !== undefined) {
          throw badRequest(
            `Text-similarity predictions (queries_dataset_id, top_k) are not supported here; experiment version ${v._id} is ${v.experiment.training_type}. Send {dataset_id, model_id, confidence} for a tabular model.`,
          );
        }
        store.jobs.settleAll();
        const modelId = requiredString(body, 'model_id');
        const m = store.models.get(modelId);
        if (!m || m.wire.experiment_version_id !== v._id) {
          throw badRequest(
            `Field "model_id": no model ${JSON.stringify(modelId)} in experiment version ${v._id}; list them with GET /experiment-versions/${v._id}/models.`,
          );
        }
        const ds = datasetInProject(v.project_id, body['dataset_id'], 'dataset_id');
        const confidence = booleanField(body, 'confidence', false);
        const folder = optionalString(body, 'folder_dataset_id');
        if (folder !== null) datasetInProject(v.project_id, folder, 'folder_dataset_id');
        const rec = newValidationPrediction(v, m, ds, { confidence, folder, holdout: false });
        store.jobs.start(rec.wire._id, 'PREDICTION_UPDATE', [
          () => {
            rec.wire.state = 'running';
          },
          () => completeValidation(rec, v, m, ds),
        ]);
        // The whole prediction: _predict_bulk() builds ValidationPrediction(**body), whose constructor requires
        // _id, experiment_id, experiment_version_id and project_id.
        return ok(rec.wire);
      },
    },
    {
      method: 'GET',
      path: `${API}/validation-predictions/{id}`,
      handler: (req) => {
        const p = validationPrediction(req.params['id']!);
        store.jobs.read(p.wire._id);
        return ok(p.wire);
      },
    },
    {
      method: 'DELETE',
      path: `${API}/validation-predictions/{id}`,
      handler: (req) => {
        store.deleteValidationPrediction(validationPrediction(req.params['id']!).wire._id);
        return noContent();
      },
    },
    {
      method: 'GET',
      path: `${API}/validation-predictions/{id}/download`,
      handler: (req) => {
        const p = validationPrediction(req.params['id']!);
        const extension = req.query.get('extension') || 'zip';
        if (extension !== 'zip' && extension !== 'csv') {
          throw badRequest(
            extension === 'parquet'
              ? 'Parquet downloads are not supported here: ask for extension=zip (the default) or extension=csv.'
              : `Query parameter extension must be zip, csv or parquet, got ${JSON.stringify(extension)}.`,
          );
        }
        store.jobs.settleAll();
        if (!p.result) {
          throw badRequest(
            `Prediction ${p.wire._id} has no result to download (state ${p.wire.state}); wait for its PREDICTION_UPDATE event and state done.`,
          );
        }
        return tableReply(p.wire.filename, p.result, extension);
      },
    },

    // Models
    { method: 'GET', path: `${API}/models/{id}`, handler: (req) => ok(model(req.params['id']!).wire) },
    {
      method: 'GET',
      path: `${API}/models/{id}/hyperparameters/download`,
      handler: (req) => ok(hyperparameters(model(req.params['id']!).wire)),
    },
    {
      method: 'GET',
      path: `${API}/models/{id}/features-importances/download`,
      handler: (req) => {
        const m = model(req.params['id']!);
        const v = modelVersion(m);
        const rows = featureImportances(m, v, store.datasets.get(v.dataset_id)).map((f) => [f.feature, f.importance]);
        return tableReply(`${m.wire.model_name}_features_importances`, { header: ['feature', 'importance'], rows }, 'zip');
      },
    },
    {
      method: 'GET',
      path: `${API}/models/{id}/cross-validation/download`,
      handler: (req) => {
        const m = model(req.params['id']!);
        const v = modelVersion(m);
        const cv = crossValidation(m, v, trainingDataset(v));
        if (!cv) throw badRequest(`Model ${m.wire._id} is a ${m.wire.training_type} model, which has no cross-validation file.`);
        return tableReply(`${m.wire.model_name}_cross_validation`, cv, 'zip');
      },
    },
    {
      method: 'GET',
      path: `${API}/models/{id}/analysis`,
      handler: (req) => {
        const m = model(req.params['id']!);
        return ok(modelAnalysis(m, trainingDataset(modelVersion(m))));
      },
    },
    {
      method: 'GET',
      path: `${API}/models/{id}/dynamic-analysis`,
      handler: (req) => {
        const m = model(req.params['id']!);
        const raw = req.query.get('threshold');
        const threshold = raw === null ? 0.5 : Number(raw);
        if (raw !== null && (raw.trim() === '' || !Number.isFinite(threshold) || threshold < 0 || threshold > 1)) {
          throw badRequest(`Query parameter threshold must be a number between 0 and 1, got ${JSON.stringify(raw)}.`);
        }
        if (!m.scorer?.classes) {
          throw badRequest(`Dynamic analysis is for binary classification models; model ${m.wire._id} is a ${m.wire.training_type} model.`);
        }
        return ok(dynamicAnalysis(m.scorer, evaluate(m.scorer, trainingDataset(modelVersion(m))), threshold));
      },
    },
  ];
}
