/**
 * Internal to the Prevision emulator: the OpenAPI paths of experiments, their versions and the validation predictions of a version (relative to `/ext/v1`).
 */
import { arrayOf, bool, int, json, jsonBody, num, object, query, ref, str, type Paths } from '../../framework/openapi.js';
import { PAGING, TAGS, list, one, op, remove } from './kit.js';

const { experiments, versions, predictions } = TAGS;

/** Experiments, versions (training, features, analyses) and validation predictions. */
export const EXPERIMENT_PATHS: Paths = {
  '/projects/{pid}/experiments': {
    get: list("List a project's experiments", 'Experiment', experiments),
    post: one('Create an experiment', 'Experiment', {
      ...experiments,
      body: jsonBody(
        object(
          {
            name: str(),
            training_type: str('classification, regression, multiclassification, text-similarity or object-detection.'),
            provider: str('`prevision-auto-ml` (default) or `external`.'),
            data_type: str('`tabular` (default), `timeseries` or `images`.'),
            hosting: str('`prevision` (default) or `external`.'),
          },
          ['name', 'training_type'],
        ),
      ),
    }),
  },
  '/experiments/{id}': {
    get: one('Get an experiment', 'Experiment', experiments),
    delete: remove('Delete an experiment (400 while it is deployed)', experiments),
  },
  '/experiments/{id}/versions': {
    get: list("List an experiment's versions", 'ExperimentVersion', experiments),
    post: one('Create a draft version (train it with confirm)', 'ExperimentVersion', {
      ...experiments,
      body: jsonBody(
        object(
          {
            dataset_id: str(),
            target_column: str(),
            id_column: str(),
            fold_column: str(),
            weight_column: str(),
            time_column: str(),
            holdout_dataset_id: str(),
            parent_version: { type: ['integer', 'string'], description: "The parent's version number (as the SDK sends it) or id." },
            description: str(),
            metric: str(),
            profile: str('`quick` (default), `normal` or `advanced`.'),
            drop_list: arrayOf(str()),
            features_engineering_selected_list: arrayOf(str()),
            normal_models: arrayOf(str()),
            lite_models: arrayOf(str()),
            simple_models: arrayOf(str()),
            features_selection_time: num(),
            features_selection_count: int(),
          },
          ['dataset_id', 'target_column'],
        ),
      ),
    }),
  },
  '/experiment-versions/{id}': {
    get: one('Get an experiment version', 'ExperimentVersion', versions),
    delete: remove('Delete an experiment version (400 while one of its models is deployed)', versions),
  },
  '/experiment-versions/{id}/confirm': {
    put: one('Start training a draft version', 'ExperimentVersion', {
      ...versions,
      description: '`pending` → `running` → `done`, one step every 2 s [OURS], with `EXPERIMENT_VERSION_UPDATE` events.',
    }),
  },
  '/experiment-versions/{id}/stop': {
    put: one('Stop training, keeping the models trained so far', 'ExperimentVersion', {
      ...versions,
      description: 'The version ends `done` [OURS].',
    }),
  },
  '/experiment-versions/{id}/models': { get: list("List a version's models", 'Model', versions) },
  '/experiment-versions/{id}/features': {
    get: list("List the training dataset's features with their role and statistics", 'FeatureInfo', versions),
  },
  '/experiment-versions/{id}/features/{name}': {
    get: one('One feature, with its distribution chart', 'FeatureInfo', {
      ...versions,
      parameters: [{ name: 'name', in: 'path', required: true, description: 'A column name (case-sensitive).', schema: str() }],
    }),
  },
  '/experiment-versions/{id}/features-stats': {
    get: one('Counts of features by type and of rows', object({}, [], 'Computed from the training dataset.'), versions),
  },
  '/experiment-versions/{id}/dropped-features': {
    get: op(
      'List the features training left out, and why',
      {
        '200': json(
          'One page.',
          object(
            {
              items: arrayOf(object({ name: str(), reason: str('`drop_list` or `constant`.') }, ['name', 'reason'])),
              metaData: ref('ListMetaData'),
            },
            ['items', 'metaData'],
          ),
        ),
      },
      { ...versions, parameters: PAGING },
    ),
  },
  '/experiment-versions/{id}/correlation-matrix': {
    get: one('Correlations between numerical features', arrayOf(ref('CorrelationRow')), versions),
  },
  '/experiment-versions/{id}/graph': {
    get: one(
      'The training graph: dataset, feature engineering and models',
      object({ nodes: arrayOf(object({})), edges: arrayOf(object({ source: str(), target: str() }, ['source', 'target'])) }, [
        'nodes',
        'edges',
      ]),
      versions,
    ),
  },
  '/experiment-versions/{id}/holdout-predictions': {
    get: one("The version's holdout predictions (not paged)", object({ items: arrayOf(ref('ValidationPrediction')) }, ['items']), versions),
  },
  '/experiment-versions/{id}/validation-predictions': {
    post: one("Predict a dataset with one of the version's models", 'ValidationPrediction', {
      ...predictions,
      description:
        'Answers the whole prediction [OURS]; it finishes after its `PREDICTION_UPDATE` events. Text-similarity predictions are not emulated.',
      body: jsonBody(
        object({ dataset_id: str(), model_id: str(), confidence: bool(), folder_dataset_id: str() }, ['dataset_id', 'model_id']),
      ),
    }),
  },
  '/validation-predictions/{id}': {
    get: one('Get a validation prediction', 'ValidationPrediction', predictions),
    delete: remove('Delete a validation prediction', predictions),
  },
  '/validation-predictions/{id}/download': {
    get: op(
      "Download a validation prediction's result",
      {
        '200': {
          description: 'The result as a zip (default) or csv.',
          content: { 'application/zip': { schema: str() }, 'text/csv': { schema: str() } },
        },
      },
      {
        ...predictions,
        parameters: [query('extension', { type: 'string', enum: ['zip', 'csv', 'parquet'], default: 'zip' }, 'Parquet is refused (400).')],
      },
    ),
  },
};
