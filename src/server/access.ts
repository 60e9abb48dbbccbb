/**
 * Who may call what: the caller's principal (from its token or gateway key) and the `@authenticated` and
 * `@requiresScopes` directives of `schema/`, enforced field by field before any resolver runs, so a field the caller
 * may not see fails alone with FORBIDDEN and makes no upstream call.
 *
 * Where a directive applies, in the style of Apollo's: on a field, to that field; on a type, to every field that
 * returns it and to loading it by id (`node`, `nodes`, `_entities`); on a type extension (`extend type Query
 * @requiresScopes(...)`), to each field that extension declares, so a field added to a platform's block inherits its
 * scopes. Several requirements on one field must all hold. `scopes: [["a", "b"], ["c"]]` reads "a and b, or c".
 */
import {
  defaultFieldResolver,
  getNamedType,
  isNonNullType,
  isObjectType,
  Kind,
  OperationTypeNode,
  type DocumentNode,
  type ConstDirectiveNode,
  type FragmentDefinitionNode,
  type GraphQLField,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionNode,
} from 'graphql';
import { AugurError, ErrorCode } from '../core/errors.js';

/** One directive's demand: a signed-in caller, and (when `scopes` is set) one of the scope sets. */
export interface Requirement {
  scopes: string[][] | undefined;
}

/** Who is calling, as far as access goes. */
export interface Principal {
  /**
   * `open`: no signed tokens are configured, every field is allowed (today's behaviour); `key`: a gateway key, every
   * field is allowed; `token`: a verified token, allowed what its scopes allow; `anonymous`: no credential, allowed only
   * fields without requirements.
   */
  kind: 'open' | 'key' | 'token' | 'anonymous';
  /** The token's `sub` (never logged with the token itself). */
  subject?: string;
  /** The token's `iss`. */
  issuer?: string;
  /** The tenant the token's tenant claim names. */
  tenant?: string;
  /** The caller's scopes, after the configured mapping (token callers only). */
  scopes?: ReadonlySet<string>;
}

export const OPEN: Principal = { kind: 'open' };

/** The requirements the SDL declares, by type and by field, read from the schema files. */
export interface AccessTable {
  /** Requirements of a field itself (its own directives and its extension's). */
  field(parent: string, field: string): readonly Requirement[];
  /** Requirements of a type (directives on its definition). */
  type(name: string): readonly Requirement[];
}

const DIRECTIVES = new Set(['authenticated', 'requiresScopes']);

function requirementOf(directive: ConstDirectiveNode): Requirement | undefined {
  if (directive.name.value === 'authenticated') return { scopes: undefined };
  if (directive.name.value !== 'requiresScopes') return undefined;
  const arg = directive.arguments?.find((a) => a.name.value === 'scopes')?.value;
  const scopes: string[][] = [];
  if (arg?.kind === Kind.LIST) {
    for (const set of arg.values) {
      if (set.kind !== Kind.LIST) continue;
      scopes.push(set.values.flatMap((v) => (v.kind === Kind.STRING ? [v.value] : [])));
    }
  }
  return { scopes };
}

const requirementsOf = (directives: readonly ConstDirectiveNode[] | undefined): Requirement[] =>
  (directives ?? []).flatMap((d) => (DIRECTIVES.has(d.name.value) ? [requirementOf(d)!] : []));

