import type { OperationDefinitionNode } from 'graphql';
import { parse, validate } from 'graphql';
import { describe, expect, it } from 'vitest';
import { limitRules } from '../../src/server/limits.js';
import { buildSchema } from '../../src/server/schema.js';

const schema = buildSchema({});
const LIMITS = { maxDepth: 12, maxAliases: 200, maxCost: 5000, defaultPageSize: 20, maxPageSize: 100 };

function costOf(query: string): { cost: number; errors: string[] } {
  const costs = new WeakMap<OperationDefinitionNode, number>();
  const document = parse(query);
  const errors = validate(schema, document, limitRules(LIMITS, costs)).map((e) => e.message);
  return { cost: costs.get(document.definitions[0] as OperationDefinitionNode)!, errors };
}

const sql = (n: number) =>
  `{ ${Array.from({ length: n }, (_, i) => `s${i}: sqlQuery(endpoint: "customers-sql", parameters: {minRevenue: ${-1 - i}}) { rowCount rows { values record } }`).join(' ')} }`;

describe('cost estimate of lists as long as the upstream makes them', () => {
  it('counts the rows of a SQL query as a page of the maximum page size', () => {
    // sqlQuery 3, rowCount 1, rows 1 + 100 x (values 1 + record 1).
    expect(costOf(sql(1))).toEqual({ cost: 3 + 1 + 1 + 100 * 2, errors: [] });
    // Lists the schema bounds itself (a prediction's probabilities) still count once.
    expect(costOf(`{ predict(endpoint: "churn", features: {}) { probabilities { label probability } } }`).cost).toBe(3 + 1 + 2);
  });

  it('refuses 200 aliased SQL queries (a 7 MB response), which the estimate used to put at 1,600', () => {
    const { cost, errors } = costOf(sql(200));
    expect(cost).toBe(200 * 205);
    expect(errors).toEqual([expect.stringMatching(/estimated cost is 41000; the limit is 5000/)]);
    expect(costOf(sql(24)).errors).toEqual([]);
  });
});
