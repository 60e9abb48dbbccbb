/**
 * Not public: the measuring walker behind the operation limits (limits.ts). One pass measures every operation of a
 * document: depth, aliases, directives, estimated cost, the field-merge checks validation would run, introspection
 * (depth and `__schema` count) and the upstream calls it may make per platform.
 *
 * Each fragment is measured once, in each of the three contexts it can appear in, and its summary reused at every
 * spread, so the walk is linear in the document's size whatever its fragments multiply to: thirty fragments each
 * spreading the next one twice measure 2^30 fields in 31 steps. Counts follow spreads as if each were written out,
 * so they never undercount what execution could do.
 */
import {
  Kind as GraphQLKind,
  OperationTypeNode as GraphQLOperationTypeNode,
  getNamedType as graphqlGetNamedType,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLNamedType,
  type GraphQLOutputType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValueNode,
} from 'graphql';
import { PLATFORMS, type PlatformName } from '../core/upstream.js';

// graphql's enums read once: through a bundle's CommonJS interop every access would run a getter chain.
const Kind = GraphQLKind;
const OperationTypeNode = GraphQLOperationTypeNode;
const getNamedType = graphqlGetNamedType;

/** The settings the walk itself depends on: how long the lists it multiplies by are assumed to be. */
export interface MeasureSettings {
  /** Page size assumed for a connection without `first`/`last`; `maxPageSize` when they are variables. */
  defaultPageSize: number;
  maxPageSize: number;
  /** Records per batched upstream call (Dataiku's multi endpoints). */
  batchSize: number;
  /** Ids assumed for a `nodes(ids:)` given as a variable. */
  maxIds: number;
}

/** What one operation was measured at. */
export interface OperationMeasure {
  cost: number;
  depth: number;
  /** Depth of its introspection selections (0: none). */
  introspectionDepth: number;
  aliases: number;
  directives: number;
  /** Upper bound of the upstream calls it may make, per platform. */
  calls: Record<PlatformName, number>;
}

/** An operation's measure, with what only the limits themselves check. */
export interface OperationSize {
  measure: OperationMeasure;
  /** Field-merge checks validation would make. */
  comparisons: number;
  /** How many times it selects `__schema`. */
  schemas: number;
}

/** Which platform's upstream a field calls, and whether its calls are batched; undefined: it calls none. */
export type FieldCalls = (parentType: string, field: string) => { platform: PlatformName; batched: boolean } | undefined;

/** Fields that call a model (batched into the platform's multi endpoints) cost this much more than a plain field. */
const MODEL_FIELD_COST = 2;
const MODEL_FIELDS = new Set([
  'predict',
  'predictEffect',
  'lookup',
  'predictRecords',
  'predictEffects',
  'lookupRecords',
  'forecast',
  'sqlQuery',
  'runFunction',
]);
/** Model fields taking a list of records (`records`), each record one item of the batched calls. */
const RECORD_LIST_FIELDS = new Set(['predictRecords', 'predictEffects', 'lookupRecords']);

/**
 * Lists that are not connections yet as long as the upstream makes them: each counts as a page of the maximum page
 * size, or 200 aliased SQL queries would build a 7 MB response, blocking the event loop for well over 50 ms while it
 * is serialised.
 */
const UPSTREAM_SIZED_LISTS = new Map([['SqlQueryResult', 'rows']]);

/** Introspection fields whose lists are as long as something in the schema. */
const INTROSPECTION_LISTS = new Set(['types', 'directives', 'fields', 'inputFields', 'enumValues', 'args', 'interfaces', 'possibleTypes']);

/** Where a field sits: plain, inside introspection reached by `__type` (one type), or by `types` (every type). */
const enum Scope {
  Plain = 0,
  OneType = 1,
  AllTypes = 2,
}

interface Summary {
  /** Deepest path of plain fields, this level counting 1. */
  depth: number;
  /** Deepest path that enters introspection (0: none). */
  introDepth: number;
  aliases: number;
  directives: number;
  cost: number;
  schemas: number;
  /** This level's response keys, fragments flattened: how many selections share each and their subtrees' size. */
  keys: Map<string, { count: number; size: number }>;
  /** Fragment spreads at this level, nested spreads included. */
  spreads: number;
  /** Field selections in the whole subtree, this level included. */
  size: number;
  /** Field-merge checks of the levels below this one. */
  comparisons: number;
  /** Upstream calls per instance of the parent, and items of batched calls, per platform (absent: none). */
  calls: Float64Array | undefined;
  items: Float64Array | undefined;
}

