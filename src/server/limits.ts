/**
 * Operation limits, checked before any resolver runs and so before any upstream call: depth, aliases, directives,
 * estimated cost, field-merge checks, introspection and the upstream calls per rate-limited platform, each measured
 * by one linear pass over the document (measure.ts) and refused with a `LIMIT_EXCEEDED` error naming the limit.
 */
import {
  GraphQLError,
  getIntrospectionQuery,
  parse,
  type ASTNode,
  type ASTVisitor,
  type DocumentNode,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type ValidationContext,
} from 'graphql';
import { inputDepthError } from './errors.js';
import { findDeepValue, measureOperations, type FieldCalls, type MeasureSettings, type OperationMeasure } from './measure.js';
import { PLATFORM_LABEL, type PlatformName } from '../core/upstream.js';

export type { FieldCalls, OperationMeasure } from './measure.js';

export interface LimitSettings extends MeasureSettings {
  maxDepth: number;
  maxAliases: number;
  maxDirectives: number;
  maxCost: number;
  maxFieldComparisons: number;
  maxInputDepth: number;
  /** Most calls one operation may plan, per rate-limited platform. */
  maxCalls: Partial<Record<PlatformName, { max: number; perMinute: number; share: number }>>;
}

/** What GraphiQL and code generators send: introspection may go as deep as this query (a deeper `ofType` chain is refused). */
const STANDARD_INTROSPECTION = parse(
  getIntrospectionQuery({
    descriptions: true,
    specifiedByUrl: true,
    directiveIsRepeatable: true,
    schemaDescription: true,
    inputValueDeprecation: true,
  }),
  { noLocation: true },
);
const standardDepths = new WeakMap<GraphQLSchema, number>();

function introspectionDepthLimit(schema: GraphQLSchema, settings: LimitSettings, fieldCalls: FieldCalls): number {
  let depth = standardDepths.get(schema);
  if (depth === undefined) {
    const operations = measureOperations(STANDARD_INTROSPECTION, schema, settings, fieldCalls);
    depth = Math.max(...[...operations.values()].map((o) => o.measure.introspectionDepth));
    standardDepths.set(schema, depth);
  }
  return Math.max(settings.maxDepth, depth);
}

function limitError(
  message: string,
  limit: string,
  max: number,
  got: number | undefined,
  node: ASTNode | undefined,
  extra: Record<string, unknown> = {},
): GraphQLError {
  return new GraphQLError(message, {
    ...(node ? { nodes: [node] } : {}),
    extensions: { code: 'LIMIT_EXCEEDED', limit, max, ...(got !== undefined && Number.isFinite(got) ? { got } : {}), ...extra },
  });
}

function amount(n: number): string {
  return Number.isFinite(n) && n < 1e15 ? String(n) : 'more than 10^15';
}

export interface MeasureOptions {
  /** The request's variables, when known: page sizes and id lists given as variables are counted as sent. */
  variables?: Record<string, unknown>;
  /**
   * Whether to check `maxCalls`. Upstream calls depend on variables (`nodes(ids: $ids)`), so they are checked once the
   * variables are known (limitPlugin); the other limits are properties of the document alone.
   */
  checkCalls?: boolean;
}

/**
 * Measures every operation of `document` and reports what exceeds `settings`. Unknown fields, types and fragments
 * and fragment cycles count as nothing: validation reports them.
 */
