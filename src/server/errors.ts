/**
 * How errors are served: the limits' errors, message clipping, and the `formatError` hook that masks anything
 * unexpected. The error vocabulary itself is in core/errors.ts.
 */
import { GraphQLError, type ASTNode, type GraphQLFormattedError } from 'graphql';
import { AugurError, ECHO_MAX_CHARS, ErrorCode, clip } from '../core/errors.js';

/** Longest error message Augur serves, whoever wrote it (Augur, graphql-js, Apollo, an upstream). */
export const MESSAGE_MAX_CHARS = 1000;

const PASS_THROUGH_CODES = new Set([
  'SERVER_BUSY',
  'LIMIT_EXCEEDED',
  'CALLER_GONE',
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_USER_INPUT',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'OPERATION_RESOLUTION_FAILURE',
  'BAD_REQUEST',
]);

const TOKEN_LIMIT_MESSAGE = /Document contains more tha[nt] (\d+) tokens/;

/** The limit error for a document past `maxTokens`, from graphql-js's parse error; undefined for any other error. */
export function tokenLimitError(error: unknown): GraphQLError | undefined {
  const message = error instanceof Error ? error.message : typeof error === 'string' ? error : '';
  const m = TOKEN_LIMIT_MESSAGE.exec(message);
  if (!m) return undefined;
  const max = Number(m[1]);
  return new GraphQLError(`The document has more than ${max} tokens, the limit. Send a smaller document (or persist it).`, {
    extensions: { code: ErrorCode.LIMIT_EXCEEDED, limit: 'maxTokens', max },
  });
}

/** A document longer than `AUGUR_MAX_DOCUMENT_BYTES`, refused before it is parsed. */
export function documentSizeError(max: number): GraphQLError {
  return new GraphQLError(
    `The document is longer than ${max} bytes (AUGUR_MAX_DOCUMENT_BYTES). Send a smaller document, pass large values as variables, or persist it.`,
    {
      extensions: { code: ErrorCode.LIMIT_EXCEEDED, limit: 'maxDocumentBytes', max },
    },
  );
}

/** An input value (literal or variable) nested deeper than `AUGUR_MAX_INPUT_DEPTH`. */
export function inputDepthError(max: number, nodes?: readonly ASTNode[]): GraphQLError {
  return new GraphQLError(
    `Input values may nest objects and arrays at most ${max} levels deep (AUGUR_MAX_INPUT_DEPTH); send a flatter value.`,
    {
      ...(nodes ? { nodes } : {}),
      extensions: { code: ErrorCode.BAD_USER_INPUT, limit: 'maxInputDepth', max },
    },
  );
}

/**
 * The stable code of a limit's error: Apollo files every validation error under GRAPHQL_VALIDATION_FAILED and every
 * parse error under GRAPHQL_PARSE_FAILED; the limits' own codes (and their `limit` and `max`) are restored here.
 */
function limitFormatted(formatted: GraphQLFormattedError): GraphQLFormattedError | undefined {
  const ext = formatted.extensions ?? {};
  if (ext['code'] === 'GRAPHQL_VALIDATION_FAILED' && typeof ext['limit'] === 'string') {
    return {
      ...formatted,
      extensions: { ...ext, code: ext['limit'] === 'maxInputDepth' ? ErrorCode.BAD_USER_INPUT : ErrorCode.LIMIT_EXCEEDED },
    };
  }
  if (ext['code'] === 'GRAPHQL_PARSE_FAILED') {
    const limit = tokenLimitError(formatted.message);
    if (limit) return { message: limit.message, extensions: limit.extensions };
  }
  return undefined;
}

const isSpace = (ch: string): boolean => ch === ' ' || ch === '\n' || ch === '\t' || ch === '\r';

/**
 * Bounds what a message repeats of the request: every double-quoted run and every run without spaces longer than
 * ECHO_MAX_CHARS is cut (graphql-js and Apollo quote literals, names and variable values whole, and print objects
 * and lists unquoted), then the whole message to MESSAGE_MAX_CHARS. A scan, not a regular expression: the message
 * may be megabytes long.
 */
