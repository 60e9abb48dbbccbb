/**
 * Internal to the Prevision emulator: the `/ext/v1` experiments and experiment versions routes.
 */
import { EmulatorError, type RouteDef } from '../../framework/emulator.js';
import { correlationMatrix, distributionChart, droppedFeatures, featureInfos, featuresStats, versionGraph } from '../analysis.js';
import { badRequest, objectBody, oneOf, optionalString, requiredString, type HandlerContext } from '../context.js';
import { defaultMetric, recordModels, trainModels } from '../training.js';
import type { ModelRecord } from '../store.js';
import type { DataType, Experiment, ExperimentVersion, TrainingType } from '../types.js';
import { API, ok, noContent, type ApiScope } from './scope.js';

/** The `/ext/v1` experiments and experiment versions routes. */
export function experimentRoutes(ctx: HandlerContext, scope: ApiScope): RouteDef[] {
  const { store, hub, options } = ctx;
  const {
    page,
    project,
    experiment,
    version,
    datasetInProject,
    parentVersion,
    modelsOf,
    deploymentUsing,
    trainingDataset,
    bestImportances,
    finishTraining,
  } = scope;

  return [
    // Experiments and versions
    {
      method: 'GET',
      path: `${API}/projects/{pid}/experiments`,
      handler: (req) => {
        const pid = project(req.params['pid']!)._id;
        return page(
          [...store.experiments.values()].filter((e) => e.project_id === pid),
          req,
        );
      },
    },
    {
      method: 'POST',
      path: `${API}/projects/{pid}/experiments`,
      handler: (req) => {
        const pid = project(req.params['pid']!)._id;
        const body = objectBody(req);
        const now = options.now();
        const e: Experiment = {
          _id: store.ids.next(now),
          project_id: pid,
          name: requiredString(body, 'name'),
          provider: oneOf(body, 'provider', ['prevision-auto-ml', 'external'] as const, 'prevision-auto-ml'),
          training_type: oneOf<TrainingType>(body, 'training_type', [
            'classification',
            'regression',
            'multiclassification',
            'text-similarity',
            'object-detection',
          ]),
          data_type: oneOf<DataType>(body, 'data_type', ['tabular', 'timeseries', 'images'], 'tabular'),
          hosting: oneOf(body, 'hosting', ['prevision', 'external'] as const, 'prevision'),
          created_at: new Date(now).toISOString(),
          created_by: store.profile._id,
          versions_count: 0,
        };
        store.experiments.set(e._id, e);
        return ok(e);
      },
    },
    { method: 'GET', path: `${API}/experiments/{id}`, handler: (req) => ok(experiment(req.params['id']!)) },
    {
      method: 'DELETE',
      path: `${API}/experiments/{id}`,
      handler: (req) => {
        const e = experiment(req.params['id']!);
        const deployed = [...store.deployments.values()].find((d) => d.experiment_id === e._id);
        if (deployed)
          throw badRequest(
            `Experiment ${e._id} is deployed as ${JSON.stringify(deployed.name)} (${deployed._id}); delete the deployment first.`,
          );
        store.deleteExperiment(e._id);
        return noContent();
      },
    },
    {
      method: 'GET',
      path: `${API}/experiments/{id}/versions`,
      handler: (req) => {
        const id = experiment(req.params['id']!)._id;
        store.jobs.settleAll();
        return page(
          [...store.versions.values()].filter((v) => v.experiment_id === id),
          req,
        );
      },
    },
    {
      method: 'POST',
      path: `${API}/experiments/{id}/versions`,
      handler: (req) => {
        const e = experiment(req.params['id']!);
        const body = objectBody(req);
        const ds = datasetInProject(e.project_id, body['dataset_id'], 'dataset_id');
        const target = requiredString(body, 'target_column');
        const columns = new Set(ds.columns.map((c) => c.name));
        if (!columns.has(target)) {
          throw badRequest(
            `Field "target_column": ${JSON.stringify(target)} is not a column of dataset ${ds.wire.name} (columns: ${[...columns].join(', ')}).`,
          );
        }
        const idColumn = optionalString(body, 'id_column');
        if (idColumn !== null && !columns.has(idColumn))
          throw badRequest(`Field "id_column": ${JSON.stringify(idColumn)} is not a column of dataset ${ds.wire.name}.`);
        const parent = parentVersion(e, body['parent_version']);
        const holdout = optionalString(body, 'holdout_dataset_id');
        if (holdout !== null) datasetInProject(e.project_id, holdout, 'holdout_dataset_id');
        const metric = optionalString(body, 'metric') ?? defaultMetric(e.training_type).name;
        const profile = oneOf(body, 'profile', ['quick', 'normal', 'advanced'] as const, 'quick');
        const strings = (k: string): string[] =>
          Array.isArray(body[k]) ? (body[k] as unknown[]).filter((x): x is string => typeof x === 'string') : [];
        const now = options.now();
        e.versions_count++;
        const v: ExperimentVersion = {
          _id: store.ids.next(now),
          project_id: e.project_id,
          experiment_id: e._id,
          description: optionalString(body, 'description'),
          version: e.versions_count,
          parent_version: parent?.version ?? null,
          created_at: new Date(now).toISOString(),
          experiment: { data_type: e.data_type, training_type: e.training_type },
          dataset_id: ds.wire._id,
          holdout_dataset_id: holdout,
          experiment_version_params: {
            target_column: target,
            id_column: idColumn,
            fold_column: optionalString(body, 'fold_column'),
            weight_column: optionalString(body, 'weight_column'),
            time_column: optionalString(body, 'time_column'),
            group_columns: null,
            apriori_columns: null,
            drop_list: strings('drop_list'),
            metric,
            profile,
            features_engineering_selected_list: strings('features_engineering_selected_list'),
            normal_models: strings('normal_models'),
            lite_models: strings('lite_models'),
            simple_models: strings('simple_models'),
            features_selection_time: typeof body['features_selection_time'] === 'number' ? body['features_selection_time'] : 3600,
            features_selection_count: typeof body['features_selection_count'] === 'number' ? body['features_selection_count'] : null,
          },
          state: 'pending',
          draft: true,
          best_model: null,
          models_count: 0,
        };
        store.versions.set(v._id, v);
        return ok(v);
      },
    },
    {
      method: 'GET',
      path: `${API}/experiment-versions/{id}`,
      handler: (req) => {
        const v = version(req.params['id']!);
        store.jobs.read(v._id);
        return ok(v);
      },
    },
    {
      method: 'PUT',
      path: `${API}/experiment-versions/{id}/confirm`,
      handler: (req) => {
        const v = version(req.params['id']!);
        if (!v.draft)
          throw badRequest(`Experiment version ${v._id} is already confirmed (state ${v.state}); create a new version to train again.`);
        v.draft = false;
        // The platform lists models as they finish, while the version is still running (the SDK's own tests wait
        // for `len(models) > 0`, then assert `running` and call `stop()`): the first model comes with `running`,
        // the others with `done`.
        let trained: ModelRecord[] | null = null;
        store.jobs.start(v._id, 'EXPERIMENT_VERSION_UPDATE', [
          () => {
            v.state = 'running';
            const ds = store.datasets.get(v.dataset_id);
            if (!ds) return;
            trained = trainModels(store.ids, v, ds, options.now());
            store.models.set(trained[0]!.wire._id, trained[0]!);
            recordModels(v, trained.slice(0, 1));
          },
          () => {
            if (!trained) {
              v.state = 'failed';
              return;
            }
            for (const m of trained) store.models.set(m.wire._id, m);
            finishTraining(v, trained);
          },
        ]);
        return ok(v);
      },
    },
    {
      method: 'PUT',
      path: `${API}/experiment-versions/{id}/stop`,
      handler: (req) => {
        const v = version(req.params['id']!);
        store.jobs.settleOne(v._id);
        if (v.draft)
          throw badRequest(
            `Experiment version ${v._id} is a draft: confirm it (PUT /experiment-versions/${v._id}/confirm) before stopping it.`,
          );
        if (v.state === 'pending' || v.state === 'running') {
          // Stopping keeps the models trained so far and ends in `done`: the SDK's stop() then waits for
          // EXPERIMENT_VERSION_UPDATE and a `done` state (`failed` would raise).
          store.jobs.cancel(v._id);
          finishTraining(v, modelsOf(v._id));
          hub.emit('EXPERIMENT_VERSION_UPDATE', v._id);
        }
        // A JSON object either way: stop() logs `parse_json(response).items()`.
        return ok(v);
      },
    },
    {
      method: 'DELETE',
      path: `${API}/experiment-versions/{id}`,
      handler: (req) => {
        const v = version(req.params['id']!);
        const deployed = deploymentUsing(v._id);
        if (deployed)
          throw badRequest(
            `Experiment version ${v._id} has a model deployed as ${JSON.stringify(deployed.name)} (${deployed._id}); delete the deployment first.`,
          );
        // The experiment's versions_count is left as is: version numbers are never reused, so a child's
        // parent_version keeps naming one version.
        store.deleteVersion(v._id);
        return noContent();
      },
    },
    {
      method: 'GET',
      path: `${API}/experiment-versions/{id}/models`,
      handler: (req) => {
        const id = version(req.params['id']!)._id;
        store.jobs.settleAll();
        return page(
          [...store.models.values()].filter((m) => m.wire.experiment_version_id === id).map((m) => m.wire),
          req,
        );
      },
    },
    {
      method: 'GET',
      path: `${API}/experiment-versions/{id}/features`,
      handler: (req) => {
        const v = version(req.params['id']!);
        store.jobs.settleAll();
        const ds = trainingDataset(v);
        return page(featureInfos(v, ds, bestImportances(v, ds)), req);
      },
    },
    {
      method: 'GET',
      path: `${API}/experiment-versions/{id}/features/{name}`,
      handler: (req) => {
        const v = version(req.params['id']!);
        store.jobs.settleAll();
        const ds = trainingDataset(v);
        const name = req.params['name']!;
        const i = ds.columns.findIndex((c) => c.name === name);
        if (i === -1) {
          throw new EmulatorError(
            404,
            `Feature ${JSON.stringify(name)} is not a column of dataset ${ds.wire.name} (names are case-sensitive); list them with GET /experiment-versions/${v._id}/features.`,
          );
        }
        // get_feature_info() drops every key containing "chart".
        return ok({ ...featureInfos(v, ds, bestImportances(v, ds))[i]!, distribution_chart: distributionChart(ds, i) });
      },
    },
    {
      method: 'GET',
      path: `${API}/experiment-versions/{id}/features-stats`,
      handler: (req) => {
        const v = version(req.params['id']!);
        return ok(featuresStats(v, trainingDataset(v)));
      },
    },
    {
      method: 'GET',
      path: `${API}/experiment-versions/{id}/dropped-features`,
      handler: (req) => {
        const v = version(req.params['id']!);
        return page(droppedFeatures(v, trainingDataset(v)), req);
      },
    },
    {
      method: 'GET',
      path: `${API}/experiment-versions/{id}/correlation-matrix`,
      handler: (req) => {
        const v = version(req.params['id']!);
        return ok(correlationMatrix(v, trainingDataset(v)));
      },
    },
    {
      method: 'GET',
      path: `${API}/experiment-versions/{id}/graph`,
      handler: (req) => {
        const v = version(req.params['id']!);
        store.jobs.settleAll();
        return ok(versionGraph(v, store.datasets.get(v.dataset_id)?.wire.name ?? null, modelsOf(v._id)));
      },
    },
    {
      method: 'GET',
      path: `${API}/experiment-versions/{id}/holdout-predictions`,
      handler: (req) => {
        const id = version(req.params['id']!)._id;
        store.jobs.settleAll();
        // Not paged: get_holdout_predictions() reads `items` of the bare response.
        return ok({
          items: [...store.validationPredictions.values()]
            .filter((p) => p.wire.holdout && p.wire.experiment_version_id === id)
            .map((p) => p.wire),
        });
      },
    },
  ];
}
