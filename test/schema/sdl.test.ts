import { makeExecutableSchema } from '@graphql-tools/schema';
import { mergeTypeDefs } from '@graphql-tools/merge';
import { buildASTSchema, lexicographicSortSchema, printSchema, validateSchema } from 'graphql';
import { describe, expect, it } from 'vitest';
import { createResolvers } from '../../src/resolvers/index.js';
import { buildSchema, loadTypeDefs } from '../../src/server/schema.js';

/**
 * The gateway builds its schema without checking the SDL's document rules (a start-time saving) and sets the
 * resolvers on the types in place: these tests hold the shipped files to those rules and the result to what a full
 * build gives.
 */
describe('schema/*.graphql', () => {
  it('follows the SDL document rules and builds a valid schema', () => {
    // buildASTSchema without assumeValidSDL runs graphql-js's SDL rules (unique names, known types, directives…).
    const schema = buildASTSchema(mergeTypeDefs(loadTypeDefs()));
    expect(validateSchema(schema)).toEqual([]);
  });

  it('builds in place the same schema, with the same resolvers, as a copying build', () => {
    const resolvers = createResolvers();
    const fast = buildSchema(resolvers);
    const full = makeExecutableSchema({ typeDefs: loadTypeDefs(), resolvers: resolvers as never, inheritResolversFromInterfaces: true });
    expect(validateSchema(fast)).toEqual([]);
    expect(printSchema(lexicographicSortSchema(fast))).toBe(printSchema(lexicographicSortSchema(full)));
    let resolved = 0;
    for (const [name, type] of Object.entries(full.getTypeMap())) {
      if (name.startsWith('__') || !('getFields' in type)) continue;
      const fastType = fast.getType(name) as typeof type;
      for (const [fieldName, field] of Object.entries(type.getFields())) {
        const fastField = (fastType.getFields() as Record<string, typeof field>)[fieldName]!;
        expect(typeof fastField.resolve, `${name}.${fieldName}`).toBe(typeof field.resolve);
        if ('subscribe' in field) expect(typeof fastField.subscribe, `${name}.${fieldName}`).toBe(typeof field.subscribe);
        if (field.resolve) resolved++;
      }
      if ('resolveType' in type) expect(typeof (fastType as typeof type).resolveType, name).toBe(typeof type.resolveType);
    }
    expect(resolved).toBeGreaterThan(400);
  });
});
