/**
 * Failed items of lists keep their place under compiled execution.
 *
 * graphql-jit (0.8) builds a list whose items are promises by appending the `null` of a rejected item to the end of
 * the array at the moment it rejects, instead of writing it at the item's index: `[a, <rejects late>, c]` comes out as
 * `[a, null, c, null]`, and `[a, b, <rejects first>]` as `[a, b]`, so an answer's items no longer match the ids asked
 * for. An item that is an `Error` *value* (not a rejected promise) is handled in place, by both executors, exactly as a
 * failed item should be: `null` at its index and an error with the item's path.
 *
 * So every field whose type is a list of nullable items gets its list settled first: when the resolver returns items
 * that are promises, the field resolves once to the whole list, each rejected item replaced by its error. The items
 * were awaited together anyway (the list is complete only when its last item is); fields whose items cannot be null
 * (where any failure nulls the whole list) and lists without promises pay nothing.
 */
import {
  defaultFieldResolver,
  getNullableType,
  isListType,
  isNonNullType,
  isObjectType,
  type GraphQLFieldResolver,
  type GraphQLSchema,
} from 'graphql';

/** Wraps, in place, the resolver of every list-of-nullable-items field of the schema's object types. */
export function settleListItems(schema: GraphQLSchema): void {
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    for (const field of Object.values(type.getFields())) {
      const list = getNullableType(field.type);
      if (!isListType(list) || isNonNullType(list.ofType)) continue;
      field.resolve = settled(field.resolve ?? defaultFieldResolver);
    }
  }
}

function settled(resolve: GraphQLFieldResolver<unknown, unknown>): GraphQLFieldResolver<unknown, unknown> {
  return (source, args, context, info) => {
    const value = resolve(source, args, context, info);
    return isPromise(value) ? value.then(settleItems) : settleItems(value);
  };
}

/** The list itself when no item is a promise; otherwise a promise of the list with each rejection as its error. */
function settleItems(value: unknown): unknown {
  if (!Array.isArray(value)) return value;
  const items: unknown[] = value;
  if (!items.some(isPromise)) return items;
  return Promise.all(items.map((item) => (isPromise(item) ? item.then(undefined, asError) : item)));
}

function asError(reason: unknown): Error {
  return reason instanceof Error ? reason : new Error(String(reason));
}

function isPromise(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as { then?: unknown } | null | undefined)?.then === 'function';
}
