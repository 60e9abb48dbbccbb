/**
 * Operation limits enforced at validation time, before any resolver runs and so before any upstream call: selection
 * depth, aliases, and a cost estimate where list fields multiply the cost of what they select by the page size asked.
 */
import {
  GraphQLError,
  Kind,
  getNamedType,
  isListType,
  isNonNullType,
  type ASTVisitor,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLOutputType,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValidationContext,
  type ValueNode,
} from 'graphql';

export interface OperationLimits {
  maxDepth: number;
  maxAliases: number;
  maxCost: number;
  /** Page size assumed for a connection without `first`/`last`. */
  defaultPageSize: number;
}

/** Fields that call an upstream cost this much more than a plain field. */
const UPSTREAM_FIELD_COST = 2;
const UPSTREAM_FIELDS = new Set(['predict', 'predictEffect', 'lookup', 'forecast', 'sqlQuery', 'runFunction']);
/**
 * Lists that are not connections yet as long as the upstream makes them: each counts as a page of the maximum page
 * size, or 200 aliased SQL queries (cost 1,600 otherwise) would build a 7 MB response, blocking the event loop for
 * well over 50 ms while it is serialised.
 */
const UPSTREAM_SIZED_LISTS = new Set(['SqlQueryResult.rows']);

function limitError(message: string, limit: number, got: number): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'GRAPHQL_VALIDATION_FAILED', limit, got } });
}

function intArg(node: FieldNode, name: string, variables: Record<string, unknown> | undefined): number | undefined {
  const arg = node.arguments?.find((a) => a.name.value === name);
  if (!arg) return undefined;
  const v: ValueNode = arg.value;
  if (v.kind === Kind.INT) return Number(v.value);
  if (v.kind === Kind.VARIABLE) {
    const value = variables?.[v.name.value];
    return typeof value === 'number' ? value : undefined;
  }
  return undefined;
}

/**
 * Builds the validation rules. Variables are not known at validation time in graphql-js, so a connection whose
 * `first`/`last` is a variable counts at the maximum page size: the estimate never undercounts.
 */
export function limitRules(
  limits: OperationLimits & { maxPageSize: number },
  /** Receives each validated operation's estimated cost (admission control weighs operations by it). */
  costs?: WeakMap<OperationDefinitionNode, number>,
): Array<(context: ValidationContext) => ASTVisitor> {
  const depthRule = (context: ValidationContext): ASTVisitor => {
    const fragments = new Map<string, FragmentDefinitionNode>();
    for (const def of context.getDocument().definitions) if (def.kind === Kind.FRAGMENT_DEFINITION) fragments.set(def.name.value, def);
    const depthOf = (set: SelectionSetNode | undefined, seen: Set<string>): number => {
      if (!set) return 0;
      let max = 0;
      for (const sel of set.selections) {
        if (sel.kind === Kind.FIELD) {
          if (sel.name.value.startsWith('__')) continue;
          max = Math.max(max, 1 + depthOf(sel.selectionSet, seen));
        } else if (sel.kind === Kind.INLINE_FRAGMENT) {
          max = Math.max(max, depthOf(sel.selectionSet, seen));
        } else {
          const name = sel.name.value;
          const frag = fragments.get(name);
          if (!frag || seen.has(name)) continue;
          max = Math.max(max, depthOf(frag.selectionSet, new Set([...seen, name])));
        }
        if (max > limits.maxDepth) return max;
      }
      return max;
    };
    return {
      OperationDefinition(node) {
        const depth = depthOf(node.selectionSet, new Set());
        if (depth > limits.maxDepth) {
          context.reportError(limitError(`The operation is ${depth} levels deep; the limit is ${limits.maxDepth}. Split it into smaller operations.`, limits.maxDepth, depth));
        }
      },
    };
  };

  const aliasRule = (context: ValidationContext): ASTVisitor => {
    let aliases = 0;
    let reported = false;
    return {
      Field(node) {
        if (!node.alias) return;
        aliases++;
        if (aliases > limits.maxAliases && !reported) {
          reported = true;
          context.reportError(limitError(`The document uses more than ${limits.maxAliases} aliases, the limit. Batch fewer fields per operation.`, limits.maxAliases, aliases));
        }
      },
    };
  };

  const costRule = (context: ValidationContext): ASTVisitor => {
    const schema = context.getSchema();
    const fragments = new Map<string, FragmentDefinitionNode>();
    for (const def of context.getDocument().definitions) if (def.kind === Kind.FRAGMENT_DEFINITION) fragments.set(def.name.value, def);

    const costOf = (set: SelectionSetNode | undefined, parentType: GraphQLOutputType | undefined, depth: number): number => {
      if (!set || depth > limits.maxDepth + 2) return 0;
      const named = parentType ? getNamedType(parentType) : undefined;
      const fields = named && 'getFields' in named ? named.getFields() : undefined;
      let total = 0;
      for (const sel of set.selections) {
        if (sel.kind === Kind.FIELD) {
          if (sel.name.value.startsWith('__')) continue;
          const field = fields?.[sel.name.value];
          const type = field?.type;
          let unwrapped = type;
          while (unwrapped && isNonNullType(unwrapped)) unwrapped = unwrapped.ofType;
          const isConnection = !!type && getNamedType(type).name.endsWith('Connection');
          const own = UPSTREAM_FIELDS.has(sel.name.value) ? 1 + UPSTREAM_FIELD_COST : 1;
          let multiplier = 1;
          if (isConnection) {
            const hasPaging = sel.arguments?.some((a) => a.name.value === 'first' || a.name.value === 'last');
            const first = intArg(sel, 'first', undefined) ?? intArg(sel, 'last', undefined);
            multiplier = first ?? (hasPaging ? limits.maxPageSize : limits.defaultPageSize);
          } else if (unwrapped && isListType(unwrapped) && sel.name.value === 'nodes') {
            multiplier = 1;
          }
          if (!isConnection) multiplier = named && UPSTREAM_SIZED_LISTS.has(`${named.name}.${sel.name.value}`) ? limits.maxPageSize : 1;
          total += own + multiplier * costOf(sel.selectionSet, type, depth + 1);
        } else if (sel.kind === Kind.INLINE_FRAGMENT) {
          const cond = sel.typeCondition ? schema.getType(sel.typeCondition.name.value) : undefined;
          total += costOf(sel.selectionSet, (cond as GraphQLOutputType | undefined) ?? parentType, depth);
        } else {
          const frag = fragments.get(sel.name.value);
          if (frag) total += costOf(frag.selectionSet, schema.getType(frag.typeCondition.name.value) as GraphQLOutputType | undefined, depth + 1);
        }
      }
      return total;
    };

    return {
      OperationDefinition(node) {
        const root = node.operation === 'query' ? schema.getQueryType() : node.operation === 'mutation' ? schema.getMutationType() : schema.getSubscriptionType();
        const cost = costOf(node.selectionSet, root ?? undefined, 0);
        costs?.set(node, cost);
        if (cost > limits.maxCost) {
          context.reportError(
            limitError(
              `The operation's estimated cost is ${cost}; the limit is ${limits.maxCost}. Each field costs 1 (fields that call a model cost 3) and connection fields multiply what they select by first/last. Ask for smaller pages or fewer fields.`,
              limits.maxCost,
              cost,
            ),
          );
        }
      },
    };
  };

  return [depthRule, aliasRule, costRule];
}
