/**
 * Internal to the Civis emulator: its OpenAPI 3.1 document (`GET /_emulator/openapi.json`). The vendor API's routes
 * already carry their documentation, from the vendor's Swagger document, for the Swagger 2.0 document `GET
 * /endpoints` serves (`spec.ts`); this converts that document rather than describing the routes a second time, and
 * adds the routes outside the vendor API (the stand-ins for S3's presigned URLs). See docs/upstreams.md §7.
 */
import {
  int,
  json,
  media,
  object,
  openApiDocument,
  query,
  ref,
  responseRef,
  str,
  type HttpMethod,
  type OpenApiDocument,
  type Operation,
  type Paths,
  type Schema,
} from '../framework/openapi.js';

interface SwaggerParameter {
  name: string;
  in: 'path' | 'query' | 'body';
  required: boolean;
  type?: string;
  items?: Schema;
  description?: string;
  schema?: Schema;
}

interface SwaggerOperation {
  summary: string;
  parameters: SwaggerParameter[];
  responses: Record<string, { description: string; schema?: Schema }>;
}

const PAGINATION_HEADERS = {
  'X-Pagination-Per-Page': 'Items per page (a `limit` above the maximum is clamped).',
  'X-Pagination-Current-Page': 'The page answered, 1-based.',
  'X-Pagination-Total-Pages': 'Pages in all.',
  'X-Pagination-Total-Entries': 'Items in all; Augur reads its totals here.',
};
const ERRORS = {
  '400': responseRef('BadRequest'),
  '401': responseRef('Unauthorized'),
  '404': responseRef('NotFound'),
  '429': responseRef('RateLimited'),
};

function convert(path: string, swagger: SwaggerOperation): Operation {
  const parameters = swagger.parameters
    .filter((p) => p.in !== 'body')
    .map((p) => ({
      name: p.name,
      in: p.in,
      required: p.in === 'path' ? true : p.required,
      ...(p.description ? { description: p.description } : {}),
      schema: p.type === 'array' ? { type: 'array', items: p.items ?? { type: 'string' } } : { type: p.type ?? 'string' },
    }));
  const body = swagger.parameters.find((p) => p.in === 'body');
  const paged = parameters.some((p) => p.name === 'page_num');
  const responses: Record<string, unknown> = {};
  for (const [status, r] of Object.entries(swagger.responses)) {
    responses[status] = json(r.description, r.schema, paged ? PAGINATION_HEADERS : {});
  }
  return {
    summary: swagger.summary,
    tags: [path.split('/')[1]!],
    ...(parameters.length ? { parameters } : {}),
    ...(body?.schema ? { requestBody: { required: true, content: { 'application/json': { schema: body.schema } } } } : {}),
    responses: { ...responses, ...ERRORS },
  };
}

/** The routes outside the vendor API: no credentials, no API headers, as S3 answers. */
const STORAGE: Paths = {
  '/files/{id}/upload': {
    post: {
      summary: "Upload a file's content (the `uploadUrl` of `POST /files/`)",
      tags: ['storage'],
      description:
        'A form POST as to S3: the `file` field is the content (a body that is not multipart is taken whole). Up to 64 MiB [OURS].',
      security: [],
      requestBody: {
        required: true,
        content: {
          'multipart/form-data': { schema: object({ file: str(undefined, { contentMediaType: 'application/octet-stream' }) }, ['file']) },
        },
      },
      responses: { '204': { description: 'Stored.' }, '404': responseRef('NotFound') },
    },
  },
  '/files/{id}/parts/{part_num}': {
    put: {
      summary: 'Upload one part of a multipart upload (a part URL of `POST /files/multipart`)',
      tags: ['storage'],
      description: "As S3's UploadPart. Parts are held in memory, up to 1 GiB each [OURS].",
      security: [],
      parameters: [
        { name: 'part_num', in: 'path', required: true, description: 'The part number, from 1.', schema: int(undefined, { minimum: 1 }) },
        query('uploadId', str(), 'The upload id in the part URL.'),
      ],
      requestBody: {
        required: true,
        content: { 'application/octet-stream': { schema: str(undefined, { contentMediaType: 'application/octet-stream' }) } },
      },
      responses: {
        '200': {
          description: 'Stored; the body is empty.',
          headers: { ETag: { description: "The part's ETag, for `complete`.", schema: str() } },
        },
        '404': responseRef('NotFound'),
      },
    },
  },
  '/files/{id}/download': {
    get: {
      summary: "Download a file's content (a file's `downloadUrl`)",
      tags: ['storage'],
      security: [],
      responses: {
        '200': media('The content, typed by the file name (csv, json, html, else octet-stream).', 'application/octet-stream'),
        '404': responseRef('NotFound'),
      },
    },
  },
};

