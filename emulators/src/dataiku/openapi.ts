/**
 * Internal to the Dataiku emulator: its OpenAPI 3.1 document (`GET /_emulator/openapi.json`), written from the
 * upstream contract (docs/upstreams.md §6): the API node's user API, one POST per verb.
 */
import {
  arrayOf,
  bool,
  enumOf,
  int,
  json,
  jsonBody,
  mapOf,
  nullable,
  num,
  object,
  openApiDocument,
  ref,
  responseRef,
  str,
  type OpenApiDocument,
  type Operation,
  type Schema,
} from '../framework/openapi.js';
import { DATAIKU_VERBS_BY_TYPE } from './endpoints.js';
import type { DataikuEndpointType, DataikuVerb } from './types.js';

const ANY: Schema = {};
const CONTEXT: Schema = { ...nullable(mapOf(ANY)), description: 'Logged with the query, not used for scoring.' };
const VERSION_HEADERS = {
  'DSS-API-Version': 'The API version (every answer).',
  'DSS-Version': 'The DSS version of the node (every answer).',
};

const schemas: Record<string, Schema> = {
  Error: object(
    {
      errorType: str('`com.dataiku.dip.exceptions.<Name>Exception`, by status [OURS].'),
      message: str(),
      detailedMessage: str('What the SDK prints; says what was expected.'),
    },
    ['errorType', 'message', 'detailedMessage'],
  ),
  Features: mapOf(ANY, 'Feature name to value; features the model does not know are ignored.'),
  Explanations: {
    ...nullable(
      object({
        enabled: nullable(bool()),
        method: nullable(enumOf(['SHAPLEY', 'ICE'])),
        nExplanations: nullable(int(undefined, { minimum: 1 })),
        nMonteCarloSteps: nullable(int(undefined, { minimum: 25, maximum: 1000 })),
      }),
    ),
    description: "The SDK always sends all four; `null` means the endpoint's default.",
  },
  Dispatch: {
    ...nullable(
      object({
        forcedGeneration: nullable(str('A generation of the service, e.g. `v1`.')),
        dispatchKey: nullable({ type: ['string', 'number'] }),
      }),
    ),
    description: 'Pick a generation: forced, or sticky by key (the same key always lands on the same generation).',
  },
  ApiContext: object(
    { serviceId: str(), endpointId: str(), serviceGeneration: str() },
    ['serviceId', 'endpointId', 'serviceGeneration'],
    '[OURS]',
  ),
  PredictionTiming: object(
    Object.fromEntries(
      ['preProcessing', 'wait', 'enrich', 'preparation', 'prediction', 'explanation', 'postProcessing'].map((k) => [k, int()]),
    ),
    ['preProcessing', 'wait', 'enrich', 'preparation', 'prediction', 'explanation', 'postProcessing'],
    'Microseconds [OURS].',
  ),
  FunctionTiming: object(
    { preProcessing: int(), wait: int(), execution: int(), postProcessing: int() },
    ['preProcessing', 'wait', 'execution', 'postProcessing'],
    'Microseconds [OURS].',
  ),
  Ignored: object({ ignored: { const: true }, ignoreReason: enumOf(['IGNORED_BY_MODEL']) }, ['ignored', 'ignoreReason']),
  Conditionals: mapOf(
    arrayOf(object({ value: { description: 'The feature value tried (null: missing).' }, prediction: num() }, ['value', 'prediction'])),
    '[OURS] With ICE explanations: per explained feature, the prediction (first class probability, or value) at a few values of it.',
  ),
  PredictionResult: {
    oneOf: [
      object(
        {
          prediction: str('The predicted class.'),
          probas: mapOf(num(), 'Probability per class.'),
          probaPercentile: int(),
          ignored: { const: false },
          explanations: mapOf(num(), 'Contribution per feature, when explanations are enabled.'),
          conditionals: ref('Conditionals'),
        },
        ['prediction', 'probas', 'ignored'],
        'Binary classification.',
      ),
      object(
        { prediction: num(), ignored: { const: false }, explanations: mapOf(num()), conditionals: ref('Conditionals') },
        ['prediction', 'ignored'],
        'Regression.',
      ),
      ref('Ignored'),
    ],
  },
  CausalResult: {
    oneOf: [object({ predictedEffect: num(), ignored: { const: false } }, ['predictedEffect', 'ignored'], '[OURS]'), ref('Ignored')],
  },
  ForecastResult: object(
    {
      forecast: num(),
      ignored: { const: false },
      quantiles: arrayOf(num()),
      quantilesValues: arrayOf(num()),
      time: str('ISO 8601 time of the step.'),
      timeseriesIdentifier: mapOf(ANY, 'The identifier columns of the series.'),
    },
    ['forecast', 'ignored', 'quantiles', 'quantilesValues', 'time', 'timeseriesIdentifier'],
  ),
  LookupResult: object(
    { data: mapOf(ANY, 'The matched row; `{}` when nothing matched.'), notFound: { const: true } },
    ['data'],
    'A lookup result; `notFound` only when nothing matched [OURS].',
  ),
  SqlQueryResponse: object({ columns: arrayOf(str()), rows: arrayOf(arrayOf(nullable(str())), 'Values as strings, or null.') }, [
    'columns',
    'rows',
  ]),
};

const envelope = (key: 'result' | 'results', result: Schema, timing = 'PredictionTiming'): Schema =>
  object({ [key]: key === 'results' ? arrayOf(result) : result, timing: ref(timing), apiContext: ref('ApiContext') }, [
    key,
    'timing',
    'apiContext',
  ]);

const items = (fields: Record<string, Schema>, required: string[]): Schema =>
  arrayOf(object(fields, required), 'At most 10,000 per call [OURS].');

