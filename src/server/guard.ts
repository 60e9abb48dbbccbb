/**
 * The document guard: every document sent over HTTP is parsed with a token limit and measured against the operation
 * limits (limits.ts) before Apollo sees it. graphql-js's own validation is not linear in the document (its
 * field-merging rule compares repeated fields pairwise), so the limits must refuse hostile documents first, in time
 * linear in their size; Apollo then validates only documents whose shape is known to be cheap to check.
 *
 * Accepted documents are remembered, so a document sent again costs one map lookup here and Apollo's own cache there.
 */
import { GraphQLError, Lexer, Source, TokenKind as GraphQLTokenKind, parse, type DocumentNode, type GraphQLSchema } from 'graphql';
import { inputDepthError, tokenLimitError } from './errors.js';
import { measureDocument, type FieldCalls, type LimitSettings } from './limits.js';

// graphql's enums read once: through a bundle's CommonJS interop every access would run a getter chain.
const TokenKind = GraphQLTokenKind;

function tooDeep(maxDepth: number): GraphQLError {
  return new GraphQLError(`The document nests selections far deeper than the depth limit of ${maxDepth}.`, {
    extensions: { code: 'LIMIT_EXCEEDED', limit: 'maxDepth', max: maxDepth },
  });
}

export class DocumentGuard {
  private readonly accepted = new Map<string, true>();
  private acceptedChars = 0;

  constructor(
    private readonly schema: GraphQLSchema,
    private readonly settings: LimitSettings & { maxTokens: number },
    private readonly fieldCalls: FieldCalls,
    /** Remembered documents: at most this many, and this many characters in all. */
    private readonly memory = { documents: 2000, chars: 8 * 1024 * 1024 },
  ) {}

  /** Undefined when `query` may go on to Apollo (a syntax error included: Apollo reports it); else the errors to answer. */
  check(query: string): GraphQLError[] | undefined {
    if (this.accepted.has(query)) return undefined;
    let errors: GraphQLError[];
    try {
      const document: DocumentNode = parse(query, { maxTokens: this.settings.maxTokens });
      errors = measureDocument(document, this.schema, this.settings, this.fieldCalls).errors;
    } catch (error) {
      const limit = tokenLimitError(error);
      if (limit) return [limit];
      // Nested deep enough to exhaust the stack: find out what nests, without recursion.
      if (error instanceof RangeError) return [this.nesting(query) ?? tooDeep(this.settings.maxDepth)];
      return undefined;
    }
    if (errors.length > 0) return errors;
    this.remember(query);
    return undefined;
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

  private remember(query: string): void {
    if (query.length > this.memory.chars / 4) return;
    while (this.accepted.size >= this.memory.documents || this.acceptedChars + query.length > this.memory.chars) {
      const oldest = this.accepted.keys().next().value as string;
      this.accepted.delete(oldest);
      this.acceptedChars -= oldest.length;
    }
    this.accepted.set(query, true);
    this.acceptedChars += query.length;
  }
}