const PLATFORM_INDEX = new Map(PLATFORMS.map((p, i) => [p, i]));

function emptySummary(): Summary {
  return {
    depth: 0,
    introDepth: 0,
    aliases: 0,
    directives: 0,
    cost: 0,
    schemas: 0,
    keys: new Map(),
    spreads: 0,
    size: 0,
    comparisons: 0,
    calls: undefined,
    items: undefined,
  };
}

/** What a leaf field selects: shared, never written to. */
const LEAF: Summary = Object.freeze(emptySummary());

/** Adds `calls` upstream calls and `items` batched items of `platform`, seen `times` times. */
function addCalls(s: Summary, times: number, calls: Float64Array | undefined, items: Float64Array | undefined): void {
  if (!calls || !items) return;
  s.calls ??= new Float64Array(PLATFORMS.length);
  s.items ??= new Float64Array(PLATFORMS.length);
  for (let i = 0; i < PLATFORMS.length; i++) {
    s.calls[i]! += mul(times, calls[i]!);
    s.items[i]! += mul(times, items[i]!);
  }
}

/** Multiplication where 0 wins over Infinity (a `first: 0` page of an unbounded subtree costs nothing). */
function mul(a: number, b: number): number {
  return a === 0 || b === 0 ? 0 : a * b;
}

function addKey(s: Summary, key: string, count: number, size: number): void {
  const k = s.keys.get(key);
  if (k) {
    k.count += count;
    k.size += size;
  } else s.keys.set(key, { count, size });
}

/**
 * The field-merge checks graphql-js's OverlappingFieldsCanBeMerged rule makes at one level: every selection of a
 * response key against every other (each comparing their subtrees), and every pair of fragments spread side by side.
 */
function comparisonsAt(s: Summary): number {
  let total = mul(s.spreads, s.spreads);
  for (const k of s.keys.values()) total += mul(k.count, k.size);
  return total;
}

/** Adds `child`, seen `times` times per instance of the parent, into `into` (flattened: same level). */
function merge(into: Summary, child: Summary): void {
  into.depth = Math.max(into.depth, child.depth);
  into.introDepth = Math.max(into.introDepth, child.introDepth);
  into.aliases += child.aliases;
  into.directives += child.directives;
  into.cost += child.cost;
  into.schemas += child.schemas;
  for (const [key, k] of child.keys) addKey(into, key, k.count, k.size);
  into.spreads += child.spreads;
  into.size += child.size;
  into.comparisons += child.comparisons;
  addCalls(into, 1, child.calls, child.items);
}

/** Sizes of the schema that introspection lists return: every type, and per type the average and the largest. */
interface IntrospectionSizes {
  types: number;
  /** The most wrappers (non-null, list) around any field's or argument's type. */
  wrapping: number;
  /** Per `ofType` level k (from 1), the share of type references wrapped at least k times: what that level returns. */
  wrapShare: number[];
  directives: number;
  avg: Record<string, number>;
  max: Record<string, number>;
}

const introspectionSizes = new WeakMap<GraphQLSchema, IntrospectionSizes>();

