/**
 * Which fields call which platform, for the limits' estimate of upstream calls per operation. Read from the schema's
 * layout: a field belongs to the platform whose SDL file declares it (`schema/previsto.graphql` ...). Within a
 * platform, root fields call it, and so do fields that take arguments and return objects (connections, model calls)
 * and fields that return another entity (`Assignment.contact`, loaded by id). Edges and connections carry data their
 * parent already fetched. Model fields (`predict` ...) call Dataiku wherever they are declared, batched into its multi
 * endpoints, except Prevision's own `Prevision.predict`, which calls Prevision once per record.
 */
import { Kind, type DocumentNode, type TypeNode } from 'graphql';
import type { FieldCalls } from './limits.js';
import { PLATFORMS, type PlatformName } from '../core/upstream.js';

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

function namedTypeOf(type: TypeNode): string {
  return type.kind === Kind.NAMED_TYPE ? type.name.value : namedTypeOf(type.type);
}

export function fieldCallsOf(files: ReadonlyArray<{ readonly name: string; readonly document: DocumentNode }>): FieldCalls {
  const table = new Map<string, Map<string, { platform: PlatformName; batched: boolean }>>();
  const set = (parent: string, field: string, calls: { platform: PlatformName; batched: boolean }): void => {
    let fields = table.get(parent);
    if (!fields) table.set(parent, (fields = new Map<string, { platform: PlatformName; batched: boolean }>()));
    fields.set(field, calls);
  };
  // Read from the documents alone (before the schema is built from them): which object and interface types there
  // are, and which implement Node, in their definition or in an extension.
  const composite = new Set<string>();
  const entities = new Set<string>();
  for (const { document } of files) {
    for (const def of document.definitions) {
      if (
        def.kind === Kind.OBJECT_TYPE_DEFINITION ||
        def.kind === Kind.OBJECT_TYPE_EXTENSION ||
        def.kind === Kind.INTERFACE_TYPE_DEFINITION ||
        def.kind === Kind.INTERFACE_TYPE_EXTENSION
      ) {
        composite.add(def.name.value);
        if (def.interfaces?.some((i) => i.name.value === 'Node')) entities.add(def.name.value);
      }
    }
  }
  const isEntity = (typeName: string): boolean => entities.has(typeName);
  const isComposite = (typeName: string): boolean => composite.has(typeName);
  for (const file of files) {
    const platform = PLATFORMS.find((p) => `${p}.graphql` === file.name);
    for (const def of file.document.definitions) {
      if (def.kind !== Kind.OBJECT_TYPE_DEFINITION && def.kind !== Kind.OBJECT_TYPE_EXTENSION) continue;
      const parent = def.name.value;
      for (const field of def.fields ?? []) {
        const name = field.name.value;
        const returns = namedTypeOf(field.type);
        if (MODEL_FIELDS.has(name) && platform !== 'prevision') set(parent, name, { platform: 'dataiku', batched: true });
        else if (!platform) {
          // `node`/`nodes` resolve ids of any platform: they are counted against the scarcest, Previsto.
          if (parent === 'Query' && (name === 'node' || name === 'nodes')) set(parent, name, { platform: 'previsto', batched: false });
          // A subscription field reads the platform its name starts with (schema/subscriptions.graphql).
          const reads = parent === 'Subscription' ? PLATFORMS.find((p) => name.startsWith(p)) : undefined;
          if (reads) set(parent, name, { platform: reads, batched: false });
        } else if (/(Edge|Connection|PageInfo)$/.test(parent)) continue;
        else if (
          parent === 'Query' ||
          parent === 'Mutation' ||
          (isComposite(returns) && ((field.arguments?.length ?? 0) > 0 || isEntity(returns)))
        ) {
          set(parent, name, { platform, batched: false });
        }
      }
    }
  }
  return (parentType, field) => table.get(parentType)?.get(field);
}