/** Reads the access directives of the SDL files. */
export function accessTableOf(files: ReadonlyArray<{ readonly document: DocumentNode }>): AccessTable {
  const fields = new Map<string, Requirement[]>();
  const types = new Map<string, Requirement[]>();
  const add = (map: Map<string, Requirement[]>, key: string, reqs: Requirement[]): void => {
    if (reqs.length > 0) map.set(key, [...(map.get(key) ?? []), ...reqs]);
  };
  for (const file of files) {
    for (const def of file.document.definitions) {
      if (
        def.kind !== Kind.OBJECT_TYPE_DEFINITION &&
        def.kind !== Kind.OBJECT_TYPE_EXTENSION &&
        def.kind !== Kind.INTERFACE_TYPE_DEFINITION &&
        def.kind !== Kind.INTERFACE_TYPE_EXTENSION
      ) {
        continue;
      }
      const own = requirementsOf(def.directives);
      const extension = def.kind === Kind.OBJECT_TYPE_EXTENSION || def.kind === Kind.INTERFACE_TYPE_EXTENSION;
      if (!extension) add(types, def.name.value, own);
      for (const field of def.fields ?? []) {
        add(fields, `${def.name.value}.${field.name.value}`, [...(extension ? own : []), ...requirementsOf(field.directives)]);
      }
    }
  }
  return {
    field: (parent, field) => fields.get(`${parent}.${field}`) ?? [],
    type: (name) => types.get(name) ?? [],
  };
}

/** Whether the principal meets every requirement. */
export function allows(principal: Principal, requirements: readonly Requirement[]): boolean {
  if (principal.kind === 'open' || principal.kind === 'key') return true;
  if (principal.kind !== 'token') return requirements.length === 0;
  const scopes = principal.scopes ?? new Set<string>();
  return requirements.every((r) => !r.scopes || r.scopes.some((set) => set.every((s) => scopes.has(s))));
}

/** The requirements' scopes as one `[[...]]` alternative list ("a and b, or c"), as `@requiresScopes` writes them. */
export function scopeAlternatives(requirements: readonly Requirement[]): string[][] {
  let out: string[][] = [[]];
  for (const r of requirements) {
    if (!r.scopes) continue;
    out = out.flatMap((prefix) => r.scopes!.map((set) => [...new Set([...prefix, ...set])]));
  }
  const seen = new Set<string>();
  return out.filter((set) => set.length > 0 && !seen.has(set.join(' ')) && seen.add(set.join(' ')));
}

/** The FORBIDDEN error of a field or type the principal may not see; it names the scopes, never the caller's token. */
export function forbidden(principal: Principal, requirements: readonly Requirement[], what: string): AugurError {
  const needed = scopeAlternatives(requirements);
  const scopes = needed.map((set) => set.join(' and ')).join(', or ');
  if (principal.kind === 'anonymous') {
    return new AugurError(ErrorCode.FORBIDDEN, `${what} needs a signed token: send "Authorization: Bearer <token>".`, {
      reason: 'unauthenticated',
      ...(needed.length > 0 ? { requiredScopes: needed } : {}),
    });
  }
  return new AugurError(ErrorCode.FORBIDDEN, `${what} needs the scope ${scopes}, which this token does not grant.`, {
    reason: 'missing_scope',
    requiredScopes: needed,
  });
}

/**
 * The requirements of every field of the schema: its own, its extension's, and its return type's. A root query field
 * that cannot be null (a platform's namespace, `civis: Civis!`) passes its requirements on to the fields of the type
 * it returns, so that refusing it fails those fields alone instead of the whole `data`; it makes no upstream call.
 */
export function fieldRequirements(schema: GraphQLSchema, table: AccessTable): Map<GraphQLField<unknown, unknown>, Requirement[]> {
  const out = new Map<GraphQLField<unknown, unknown>, Requirement[]>();
  const inherited = new Map<string, Requirement[]>();
  const query = schema.getQueryType();
  for (const field of Object.values(query?.getFields() ?? {})) {
    const own = [...table.field(query!.name, field.name), ...table.type(getNamedType(field.type).name)];
    // Only a namespace object itself (not a list of them) hands its requirements down.
    const target = isNonNullType(field.type) ? field.type.ofType : undefined;
    if (own.length > 0 && isObjectType(target)) {
      inherited.set(target.name, [...(inherited.get(target.name) ?? []), ...own]);
    } else if (own.length > 0) out.set(field, own);
  }
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__') || type === query) continue;
    for (const field of Object.values(type.getFields())) {
      const requirements = [
        ...(inherited.get(type.name) ?? []),
        ...table.field(type.name, field.name),
        ...table.type(getNamedType(field.type).name),
      ];
      if (requirements.length > 0) out.set(field, requirements);
    }
  }
  return out;
}