function sizesOf(schema: GraphQLSchema): IntrospectionSizes {
  let sizes = introspectionSizes.get(schema);
  if (sizes) return sizes;
  const types = Object.values(schema.getTypeMap());
  const directives = schema.getDirectives();
  const totals: Record<string, number> = { fields: 0, inputFields: 0, enumValues: 0, args: 0, interfaces: 0, possibleTypes: 0 };
  const max: Record<string, number> = { ...totals };
  const count = (key: string, n: number): void => {
    totals[key]! += n;
    max[key] = Math.max(max[key]!, n);
  };
  let fieldCount = 0;
  let argCount = 0;
  let wrapping = 0;
  const wrapCounts: number[] = [];
  const wrapsOf = (t: unknown): number => {
    let n = 0;
    for (let w = t as { ofType?: unknown }; w && 'ofType' in w && w.ofType; w = w.ofType as { ofType?: unknown }) n++;
    wrapCounts[n] = (wrapCounts[n] ?? 0) + 1;
    return n;
  };
  for (const type of types) {
    // Read by shape: which of these methods a type has says what it holds.
    const t = type as Partial<Record<'getFields' | 'getValues' | 'getInterfaces' | 'getTypes', () => unknown>>;
    if ('getFields' in t && typeof t.getFields === 'function') {
      const fields = Object.values(t.getFields() as Record<string, { type: unknown; args?: Array<{ type: unknown }> }>);
      count(`${'getInterfaces' in t ? 'fields' : 'inputFields'}`, fields.length);
      for (const f of fields) {
        fieldCount++;
        wrapping = Math.max(wrapping, wrapsOf(f.type), ...(f.args ?? []).map((a) => wrapsOf(a.type)));
        argCount += f.args?.length ?? 0;
        max['args'] = Math.max(max['args']!, f.args?.length ?? 0);
      }
    }
    if ('getValues' in t && typeof t.getValues === 'function') count('enumValues', (t.getValues() as unknown[]).length);
    if ('getInterfaces' in t && typeof t.getInterfaces === 'function') count('interfaces', (t.getInterfaces() as unknown[]).length);
    if ('getTypes' in t && typeof t.getTypes === 'function') count('possibleTypes', (t.getTypes() as unknown[]).length);
  }
  for (const d of directives) {
    argCount += d.args.length;
    fieldCount++;
    max['args'] = Math.max(max['args']!, d.args.length);
  }
  const avg: Record<string, number> = {};
  for (const key of Object.keys(totals)) avg[key] = totals[key]! / types.length;
  avg['args'] = argCount / Math.max(1, fieldCount);
  const references = wrapCounts.reduce((a, b) => a + (b ?? 0), 0);
  const wrapShare = [1];
  for (let k = 1; k <= wrapping; k++) wrapShare[k] = wrapCounts.slice(k).reduce((a, b) => a + (b ?? 0), 0) / Math.max(1, references);
  sizes = { types: types.length, wrapping, wrapShare, directives: directives.length, avg, max };
  introspectionSizes.set(schema, sizes);
  return sizes;
}

/**
 * Introspection is answered from memory, never from a platform: an object it returns costs a quarter of a field. The
 * standard introspection query (about 6,000 objects for this schema) is then estimated at under a third of the default
 * cost limit, so the schema may still grow before GraphiQL's and codegen's own query would be refused (a test holds
 * that margin); 200 aliased `__type` selections still cost twice the limit.
 */
const INTROSPECTION_OBJECT_COST = 0.25;

/**
 * A field's own cost: 1, 3 for a model call; inside introspection, a quarter per object returned and nothing for its
 * scalars.
 */
function ownCost(name: string, scope: Scope, hasSelections: boolean): number {
  if (scope !== Scope.Plain) return hasSelections ? INTROSPECTION_OBJECT_COST : 0;
  return MODEL_FIELDS.has(name) ? 1 + MODEL_FIELD_COST : 1;
}

function intValue(node: FieldNode, name: string, variables: Record<string, unknown> | undefined): number | 'variable' | undefined {
  const arg = node.arguments?.find((a) => a.name.value === name);
  if (!arg) return undefined;
  if (arg.value.kind === Kind.INT) return Number(arg.value.value);
  if (arg.value.kind === Kind.VARIABLE) {
    const value = variables?.[arg.value.name.value];
    return typeof value === 'number' ? value : 'variable';
  }
  return undefined;
}

/** Deepest nesting of lists and objects in a value, measured up to `stopAt` (so hostile input cannot recurse far). */
function valueDepth(value: ValueNode, stopAt: number): number {
  if (value.kind !== Kind.LIST && value.kind !== Kind.OBJECT) return 0;
  if (stopAt <= 0) return 1;
  let deepest = 0;
  const children = value.kind === Kind.LIST ? value.values : value.fields.map((f) => f.value);
  for (const child of children) {
    deepest = Math.max(deepest, valueDepth(child, stopAt - 1));
    if (deepest >= stopAt) break;
  }
  return 1 + deepest;
}

/**
 * Measures every operation of `document`. `variables`, when known, give the page sizes and id lists sent as
 * variables. Unknown fields, types and fragments and fragment cycles count as nothing: validation reports them.
 */