/** The Civis emulator's OpenAPI document, from the Swagger 2.0 document `GET /endpoints` serves. */
export function civisOpenApi(swagger: { paths: Record<string, Record<string, SwaggerOperation>> }): OpenApiDocument {
  const paths: Paths = {};
  for (const [path, item] of Object.entries(swagger.paths)) {
    for (const [method, op] of Object.entries(item)) (paths[path] ??= {})[method as HttpMethod] = convert(path, op);
  }
  for (const [path, item] of Object.entries(STORAGE)) paths[path] = { ...paths[path], ...item };
  const tags = [...new Set(Object.keys(paths).map((p) => p.split('/')[1]!))].map((name) => ({
    name,
    description: name === 'storage' ? 'Stand-ins for S3 presigned URLs, outside the API [OURS].' : `/${name}/ routes.`,
  }));
  const error = (description: string, headers: Record<string, string> = {}) => json(description, ref('Error'), headers);
  return openApiDocument({
    title: 'Civis Platform API (Augur emulator)',
    version: '1.0',
    description:
      'The part of the Civis Platform API the emulator serves, as `civis-python` calls it: camelCase JSON, collection paths ending in `/`, ' +
      '1-based pages with `X-Pagination-*` headers, and query parameters accepted in snake_case, camelCase and `key[]` forms. Every API answer carries ' +
      '`X-Request-Id`, `X-Runtime` and `X-RateLimit-Limit`/`-Remaining`; GETs answering 200 carry an `ETag` and answer 304 to a matching `If-None-Match`. ' +
      "Operations and schemas follow the route table, as the Swagger 2.0 document at `GET /endpoints` does. See docs/upstreams.md §7; [OURS] marks the emulator's own choices.",
    tags,
    securitySchemes: {
      apiKeyBasic: {
        type: 'http',
        scheme: 'basic',
        description: 'The API key as the username, with an empty password (as civis-python sends it).',
      },
      apiKeyBearer: { type: 'http', scheme: 'bearer', description: "The API key as a Bearer token (the vendor's recorded examples)." },
    },
    security: [{ apiKeyBasic: [] }, { apiKeyBearer: [] }],
    schemas: {
      Error: object(
        {
          error: str('A code such as `bad_request`, `not_found`, `conflict`, `already_running`.'),
          errorDescription: str(),
          code: int('The HTTP status.'),
        },
        ['error', 'errorDescription', 'code'],
      ),
    },
    responses: {
      BadRequest: error('"The given request was not as expected: ..." (`bad_request`).'),
      Unauthorized: error('"Invalid API key." (`unauthorized`).', {
        'WWW-Authenticate': '`Bearer realm="api"`; civis-python reads it on every 401.',
      }),
      NotFound: error(
        '"The requested endpoint could not be found.": unknown routes, methods and records, and records the caller may not see.',
      ),
      RateLimited: error('"Rate limit exceeded." (`rate_limited`): 1000 requests, of which 100 run-creating, per key per 300 s [OURS].', {
        'Retry-After': 'Seconds to the end of the window.',
      }),
    },
    pathParams: { id: 'The record id.' },
    paths,
  });
}
