/**
 * The document guard: every document sent over HTTP is parsed with a token limit and measured against the operation
 * limits (limits.ts) before Apollo sees it. graphql-js's own validation is not linear in the document (its
 * field-merging rule compares repeated fields pairwise), so the limits must refuse hostile documents first, in time
 * linear in their size; Apollo then validates only documents whose shape is known to be cheap to check.
 *
 * Verdicts are remembered, so a document sent again costs one map lookup here (and Apollo's own cache there).
 */
import { GraphQLError, Lexer, Source, TokenKind as GraphQLTokenKind, parse, type DocumentNode, type GraphQLSchema } from 'graphql';
import { documentSizeError, inputDepthError, tokenLimitError } from './errors.js';
import { measureDocument, plannedCallErrors, plansTooManyCalls, type FieldCalls, type LimitSettings } from './limits.js';

// graphql's enums read once: through a bundle's CommonJS interop every access would run a getter chain.
const TokenKind = GraphQLTokenKind;

/** A document's verdict: refused with `errors`, or accepted, with its `document` when its upstream calls must be counted with variables. */
interface Verdict {
  errors?: GraphQLError[];
  document?: DocumentNode;
}

function tooDeep(maxDepth: number): GraphQLError {
  return new GraphQLError(`The document nests selections far deeper than the depth limit of ${maxDepth}.`, {
    extensions: { code: 'LIMIT_EXCEEDED', limit: 'maxDepth', max: maxDepth },
  });
}

export class DocumentGuard {
  /** Documents already checked, with their verdict, oldest first. */
  private readonly verdicts = new Map<string, Verdict>();
  private verdictChars = 0;

  constructor(
    private readonly schema: GraphQLSchema,
    private readonly settings: LimitSettings & { maxTokens: number; maxDocumentBytes: number },
    private readonly fieldCalls: FieldCalls,
    /** Remembered documents: at most this many, and this many characters in all. */
    private readonly memory = { documents: 2000, chars: 8 * 1024 * 1024 },
  ) {}

  /**
   * Undefined when `query` may go on to Apollo; else the errors to answer (a syntax error's as Apollo words it).
   * The upstream calls an operation plans depend on its variables: they are counted with the request's.
   */
  check(query: string, request: { variables?: unknown; operationName?: unknown } = {}): GraphQLError[] | undefined {
    // Before anything reads the whole text (the verdict map hashes it, Apollo hashes it again, the lexer walks it).
    if (tooLong(query, this.settings.maxDocumentBytes)) return [documentSizeError(this.settings.maxDocumentBytes)];
    let verdict = this.verdicts.get(query);
    if (!verdict) {
      verdict = this.verdict(query);
      this.remember(query, verdict);
    }
    if (verdict.errors) return verdict.errors;
    if (!verdict.document) return undefined;
    const variables =
      request.variables && typeof request.variables === 'object' ? (request.variables as Record<string, unknown>) : undefined;
    const name = typeof request.operationName === 'string' ? request.operationName : undefined;
    const calls = plannedCallErrors(
      verdict.document,
      this.schema,
      this.settings,
      this.fieldCalls,
      variables,
      (op) => name === undefined || op.name?.value === name,
    );
    return calls.length > 0 ? calls : undefined;
  }

  private verdict(query: string): Verdict {
    try {
      const document: DocumentNode = parse(query, { maxTokens: this.settings.maxTokens });
      const { errors, operations } = measureDocument(document, this.schema, this.settings, this.fieldCalls);
      if (errors.length > 0) return { errors };
      // Kept only when an operation may plan more upstream calls than allowed, to count them again with variables.
      return [...operations.values()].some((m) => plansTooManyCalls(m, this.settings)) ? { document } : {};
    } catch (error) {
      const limit = tokenLimitError(error);
      if (limit) return { errors: [limit] };
      // Nested deep enough to exhaust the stack: find out what nests, without recursion.
      if (error instanceof RangeError) return { errors: [this.nesting(query) ?? tooDeep(this.settings.maxDepth)] };
      // A syntax error, answered as Apollo would, and remembered like any other verdict.
      if (error instanceof GraphQLError) {
        return {
          errors: [
            new GraphQLError(error.message, {
              ...(error.source ? { source: error.source } : {}),
              ...(error.positions ? { positions: error.positions } : {}),
              extensions: { code: 'GRAPHQL_PARSE_FAILED' },
            }),
          ],
        };
      }
      return {};
    }
  }

  /**
   * graphql-js parses recursively: a document nesting lists or selections a few thousand levels deep overflows the
   * stack before any limit could be measured. Such a document's tokens are scanned without recursion to tell which
   * limit it breaks.
   */
  private nesting(query: string): GraphQLError | undefined {
    const { maxInputDepth, maxDepth, maxTokens } = this.settings;
    // Selections nest one level per field, plus inline fragments: far more than this has no use.
    const maxSelectionNesting = 4 * Math.max(maxDepth, 16);
    const lexer = new Lexer(new Source(query));
    const stack: number[] = [];
    let inArguments = 0;
    let selections = 0;
    try {
      for (let tokens = 0, token = lexer.advance(); token.kind !== TokenKind.EOF; token = lexer.advance()) {
        if (++tokens > maxTokens) return tokenLimitError(`Document contains more than ${maxTokens} tokens`);
        const kind = token.kind;
        if (kind === TokenKind.PAREN_L) {
          stack.push(0);
          inArguments++;
        } else if (kind === TokenKind.BRACE_L || kind === TokenKind.BRACKET_L) {
          if (inArguments > 0) {
            const depth = (stack.length > 0 ? stack[stack.length - 1]! : 0) + 1;
            stack.push(depth);
            if (depth > maxInputDepth) {
              return inputDepthError(maxInputDepth);
            }
          } else {
            stack.push(-1);
            if (++selections > maxSelectionNesting) {
              return tooDeep(maxDepth);
            }
          }
        } else if (kind === TokenKind.PAREN_R || kind === TokenKind.BRACE_R || kind === TokenKind.BRACKET_R) {
          const top = stack.pop();
          if (kind === TokenKind.PAREN_R) inArguments = Math.max(0, inArguments - 1);
          else if (top === -1) selections--;
        }
      }
    } catch {
      return undefined;
    }
    return undefined;
  }

