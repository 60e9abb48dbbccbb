import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeExecutableSchema } from '@graphql-tools/schema';
import type { ResultOf, VariablesOf } from '@graphql-typed-document-node/core';
import {
  buildClientSchema,
  buildSchema,
  findBreakingChanges,
  findDangerousChanges,
  getIntrospectionQuery,
  printSchema,
  type IntrospectionQuery,
} from 'graphql';
import { afterAll, beforeAll, beforeEach, describe, expect, expectTypeOf, it } from 'vitest';
import { GraphQLRequestError, request, runAndWatchCivisJob, runExamples, salesHistory } from '../../examples/client/index.js';
import { SEED_IDS } from '@augur/emulators/civis';
import { ScoredContacts } from '../../examples/client/operations.js';
import { forecastSales, scoreChurn } from '@augur/emulators/dataiku';
import { ownFields as contactFeatures } from '../../src/resolvers/dataiku.js';
import { loadTypeDefs } from '../../src/server/schema.js';
import type { PrevistoContact } from '../../src/upstreams/previsto/types.js';
import { startStack, type TestStack } from '../helpers/stack.js';

const PREVISTO_AUTH = { authorization: `Basic ${Buffer.from('sk_augur_demo:').toString('base64')}` };

let stack: TestStack;

async function previsto<T>(path: string): Promise<{ status: number; body: T }> {
  const res = await fetch(`${stack.embedded.emulators.previsto!.url}${path}`, { headers: PREVISTO_AUTH });
  return { status: res.status, body: (await res.json().catch(() => null)) as T };
}

beforeAll(async () => {
  stack = await startStack({
    emulatorOptions: { previsto: { rateLimitPerMinute: 100_000 } },
    env: { PREVISTO_RATE_LIMIT: '100000', AUGUR_LIVE_POLL_MIN_MS: '50' },
  });
});
afterAll(() => stack.close());
beforeEach(() => stack.reset());

