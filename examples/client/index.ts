/**
 * A small typed consumer of Augur: plain `fetch`, the typed document nodes that `npm run codegen` generates from
 * `./operations.ts`, and `print` from graphql. Results and variables are checked by TypeScript against the schema, so
 * a field renamed in Augur breaks this file's build instead of a dashboard at run time.
 */
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { Kind, print, type OperationDefinitionNode } from 'graphql';
import { createClient } from 'graphql-sse';
import {
  ContactsBackward,
  ContactsForward,
  CreateContact,
  DeleteContact,
  RunCivisJob,
  SalesForecast,
  ScoredContacts,
  WatchCivisRun,
} from './operations.js';
import type { CivisRunFieldsFragment, SalesForecastQuery } from './generated/graphql.js';

/** A GraphQL response that carried errors (or no data); `errors` are the response's, with their `extensions.code`. */
export class GraphQLRequestError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly errors: ReadonlyArray<{ message: string; path?: ReadonlyArray<string | number>; extensions?: Record<string, unknown> }>,
  ) {
    super(message);
    this.name = 'GraphQLRequestError';
  }
}

export interface ClientOptions {
  /** Extra headers, e.g. `{ 'x-previsto-api-key': 'sk_...' }` to call Previsto with your own key. */
  headers?: Record<string, string>;
}

const printed = new WeakMap<object, { query: string; operationName: string | undefined }>();

function source(document: TypedDocumentNode<unknown, unknown>): { query: string; operationName: string | undefined } {
  let found = printed.get(document);
  if (!found) {
    const operation = document.definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
    found = { query: print(document), operationName: operation?.name?.value };
    printed.set(document, found);
  }
  return found;
}

/** Sends one operation and returns its typed `data`; throws `GraphQLRequestError` on any error. */
export async function request<TResult, TVariables>(
  url: string,
  document: TypedDocumentNode<TResult, TVariables>,
  variables: TVariables,
  options: ClientOptions = {},
): Promise<TResult> {
  const operation = source(document as TypedDocumentNode<unknown, unknown>);
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json, application/json', ...options.headers },
    body: JSON.stringify({ ...operation, variables }),
  });
  const text = await res.text();
  let body: { data?: TResult | null; errors?: GraphQLRequestError['errors'] };
  try {
    body = JSON.parse(text) as typeof body;
  } catch {
    throw new GraphQLRequestError(
      `${operation.operationName ?? 'operation'}: expected a GraphQL JSON response, got HTTP ${res.status}: ${text.slice(0, 200)}`,
      res.status,
      [],
    );
  }
  if (body.errors?.length || body.data == null) {
    const errors = body.errors ?? [];
    const codeOf = (code: unknown): string => (typeof code === 'string' ? code : JSON.stringify(code));
    const summary = errors.map((e) => `${e.message}${e.extensions?.code ? ` (${codeOf(e.extensions.code)})` : ''}`).join('; ') || 'no data';
    throw new GraphQLRequestError(
      `${operation.operationName ?? 'operation'} failed with HTTP ${res.status}: ${summary}`,
      res.status,
      errors,
    );
  }
  return body.data;
}

/**
 * Subscribes over GraphQL over Server-Sent Events (`<url>/stream`, graphql-sse's client) and yields each event's typed
 * `data`; throws `GraphQLRequestError` on an event with errors. Leaving the loop closes the stream.
 */
export async function* subscribe<TResult, TVariables>(
  url: string,
  document: TypedDocumentNode<TResult, TVariables>,
  variables: TVariables,
  options: ClientOptions = {},
): AsyncGenerator<TResult> {
  const client = createClient({ url: `${url}/stream`, headers: { ...options.headers }, retryAttempts: 0 });
  const operation = source(document as TypedDocumentNode<unknown, unknown>);
  try {
    for await (const event of client.iterate<TResult>({ ...operation, variables: variables as Record<string, unknown> })) {
      if (event.errors?.length || event.data == null) {
        const errors = (event.errors ?? []) as GraphQLRequestError['errors'];
        throw new GraphQLRequestError(
          `${operation.operationName ?? 'subscription'}: ${errors.map((e) => e.message).join('; ')}`,
          200,
          errors,
        );
      }
      yield event.data;
    }
  } finally {
    client.dispose();
  }
}

