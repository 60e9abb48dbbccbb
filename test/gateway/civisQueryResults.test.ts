import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startStack, type TestStack } from '../helpers/stack.js';
import type { NodeTypeName } from '../../src/relay/ids.js';
import { RESULT_FILE_ROUTE } from '../../src/upstreams/civis/client.js';
import { scrape, value } from '../observability/prometheus.js';

let stack: TestStack;

interface LoggedRequest {
  method: string;
  route: string;
  path: string;
  query: string;
  status: number;
}

async function civisLog(): Promise<LoggedRequest[]> {
  const res = await fetch(`${stack.embedded.emulators.civis!.url}/_emulator/requests?log=1`);
  return ((await res.json()) as { log: LoggedRequest[] }).log;
}
/** Where the log stands: `calls()` then answers what came after. */
let mark = 0;
const calls = async () => (await civisLog()).slice(mark).map((l) => `${l.route}${l.query ? `?${l.query}` : ''}`);
const clearLog = async () => {
  mark = (await civisLog()).length;
};
const gid = (type: NodeTypeName, id: number | string) => stack.augur.services.codec.encode(type, String(id));

const CREATE = `mutation($i: CreateCivisQueryInput!) { createCivisQuery(input: $i) { query { id platformId state } userErrors { field code message } } }`;

/** Creates a query through Augur and polls it until it has finished; the emulator's log is then cleared. */
async function finishedQuery(input: Record<string, unknown>): Promise<{ id: string; platformId: string }> {
  const created = await stack.gql(CREATE, { i: { databaseName: 'redshift-general', ...input } });
  expect(created.data!.createCivisQuery.userErrors).toEqual([]);
  const q = created.data!.createCivisQuery.query;
  for (let i = 0; i < 5; i++) {
    const r = await stack.gql(`{ civis { query(id: "${q.id}") { state } } }`);
    if (r.data!.civis.query.state === 'SUCCEEDED') break;
  }
  await clearLog();
  return q;
}

const ROWS = `query($id: ID!, $first: Int, $after: String, $last: Int, $before: String) { civis { query(id: $id) {
  resultFile { name fileSize }
  rows(first: $first, after: $after, last: $last, before: $before) {
    columns totalCount nodes { index values } pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  } } } }`;

beforeAll(async () => {
  stack = await startStack({ env: { AUGUR_CIVIS_RESULT_MAX_BYTES: '20000' } });
});
afterAll(() => stack.close());
beforeEach(async () => {
  await stack.reset();
  mark = 0;
});

