import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { bootEmbedded, type EmbeddedStack } from '../../src/server/bootstrap.js';
import { parseConfig } from '../../src/server/config.js';
import { ConfigError } from '../../src/server/config/env.js';
import { createServer, type AugurServer } from '../../src/server/createServer.js';
import { createLogger } from '../../src/server/logger.js';
import { startTracing, type StartedTracing } from '../../src/server/tracing.js';
import { RESULT_FILE_ROUTE } from '../../src/upstreams/civis/client.js';

const PREDICT_MULTI = 'POST /public/api/v1/{service}/{endpoint}/predict-multi';
const SCORED_CONTACTS = `query ScoredContacts { contacts(first: 100) { edges { node { predict(endpointName: "churn") { raw } } } } }`;
const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const CALLER_SPAN_ID = '00f067aa0ba902b7';

let embedded: EmbeddedStack;
let augur: AugurServer;
let server: http.Server;
let url: string;
let tracing: StartedTracing;
const exporter = new InMemorySpanExporter();

beforeAll(async () => {
  // One client span per upstream call: no sharing of calls between operations (docs/caching.md).
  const config = parseConfig({
    LOG_LEVEL: 'silent',
    AUGUR_RETRY_BASE_DELAY_MS: '5',
    AUGUR_RETRY_MAX_DELAY_MS: '20',
    AUGUR_ENTITY_CACHE_TTLS: 'previsto=0',
    AUGUR_SHARE_READS: 'false',
    AUGUR_CROSS_BATCH: 'false',
  });
  embedded = await bootEmbedded(config, { port: () => 0 });
  tracing = await startTracing({ serviceName: 'augur-test', exporter, immediate: true });
  augur = await createServer({
    config: embedded.config,
    platforms: embedded.platforms,
    dataikuEndpoints: embedded.dataikuEndpoints,
    logger: createLogger({ level: 'silent' }),
    tracing: tracing.tracing,
  });
  await augur.start();
  server = http.createServer(augur.handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await augur.stop();
  await tracing.shutdown();
  await embedded.close();
});
beforeEach(async () => {
  exporter.reset();
  await Promise.all(Object.values(embedded.emulators).map((e) => fetch(`${e.url}/_emulator/reset`, { method: 'POST' })));
});

async function gql(query: string, headers: Record<string, string> = {}) {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query }),
  });
  return (await res.json()) as { data?: Record<string, any>; errors?: Array<{ extensions?: Record<string, unknown> }> };
}

const childrenOf = (spans: ReadableSpan[], parent: ReadableSpan) =>
  spans.filter((s) => s.parentSpanContext?.spanId === parent.spanContext().spanId);
const ms = (t: [number, number]) => t[0] * 1000 + t[1] / 1e6;

