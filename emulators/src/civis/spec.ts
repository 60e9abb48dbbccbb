/**
 * Internal to the Civis emulator: the Swagger 2.0 document served at `/endpoints`, generated from the route table.
 * Response schemas are inferred from seed objects, so the document describes exactly what the routes answer.
 *
 * civis-python builds its client from this document, which constrains it: every operation needs a `summary`
 * (one containing "deprecated" is skipped) and `responses`; every parameter needs `name`, `in`, `required` and a
 * `type`; every schema property needs a `type`; a GET is iterable only when it declares `limit` and `page_num`.
 */
import type { CivisStore } from './store.js';
import type { CivisRoute, QueryParamDoc, Shape } from './routes.js';
import type { PageSpec } from './query.js';

type Schema = { type: string; items?: Schema; properties?: Record<string, Schema>; description?: string };

/** Fields whose values are free-form maps: described as `object` rather than by the keys the seed happens to use. */
const FREE_FORM = new Set([
  'featureFlags',
  'preferences',
  'ontologyMapping',
  'valueDistribution',
  'valueDistributionPercent',
  'arguments',
  'roleAssumer',
  'crossValidationParameters',
  'notifications',
  'uploadFields',
  'appState',
]);

const RUN: Schema = {
  type: 'object',
  properties: {
    id: { type: 'integer' },
    state: { type: 'string' },
    createdAt: { type: 'string', description: 'The time that the run was queued.' },
    startedAt: { type: 'string', description: 'The time that the run started.' },
    finishedAt: { type: 'string', description: 'The time that the run completed.' },
    error: { type: 'string', description: 'The error message for this run, if present.' },
  },
};

/** Types of fields that are null (or empty arrays) throughout the seed. */
const FIELD_TYPES: Record<string, Schema> = {
  lastRun: RUN,
  sizeMb: { type: 'number' },
  avgValue: { type: 'number' },
  stddev: { type: 'number' },
  rocAuc: { type: 'number' },
  rSquaredError: { type: 'number' },
  rootMeanSquaredError: { type: 'number' },
  averageLogLoss: { type: 'number' },
  falsePositiveRate: { type: 'number' },
  truePositiveRate: { type: 'number' },
  fitDurationInSeconds: { type: 'integer' },
  scheduledRunsPerHour: { type: 'integer' },
  remoteHostId: { type: 'integer' },
  credentialId: { type: 'integer' },
  parentId: { type: 'integer' },
  fromTemplateId: { type: 'integer' },
  templateScriptId: { type: 'integer' },
  templateId: { type: 'integer' },
  tableauId: { type: 'integer' },
  scriptId: { type: 'integer' },
  reportId: { type: 'integer' },
  activeBuildId: { type: 'integer' },
  organizationDefaultThemeId: { type: 'integer' },
  createdById: { type: 'integer' },
  lastUpdatedById: { type: 'integer' },
  fileSize: { type: 'integer' },
  expectedRuntime: { type: 'integer' },
  scoredTableId: { type: 'integer' },
  includeHeader: { type: 'boolean' },
  script: { type: 'object', properties: { id: { type: 'integer' }, name: { type: 'string' }, sql: { type: 'string' } } },
  parentProject: { type: 'object', properties: { id: { type: 'integer' }, name: { type: 'string' } } },
  resultRows: { type: 'array', items: { type: 'array', items: { type: 'string' } } },
  resultColumns: { type: 'array', items: { type: 'string' } },
  tableTags: { type: 'object', properties: { id: { type: 'integer' }, name: { type: 'string' } } },
  projects: { type: 'object', properties: { id: { type: 'integer' }, name: { type: 'string' } } },
  tableColumns: { type: 'object', properties: { name: { type: 'string' }, sqlType: { type: 'string' } } },
  scheduledDays: { type: 'integer' },
  scheduledHours: { type: 'integer' },
  scheduledMinutes: { type: 'integer' },
  scheduledDaysOfMonth: { type: 'integer' },
  additionalCredentials: { type: 'integer' },
  primaryKeys: { type: 'string' },
  lastModifiedKeys: { type: 'string' },
  multipartKey: { type: 'string' },
  sampleValues: { type: 'string' },
  dependentVariableOrder: { type: 'string' },
  excludedColumns: { type: 'string' },
  primaryKey: { type: 'string' },
  possibleDependentVariableTypes: { type: 'string' },
  roles: { type: 'string' },
  types: { type: 'string' },
};

