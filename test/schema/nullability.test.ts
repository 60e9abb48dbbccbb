import { Kind, parse, type DefinitionNode, type FieldDefinitionNode } from 'graphql';
import { describe, expect, it } from 'vitest';
import { loadTypeDefFiles } from '../../src/server/schema.js';

/**
 * Schema files whose output fields follow the nullability rule (docs/schema.md) and are under the target of 25%
 * nullable: each is held to the target. Add a file once its fields follow the rule.
 */
export const FILES_AT_TARGET = [
  'auth.graphql',
  'base.graphql',
  'platform.graphql',
  'civis.graphql',
  'prevision.graphql',
  'previsionPipelines.graphql',
  'subscriptions.graphql',
];

/**
 * Schema files whose output fields follow the rule but stay above the target, because the platform really lacks the
 * values: each is held to its ceiling (so it cannot grow), with the reason. When every file is in one of the two
 * lists, the whole schema is held to the target.
 */
/** The whole schema's share at most while FILES_ABOVE_TARGET is not empty (measured: 239 of 963, 24.8%, under the target). */
const OVERALL_CEILING = 239 / 963;

export const FILES_ABOVE_TARGET: Record<string, { ceiling: number; why: string }> = {
  'previsto.graphql': {
    // Measured: 58 of 150.
    ceiling: 0.39,
    why:
      "Previsto's contract leaves most contact, agreement and task fields optional (phone, e-mail, notes, external ids, " +
      'invoicing settings, dates, address parts), its writes accept null for them, and every mutation payload has its ' +
      'nullable object: 36 of the 58 are values Previsto may not have, 10 payload objects, 7 root fields and 5 reads of ' +
      'their own.',
  },
  'dataiku.graphql': {
    // Measured: 19 of 70.
    ceiling: 0.272,
    why:
      'An API node answers little per call, so the file has few fields, and 10 of its 19 nullable ones are root fields that ' +
      'call the node (the rule): the three list fields (predictRecords, predictEffects, lookupRecords) fail alone on a ' +
      'refused argument, and their items fail record by record. The rest are values absent upstream (an ignored ' +
      "record's value, a percentile only binary classification has, a missing feature's ICE point, SQL NULL, a function's null).",
  },
};

const TARGET = 0.25;

interface Count {
  nullable: number;
  total: number;
}

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

/** Output fields (of object and interface types, root types included) per schema file, and how many are nullable. */
function countFiles(): Map<string, Count> {
  const counts = new Map<string, Count>();
  for (const { name, sdl } of loadTypeDefFiles()) {
    const count = { nullable: 0, total: 0 };
    for (const def of parse(sdl).definitions) {
      for (const field of outputFields(def)) {
        count.total++;
        if (field.type.kind !== Kind.NON_NULL_TYPE) count.nullable++;
      }
    }
    counts.set(name, count);
  }
  return counts;
}

const share = (c: Count): number => (c.total === 0 ? 0 : c.nullable / c.total);
const percent = (c: Count): string => `${c.nullable} of ${c.total} nullable (${Math.round(share(c) * 100)}%)`;

describe('schema nullability', () => {
  const files = countFiles();
  const overall = [...files.values()].reduce((a, c) => ({ nullable: a.nullable + c.nullable, total: a.total + c.total }), {
    nullable: 0,
    total: 0,
  });
  console.log(
    ['Output fields:', `  all files: ${percent(overall)}`, ...[...files].map(([name, c]) => `  ${name}: ${percent(c)}`)].join('\n'),
  );

  it('keeps each file at target under 25% nullable output fields', () => {
    for (const name of FILES_AT_TARGET) {
      const count = files.get(name);
      expect(count, `${name} is listed in FILES_AT_TARGET but not in schema/`).toBeDefined();
      expect(share(count!), `${name}: ${percent(count!)}`).toBeLessThan(TARGET);
    }
  });

  it('keeps each file above target at or under its recorded ceiling', () => {
    for (const [name, { ceiling }] of Object.entries(FILES_ABOVE_TARGET)) {
      const count = files.get(name);
      expect(count, `${name} is listed in FILES_ABOVE_TARGET but not in schema/`).toBeDefined();
      expect(share(count!), `${name}: ${percent(count!)}`).toBeLessThanOrEqual(ceiling);
    }
  });

  it('keeps the whole schema under 25% nullable output fields, or at its recorded ceiling while a file is above target', () => {
    const pending = [...files.keys()].filter((name) => !FILES_AT_TARGET.includes(name) && !(name in FILES_ABOVE_TARGET));
    expect(pending, 'every schema file is in FILES_AT_TARGET or FILES_ABOVE_TARGET').toEqual([]);
    // With Previsto and Dataiku above target the whole schema measures 239 of 963 (24.8%); it may not grow past that.
    const ceiling = Object.keys(FILES_ABOVE_TARGET).length > 0 ? OVERALL_CEILING : TARGET;
    expect(share(overall), `all files: ${percent(overall)}`).toBeLessThanOrEqual(ceiling);
  });
});