export function measureOperations(
  document: DocumentNode,
  schema: GraphQLSchema,
  settings: MeasureSettings,
  fieldCalls: FieldCalls,
  variables?: Record<string, unknown>,
): Map<OperationDefinitionNode, OperationSize> {
  const operations = new Map<OperationDefinitionNode, OperationSize>();
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const def of document.definitions)
    if (def.kind === Kind.FRAGMENT_DEFINITION && !fragments.has(def.name.value)) fragments.set(def.name.value, def);

  const sizes = sizesOf(schema);
  const memo = new Map<string, Summary>();
  const inProgress = new Set<string>();

  const fragmentSummary = (name: string, scope: Scope, wraps: number): Summary | undefined => {
    const key = `${scope}:${wraps}:${name}`;
    const known = memo.get(key);
    if (known) return known;
    const frag = fragments.get(name);
    if (!frag || inProgress.has(key)) return undefined;
    inProgress.add(key);
    const summary = measureSet(frag.selectionSet, schema.getType(frag.typeCondition.name.value), scope, wraps);
    inProgress.delete(key);
    memo.set(key, summary);
    return summary;
  };

  const multiplierOf = (
    sel: FieldNode,
    parentScope: Scope,
    parentType: GraphQLNamedType | null | undefined,
    fieldType: GraphQLNamedType | undefined,
    wraps: number,
  ): number => {
    const name = sel.name.value;
    if (parentScope !== Scope.Plain && name === 'ofType') return sizes.wrapShare[wraps + 1] ?? 0;
    if (parentScope !== Scope.Plain && INTROSPECTION_LISTS.has(name)) {
      if (name === 'types') return sizes.types;
      if (name === 'directives') return sizes.directives;
      return (parentScope === Scope.AllTypes ? sizes.avg : sizes.max)[name] ?? 1;
    }
    if (fieldType?.name.endsWith('Connection')) {
      const first = intValue(sel, 'first', variables);
      const last = intValue(sel, 'last', variables);
      const given = typeof first === 'number' ? first : typeof last === 'number' ? last : undefined;
      if (given !== undefined) return Math.max(0, given);
      return first === 'variable' || last === 'variable' ? settings.maxPageSize : settings.defaultPageSize;
    }
    if (parentType && UPSTREAM_SIZED_LISTS.get(parentType.name) === sel.name.value) return settings.maxPageSize;
    return 1;
  };

  /** `wraps`: how many `ofType` levels lead here; past the schema's deepest type wrapping they return null. */
  function measureSet(set: SelectionSetNode | undefined, type: GraphQLNamedType | null | undefined, scope: Scope, wraps = 0): Summary {
    if (!set) return LEAF;
    const s = emptySummary();
    const fields = type && 'getFields' in type ? (type.getFields() as Record<string, { type: GraphQLOutputType } | undefined>) : undefined;
    for (const sel of set.selections) {
      s.directives += sel.directives?.length ?? 0;
      if (sel.kind === Kind.FIELD) {
        const name = sel.name.value;
        if (sel.alias) s.aliases++;
        s.size++;
        if (name === '__typename') {
          addKey(s, sel.alias?.value ?? name, 1, 1);
          s.cost += ownCost(name, scope, false);
          if (scope === Scope.Plain) s.depth = Math.max(s.depth, 1);
          else s.introDepth = Math.max(s.introDepth, 1);
          continue;
        }
        const entersIntrospection = name === '__schema' || name === '__type';
        const def = entersIntrospection ? undefined : fields?.[name];
        const fieldType = entersIntrospection
          ? (schema.getType(name === '__schema' ? '__Schema' : '__Type') ?? undefined)
          : def
            ? getNamedType(def.type)
            : undefined;
        // Lists of one type's members are as long as the longest such list; below `types`, as long as the average.
        const childScope = entersIntrospection
          ? Scope.OneType
          : scope === Scope.Plain
            ? Scope.Plain
            : name === 'types'
              ? Scope.AllTypes
              : scope;
        const childWraps = name === 'ofType' ? wraps + 1 : 0;
        const child = measureSet(sel.selectionSet, fieldType, childScope, childWraps);
        const times = multiplierOf(sel, scope, type, fieldType, wraps);
        if (name === '__schema') s.schemas++;
        s.schemas += mul(times, child.schemas);
        s.aliases += child.aliases;
        s.directives += child.directives;
        if (scope === Scope.Plain && !entersIntrospection) s.cost += ownCost(name, scope, true) + mul(times, child.cost);
        // Introspection costs what it returns: every object of a list (an `ofType` level, for the share of type
        // references wrapped that many times), each with what it selects.
        else s.cost += mul(times, ownCost(name, childScope, !!sel.selectionSet) + child.cost);
        if (scope === Scope.Plain && !entersIntrospection) {
          s.depth = Math.max(s.depth, 1 + child.depth);
          if (child.introDepth > 0) s.introDepth = Math.max(s.introDepth, 1 + child.introDepth);
        } else {
          s.introDepth = Math.max(s.introDepth, 1 + Math.max(child.depth, child.introDepth));
        }
        s.size += child.size;
        addKey(s, sel.alias?.value ?? name, 1, 1 + child.size);
        s.comparisons += child.comparisons + comparisonsAt(child);
        if (scope === Scope.Plain && !entersIntrospection && type) {
          const calls = fieldCalls(type.name, name);
          if (calls) {
            const i = PLATFORM_INDEX.get(calls.platform)!;
            s.calls ??= new Float64Array(PLATFORMS.length);
            s.items ??= new Float64Array(PLATFORMS.length);
            if (calls.batched) s.items[i]! += RECORD_LIST_FIELDS.has(name) ? recordsOf(sel) : 1;
            else s.calls[i]! += name === 'nodes' ? idsOf(sel) : 1;
          }
        }
        addCalls(s, times, child.calls, child.items);
      } else if (sel.kind === Kind.INLINE_FRAGMENT) {
        const cond = sel.typeCondition ? schema.getType(sel.typeCondition.name.value) : type;
        merge(s, measureSet(sel.selectionSet, cond, scope, wraps));
      } else {
        s.spreads++;
        const summary = fragmentSummary(sel.name.value, scope, wraps);
        if (summary) merge(s, summary);
      }
    }
    return s;
  }

  /** Records a list field sends; one batch's worth when the list is not known yet. */
  const recordsOf = (sel: FieldNode): number => {
    const arg = sel.arguments?.find((a) => a.name.value === 'records');
    const value =
      arg?.value.kind === Kind.LIST ? arg.value.values : arg?.value.kind === Kind.VARIABLE ? variables?.[arg.value.name.value] : undefined;
    return Array.isArray(value) ? value.length : settings.batchSize;
  };

  const idsOf = (sel: FieldNode): number => {
    const arg = sel.arguments?.find((a) => a.name.value === 'ids');
    const value =
      arg?.value.kind === Kind.LIST ? arg.value.values : arg?.value.kind === Kind.VARIABLE ? variables?.[arg.value.name.value] : undefined;
    // More ids than maxIds are refused by the resolver before any call.
    if (Array.isArray(value)) return value.length > settings.maxIds ? 0 : value.length;
    return settings.maxIds;
  };

  for (const def of document.definitions) {
    if (def.kind !== Kind.OPERATION_DEFINITION) continue;
    const root =
      def.operation === OperationTypeNode.QUERY
        ? schema.getQueryType()
        : def.operation === OperationTypeNode.MUTATION
          ? schema.getMutationType()
          : schema.getSubscriptionType();
    const s = measureSet(def.selectionSet, root, Scope.Plain);
    const comparisons = s.comparisons + comparisonsAt(s);
    const calls = {} as Record<PlatformName, number>;
    PLATFORMS.forEach((p, i) => (calls[p] = (s.calls?.[i] ?? 0) + Math.ceil((s.items?.[i] ?? 0) / settings.batchSize)));
    const cost = Math.ceil(s.cost);
    const measure = { cost, depth: s.depth, introspectionDepth: s.introDepth, aliases: s.aliases, directives: s.directives, calls };
    operations.set(def, { measure, comparisons, schemas: s.schemas });
  }
  return operations;
}