describe('CivisQuery.rows and resultFile', () => {
  it('pages every row of the result file, beyond the preview, with one read of the outputs, the file and its bytes', async () => {
    const q = await finishedQuery({ sql: 'SELECT customer_id, email FROM public.customers LIMIT 120', previewRows: 5 });
    const first = await stack.gql(ROWS, { id: q.id, first: 50 });
    expect(first.errors).toBeUndefined();
    const rows = first.data!.civis.query.rows;
    expect(first.data!.civis.query.resultFile).toEqual({ name: `query_${q.platformId}.csv.gz`, fileSize: expect.any(Number) });
    expect(rows.columns).toEqual(['customer_id', 'email']);
    expect(rows.totalCount).toBe(120);
    expect(rows.nodes).toHaveLength(50);
    expect(rows.nodes[0]).toEqual({ index: 0, values: ['1', 'user1@example.com'] });
    expect(rows.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false });
    const log = await calls();
    expect(log.filter((c) => c.startsWith('GET /jobs/'))).toEqual([`GET /jobs/{id}/runs/{run_id}/outputs?limit=50`]);
    expect(log.filter((c) => c.startsWith('GET /files/'))).toEqual(['GET /files/{id}', 'GET /files/{id}/download']);
    expect(log).toHaveLength(4); // with the query itself

    // The next page, through the cursor: the file is read again (once) in this new operation.
    await clearLog();
    const next = await stack.gql(ROWS, { id: q.id, first: 100, after: rows.pageInfo.endCursor });
    const page2 = next.data!.civis.query.rows;
    expect(page2.nodes).toHaveLength(70);
    expect(page2.nodes[0].index).toBe(50);
    expect(page2.nodes[69]).toEqual({ index: 119, values: ['120', 'user120@example.com'] });
    expect(page2.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: true });
    expect((await calls()).filter((c) => c === 'GET /files/{id}/download')).toHaveLength(1);

    const tail = await stack.gql(ROWS, { id: q.id, last: 2 });
    expect(tail.data!.civis.query.rows.nodes.map((n: any) => n.index)).toEqual([118, 119]);
  });

  it('reads the file once per operation, however many aliases ask for pages of it, and counts that read in the metrics', async () => {
    const q = await finishedQuery({ sql: 'SELECT customer_id FROM public.customers LIMIT 30', previewRows: 1 });
    const before = await scrape(stack.url);
    const r = await stack.gql(`{ civis { query(id: "${q.id}") {
      a: rows(first: 10) { nodes { index } } b: rows(first: 10, after: null) { totalCount } c: resultFile { name } } } }`);
    expect(r.errors).toBeUndefined();
    expect(r.data!.civis.query.b.totalCount).toBe(30);
    expect((await calls()).filter((c) => c.startsWith('GET /files/{id}/download'))).toHaveLength(1);
    expect((await calls()).filter((c) => c.startsWith('GET /jobs/'))).toHaveLength(1);
    // Under a route template: the link itself is a bearer secret, never a label.
    const after = await scrape(stack.url);
    const delta = (name: string, labels: Record<string, string>) => value(after, name, labels) - value(before, name, labels);
    expect(delta('augur_upstream_requests_total', { platform: 'civis', route: RESULT_FILE_ROUTE, status: '200' })).toBe(1);
    expect(delta('augur_upstream_request_duration_seconds_count', { platform: 'civis', route: RESULT_FILE_ROUTE })).toBe(1);
    expect(after.filter((sample) => Object.values(sample.labels).some((v) => /^https?:/.test(v)))).toEqual([]);
  });

  it('reads files written without a header, unquoted with pipes, plain or zipped', async () => {
    const plain = await finishedQuery({
      sql: 'SELECT customer_id, email FROM public.customers LIMIT 3',
      previewRows: 3,
      includeHeader: false,
      compression: 'NONE',
      columnDelimiter: 'PIPE',
      unquoted: true,
      filenamePrefix: 'top',
    });
    const r = await stack.gql(ROWS, { id: plain.id });
    expect(r.data!.civis.query.resultFile.name).toBe(`top_${plain.platformId}.csv`);
    expect(r.data!.civis.query.rows.columns).toEqual(['customer_id', 'email']);
    expect(r.data!.civis.query.rows.nodes.map((n: any) => n.values)).toEqual([
      ['1', 'user1@example.com'],
      ['2', 'user2@example.com'],
      ['3', 'user3@example.com'],
    ]);
    const zipped = await finishedQuery({
      sql: 'SELECT customer_id FROM public.customers LIMIT 4',
      compression: 'ZIP',
      columnDelimiter: 'TAB',
    });
    const z = await stack.gql(ROWS, { id: zipped.id });
    expect(z.errors).toBeUndefined();
    expect(z.data!.civis.query.rows).toMatchObject({ columns: ['customer_id'], totalCount: 4 });
  });

  it('answers null for a query that has not succeeded, without reading outputs', async () => {
    const created = await stack.gql(CREATE, { i: { databaseName: 'redshift-general', sql: 'SELECT * FROM public.nope' } });
    const id = created.data!.createCivisQuery.query.id;
    let state = '';
    for (let i = 0; i < 5 && state !== 'FAILED'; i++)
      state = (await stack.gql(`{ civis { query(id: "${id}") { state } } }`)).data!.civis.query.state;
    await clearLog();
    const r = await stack.gql(ROWS, { id });
    expect(r.errors).toBeUndefined();
    expect(r.data!.civis.query).toEqual({ resultFile: null, rows: null });
    expect(await calls()).toEqual(['GET /queries/{id}']);
  });

  it('fails the field with LIMIT_EXCEEDED past AUGUR_CIVIS_RESULT_MAX_BYTES, keeping the rest of the answer', async () => {
    const big = await finishedQuery({ sql: 'SELECT * FROM public.customers LIMIT 2000', previewRows: 1 });
    const r = await stack.gql(ROWS, { id: big.id, first: 1 });
    expect(r.data!.civis.query.resultFile).not.toBeNull();
    expect(r.data!.civis.query.rows).toBeNull();
    expect(r.errors).toHaveLength(1);
    expect(r.errors![0]).toMatchObject({
      path: ['civis', 'query', 'rows'],
      extensions: { code: 'LIMIT_EXCEEDED', limit: 'civisResultMaxBytes', max: 20000 },
    });
    expect(r.errors![0]!.message).not.toMatch(/http/);
  });

  it('refuses a cursor of another query, or bad paging, before any call', async () => {
    const a = await finishedQuery({ sql: 'SELECT customer_id FROM public.customers LIMIT 5', previewRows: 1 });
    const cursor = (await stack.gql(ROWS, { id: a.id, first: 1 })).data!.civis.query.rows.pageInfo.endCursor;
    const b = await finishedQuery({ sql: 'SELECT customer_id FROM public.customers LIMIT 6', previewRows: 1 });
    const ONLY_ROWS = `query($id: ID!, $first: Int, $after: String) { civis { query(id: $id) { rows(first: $first, after: $after) { totalCount } } } }`;
    const r = await stack.gql(ONLY_ROWS, { id: b.id, first: 1, after: cursor });
    expect(r.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', param: 'after' });
    const neg = await stack.gql(ONLY_ROWS, { id: b.id, first: -1 });
    expect(neg.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', param: 'first' });
    expect((await calls()).filter((c) => !c.startsWith('GET /queries/'))).toEqual([]);
  });

  it('maps a result file the storage refuses to UPSTREAM_ERROR, without the link', async () => {
    const q = await finishedQuery({ sql: 'SELECT customer_id FROM public.customers LIMIT 5', previewRows: 1 });
    await stack.faults('civis', { routes: ['GET /files/{id}/download'], status: 403 });
    const r = await stack.gql(ROWS, { id: q.id });
    expect(r.data!.civis.query.rows).toBeNull();
    expect(r.errors![0]!.extensions).toMatchObject({ code: 'UPSTREAM_ERROR', upstreamStatus: 403, platform: 'civis' });
    expect(r.errors![0]!.message).not.toMatch(/\/files\//);
    // Not retried: a download refused once is reported.
    expect((await calls()).filter((c) => c === 'GET /files/{id}/download')).toHaveLength(1);
    void gid;
  });
});
