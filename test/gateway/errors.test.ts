import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startStack, type TestStack } from '../helpers/stack.js';

let stack: TestStack;
beforeAll(async () => {
  stack = await startStack({ emulatorOptions: { previsto: { rateLimitPerMinute: 100_000 } }, env: { PREVISTO_RATE_LIMIT: '100000' } });
});
afterAll(() => stack.close());
beforeEach(() => stack.reset());

async function post(body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; requestId: string | null; body: any }> {
  const res = await fetch(stack.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  return { status: res.status, requestId: res.headers.get('x-request-id'), body: await res.json() };
}

describe('errors a client can handle', () => {
  it('answers one error with every path for one failed upstream call under a list of 100 items, with the request id', async () => {
    await stack.faults('dataiku', { status: 500 });
    const r = await post(
      { query: `{ contacts(first: 100) { nodes { name predict(endpointName: "churn") { ignored } } } }` },
      { 'x-request-id': 'req-errors-1' },
    );
    expect(r.status).toBe(200);
    expect(r.requestId).toBe('req-errors-1');
    expect(r.body.data.contacts.nodes).toHaveLength(100);
    expect(r.body.data.contacts.nodes.every((n: any) => n.predict === null && typeof n.name === 'string')).toBe(true);
    expect(r.body.errors).toHaveLength(1);
    const [error] = r.body.errors;
    expect(error.path).toEqual(['contacts', 'nodes', 0, 'predict']);
    expect(error.extensions).toMatchObject({ code: 'UPSTREAM_ERROR', platform: 'dataiku', upstreamStatus: 500, requestId: 'req-errors-1' });
    expect(error.extensions.paths).toEqual(Array.from({ length: 100 }, (_, i) => ['contacts', 'nodes', i, 'predict']));
    // One batched call (a 500 on a predict-multi is not retried).
    expect((await stack.requests('dataiku')).byRoute).toEqual({ 'POST /public/api/v1/{service}/{endpoint}/predict-multi': 1 });
  });

  it('keeps one error per failed call when the calls differ, in path order whatever order they failed in', async () => {
    await stack.faults('dataiku', { status: 500 });
    const r = await post({
      query: `{ z: predict(endpointName: "churn", features: {name: "Z"}) { ignored } a: predict(endpointName: "price", features: {surface: 1}) { ignored } m: lookup(endpointName: "customers-lookup", data: {customerId: "C0001"}) { found } }`,
    });
    expect(r.body.errors.map((e: any) => e.path)).toEqual([['a'], ['m'], ['z']]);
    expect(r.body.errors.map((e: any) => e.extensions.paths)).toEqual([[['a']], [['m']], [['z']]]);
    expect(new Set(r.body.errors.map((e: any) => e.extensions.requestId)).size).toBe(1);
  });

  it('names the input path of variable coercion errors in extensions.field and answers HTTP 400', async () => {
    const mutation = `mutation($input: CreateContactInput!) { createContact(input: $input) { userErrors { field } } }`;
    const r = await post({ query: mutation, variables: { input: { accountingMode: 'SOMETIMES', address: { town: 'Aarhus' } } } });
    expect(r.status).toBe(400);
    expect(r.body.data).toBeUndefined();
    const byField = r.body.errors.map((e: any) => [e.extensions.code, e.extensions.field]);
    expect(byField).toEqual(
      expect.arrayContaining([
        ['BAD_USER_INPUT', ['input', 'name']],
        ['BAD_USER_INPUT', ['input', 'accountingMode']],
        ['BAD_USER_INPUT', ['input', 'address', 'town']],
      ]),
    );
    expect(r.body.errors.every((e: any) => e.extensions.requestId === r.requestId)).toBe(true);

    const missing = await post({ query: mutation });
    expect(missing.status).toBe(400);
    expect(missing.body.errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: ['input'] });

    const listed = await post({
      query: `mutation($input: CreateAssignmentInput!) { createAssignment(input: $input) { userErrors { field } } }`,
      variables: {
        input: {
          contactId: 'x',
          accountId: 'y',
          location: { longitude: 1, latitude: 2 },
          plan: { executionTime: '2026-01-01T08:00:00' },
          tasks: [{ quantity: 'many' }],
        },
      },
    });
    expect(listed.status).toBe(400);
    expect(listed.body.errors[0].extensions.field).toEqual(['input', 'tasks', 0, 'quantity']);
    expect((await stack.requests('previsto')).total).toBe(0);
  });

  it("names Augur's own argument problems in extensions.field", async () => {
    const r = await post({
      query: `{ predict(endpointName: "churn", features: {a: 1}, explanations: {nMonteCarloSteps: 3}) { ignored } }`,
    });
    expect(r.body.errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: ['explanations', 'nMonteCarloSteps'] });
  });

  it('carries the request id on refusals before Apollo and on parse errors', async () => {
    const refused = await post({ query: `{ ${'a: __typename '.repeat(5000)} }` }, { 'x-request-id': 'req-refused' });
    expect(refused.status).toBe(400);
    expect(refused.body.errors[0].extensions.requestId).toBe('req-refused');
    const parse = await post({ query: '{ contacts(' }, { 'x-request-id': 'req-parse' });
    expect(parse.status).toBe(400);
    expect(parse.body.errors[0].extensions).toMatchObject({ code: 'GRAPHQL_PARSE_FAILED', requestId: 'req-parse' });
  });

  it('reports the request id in Query.gateway', async () => {
    const r = await post({ query: '{ gateway { requestId version receivedAt } }' }, { 'x-request-id': 'req-gateway' });
    expect(r.body.data.gateway).toEqual({
      requestId: 'req-gateway',
      version: expect.stringMatching(/^\d+\.\d+\.\d+/),
      receivedAt: expect.any(String),
    });
  });
});