/**
 * Wraps the resolver of every field with requirements with the check (see `fieldRequirements`). Only those fields pay
 * for it; without signed tokens configured nothing is wrapped at all.
 */
export function enforceAccess(schema: GraphQLSchema, table: AccessTable, principalOf: (context: unknown) => Principal): void {
  for (const [field, requirements] of fieldRequirements(schema, table)) {
    // GraphiQL's documentation shows descriptions, not applied directives: say there what the field needs.
    const scopes = scopeAlternatives(requirements);
    const note =
      scopes.length > 0
        ? `Needs the scope ${scopes.map((set) => set.map((s) => `\`${s}\``).join(' and ')).join(', or ')}.`
        : 'Needs a signed-in caller.';
    field.description = field.description ? `${field.description}\n\n${note}` : note;
    const resolve = field.resolve ?? defaultFieldResolver;
    const what = `The field ${field.name}`;
    field.resolve = (source, args, context, info) => {
      const principal = principalOf(context);
      if (!allows(principal, requirements)) throw forbidden(principal, requirements, what);
      return resolve(source, args, context, info);
    };
    // A subscription is refused before its poller starts, not event by event.
    const subscribe = field.subscribe;
    if (subscribe) {
      field.subscribe = (source, args, context, info) => {
        const principal = principalOf(context);
        if (!allows(principal, requirements)) throw forbidden(principal, requirements, what);
        return subscribe(source, args, context, info);
      };
    }
  }
}

/**
 * The mutation fields of an operation the principal may not run, with their requirements. Mutations are checked
 * before the first one runs: their payloads cannot be null, so a refused field fails the whole operation, and an
 * earlier field of the same operation must not have written anything by then.
 */
export function forbiddenMutations(
  schema: GraphQLSchema,
  table: AccessTable,
  operation: OperationDefinitionNode,
  fragments: Readonly<Record<string, FragmentDefinitionNode>>,
  principal: Principal,
): Array<{ field: string; requirements: Requirement[] }> {
  const mutation = schema.getMutationType();
  if (operation.operation !== OperationTypeNode.MUTATION || !mutation) return [];
  const fields = mutation.getFields();
  const out: Array<{ field: string; requirements: Requirement[] }> = [];
  const visit = (selections: readonly SelectionNode[], seen: Set<string>): void => {
    for (const s of selections) {
      if (s.kind === Kind.FIELD) {
        const field = fields[s.name.value];
        if (!field) continue;
        const requirements = [...table.field(mutation.name, field.name), ...table.type(getNamedType(field.type).name)];
        if (!allows(principal, requirements)) out.push({ field: field.name, requirements });
      } else if (s.kind === Kind.INLINE_FRAGMENT) visit(s.selectionSet.selections, seen);
      else if (!seen.has(s.name.value) && fragments[s.name.value]) {
        seen.add(s.name.value);
        visit(fragments[s.name.value]!.selectionSet.selections, seen);
      }
    }
  };
  visit(operation.selectionSet.selections, new Set());
  return out;
}

/** Scopes from a token's claim (a space-separated string or an array of strings), through the configured mapping. */
export function scopesOf(claim: unknown, map: Record<string, string[]> | undefined): Set<string> {
  const raw =
    typeof claim === 'string' ? claim.split(/\s+/) : Array.isArray(claim) ? claim.filter((s): s is string => typeof s === 'string') : [];
  const out = new Set<string>();
  for (const scope of raw) {
    if (!scope) continue;
    for (const mapped of map?.[scope] ?? [scope]) out.add(mapped);
  }
  return out;
}
