/**
 * Optional OpenTelemetry tracing: one SERVER span per GraphQL operation (joining the caller's trace when it sends a
 * W3C `traceparent`) and one CLIENT span per upstream attempt, child of its operation's span, whose context is sent
 * upstream as `traceparent` so a platform that traces continues the same trace. Loader batches,
 * rate-limit waits and breaker changes become events on the operation span.
 *
 * `main.ts` imports this module (and through it the SDK and the OTLP/HTTP exporter) only when tracing is enabled, so
 * a server without tracing never loads any of it. The exporter reads the standard `OTEL_EXPORTER_OTLP_*` variables
 * itself. No query text, variables or headers are recorded.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { IncomingMessage } from 'node:http';
import type { ApolloServerPlugin } from '@apollo/server';
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Span, type TextMapPropagator, type Tracer } from '@opentelemetry/api';
import type { SpanExporter } from '@opentelemetry/sdk-trace';
import type { Context } from './context.js';
import type { AugurObserver } from '../core/observer.js';
import { errorCodes, operationName, operationOutcome, operationType } from './plugins/operation.js';

export interface Tracing {
  /** Names the operation span and records its outcome. */
  plugin: ApolloServerPlugin<Context>;
  /** Turns upstream attempts into spans and the other events into span events. */
  observer: AugurObserver;
  /** Runs one GraphQL request inside its operation span. */
  around<T>(req: IncomingMessage, requestId: string, run: () => Promise<T>): Promise<T>;
}

export interface TracingOptions {
  tracer: Tracer;
  /** Reads the caller's trace context from the request and writes each attempt's upstream (W3C trace context in `startTracing`). */
  propagator?: TextMapPropagator;
}

const HEADER_SETTER = {
  set: (headers: Record<string, string>, key: string, value: string) => {
    headers[key] = value;
  },
};

const HEADER_GETTER = {
  keys: (headers: IncomingMessage['headers']) => Object.keys(headers),
  get: (headers: IncomingMessage['headers'], key: string) => headers[key],
};

