/**
 * OpenAPI 3.1 documents of the emulators (`GET /_emulator/openapi.json`): the document type, shorthands the platform
 * documents are written with, and the operations a document lists. Each platform writes its own document from the
 * upstream contracts (docs/upstreams.md); the framework adds its control plane. The contract tests compare the
 * operations listed with the routes registered, so a document cannot drift from its emulator.
 */

/** A JSON Schema (2020-12, the dialect of OpenAPI 3.1), as plain JSON. */
export type Schema = Record<string, unknown>;

/** An OpenAPI 3.1 operation object, as plain JSON. */
export type Operation = Record<string, unknown> & { summary: string; responses: Record<string, unknown> };

/** The path items of a document: path template, then lower-case method, then operation. */
export type Paths = Record<string, Partial<Record<HttpMethod, Operation>>>;

/** An OpenAPI 3.1 document, as plain JSON. */
export interface OpenApiDocument {
  openapi: '3.1.0';
  info: { title: string; version: string; description?: string };
  servers?: Array<{ url: string; description?: string }>;
  tags?: Array<{ name: string; description?: string }>;
  security?: Array<Record<string, string[]>>;
  paths: Paths;
  components?: {
    schemas?: Record<string, Schema>;
    responses?: Record<string, unknown>;
    parameters?: Record<string, unknown>;
    securitySchemes?: Record<string, unknown>;
  };
  [extension: `x-${string}`]: unknown;
}

export const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];

/** Every operation of a document as `METHOD /template`, the key the route table and `/_emulator/requests` use. */
export function operationKeys(doc: Pick<OpenApiDocument, 'paths'>): string[] {
  const out: string[] = [];
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const method of HTTP_METHODS) if (item[method]) out.push(`${method.toUpperCase()} ${path}`);
  }
  return out;
}

/** The `{name}` segments of a path template, in order. */
export function templateParams(path: string): string[] {
  return [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]!);
}

// ------------------------------------------------------------------------------------------------ shorthands

/** `{"$ref": "#/components/schemas/<name>"}`. */
export const ref = (name: string): Schema => ({ $ref: `#/components/schemas/${name}` });
/** A reference to a shared response, `#/components/responses/<name>`. */
export const responseRef = (name: string): Record<string, unknown> => ({ $ref: `#/components/responses/${name}` });

export const str = (description?: string, extra: Schema = {}): Schema => ({
  type: 'string',
  ...(description ? { description } : {}),
  ...extra,
});
export const int = (description?: string, extra: Schema = {}): Schema => ({
  type: 'integer',
  ...(description ? { description } : {}),
  ...extra,
});
export const num = (description?: string, extra: Schema = {}): Schema => ({
  type: 'number',
  ...(description ? { description } : {}),
  ...extra,
});
export const bool = (description?: string): Schema => ({ type: 'boolean', ...(description ? { description } : {}) });
export const dateTime = (description?: string): Schema => str(description, { format: 'date-time' });
export const enumOf = (values: readonly string[], description?: string): Schema => str(description, { enum: [...values] });
export const arrayOf = (items: Schema, description?: string): Schema => ({ type: 'array', items, ...(description ? { description } : {}) });
/** A map with string keys and values of one schema (`{}` for any JSON value). */
export const mapOf = (values: Schema, description?: string): Schema => ({
  type: 'object',
  additionalProperties: values,
  ...(description ? { description } : {}),
});
/** The schema, or `null`. */
export const nullable = (schema: Schema): Schema => ({ anyOf: [schema, { type: 'null' }] });

/** An object schema; `required` names the keys always present. */
export function object(properties: Record<string, Schema>, required: readonly string[] = [], description?: string): Schema {
  return { type: 'object', properties, ...(required.length ? { required: [...required] } : {}), ...(description ? { description } : {}) };
}

/** A query parameter. */
export function query(name: string, schema: Schema, description: string, required = false): Record<string, unknown> {
  return { name, in: 'query', required, description, schema };
}

/** A request header. */
export function header(name: string, schema: Schema, description: string, required = false): Record<string, unknown> {
  return { name, in: 'header', required, description, schema };
}

/** A JSON request body. */
export function jsonBody(schema: Schema, description?: string, required = true): Record<string, unknown> {
  return { required, ...(description ? { description } : {}), content: { 'application/json': { schema } } };
}

/** A response with a JSON body (or no body without a schema); `headers` maps a header name to its description. */
export function json(description: string, schema?: Schema, headers: Record<string, string> = {}): Record<string, unknown> {
  const out: Record<string, unknown> = { description };
  if (schema) out['content'] = { 'application/json': { schema } };
  if (Object.keys(headers).length > 0) {
    out['headers'] = Object.fromEntries(
      Object.entries(headers).map(([name, text]) => [name, { description: text, schema: { type: 'string' } }]),
    );
  }
  return out;
}

/** A response with a body of another media type (downloads, event streams). */
export function media(
  description: string,
  type: string,
  schema: Schema = str(undefined, { contentMediaType: type }),
): Record<string, unknown> {
  return { description, content: { [type]: { schema } } };
}

export interface DocumentParts {
  title: string;
  version: string;
  description: string;
  tags: Array<{ name: string; description: string }>;
  securitySchemes: Record<string, unknown>;
  /** The security requirement of every operation that states none (`security: []` on an operation opts out). */
  security: Array<Record<string, string[]>>;
  schemas: Record<string, Schema>;
  responses?: Record<string, unknown>;
  /** Description of each path parameter name, for templates whose operations do not declare it themselves. */
  pathParams: Record<string, string>;
  paths: Paths;
}

/**
 * Assembles a platform's document. Path parameters an operation does not declare are added from `pathParams`; a
 * template naming a parameter missing there is an error (thrown when the document is built, which the contract tests
 * do), so every parameter is described.
 */
export function openApiDocument(parts: DocumentParts): OpenApiDocument {
  const paths: Paths = {};
  for (const [path, item] of Object.entries(parts.paths)) {
    const names = templateParams(path);
    const out: Paths[string] = {};
    for (const method of HTTP_METHODS) {
      const op = item[method];
      if (!op) continue;
      const declared = ((op['parameters'] as Array<{ name: string; in: string }> | undefined) ?? [])
        .filter((p) => p.in === 'path')
        .map((p) => p.name);
      const missing = names.filter((n) => !declared.includes(n));
      const added = missing.map((name) => {
        const description = parts.pathParams[name];
        if (!description)
          throw new Error(
            `OpenAPI document "${parts.title}": path parameter {${name}} of ${path} has no description; add it to pathParams.`,
          );
        return { name, in: 'path', required: true, description, schema: { type: 'string' } };
      });
      out[method] = added.length ? { ...op, parameters: [...added, ...((op['parameters'] as unknown[] | undefined) ?? [])] } : op;
    }
    paths[path] = out;
  }
  return {
    openapi: '3.1.0',
    info: { title: parts.title, version: parts.version, description: parts.description },
    servers: [{ url: '/', description: 'The emulator serving this document' }],
    tags: parts.tags,
    security: parts.security,
    paths,
    components: {
      schemas: parts.schemas,
      ...(parts.responses ? { responses: parts.responses } : {}),
      securitySchemes: parts.securitySchemes,
    },
  };
}