/** A schema for every value seen under one field, merging objects key by key. */
function infer(values: unknown[], field: string | undefined): Schema {
  const present = values.filter((v) => v !== null && v !== undefined);
  const override = field === undefined ? undefined : FIELD_TYPES[field];
  if (present.length === 0) return override ?? { type: 'string' };
  const first = present[0];
  if (Array.isArray(first)) {
    const elements = present.flatMap((v) => v as unknown[]);
    if (elements.length > 0) return { type: 'array', items: infer(elements, undefined) };
    // For arrays that are always empty, the override names the element type (or is the whole array schema).
    if (override?.type === 'array') return override;
    return { type: 'array', items: override ?? { type: 'object' } };
  }
  switch (typeof first) {
    case 'number':
      if (override) return override;
      return { type: present.every((v) => Number.isInteger(v)) ? 'integer' : 'number' };
    case 'string':
      return { type: 'string' };
    case 'boolean':
      return { type: 'boolean' };
    case 'object': {
      if (field !== undefined && FREE_FORM.has(field)) return { type: 'object' };
      const props: Record<string, unknown[]> = {};
      for (const v of present) {
        for (const [k, x] of Object.entries(v as Record<string, unknown>)) (props[k] ??= []).push(x);
      }
      const properties: Record<string, Schema> = {};
      for (const [k, xs] of Object.entries(props)) properties[k] = infer(xs, k);
      return { type: 'object', properties };
    }
    default:
      return { type: 'string' };
  }
}

function fromShape(shape: Shape): Schema {
  if (typeof shape === 'string') return { type: shape };
  if (Array.isArray(shape)) return { type: 'array', items: fromShape(shape[0] ?? 'string') };
  const properties: Record<string, Schema> = {};
  for (const [k, v] of Object.entries(shape)) properties[k] = fromShape(v);
  return { type: 'object', properties };
}

function queryParam(p: QueryParamDoc): Record<string, unknown> {
  const out: Record<string, unknown> = { name: p.name, in: 'query', required: false, type: p.type, description: p.description };
  if (p.type === 'array') out['items'] = { type: p.items ?? 'string' };
  return out;
}

function pageParams(page: PageSpec<never>): QueryParamDoc[] {
  const orders = Object.keys(page.orders);
  return [
    {
      name: 'limit',
      type: 'integer',
      description: `Number of results to return. Defaults to ${page.defaultLimit}. Maximum allowed is ${page.maxLimit}.`,
    },
    { name: 'page_num', type: 'integer', description: 'Page number of the results to return. Defaults to the first page, 1.' },
    {
      name: 'order',
      type: 'string',
      description: `The field on which to order the result set. Defaults to ${page.defaultOrder}. Must be one of: ${orders.join(', ')}.`,
    },
    {
      name: 'order_dir',
      type: 'string',
      description: `Direction in which to sort, either asc (ascending) or desc (descending) defaulting to ${page.defaultDir}.`,
    },
  ];
}

/** Builds the Swagger 2.0 document for every documented route; `sample` is a freshly seeded store. */
export function buildSpec(routes: readonly CivisRoute[], sample: CivisStore): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of routes) {
    const doc = r.doc;
    if (!doc) continue;
    const parameters: Array<Record<string, unknown>> = [];
    for (const m of r.path.matchAll(/\{([^}]+)\}/g)) {
      const name = m[1]!;
      parameters.push({
        name,
        in: 'path',
        required: true,
        type: /(^|_)id$/.test(name) ? 'integer' : 'string',
        description: `The ${name.replace(/_/g, ' ')}.`,
      });
    }
    for (const p of doc.query ?? []) parameters.push(queryParam(p));
    if (doc.page) for (const p of pageParams(doc.page)) parameters.push(queryParam(p));
    if (doc.body) {
      const schema: Record<string, unknown> = { type: 'object', properties: fromShape(doc.body.properties).properties };
      if (doc.body.required?.length) schema['required'] = doc.body.required;
      parameters.push({ name: 'body', in: 'body', required: true, schema });
    }
    const response: Record<string, unknown> = { description: 'success' };
    if (doc.sample) {
      const item = infer(doc.sample(sample), undefined);
      response['schema'] = doc.array ? { type: 'array', items: item } : item;
    }
    const op: Record<string, unknown> = {
      summary: doc.summary,
      description: doc.summary,
      parameters,
      responses: { [String(doc.status)]: response },
      security: [{ api_key: [] }],
    };
    (paths[r.path] ??= {})[r.method.toLowerCase()] = op;
  }
  return {
    swagger: '2.0',
    info: {
      title: 'Civis Platform API',
      version: '1.0',
      description: 'The subset of the Civis Platform API this emulator serves, generated from its route table.',
    },
    basePath: '/',
    schemes: ['http', 'https'],
    consumes: ['application/json'],
    produces: ['application/json'],
    securityDefinitions: { api_key: { type: 'apiKey', name: 'Authorization', in: 'header' } },
    security: [{ api_key: [] }],
    paths,
  };
}