/** Tracing over a given tracer; `startTracing` builds one exporting over OTLP. */
export function createTracing({ tracer, propagator }: TracingOptions): Tracing {
  // The span of the operation being executed, found again by the observer hooks and the plugin.
  const current = new AsyncLocalStorage<Span>();

  const plugin: ApolloServerPlugin<Context> = {
    async requestDidStart() {
      const span = current.getStore();
      if (!span) return;
      return {
        async didResolveOperation(requestContext) {
          const type = operationType(requestContext);
          const name = operationName(requestContext);
          span.updateName(name ? `${type} ${name}` : (type ?? 'graphql'));
          if (type) span.setAttribute('graphql.operation.type', type);
          if (name) span.setAttribute('graphql.operation.name', name);
        },
        async willSendResponse(requestContext) {
          const outcome = operationOutcome(requestContext.response);
          const { codes } = errorCodes(requestContext.response);
          const ctx = requestContext.contextValue;
          span.setAttributes({
            'augur.outcome': outcome,
            'augur.upstream_calls': ctx.budget.calls,
            'augur.cache_hits': ctx.budget.cacheHits,
            'augur.shared_calls': ctx.budget.sharedCalls,
            'augur.batched_items': ctx.budget.batchedItems,
            'augur.retries': ctx.budget.retries,
            'augur.queued_ms': ctx.budget.queuedMs,
            'augur.rate_limit_wait_ms': ctx.budget.rateLimitWaitMs,
            ...(codes.length ? { 'augur.error_codes': codes } : {}),
          });
          if (outcome === 'error') span.setStatus({ code: SpanStatusCode.ERROR, message: codes.join(', ') });
        },
      };
    },
  };

  const observer: AugurObserver = {
    // The CLIENT span starts as the attempt is sent, and its context goes upstream as W3C `traceparent`, so a
    // platform that traces joins the caller's trace under this attempt.
    upstreamAttemptStart({ platform, route, method, retry }, headers) {
      const parent = current.getStore();
      const span = tracer.startSpan(
        route,
        {
          kind: SpanKind.CLIENT,
          attributes: { 'augur.platform': platform, 'http.request.method': method, 'url.template': route, 'augur.retry': retry },
        },
        parent ? trace.setSpan(ROOT_CONTEXT, parent) : ROOT_CONTEXT,
      );
      propagator?.inject(trace.setSpan(ROOT_CONTEXT, span), headers, HEADER_SETTER);
      return ({ status }) => {
        if (typeof status === 'number') span.setAttribute('http.response.status_code', status);
        else span.setAttribute('error.type', 'network');
        if (status === 'error' || status >= 400) span.setStatus({ code: SpanStatusCode.ERROR });
        span.end();
      };
    },
    loaderBatch(platform, loader, size) {
      current.getStore()?.addEvent('loader.batch', { 'augur.platform': platform, 'augur.loader': loader, 'augur.batch_size': size });
    },
    cacheRead(platform, type, outcome) {
      current.getStore()?.addEvent('upstream.read', {
        'augur.platform': platform,
        'augur.type': type,
        'augur.served_by': outcome === 'hit' ? 'cache' : 'upstream',
      });
    },
    sharedCall(platform, route) {
      current.getStore()?.addEvent('upstream.read', { 'augur.platform': platform, 'http.route': route, 'augur.served_by': 'shared' });
    },
    crossBatch(platform, verb, size, operations) {
      current.getStore()?.addEvent('upstream.batch', {
        'augur.platform': platform,
        'augur.verb': verb,
        'augur.batch_size': size,
        'augur.operations': operations,
      });
    },
    rateLimitWait(platform, waitMs) {
      current.getStore()?.addEvent('rate_limit.wait', { 'augur.platform': platform, 'augur.wait_ms': waitMs });
    },
    breakerState(platform, state) {
      current.getStore()?.addEvent('circuit_breaker.state', { 'augur.platform': platform, 'augur.state': state });
    },
  };

  return {
    plugin,
    observer,
    async around(req, requestId, run) {
      const parent = propagator ? propagator.extract(ROOT_CONTEXT, req.headers, HEADER_GETTER) : ROOT_CONTEXT;
      const span = tracer.startSpan('graphql', { kind: SpanKind.SERVER, attributes: { 'augur.request_id': requestId } }, parent);
      try {
        return await current.run(span, run);
      } catch (err) {
        span.setStatus({ code: SpanStatusCode.ERROR, message: err instanceof Error ? err.name : 'error' });
        throw err;
      } finally {
        span.end();
      }
    },
  };
}

export interface StartTracingOptions {
  serviceName: string;
  serviceVersion?: string;
  /** Where spans go; defaults to the OTLP/HTTP exporter configured by the `OTEL_EXPORTER_OTLP_*` variables. */
  exporter?: SpanExporter;
  /** Export each span as it ends instead of in batches (tests). Default false. */
  immediate?: boolean;
}

export interface StartedTracing {
  tracing: Tracing;
  /** Flushes pending spans and stops exporting. */
  shutdown(): Promise<void>;
}

/** Loads the SDK and the exporter and starts a tracer provider (not registered globally). */
export async function startTracing(options: StartTracingOptions): Promise<StartedTracing> {
  const [sdk, resources, core] = await Promise.all([
    import('@opentelemetry/sdk-trace'),
    import('@opentelemetry/resources'),
    import('@opentelemetry/core'),
  ]);
  const exporter = options.exporter ?? new (await import('@opentelemetry/exporter-trace-otlp-http')).OTLPTraceExporter();
  const provider = new sdk.TracerProvider({
    resource: resources.resourceFromAttributes({
      'service.name': options.serviceName,
      ...(options.serviceVersion ? { 'service.version': options.serviceVersion } : {}),
    }),
    spanProcessors: [options.immediate ? new sdk.SimpleSpanProcessor({ exporter }) : new sdk.BatchSpanProcessor({ exporter })],
  });
  return {
    tracing: createTracing({ tracer: provider.getTracer('augur'), propagator: new core.W3CTraceContextPropagator() }),
    shutdown: () => provider.shutdown(),
  };
}
