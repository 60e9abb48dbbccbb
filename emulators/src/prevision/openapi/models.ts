/**
 * Internal to the Prevision emulator: the OpenAPI paths of trained models (relative to `/ext/v1`).
 */
import { mapOf, num, object, query, type Paths } from '../../framework/openapi.js';
import { TAGS, ZIP, one, op } from './kit.js';

const { models } = TAGS;

/** A model, its hyperparameters, feature importances, cross-validation and analyses. */
export const MODEL_PATHS: Paths = {
  '/models/{id}': { get: one('Get a model', 'Model', models) },
  '/models/{id}/hyperparameters/download': {
    get: one("A model's hyperparameters", mapOf({ type: ['string', 'number', 'boolean'] }), models),
  },
  '/models/{id}/features-importances/download': { get: op("A model's feature importances (csv in a zip)", { '200': ZIP }, models) },
  '/models/{id}/cross-validation/download': {
    get: op(
      "A model's cross-validation predictions (csv in a zip)",
      { '200': ZIP },
      { ...models, description: '400 for model types without one.' },
    ),
  },
  '/models/{id}/analysis': {
    get: one(
      "A model's analysis document",
      object({}, [], 'Computed from the model and its dataset, the same on every run [OURS].'),
      models,
    ),
  },
  '/models/{id}/dynamic-analysis': {
    get: one('Confusion matrix and scores at a threshold (binary classification)', 'DynamicAnalysis', {
      ...models,
      parameters: [query('threshold', num(undefined, { minimum: 0, maximum: 1, default: 0.5 }), 'Decision threshold.')],
    }),
  },
};
