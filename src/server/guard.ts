/**
 * The document guard: every document sent over HTTP is parsed with a token limit and measured against the operation
 * limits (limits.ts) before Apollo sees it. graphql-js's own validation is not linear in the document (its
 * field-merging rule compares repeated fields pairwise), so the limits must refuse hostile documents first, in time
 * linear in their size; Apollo then validates only documents whose shape is known to be cheap to check.
 *
 * Accepted documents are remembered, so a document sent again costs one map lookup here and Apollo's own cache there.
 */
import { parse, type DocumentNode, type GraphQLError, type GraphQLSchema } from 'graphql';
import { tokenLimitError } from './errors.js';
import { measureDocument, type FieldCalls, type LimitSettings } from './limits.js';

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
    let document: DocumentNode;
    try {
      document = parse(query, { maxTokens: this.settings.maxTokens });
    } catch (error) {
      const limit = tokenLimitError(error);
      return limit ? [limit] : undefined;
    }
    const { errors } = measureDocument(document, this.schema, this.settings, this.fieldCalls);
    if (errors.length > 0) return errors;
    this.remember(query);
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
