/**
 * Internal to the Prevision emulator: what every path group of its OpenAPI document shares (the tags, the error
 * responses every `/ext/v1` operation lists, paging, and the operation shorthands).
 */
import { int, json, media, query, ref, responseRef, str, type Operation, type Schema } from '../../framework/openapi.js';
import { page } from '../openapiSchemas.js';

const ERRORS = { '400': responseRef('BadRequest'), '401': responseRef('Unauthorized'), '404': responseRef('NotFound') };
/** The query parameters of every paged list. */
export const PAGING = [
  query('page', int(undefined, { minimum: 1, default: 1 }), '1-based page number; a page past the end answers `items: []`.'),
  query('rowsPerPage', int(undefined, { minimum: 1, maximum: 1000, default: 10 }), 'Items per page [OURS: default 10, at most 1000].'),
  query('sortBy', str(), 'A top-level key of the items.'),
  query('descending', { type: 'string', enum: ['true', 'false'] }, 'Sort order.'),
];
/** The answer of every download. */
export const ZIP = media('A zip holding one csv file.', 'application/zip');
const DELETED = { '204': { description: 'Deleted.' } };

/** The tag an operation is listed under, and what else it declares. */
export type Opts = { tag: string; description?: string; parameters?: unknown[]; body?: Record<string, unknown> };

/** An `/ext/v1` operation: its own responses plus the error responses they all share. */
export function op(summary: string, responses: Record<string, unknown>, o: Opts): Operation {
  return {
    summary,
    tags: [o.tag],
    ...(o.description ? { description: o.description } : {}),
    ...(o.parameters ? { parameters: o.parameters } : {}),
    ...(o.body ? { requestBody: o.body } : {}),
    responses: { ...responses, ...ERRORS },
  };
}

/** An operation answering one record (a component schema by name, or an inline schema). */
export const one = (summary: string, schema: string | Schema, o: Opts): Operation =>
  op(summary, { '200': json('The record.', typeof schema === 'string' ? ref(schema) : schema) }, o);
/** An operation answering one page of records, with the paging parameters. */
export const list = (summary: string, item: string, o: Opts): Operation =>
  op(summary, { '200': json('One page.', page(item)) }, { ...o, parameters: [...(o.parameters ?? []), ...PAGING] });
/** A delete answering 204. */
export const remove = (summary: string, o: Opts): Operation => op(summary, DELETED, o);

/** The tags of the document's operations, by resource group. */
export const TAGS = {
  projects: { tag: 'Projects' },
  datasets: { tag: 'Datasets' },
  experiments: { tag: 'Experiments' },
  versions: { tag: 'Experiment versions' },
  models: { tag: 'Models' },
  deployments: { tag: 'Deployments' },
  predictions: { tag: 'Predictions' },
  host: { tag: 'Deployed model host' },
  connectors: { tag: 'Connectors and data sources' },
  exporters: { tag: 'Exporters and exports' },
  pipelines: { tag: 'Pipelines and image folders' },
};

/** A body the SDK sends as a form, which the API also takes as JSON. */
export function formOrJson(schema: Schema): Record<string, unknown> {
  return { required: true, content: { 'application/x-www-form-urlencoded': { schema }, 'application/json': { schema } } };
}