export function measureDocument(
  document: DocumentNode,
  schema: GraphQLSchema,
  settings: LimitSettings,
  fieldCalls: FieldCalls,
  options: MeasureOptions = {},
): { errors: GraphQLError[]; operations: Map<OperationDefinitionNode, OperationMeasure> } {
  const { variables } = options;
  const errors: GraphQLError[] = [];
  const operations = new Map<OperationDefinitionNode, OperationMeasure>();

  // Input values first: their nesting is a property of the text, not of execution.
  const tooDeep = findDeepValue(document, settings.maxInputDepth);
  if (tooDeep) {
    errors.push(inputDepthError(settings.maxInputDepth, [tooDeep]));
    return { errors, operations };
  }

  for (const [def, { measure, comparisons, schemas }] of measureOperations(document, schema, settings, fieldCalls, variables)) {
    operations.set(def, measure);
    const { cost, calls } = measure;
    const report = (e: GraphQLError): void => void errors.push(e);
    if (measure.depth > settings.maxDepth) {
      report(
        limitError(
          `The operation is ${amount(measure.depth)} levels deep; the limit is ${settings.maxDepth}. Split it into smaller operations.`,
          'maxDepth',
          settings.maxDepth,
          measure.depth,
          def,
        ),
      );
    }
    const introLimit = introspectionDepthLimit(schema, settings, fieldCalls);
    if (measure.introspectionDepth > introLimit) {
      report(
        limitError(
          `The operation's introspection is ${amount(measure.introspectionDepth)} levels deep; the limit is ${introLimit}, what the standard introspection query needs. Shorten its ofType chains.`,
          'maxIntrospectionDepth',
          introLimit,
          measure.introspectionDepth,
          def,
        ),
      );
    }
    if (schemas > 1) {
      report(
        limitError(
          `The operation selects __schema ${amount(schemas)} times; an operation may select it once.`,
          'maxIntrospectionSchemas',
          1,
          schemas,
          def,
        ),
      );
    }
    if (measure.aliases > settings.maxAliases) {
      report(
        limitError(
          `The operation uses ${amount(measure.aliases)} aliases, fragments expanded: more than ${settings.maxAliases} aliases, the limit. Batch fewer fields per operation.`,
          'maxAliases',
          settings.maxAliases,
          measure.aliases,
          def,
        ),
      );
    }
    if (measure.directives > settings.maxDirectives) {
      report(
        limitError(
          `The operation uses ${amount(measure.directives)} directives, fragments expanded; the limit is ${settings.maxDirectives}.`,
          'maxDirectives',
          settings.maxDirectives,
          measure.directives,
          def,
        ),
      );
    }
    if (comparisons > settings.maxFieldComparisons) {
      report(
        limitError(
          `The operation would take ${amount(comparisons)} field-merge checks to validate; the limit is ${settings.maxFieldComparisons}. Select each field once per selection set rather than repeating it or spreading many fragments side by side.`,
          'maxFieldComparisons',
          settings.maxFieldComparisons,
          comparisons,
          def,
        ),
      );
    }
    if (cost > settings.maxCost) {
      report(
        limitError(
          `The operation's estimated cost is ${amount(cost)}; the limit is ${settings.maxCost}. Each field costs 1 (fields that call a model cost 3, introspection 0.25 per object returned) and connection fields multiply what they select by first/last. Ask for smaller pages or fewer fields.`,
          'maxCost',
          settings.maxCost,
          cost,
          def,
        ),
      );
    }
    if (options.checkCalls)
      for (const [platform, budget] of Object.entries(settings.maxCalls) as Array<
        [PlatformName, NonNullable<LimitSettings['maxCalls'][PlatformName]>]
      >) {
        if (calls[platform] > budget.max) {
          report(
            limitError(
              `The operation may make ${amount(calls[platform])} ${PLATFORM_LABEL[platform]} calls; one operation may plan at most ${budget.max}, ${Math.round(budget.share * 100)}% of the ${budget.perMinute} calls per minute the key allows, so other callers keep theirs. Ask for fewer or smaller lists, or split the operation.`,
              'maxUpstreamCalls',
              budget.max,
              calls[platform],
              def,
              { platform },
            ),
          );
        }
      }
  }
  return { errors, operations };
}

/**
 * The limits as a validation rule, for documents that reach Apollo without passing the HTTP guard (persisted-query
 * hashes, `executeOperation`). It records every operation's measure for admission control and the operation log line.
 */
export function limitRule(
  settings: LimitSettings,
  fieldCalls: FieldCalls,
  measures?: WeakMap<OperationDefinitionNode, OperationMeasure>,
): (context: ValidationContext) => ASTVisitor {
  return (context) => ({
    Document(node) {
      const { errors, operations } = measureDocument(node, context.getSchema(), settings, fieldCalls);
      if (measures) for (const [op, m] of operations) measures.set(op, m);
      for (const e of errors) context.reportError(e);
      return false;
    },
  });
}

/** Whether an operation, counted without its variables, may plan more calls than allowed on some platform. */
export function plansTooManyCalls(measure: OperationMeasure, settings: LimitSettings): boolean {
  return (Object.entries(settings.maxCalls) as Array<[PlatformName, { max: number }]>).some(([p, b]) => measure.calls[p] > b.max);
}

/**
 * The error for an operation that may make more calls to a rate-limited platform than its share of the key's budget,
 * counted with the request's variables; undefined when it keeps within it. Checked before admission and before any
 * upstream call.
 */
export function upstreamCallsError(
  measure: OperationMeasure,
  operation: OperationDefinitionNode,
  document: DocumentNode,
  schema: GraphQLSchema,
  settings: LimitSettings,
  fieldCalls: FieldCalls,
  variables: Record<string, unknown> | undefined,
): GraphQLError | undefined {
  if (!plansTooManyCalls(measure, settings)) return undefined;
  const [error] = plannedCallErrors(document, schema, settings, fieldCalls, variables, (op) => op === operation);
  return error && new GraphQLError(error.message, { nodes: error.nodes ?? [], extensions: { ...error.extensions, http: { status: 400 } } });
}

/** The `maxUpstreamCalls` errors of the operations `isOperation` picks, their calls counted with `variables`. */
export function plannedCallErrors(
  document: DocumentNode,
  schema: GraphQLSchema,
  settings: LimitSettings,
  fieldCalls: FieldCalls,
  variables: Record<string, unknown> | undefined,
  isOperation: (operation: OperationDefinitionNode) => boolean,
): GraphQLError[] {
  const { errors } = measureDocument(document, schema, settings, fieldCalls, { ...(variables ? { variables } : {}), checkCalls: true });
  return errors.filter((e) => e.extensions['limit'] === 'maxUpstreamCalls' && isOperation(e.nodes?.[0] as OperationDefinitionNode));
}
