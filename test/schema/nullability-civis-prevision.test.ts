import { Kind, parse, type DefinitionNode, type FieldDefinitionNode } from 'graphql';
import { describe, expect, it } from 'vitest';
import { loadTypeDefFiles } from '../../src/server/schema.js';

/**
 * The Civis and Prevision schema files hold the nullability target: under 25% of their output fields (of object and
 * interface types, root extensions included) nullable. A field is nullable only where it can fail on its own or its
 * value can be absent upstream, and its description then says when it is null.
 */
const FILES = ['civis.graphql', 'prevision.graphql'];
const TARGET = 0.25;

function outputFields(def: DefinitionNode): readonly FieldDefinitionNode[] {
  switch (def.kind) {
    case Kind.OBJECT_TYPE_DEFINITION:
    case Kind.OBJECT_TYPE_EXTENSION:
    case Kind.INTERFACE_TYPE_DEFINITION:
    case Kind.INTERFACE_TYPE_EXTENSION:
      return def.fields ?? [];
    default:
      return [];
  }
}

function nullableFields(sdl: string): { nullable: string[]; total: number } {
  const nullable: string[] = [];
  let total = 0;
  for (const def of parse(sdl).definitions) {
    for (const field of outputFields(def)) {
      total++;
      if (field.type.kind !== Kind.NON_NULL_TYPE) nullable.push(`${'name' in def && def.name ? def.name.value : '?'}.${field.name.value}`);
    }
  }
  return { nullable, total };
}

describe('Civis and Prevision schema nullability', () => {
  const files = new Map(loadTypeDefFiles().map((f) => [f.name, f.sdl]));

  it.each(FILES)('keeps %s under a quarter of nullable output fields', (name) => {
    const sdl = files.get(name);
    expect(sdl, `${name} is not in schema/`).toBeDefined();
    const { nullable, total } = nullableFields(sdl!);
    expect(nullable.length / total, `${name}: ${nullable.length} of ${total} nullable: ${nullable.join(', ')}`).toBeLessThan(TARGET);
  });

  it.each([...files.keys()])('says in the description of every nullable field of %s when it is null', (name) => {
    const undocumented: string[] = [];
    for (const def of parse(files.get(name)!).definitions) {
      for (const field of outputFields(def)) {
        if (field.type.kind === Kind.NON_NULL_TYPE) continue;
        const parent = 'name' in def && def.name ? def.name.value : '?';
        // Fields of the namespace roots (`Civis`, `Prevision`) and root types call an upstream and may fail alone.
        if (['Civis', 'Prevision', 'Query', 'Mutation', 'Subscription'].includes(parent)) continue;
        if (!/\bnull\b/i.test(field.description?.value ?? '')) undocumented.push(`${parent}.${field.name.value}`);
      }
    }
    expect(undocumented).toEqual([]);
  });
});