describe('examples/client', () => {
  it('runs every typed example against Augur and gets real results', async () => {
    const contacts = (await previsto<PrevistoContact[]>('/contacts?page=0&size=6')).body;
    await stack.reset();

    const results = await runExamples(stack.url);

    expect(results.scored.map((c) => c.name)).toEqual(contacts.slice(0, 5).map((c) => c.name));
    expect(results.scored.map((c) => c.predictedClass)).toEqual(
      contacts.slice(0, 5).map((c) => (scoreChurn(contactFeatures(c)) as { prediction: string }).prediction),
    );
    expect(results.scored[0]!.churnProbability).toBe(
      (scoreChurn(contactFeatures(contacts[0])) as { probas: Record<string, number> }).probas.churn,
    );
    expect(results.totalContacts).toBeGreaterThan(5);

    const expectedForecast = forecastSales(salesHistory());
    expect(results.forecast).toHaveLength(expectedForecast.length);
    expect(results.forecast.map((f) => f.value)).toEqual(expectedForecast.map((f) => f.forecast));
    expect(new Set(results.forecast.map((f) => JSON.stringify(f.timeseriesIdentifier)))).toEqual(
      new Set(['{"store":"A"}', '{"store":"B"}']),
    );

    const names = contacts.map((c) => c.name);
    expect(results.paging.forward).toEqual([names.slice(0, 3), names.slice(3, 6)]);
    expect(results.paging.backward).toEqual(names.slice(0, 3));

    expect(results.created.name).toBe('Example Client Contact');
    expect(results.deletedId).toBe(results.created.id);

    // Upstream calls: one contact list per page read (scored contacts and three pages), one batched prediction, one
    // forecast, one create, one delete.
    expect((await stack.requests('previsto')).byRoute).toEqual({ 'GET /contacts': 4, 'POST /contacts': 1, 'DELETE /contacts/{id}': 1 });
    expect((await previsto(`/contacts/${results.created.platformId}`)).status).toBe(404);
    expect((await stack.requests('dataiku')).byRoute).toEqual({
      'POST /public/api/v1/{service}/{endpoint}/predict-multi': 1,
      'POST /public/api/v1/{service}/{endpoint}/forecast': 1,
    });
  });

  it("sends the caller's headers and reports GraphQL errors with their codes", async () => {
    const failure = await runExamples(stack.url, { headers: { 'x-previsto-api-key': 'sk_not_a_previsto_key' } }).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(GraphQLRequestError);
    const error = failure as GraphQLRequestError;
    expect(error.message).toMatch(/^ScoredContacts failed with HTTP \d+: .*\(UNAUTHENTICATED\)/);
    expect(error.errors[0]).toMatchObject({ path: ['contacts'], extensions: { code: 'UNAUTHENTICATED', platform: 'previsto' } });
    expect((await stack.requests('previsto')).byRoute).toEqual({ 'GET /contacts': 1 });
  });

  it('runs a Civis job and watches it over SSE with a typed subscription until it has succeeded', async () => {
    const jobId = stack.augur.services.codec.encode('CivisJob', String(SEED_IDS.idleJob));
    const states = await runAndWatchCivisJob(stack.url, jobId);
    expect(states[0]!.state).toBe('QUEUED');
    expect(states.at(-1)).toMatchObject({ state: 'SUCCEEDED', error: null, finishedAt: expect.any(String) });
    expect(new Set(states.map((s) => s.platformId))).toEqual(new Set([states[0]!.platformId]));
    expect((await stack.requests('civis')).byRoute['POST /jobs/{id}/runs']).toBe(1);
  });

  it('types results and variables from the schema', async () => {
    expectTypeOf<VariablesOf<typeof ScoredContacts>>().toEqualTypeOf<{ first: number }>();
    type Node = NonNullable<ResultOf<typeof ScoredContacts>['contacts']>['edges'][number]['node'];
    expectTypeOf<Node['name']>().toEqualTypeOf<string>();
    expectTypeOf<Node['address']['city']>().toEqualTypeOf<string | null>();
    type Result = NonNullable<Node['predict']>['result'];
    expectTypeOf<Extract<Result, { __typename: 'ClassificationResult' }>['predictedClass']>().toEqualTypeOf<string>();
    expectTypeOf<Extract<Result, { __typename: 'RegressionResult' }>['predictedValue']>().toEqualTypeOf<number>();
    const data = await request(stack.url, ScoredContacts, { first: 1 });
    expect(data.contacts?.edges).toHaveLength(1);
    // JSON values are typed too: no operation's result or variables type falls back to unknown or any.
    const generated = readFileSync('examples/client/generated/graphql.ts', 'utf8');
    const operationTypes = generated
      .split(/\n(?=export )/)
      .filter((text) => /^export type \w+(Query|Mutation|Subscription)(Variables)? = /.test(text));
    expect(operationTypes).toHaveLength(16);
    for (const text of operationTypes) expect(text).not.toMatch(/\b(unknown|any)\b/);
  });
});

describe('npm run schema:print', () => {
  it('writes the schema Augur serves, descriptions included', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'augur-schema-'));
    try {
      const file = join(dir, 'schema.graphql');
      execFileSync(process.execPath, ['scripts/print-schema.mjs', file], { stdio: 'pipe' });
      const printed = readFileSync(file, 'utf8');
      expect(printed).toBe(`${printSchema(makeExecutableSchema({ typeDefs: loadTypeDefs() }))}\n`);
      expect(printed).toContain('Previsto contacts as a connection. `search` and `nearby` are exclusive.');
      expect(printed).toMatch(/^type Query \{$/m);
      expect(printed).not.toMatch(/^extend /m);
      // And it is the schema the running server answers introspection with: nothing added, removed or changed either
      // way (descriptions aside: the scalars' resolvers bring their own).
      const introspection = await stack.gql<IntrospectionQuery>(getIntrospectionQuery());
      const served = buildClientSchema(introspection.data!);
      const fromFile = buildSchema(printed);
      for (const [a, b] of [
        [served, fromFile],
        [fromFile, served],
      ] as const) {
        expect(findBreakingChanges(a, b)).toEqual([]);
        expect(findDangerousChanges(a, b)).toEqual([]);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