export function clipMessage(message: string): string {
  if (message.length <= ECHO_MAX_CHARS) return message;
  let out = '';
  let i = 0;
  while (i < message.length && out.length <= MESSAGE_MAX_CHARS) {
    const ch = message[i]!;
    if (isSpace(ch)) {
      out += ch;
      i++;
    } else if (ch === '"') {
      let j = i + 1;
      while (j < message.length && message[j] !== '"') j += message[j] === '\\' ? 2 : 1;
      let inner = message.slice(i + 1, Math.min(j, message.length));
      if (inner.length > ECHO_MAX_CHARS) {
        let kept = clip(inner).slice(0, -1);
        // Never end on half an escape sequence.
        if ((kept.length - kept.replace(/\\+$/, '').length) % 2 === 1) kept = kept.slice(0, -1);
        inner = `${kept}…`;
      }
      out += j < message.length ? `"${inner}"` : `"${inner}`;
      i = j + 1;
    } else {
      let j = i;
      while (j < message.length && message[j] !== '"' && !isSpace(message[j]!)) j++;
      out += clip(message.slice(i, j));
      i = j;
    }
  }
  return clip(out, MESSAGE_MAX_CHARS - 1);
}

/**
 * graphql-js's "Did you mean …?" ending, which names types, fields and enum values of the schema. A search from the
 * end rather than Apollo's regular expression, which scans to the end from each occurrence.
 */
function withoutSuggestions(message: string): string {
  if (!message.endsWith('?')) return message;
  const at = message.lastIndexOf(' Did you mean ');
  return at === -1 ? message : message.slice(0, at);
}

/** The error each formatted error came from (its innermost cause), for the errors plugin (plugins/errors.ts). */
const ORIGINALS = new WeakMap<object, unknown>();

/** The innermost error a formatted error came from, when `createFormatError` formatted it. */
export function originalErrorOf(formatted: GraphQLFormattedError): unknown {
  return ORIGINALS.get(formatted);
}

function innermost(error: unknown): unknown {
  let current = error;
  for (let i = 0; i < 5; i++) {
    const next = (current as { originalError?: unknown } | null)?.originalError;
    if (!next || current instanceof AugurError) break;
    current = next;
  }
  return current;
}

/** Splits a path as graphql-js and Augur print it (`input.tasks[0].agreementId`) into its parts. */
export function pathOf(text: string): Array<string | number> {
  return text
    .split(/\.|\[(\d+)\]/)
    .filter((part) => part !== undefined && part !== '')
    .map((part) => (/^\d+$/.test(part) ? Number(part) : part));
}

const VARIABLE_ERROR = /^Variable "\$([A-Za-z_][A-Za-z0-9_]*)" (got invalid value|of required type|of non-null type)/;
const INVALID_AT = /^Variable "\$[A-Za-z_][A-Za-z0-9_]*" got invalid value [^]*? at "([A-Za-z_][A-Za-z0-9_.[\]]*)"; /;
const FIELD_NAMED = /; Field "([A-Za-z_][A-Za-z0-9_]*)" (?:of required type "[^"]*" was not provided|is not defined by type "[^"]*")\.?/;

/**
 * The input path a request error names, as `extensions.field`: a variable's coercion error (`Variable "$input" got
 * invalid value … at "input.email"`, or a missing or unknown input field), or Augur's own `param`.
 */
function fieldOf(message: string, extensions: Record<string, unknown> | undefined): Array<string | number> | undefined {
  if (Array.isArray(extensions?.['field'])) return undefined;
  if (typeof extensions?.['param'] === 'string') return pathOf(extensions['param']);
  if (extensions?.['code'] !== 'BAD_USER_INPUT') return undefined;
  const variable = VARIABLE_ERROR.exec(message);
  if (!variable) return undefined;
  const at = variable[2] === 'got invalid value' ? INVALID_AT.exec(message) : null;
  const path = at ? pathOf(at[1]!) : [variable[1]!];
  const named = variable[2] === 'got invalid value' ? FIELD_NAMED.exec(message) : null;
  if (named) path.push(named[1]!);
  return path;
}

export interface FormatErrorOptions {
  /**
   * Drop graphql-js's "Did you mean …?" suggestions from every message, variable coercion included (Apollo's
   * `hideSchemaDetailsFromClientErrors` covers validation only). Set when introspection is off.
   */
  hideSuggestions?: boolean;
}

/**
 * Apollo's `formatError`: Augur's own errors and GraphQL's request errors pass; anything else (a bug, a library
 * throwing) is logged and masked so no internal detail or secret reaches the caller. Every message served is bounded
 * by `clipMessage`.
 */