  /** Keeps a verdict, so a document sent again (a client's own, or an attacker replaying one) costs a lookup. */
  private remember(query: string, verdict: Verdict): void {
    if (query.length > this.memory.chars / 4) return;
    while (this.verdicts.size >= this.memory.documents || this.verdictChars + query.length > this.memory.chars) {
      const oldest = this.verdicts.keys().next().value as string;
      this.verdicts.delete(oldest);
      this.verdictChars -= oldest.length;
    }
    this.verdicts.set(query, verdict);
    this.verdictChars += query.length;
  }
}

/** Whether `text` takes more than `max` bytes in UTF-8 (at most 3 per UTF-16 unit), counted only when it could. */
function tooLong(text: string, max: number): boolean {
  if (text.length > max) return true;
  return text.length * 3 > max && Buffer.byteLength(text, 'utf8') > max;
}

/**
 * At most the size in UTF-8 bytes of the top-level `query` string of a JSON request body, read from its bytes without
 * decoding or parsing them: decoding and parsing a 900 KB body costs milliseconds and as much memory again, which a
 * document that will be refused for its size should not be able to buy. 0 when the body is not an object, has no
 * such member, its last `query` member (the one JSON.parse keeps) is not a string, or one of its keys is written with
 * escapes. Each escape counts as the fewest bytes it can decode to (`\uXXXX` one, any other one), every other byte as
 * itself: invalid UTF-8 decodes to at least as many bytes (U+FFFD, three bytes for at most three). The bound holds
 * for any body that parses; one that does not may be refused for its size rather than for its syntax.
 */
export function jsonQueryBytesAtLeast(json: Buffer): number {
  let depth = 0;
  let bytes = 0;
  // At depth 1: whether a member's key comes next, and whether the value that comes next is `query`'s.
  let keyNext = false;
  let queryValueNext = false;
  for (let i = 0; i < json.length; i++) {
    const c = json[i]!;
    if (c === 0x22) {
      const end = closingQuote(json, i);
      if (end === -1) return 0;
      if (depth === 1) {
        if (keyNext) {
          // A key written with escapes may be `query` too: not worth decoding here, the body is parsed as usual.
          const escaped = json.indexOf(0x5c, i);
          if (escaped !== -1 && escaped < end) return 0;
          keyNext = false;
          queryValueNext = end - i === 6 && json.toString('latin1', i + 1, end) === 'query';
        } else if (queryValueNext) {
          bytes = unescapedBytesAtLeast(json, i + 1, end);
          queryValueNext = false;
        }
      }
      i = end;
    } else if (c === 0x7b || c === 0x5b) {
      if (++depth === 1) {
        if (c !== 0x7b) return 0;
        keyNext = true;
      } else if (depth === 2 && queryValueNext) {
        bytes = 0;
        queryValueNext = false;
      }
    } else if (c === 0x7d || c === 0x5d || c === 0x2c) {
      if (depth === 1 && queryValueNext) {
        // `query` held a literal (null, a number, true or false).
        bytes = 0;
        queryValueNext = false;
      }
      if (c === 0x2c) keyNext = depth === 1;
      else depth--;
    }
  }
  return bytes;
}

/** The index of the quote closing the JSON string opened at `open` (one not preceded by an odd number of backslashes), or -1. */
function closingQuote(json: Buffer, open: number): number {
  let end = open;
  for (;;) {
    end = json.indexOf(0x22, end + 1);
    if (end === -1) return -1;
    let backslashes = 0;
    while (json[end - 1 - backslashes] === 0x5c) backslashes++;
    if (backslashes % 2 === 0) return end;
  }
}

/** The fewest UTF-8 bytes the JSON string content `json[start, end)` decodes to. */
function unescapedBytesAtLeast(json: Buffer, start: number, end: number): number {
  let bytes = end - start;
  for (let b = json.indexOf(0x5c, start); b !== -1 && b < end; b = json.indexOf(0x5c, b + 2)) bytes -= json[b + 1] === 0x75 ? 5 : 1;
  return bytes;
}

/**
 * Whether a JSON text nests objects and arrays deeper than `max`, found by scanning its bytes: parsing ten thousand
 * nested arrays costs milliseconds and as many allocations, which a request body of 20 KB should not be able to buy.
 */
export function jsonNestsDeeperThan(json: Buffer, max: number): boolean {
  // Nesting deeper than `max` needs more than `max` opening brackets: counted natively first, most bodies stop here.
  let opening = 0;
  for (let i = json.indexOf(0x7b); i !== -1 && opening <= max; i = json.indexOf(0x7b, i + 1)) opening++;
  for (let i = json.indexOf(0x5b); i !== -1 && opening <= max; i = json.indexOf(0x5b, i + 1)) opening++;
  if (opening <= max) return false;
  // Brackets inside strings (a query's selection sets) do not nest: each string is skipped natively to its closing
  // quote, one not preceded by an odd number of backslashes.
  let depth = 0;
  for (let i = 0; i < json.length; i++) {
    const c = json[i]!;
    if (c === 0x22) {
      const end = closingQuote(json, i);
      if (end === -1) return false;
      i = end;
    } else if (c === 0x7b || c === 0x5b) {
      if (++depth > max) return true;
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return false;
}