describe('tracing', () => {
  it('makes one server span per operation with one child client span per upstream call, even for concurrent operations', async () => {
    const [a, b] = await Promise.all([
      gql(SCORED_CONTACTS, { 'x-request-id': 'trace-a', traceparent: `00-${TRACE_ID}-${CALLER_SPAN_ID}-01` }),
      gql(SCORED_CONTACTS, { 'x-request-id': 'trace-b' }),
    ]);
    expect(a.errors).toBeUndefined();
    expect(b.errors).toBeUndefined();
    const spans = exporter.getFinishedSpans();
    const operations = spans.filter((s) => s.kind === SpanKind.SERVER);
    expect(operations).toHaveLength(2);
    expect(spans).toHaveLength(6);
    for (const op of operations) {
      expect(op.name).toBe('query ScoredContacts');
      expect(op.attributes).toMatchObject({
        'graphql.operation.type': 'query',
        'graphql.operation.name': 'ScoredContacts',
        'augur.outcome': 'ok',
        'augur.upstream_calls': 2,
        'augur.retries': 0,
        'augur.queued_ms': 0,
        'augur.rate_limit_wait_ms': 0,
      });
      expect(op.status.code).toBe(SpanStatusCode.UNSET);
      expect(op.resource.attributes['service.name']).toBe('augur-test');
      const children = childrenOf(spans, op);
      expect(children.map((c) => c.name).sort()).toEqual(['GET /contacts', PREDICT_MULTI]);
      for (const c of children) {
        expect(c.kind).toBe(SpanKind.CLIENT);
        expect(c.spanContext().traceId).toBe(op.spanContext().traceId);
        expect(c.attributes['http.response.status_code']).toBe(200);
        expect(ms(c.startTime)).toBeGreaterThanOrEqual(ms(op.startTime) - 1);
        expect(ms(c.endTime)).toBeLessThanOrEqual(ms(op.endTime) + 1);
      }
      expect(op.events.find((e) => e.name === 'loader.batch')?.attributes).toMatchObject({
        'augur.platform': 'dataiku',
        'augur.loader': 'predict',
        'augur.batch_size': 100,
      });
    }
    const joined = operations.find((s) => s.attributes['augur.request_id'] === 'trace-a')!;
    expect(joined.spanContext().traceId).toBe(TRACE_ID);
    expect(joined.parentSpanContext?.spanId).toBe(CALLER_SPAN_ID);
    const fresh = operations.find((s) => s.attributes['augur.request_id'] === 'trace-b')!;
    expect(fresh.spanContext().traceId).not.toBe(TRACE_ID);
    expect(fresh.parentSpanContext).toBeUndefined();
  });

  it("sends each upstream attempt its own span as W3C traceparent, in the caller's trace", async () => {
    const r = await gql(SCORED_CONTACTS, { 'x-request-id': 'trace-up', traceparent: `00-${TRACE_ID}-${CALLER_SPAN_ID}-01` });
    expect(r.errors).toBeUndefined();
    const clients = exporter.getFinishedSpans().filter((s) => s.kind === SpanKind.CLIENT);
    expect(clients).toHaveLength(2);
    const received = [];
    for (const platform of ['previsto', 'dataiku'] as const) {
      const res = await fetch(`${embedded.emulators[platform]!.url}/_emulator/requests?log=1`);
      const { log } = (await res.json()) as { log: Array<{ route: string; traceparent?: string }> };
      received.push(...log);
    }
    expect(received).toHaveLength(2);
    for (const request of received) {
      const span = clients.find((c) => c.name === request.route)!;
      expect(span).toBeDefined();
      // version - trace id - the attempt's span id - sampled
      expect(request.traceparent).toBe(`00-${TRACE_ID}-${span.spanContext().spanId}-01`);
    }
  });

  it('sends no trace context upstream when tracing is off', async () => {
    const plain = await createServer({
      config: embedded.config,
      platforms: embedded.platforms,
      dataikuEndpoints: embedded.dataikuEndpoints,
      logger: createLogger({ level: 'silent' }),
    });
    await plain.start();
    const plainServer = http.createServer(plain.handler);
    await new Promise<void>((resolve) => plainServer.listen(0, '127.0.0.1', () => resolve()));
    try {
      const res = await fetch(`http://127.0.0.1:${(plainServer.address() as AddressInfo).port}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', traceparent: `00-${TRACE_ID}-${CALLER_SPAN_ID}-01` },
        body: JSON.stringify({ query: '{ contacts(first: 1) { totalCount } }' }),
      });
      expect(((await res.json()) as { errors?: unknown }).errors).toBeUndefined();
      const { log } = (await (await fetch(`${embedded.emulators.previsto!.url}/_emulator/requests?log=1`)).json()) as {
        log: Array<{ traceparent?: string }>;
      };
      expect(log).toHaveLength(1);
      expect(log[0]!.traceparent).toBeUndefined();
    } finally {
      plainServer.closeAllConnections();
      await new Promise<void>((resolve) => plainServer.close(() => resolve()));
      await plain.stop();
    }
  });

  it("traces the download of a Civis result file under its route, without sending the trace context to the file's host", async () => {
    const created = await gql(
      `mutation { createCivisQuery(input: { databaseName: "redshift-general", sql: "SELECT customer_id FROM public.customers LIMIT 3" }) { query { id } } }`,
    );
    const id = created.data!.createCivisQuery.query.id as string;
    for (let i = 0; i < 5; i++)
      if ((await gql(`{ civis { query(id: "${id}") { state } } }`)).data!.civis.query.state === 'SUCCEEDED') break;
    const civisLog = async () =>
      (
        (await (await fetch(`${embedded.emulators.civis!.url}/_emulator/requests?log=1`)).json()) as {
          log: Array<{ route: string; traceparent?: string }>;
        }
      ).log;
    const seen = (await civisLog()).length;
    exporter.reset();
    const r = await gql(`query Rows { civis { query(id: "${id}") { rows(first: 3) { totalCount } } } }`, {
      traceparent: `00-${TRACE_ID}-${CALLER_SPAN_ID}-01`,
    });
    expect(r.errors, JSON.stringify(r.errors)).toBeUndefined();
    expect(r.data!.civis.query.rows.totalCount).toBe(3);
    const spans = exporter.getFinishedSpans();
    const op = spans.find((s) => s.kind === SpanKind.SERVER)!;
    const download = childrenOf(spans, op).find((s) => s.name === RESULT_FILE_ROUTE)!;
    expect(download.kind).toBe(SpanKind.CLIENT);
    expect(download.attributes['http.response.status_code']).toBe(200);
    expect(download.spanContext().traceId).toBe(TRACE_ID);
    const log = (await civisLog()).slice(seen);
    const file = log.filter((l) => l.route === 'GET /files/{id}/download');
    expect(file).toHaveLength(1);
    expect(file[0]!.traceparent).toBeUndefined();
    // The platform's own calls of the same operation do carry it.
    expect(log.find((l) => l.route === 'GET /files/{id}')?.traceparent).toMatch(new RegExp(`^00-${TRACE_ID}-`));
  });

  it('marks failed upstream attempts and a failed operation as errors', async () => {
    const previsto = embedded.emulators.previsto!;
    await fetch(`${previsto.url}/_emulator/faults`, { method: 'POST', body: JSON.stringify({ status: 503, routes: ['GET /contacts'] }) });
    const r = await gql(`query Contacts { contacts(first: 1) { totalCount } }`);
    expect(r.errors![0]!.extensions!['code']).toBe('UPSTREAM_UNAVAILABLE');
    const spans = exporter.getFinishedSpans();
    const op = spans.find((s) => s.kind === SpanKind.SERVER)!;
    expect(op.status).toEqual({ code: SpanStatusCode.ERROR, message: 'UPSTREAM_UNAVAILABLE' });
    expect(op.attributes).toMatchObject({ 'augur.outcome': 'error', 'augur.retries': 2, 'augur.upstream_calls': 3 });
    const attempts = childrenOf(spans, op);
    expect(attempts).toHaveLength(3);
    expect(attempts.map((s) => [s.attributes['http.response.status_code'], s.attributes['augur.retry'], s.status.code])).toEqual([
      [503, false, SpanStatusCode.ERROR],
      [503, true, SpanStatusCode.ERROR],
      [503, true, SpanStatusCode.ERROR],
    ]);
  });
});

describe('startTracing with the OTLP exporter', () => {
  let collector: http.Server;
  const received: Array<{ path: string; type: string | undefined; body: string }> = [];
  beforeAll(async () => {
    collector = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString('utf8')));
      req.on('end', () => {
        received.push({ path: req.url ?? '', type: req.headers['content-type'], body });
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{}');
      });
    });
    await new Promise<void>((resolve) => collector.listen(0, '127.0.0.1', () => resolve()));
  });
  afterAll(() => new Promise<void>((resolve) => collector.close(() => resolve())));
  afterEach(() => vi.unstubAllEnvs());

  it('exports spans over OTLP/HTTP to the endpoint named by OTEL_EXPORTER_OTLP_ENDPOINT', async () => {
    vi.stubEnv('OTEL_EXPORTER_OTLP_ENDPOINT', `http://127.0.0.1:${(collector.address() as AddressInfo).port}`);
    const otlp = await startTracing({ serviceName: 'augur-otlp-test' });
    await otlp.tracing.around({ headers: {} } as http.IncomingMessage, 'otlp-1', async () => undefined);
    await otlp.shutdown();
    expect(received).toHaveLength(1);
    expect(received[0]!.path).toBe('/v1/traces');
    expect(received[0]!.type).toBe('application/json');
    expect(received[0]!.body).toContain('augur-otlp-test');
    expect(received[0]!.body).toContain('otlp-1');
  });
});

describe('tracing configuration', () => {
  it('is off by default and on with an OTLP endpoint or OTEL_TRACES_EXPORTER=otlp, unless disabled', () => {
    expect(parseConfig({}).tracing).toEqual({ enabled: false, serviceName: 'augur' });
    expect(parseConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' }).tracing.enabled).toBe(true);
    expect(parseConfig({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://collector:4318/v1/traces' }).tracing.enabled).toBe(true);
    expect(parseConfig({ OTEL_TRACES_EXPORTER: 'otlp', OTEL_SERVICE_NAME: 'gateway' }).tracing).toEqual({
      enabled: true,
      serviceName: 'gateway',
    });
    expect(parseConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', OTEL_TRACES_EXPORTER: 'none' }).tracing.enabled).toBe(false);
    expect(parseConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', OTEL_SDK_DISABLED: 'true' }).tracing.enabled).toBe(false);
    expect(() => parseConfig({ OTEL_TRACES_EXPORTER: 'zipkin' })).toThrow(ConfigError);
    expect(() => parseConfig({ OTEL_TRACES_EXPORTER: 'zipkin' })).toThrow(/OTEL_TRACES_EXPORTER supports "otlp" or "none", got "zipkin"/);
  });

  it('reads AUGUR_METRICS, AUGUR_SHUTDOWN_GRACE_MS and AUGUR_SHUTDOWN_DELAY_MS with their defaults', () => {
    expect(parseConfig({})).toMatchObject({ metrics: true, shutdownGraceMs: 10_000, shutdownDelayMs: 0 });
    expect(parseConfig({ AUGUR_METRICS: 'false', AUGUR_SHUTDOWN_GRACE_MS: '2500', AUGUR_SHUTDOWN_DELAY_MS: '5000' })).toMatchObject({
      metrics: false,
      shutdownGraceMs: 2500,
      shutdownDelayMs: 5000,
    });
    expect(() => parseConfig({ AUGUR_SHUTDOWN_DELAY_MS: 'soon' })).toThrow(/AUGUR_SHUTDOWN_DELAY_MS must be an integer/);
    expect(() => parseConfig({ AUGUR_SHUTDOWN_GRACE_MS: '-1' })).toThrow(
      /AUGUR_SHUTDOWN_GRACE_MS must be an integer between 0 and 600000, got "-1"/,
    );
  });
});