/** The first argument value or variable default nested deeper than `max`, found without deep recursion. */
export function findDeepValue(document: DocumentNode, max: number): ValueNode | undefined {
  let found: ValueNode | undefined;
  const check = (value: ValueNode): void => {
    if (!found && valueDepth(value, max) > max) found = value;
  };
  const walkSet = (set: SelectionSetNode | undefined, stack: SelectionSetNode[]): void => void (set && stack.push(set));
  const stack: SelectionSetNode[] = [];
  for (const def of document.definitions) {
    if (def.kind === Kind.OPERATION_DEFINITION) {
      for (const v of def.variableDefinitions ?? []) if (v.defaultValue) check(v.defaultValue);
      for (const d of def.directives ?? []) for (const a of d.arguments ?? []) check(a.value);
    }
    if (def.kind === Kind.OPERATION_DEFINITION || def.kind === Kind.FRAGMENT_DEFINITION) walkSet(def.selectionSet, stack);
  }
  while (stack.length > 0 && !found) {
    for (const sel of stack.pop()!.selections) {
      for (const d of sel.directives ?? []) for (const a of d.arguments ?? []) check(a.value);
      if (sel.kind === Kind.FIELD) for (const a of sel.arguments ?? []) check(a.value);
      if (sel.kind !== Kind.FRAGMENT_SPREAD) walkSet(sel.selectionSet, stack);
    }
  }
  return found;
}