export function createFormatError(
  onMasked: (error: unknown, formatted: GraphQLFormattedError) => void,
  options: FormatErrorOptions = {},
): (formatted: GraphQLFormattedError, error: unknown) => GraphQLFormattedError {
  const format = createBoundedFormatError(onMasked, options);
  return (formatted, error) => {
    const out = format(formatted, error);
    const field = fieldOf(formatted.message, out.extensions as Record<string, unknown> | undefined);
    const result = field ? { ...out, extensions: { ...out.extensions, field } } : out;
    ORIGINALS.set(result, innermost(error));
    return result;
  };
}

function createBoundedFormatError(
  onMasked: (error: unknown, formatted: GraphQLFormattedError) => void,
  options: FormatErrorOptions,
): (formatted: GraphQLFormattedError, error: unknown) => GraphQLFormattedError {
  const format = createUnboundedFormatError(onMasked);
  return (formatted, error) => {
    // graphql-js parses recursively: a document nested thousands of levels deep exhausts the stack, and Apollo reports
    // the RangeError as a syntax error whose message says so. The caller's document is at fault, not the gateway.
    if (formatted.extensions?.['code'] === 'GRAPHQL_PARSE_FAILED' && wrapsRangeError(error)) {
      return {
        message: 'The document nests lists, objects or selection sets too deeply to be parsed; send a flatter document.',
        extensions: { code: ErrorCode.BAD_USER_INPUT },
      };
    }
    const out = format(formatted, error);
    const message = clipMessage(options.hideSuggestions ? withoutSuggestions(out.message) : out.message);
    const extensions = out.extensions;
    // The input-depth check throws from a scalar: a literal fails in validation, whose code Apollo sets; the limit is
    // the caller's to fix either way, so it answers one code.
    if (extensions?.['limit'] === 'maxInputDepth' && extensions['code'] === 'GRAPHQL_VALIDATION_FAILED') {
      return { ...out, message, extensions: { ...extensions, code: ErrorCode.BAD_USER_INPUT } };
    }
    return message === out.message ? out : { ...out, message };
  };
}

function wrapsRangeError(error: unknown): boolean {
  let current = error;
  for (let i = 0; i < 5 && current; i++) {
    if (current instanceof RangeError || (current as { name?: unknown }).name === 'RangeError') return true;
    current = (current as { originalError?: unknown }).originalError;
  }
  return false;
}

function createUnboundedFormatError(
  onMasked: (error: unknown, formatted: GraphQLFormattedError) => void,
): (formatted: GraphQLFormattedError, error: unknown) => GraphQLFormattedError {
  return (formatted, error) => {
    const limit = limitFormatted(formatted);
    if (limit) return limit;
    // Walk the wrapping chain by shape: graphql-js may be loaded twice (ESM and CJS builds), so `instanceof
    // GraphQLError` is not reliable for errors located by the executor.
    let original: unknown = error;
    for (let i = 0; i < 5 && !(original instanceof AugurError); i++) {
      const next = (original as { originalError?: unknown } | null)?.originalError;
      if (!next) break;
      original = next;
    }
    if (original instanceof AugurError) {
      return { ...formatted, message: original.message, extensions: { ...original.extensions } };
    }
    const code = formatted.extensions?.['code'];
    // Apollo's own request errors without a code (an APQ hash that does not match its query) carry a 4xx status: the
    // caller's mistake, answered as BAD_REQUEST rather than masked.
    const status = (error as { extensions?: { http?: { status?: unknown } } } | null)?.extensions?.http?.status;
    if (code === ErrorCode.INTERNAL_SERVER_ERROR && !formatted.path && typeof status === 'number' && status >= 400 && status < 500) {
      return { message: formatted.message, extensions: { code: 'BAD_REQUEST' } };
    }
    if (typeof code === 'string' && PASS_THROUGH_CODES.has(code)) {
      const { stacktrace: _omit, ...extensions } = (formatted.extensions ?? {}) as Record<string, unknown>;
      void _omit;
      return { ...formatted, extensions };
    }
    onMasked(error, formatted);
    const masked: GraphQLFormattedError = {
      message: 'Internal server error. The failure was logged with this request id; retrying may help.',
      extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR },
    };
    return formatted.path
      ? { ...masked, path: formatted.path, ...(formatted.locations ? { locations: formatted.locations } : {}) }
      : masked;
  };
}
