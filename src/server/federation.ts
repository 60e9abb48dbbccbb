/**
 * Augur as an Apollo Federation 2 subgraph (`AUGUR_FEDERATION=true`). The SDL of `schema/` stays plain: the
 * federation `@link` and an `@key(fields: "id")` on every Node type that can be loaded by id are added here, and each
 * such entity resolves references through the same loaders as `Query.node`. `@apollo/subgraph` then adds
 * `_service { sdl }` and `_entities`.
 */
import { buildSubgraphSchema } from '@apollo/subgraph';
import { Kind, parse, visit, type ConstDirectiveNode, type DefinitionNode, type DocumentNode, type GraphQLSchema } from 'graphql';
import type { Context } from './context.js';
import { badInput, quote } from '../core/errors.js';
import { loadTypeDefFiles } from './schema.js';
import type { Resolvers } from '../generated/resolvers.js';
import type { NodeTypeName } from '../relay/ids.js';
import type { NodeFetcher } from '../resolvers/node.js';

/** The Federation version Augur's subgraph schema links to. */
export const FEDERATION_SPEC_URL = 'https://specs.apollo.dev/federation/v2.5';

/** Augur's access directives (schema/auth.graphql), which the subgraph takes from Federation's spec instead. */
const ACCESS_DIRECTIVES = new Set(['authenticated', 'requiresScopes']);

const KEY_DIRECTIVE: ConstDirectiveNode = {
  kind: Kind.DIRECTIVE,
  name: { kind: Kind.NAME, value: 'key' },
  arguments: [{ kind: Kind.ARGUMENT, name: { kind: Kind.NAME, value: 'fields' }, value: { kind: Kind.STRING, value: 'id' } }],
};

/**
 * The subgraph type definitions: `typeDefs` plus the federation link, with `@key(fields: "id")` on the object types
 * named in `entities` (each must implement Node, whose `id` is Augur's global id). Enums no field or argument uses
 * (the documentation-only `ErrorCode`) are left out: composition would flag each as an unused enum. `@authenticated`
 * and `@requiresScopes` are imported from Federation (their definitions in `schema/auth.graphql` are left out), and
 * those on a type extension move onto each field it declares, which is what they mean in Augur's SDL and what the
 * router then enforces the same way.
 */
export function subgraphTypeDefs(typeDefs: readonly string[], entities: ReadonlySet<string>): DocumentNode {
  const definitions: DefinitionNode[] = [
    ...parse(`extend schema @link(url: "${FEDERATION_SPEC_URL}", import: ["@key", "@authenticated", "@requiresScopes"])`).definitions,
  ];
  const documents = typeDefs.map((sdl) => parse(sdl));
  const referenced = new Set<string>();
  for (const doc of documents) {
    visit(doc, {
      NamedType(node, _key, parent) {
        // Names in `implements` lists count too; the definitions' own names are not NamedType nodes.
        if (parent) referenced.add(node.name.value);
      },
    });
  }
  for (const doc of documents) {
    for (const def of doc.definitions) {
      if (def.kind === Kind.ENUM_TYPE_DEFINITION && !referenced.has(def.name.value)) continue;
      if (def.kind === Kind.DIRECTIVE_DEFINITION && ACCESS_DIRECTIVES.has(def.name.value)) continue;
      if (def.kind === Kind.OBJECT_TYPE_EXTENSION && def.directives?.some((d) => ACCESS_DIRECTIVES.has(d.name.value))) {
        const moved = def.directives.filter((d) => ACCESS_DIRECTIVES.has(d.name.value));
        definitions.push({
          ...def,
          directives: def.directives.filter((d) => !ACCESS_DIRECTIVES.has(d.name.value)),
          fields: def.fields?.map((f) => ({ ...f, directives: [...moved, ...(f.directives ?? [])] })),
        });
        continue;
      }
      if (def.kind === Kind.OBJECT_TYPE_DEFINITION && entities.has(def.name.value)) {
        if (!def.interfaces?.some((i) => i.name.value === 'Node')) {
          throw new Error(`Type ${def.name.value} is declared an entity but does not implement Node, so it has no global id to key on.`);
        }
        definitions.push({ ...def, directives: [...(def.directives ?? []), KEY_DIRECTIVE] });
      } else {
        definitions.push(def);
      }
    }
  }
  return { kind: Kind.DOCUMENT, definitions };
}

/** `__resolveReference` per entity type: decodes the global id and loads the object as `Query.node` does. */
export function entityResolvers(fetchers: Partial<Record<NodeTypeName, NodeFetcher>>): Record<string, { __resolveReference: unknown }> {
  const out: Record<string, { __resolveReference: unknown }> = {};
  for (const [typename, fetch] of Object.entries(fetchers) as Array<[NodeTypeName, NodeFetcher]>) {
    out[typename] = {
      __resolveReference: async (reference: { id?: unknown }, ctx: Context): Promise<object | null> => {
        if (typeof reference.id !== 'string') {
          throw badInput(`A ${typename} reference needs its "id" (the global id Augur issued), got ${quote(reference.id ?? null)}.`, {
            param: 'representations',
          });
        }
        const { type, localId } = ctx.services.codec.decode(reference.id);
        if (type !== typename) {
          throw badInput(`The id in this ${typename} reference belongs to a ${type}; send the id of a ${typename}.`, {
            param: 'representations',
          });
        }
        ctx.authorizeType(type);
        const obj = await fetch(ctx, localId);
        // A copy: the subgraph library tags it with __typename, and the loader's cached object must stay untouched.
        return obj === null ? null : Object.assign(Object.create(Object.getPrototypeOf(obj) as object) as object, obj);
      },
    };
  }
  return out;
}

/** The executable subgraph schema: Augur's schema and resolvers, plus federation's `_service` and `_entities`. */
export function buildFederatedSchema(
  resolvers: Resolvers,
  fetchers: Partial<Record<NodeTypeName, NodeFetcher>>,
  files = loadTypeDefFiles(),
): GraphQLSchema {
  const entities = new Set(Object.keys(fetchers));
  const references = entityResolvers(fetchers);
  const merged: Record<string, unknown> = { ...resolvers };
  for (const [type, resolver] of Object.entries(references))
    merged[type] = { ...((merged[type] as object | undefined) ?? {}), ...resolver };
  return buildSubgraphSchema({
    typeDefs: subgraphTypeDefs(
      files.map((f) => f.sdl),
      entities,
    ),
    resolvers: merged as never,
  } as Parameters<typeof buildSubgraphSchema>[0]);
}