/** Request body and answer of each verb. */
const VERBS: Record<DataikuVerb, { summary: string; body: Schema; answer: Schema; bodyOptional?: boolean }> = {
  predict: {
    summary: 'Score one record',
    body: object({ features: ref('Features'), explanations: ref('Explanations'), dispatch: ref('Dispatch'), context: CONTEXT }, [
      'features',
    ]),
    answer: envelope('result', ref('PredictionResult')),
  },
  'predict-multi': {
    summary: 'Score records, one result per item in order',
    body: object(
      {
        items: items({ features: ref('Features'), context: CONTEXT }, ['features']),
        explanations: ref('Explanations'),
        dispatch: ref('Dispatch'),
      },
      ['items'],
    ),
    answer: envelope('results', ref('PredictionResult')),
  },
  forecast: {
    summary: 'Forecast the next steps of each time series from its past rows',
    body: object({ items: items({}, []), dispatch: ref('Dispatch') }, ['items'], 'Flat rows: time column, identifiers and target.'),
    answer: envelope('results', ref('ForecastResult')),
  },
  'predict-effect': {
    summary: 'Predict the treatment effect for one record',
    body: object({ features: ref('Features'), dispatch: ref('Dispatch'), context: CONTEXT }, ['features']),
    answer: envelope('result', ref('CausalResult')),
  },
  'predict-effect-multi': {
    summary: 'Predict the treatment effect for records, one result per item in order',
    body: object({ items: items({ features: ref('Features'), context: CONTEXT }, ['features']), dispatch: ref('Dispatch') }, ['items']),
    answer: envelope('results', ref('CausalResult')),
  },
  query: {
    summary: "Run the endpoint's SQL query with named parameters",
    body: mapOf(ANY, "The query's parameters themselves, flat."),
    bodyOptional: true,
    answer: ref('SqlQueryResponse'),
  },
  lookup: {
    summary: 'Look one record up by key (answers a one-item list)',
    body: object({ data: mapOf(ANY, 'The lookup key columns.'), context: CONTEXT }, ['data']),
    answer: object({ results: arrayOf(ref('LookupResult'), 'Exactly one item.') }, ['results']),
  },
  'lookup-multi': {
    summary: 'Look records up by key, one result per item in order',
    body: object({ items: items({ data: mapOf(ANY), context: CONTEXT }, ['data']) }, ['items']),
    answer: object({ results: arrayOf(ref('LookupResult')) }, ['results']),
  },
  run: {
    summary: "Call the endpoint's function with keyword arguments",
    body: mapOf(ANY, "The function's keyword arguments themselves, flat."),
    bodyOptional: true,
    answer: object(
      { response: { description: 'What the function returned.' }, timing: ref('FunctionTiming'), apiContext: ref('ApiContext') },
      ['response', 'timing', 'apiContext'],
    ),
  },
};

const TYPE_OF = Object.fromEntries(Object.entries(DATAIKU_VERBS_BY_TYPE).flatMap(([type, verbs]) => verbs.map((v) => [v, type]))) as Record<
  DataikuVerb,
  DataikuEndpointType
>;

function verbOperation(verb: DataikuVerb): Operation {
  const v = VERBS[verb];
  return {
    summary: v.summary,
    description: `Answered by ${TYPE_OF[verb]} endpoints; another endpoint type answers 400. The official client sends JSON without a Content-Type.`,
    operationId: verb.replace(/-(\w)/g, (_, c: string) => c.toUpperCase()),
    tags: [TYPE_OF[verb]],
    requestBody: jsonBody(v.body, undefined, !v.bodyOptional),
    responses: {
      '200': json('The answer.', v.answer, VERSION_HEADERS),
      '400': responseRef('BadRequest'),
      '401': responseRef('Unauthorized'),
      '404': responseRef('NotFound'),
    },
  };
}

/** The Dataiku emulator's OpenAPI document. */
export function dataikuOpenApi(): OpenApiDocument {
  const error = (description: string) => json(description, ref('Error'), VERSION_HEADERS);
  return openApiDocument({
    title: 'Dataiku DSS API node user API (Augur emulator)',
    version: '13.5.0',
    description:
      'The API node user API as `dataikuapi.APINodeClient` calls it: every call is `POST /public/api/v1/{service}/{endpoint}/{verb}` with a JSON body. ' +
      "The node cannot list its services or endpoints. See docs/upstreams.md §6; [OURS] marks the emulator's own choices.",
    tags: Object.keys(DATAIKU_VERBS_BY_TYPE).map((type) => ({ name: type, description: `Verbs of ${type} endpoints.` })),
    securitySchemes: {
      apiKeyBasic: { type: 'http', scheme: 'basic', description: "The API key as the username, with a blank password (the SDK's form)." },
      apiKeyBearer: {
        type: 'http',
        scheme: 'bearer',
        description: 'The API key as a Bearer token (also accepted). A node configured with no key is open.',
      },
    },
    security: [{ apiKeyBasic: [] }, { apiKeyBearer: [] }],
    schemas,
    responses: {
      BadRequest: error(
        'Malformed body, a verb the endpoint type does not answer, invalid explanations or dispatch, too many items, or bad arguments.',
      ),
      Unauthorized: error('Missing or wrong API key.'),
      NotFound: error('Unknown service (answered before the key is checked) or endpoint.'),
    },
    pathParams: {
      service: 'The service id (the emulator serves one, `augur-demo` by default).',
      endpoint: 'The endpoint id, e.g. `churn`, `sales-forecast`, `customers-sql`.',
    },
    paths: Object.fromEntries(
      (Object.keys(VERBS) as DataikuVerb[]).map((verb) => [`/public/api/v1/{service}/{endpoint}/${verb}`, { post: verbOperation(verb) }]),
    ),
  });
}
