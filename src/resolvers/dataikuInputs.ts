/**
 * Checks the values sent to a Dataiku endpoint (features, forecast columns, lookup keys, SQL parameters, function
 * arguments) against the inputs its configuration declares, before any upstream call: every unknown input, missing
 * required input and value of the wrong type is one problem naming its path (`["features", "age"]`).
 */
import { AugurError, ErrorCode, InputErrors, quote } from '../core/errors.js';
import type { DataikuFeatureType, DataikuInputFeature } from '../upstreams/dataiku/types.js';
import type { DataikuEndpointRef } from './models.js';

/** What the checked values are to the endpoint, for messages. */
export type InputNoun = 'feature' | 'column' | 'key' | 'parameter' | 'argument';

const DATE = /^\d{4}-\d{2}-\d{2}(?:[T ][0-9:.]+(?:Z|[+-]\d{2}:?\d{2})?)?$/;

function kindOf(value: unknown): string {
  if (Array.isArray(value)) return 'an array';
  if (value === null) return 'null';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'number') return Number.isInteger(value) ? 'an integer' : 'a number';
  return `a ${typeof value}`;
}

/** Whether `value` (not null) has the declared type. */
export function hasType(value: unknown, type: DataikuFeatureType): boolean {
  switch (type) {
    case 'NUMBER':
      return typeof value === 'number' && Number.isFinite(value);
    case 'INTEGER':
      return typeof value === 'number' && Number.isInteger(value);
    case 'STRING':
      return typeof value === 'string';
    case 'BOOLEAN':
      return typeof value === 'boolean';
    case 'DATE':
      return typeof value === 'string' && DATE.test(value) && !Number.isNaN(Date.parse(value.slice(0, 10)));
    case 'ARRAY':
      return Array.isArray(value);
    case 'OBJECT':
      return typeof value === 'object' && value !== null && !Array.isArray(value);
    case 'ANY':
      return true;
  }
}

const TYPE_WORDS: Record<DataikuFeatureType, string> = {
  NUMBER: 'a number',
  INTEGER: 'an integer',
  STRING: 'a string',
  BOOLEAN: 'a boolean',
  DATE: 'a date string (YYYY-MM-DD)',
  ARRAY: 'an array',
  OBJECT: 'an object',
  ANY: 'any value',
};

// Endpoint configurations live as long as the process: each one's inputs by name is built once, not per record.
const DECLARED = new WeakMap<readonly DataikuInputFeature[], ReadonlyMap<string, DataikuInputFeature>>();

/** The endpoint's declared inputs by name. */
export function declaredInputs(ref: DataikuEndpointRef): ReadonlyMap<string, DataikuInputFeature> {
  let declared = DECLARED.get(ref.inputs);
  if (!declared) {
    declared = new Map(ref.inputs.map((i) => [i.name, i]));
    DECLARED.set(ref.inputs, declared);
  }
  return declared;
}

/** The problems of `values` against the endpoint's declared inputs; `path` is where `values` sits in the request. */
export function inputProblems(
  ref: DataikuEndpointRef,
  values: Readonly<Record<string, unknown>>,
  path: ReadonlyArray<string | number>,
  noun: InputNoun,
): AugurError[] {
  const endpoint = `${ref.serviceId}/${ref.endpointId}`;
  const problems: AugurError[] = [];
  const problem = (name: string, message: string, reason: string) =>
    problems.push(new AugurError(ErrorCode.BAD_USER_INPUT, message, { platform: 'dataiku', field: [...path, name], reason }));
  const declared = declaredInputs(ref);
  if (!ref.acceptsUnknown) {
    for (const name of Object.keys(values)) {
      if (declared.has(name)) continue;
      const known = ref.inputs.map((i) => i.name).join(', ');
      problem(
        name,
        `Endpoint ${endpoint} does not take the ${noun} ${quote(name)}; ${known ? `it takes ${known}` : `it takes no ${noun}s`}.`,
        'unknown',
      );
    }
  }
  for (const input of ref.inputs) {
    const value = values[input.name];
    if (value === undefined || value === null) {
      if (input.required) {
        problem(
          input.name,
          `Endpoint ${endpoint} requires the ${noun} ${quote(input.name)} (${TYPE_WORDS[input.type]}); it is missing.`,
          'required',
        );
      }
    } else if (!hasType(value, input.type)) {
      problem(
        input.name,
        `The ${noun} ${quote(input.name)} of endpoint ${endpoint} must be ${TYPE_WORDS[input.type]}, got ${kindOf(value)}: ${quote(value)}.`,
        'type',
      );
    }
  }
  return problems;
}

/** Throws the problems of `values` as one `InputErrors` (one error, or user error, per problem) when there are any. */
export function checkInputs(
  ref: DataikuEndpointRef,
  values: Readonly<Record<string, unknown>>,
  path: ReadonlyArray<string | number>,
  noun: InputNoun,
): void {
  const problems = inputProblems(ref, values, path, noun);
  if (problems.length > 0) throw new InputErrors(problems);
}