/** Runs a Civis job and watches the run until it has finished: every state it went through, the last one finished. */
export async function runAndWatchCivisJob(url: string, jobId: string, options: ClientOptions = {}): Promise<CivisRunFieldsFragment[]> {
  const { runCivisJob } = await request(url, RunCivisJob, { input: { jobId } }, options);
  if (!runCivisJob.run) throw new Error(`RunCivisJob refused: ${runCivisJob.userErrors.map((e) => e.message).join('; ')}`);
  const seen: CivisRunFieldsFragment[] = [runCivisJob.run];
  for await (const { civisJobRun } of subscribe(url, WatchCivisRun, { id: runCivisJob.run.id }, options)) {
    if (civisJobRun) seen.push(civisJobRun);
  }
  return seen;
}

/** Two weeks of daily sales for stores A and B: the history the forecast example sends. */
export function salesHistory(): Array<{ date: string; store: string; sales: number }> {
  const start = Date.UTC(2024, 2, 1);
  const rows: Array<{ date: string; store: string; sales: number }> = [];
  for (const [store, base, trend] of [
    ['A', 120, 1.5],
    ['B', 80, -0.5],
  ] as const) {
    for (let day = 0; day < 14; day++) {
      const weekly = [0, 4, 6, 3, -2, 10, 14][day % 7]!;
      rows.push({
        date: new Date(start + day * 86_400_000).toISOString(),
        store,
        sales: Math.round((base + trend * day + weekly) * 100) / 100,
      });
    }
  }
  return rows;
}

export interface ExampleResults {
  scored: Array<{ id: string; name: string; city: string | null; predictedClass: string | null; churnProbability: number | undefined }>;
  totalContacts: number;
  forecast: NonNullable<SalesForecastQuery['forecast']>;
  /** Contact names of two pages going forward, then of the page before the second one going backward. */
  paging: { forward: string[][]; backward: string[] };
  created: { id: string; platformId: string; name: string };
  deletedId: string;
}

/** Runs every example operation against the Augur at `url` (e.g. http://127.0.0.1:4000/graphql). */
export async function runExamples(url: string, options: ClientOptions = {}): Promise<ExampleResults> {
  const scoredData = await request(url, ScoredContacts, { first: 5 }, options);
  const contacts = scoredData.contacts;
  if (!contacts) throw new Error('ScoredContacts returned no contacts connection.');
  const scored = contacts.edges.map(({ node }) => {
    const result = node.predict?.result;
    const classified = result?.__typename === 'ClassificationResult' ? result : undefined;
    return {
      id: node.id,
      name: node.name,
      city: node.address.city,
      predictedClass: classified?.predictedClass ?? null,
      churnProbability: classified?.probabilities.find((p) => p.label === 'churn')?.probability,
    };
  });

  const { forecast } = await request(url, SalesForecast, { history: salesHistory() }, options);

  const first = await request(url, ContactsForward, { first: 3 }, options);
  const second = await request(url, ContactsForward, { first: 3, after: first.contacts?.pageInfo.endCursor ?? null }, options);
  const back = await request(url, ContactsBackward, { last: 3, before: second.contacts?.pageInfo.startCursor ?? null }, options);
  const names = (page: { contacts: { edges: Array<{ node: { name: string } }> } | null }) =>
    page.contacts?.edges.map((e) => e.node.name) ?? [];

  const { createContact } = await request(
    url,
    CreateContact,
    { input: { name: 'Example Client Contact', address: { city: 'Aarhus' } } },
    options,
  );
  const created = createContact.contact;
  if (!created) throw new Error(`CreateContact refused the input: ${createContact.userErrors.map((e) => e.message).join('; ')}`);
  const { deleteContact } = await request(url, DeleteContact, { input: { id: created.id } }, options);
  if (!deleteContact.deletedContactId) {
    throw new Error(`DeleteContact refused the input: ${deleteContact.userErrors.map((e) => e.message).join('; ')}`);
  }

  return {
    scored,
    totalContacts: contacts.totalCount,
    forecast: forecast ?? [],
    paging: { forward: [names(first), names(second)], backward: names(back) },
    created: { id: created.id, platformId: created.platformId, name: created.name },
    deletedId: deleteContact.deletedContactId,
  };
}
