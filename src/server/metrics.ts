/**
 * Prometheus metrics (`GET /metrics`): GraphQL operations, upstream requests, retries, rate-limit waits, breaker
 * states, DataLoader batch sizes and the process's own metrics. Every server owns its registry, so several servers in
 * one process never share or clash over a metric. Label values are bounded by construction: platforms and route
 * templates come from code, and operation names are capped (see `OperationNameLabels`).
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { AdmissionGate } from './admission.js';
import type { Context } from './context.js';
import type { RouteHandler } from './routes.js';
import type { AugurObserver } from '../core/observer.js';
import { operationName, operationOutcome } from './plugins/operation.js';
import { PLATFORMS, type BreakerState } from '../core/upstream.js';
import type { AugurPlugin } from './plugins/combine.js';

export interface MetricsOptions {
  /** Distinct operation names labelled before further names become `other`. Default 100. */
  maxOperationNames?: number;
  /** Longest operation name labelled as itself; longer names become `other`. Default 64. */
  maxOperationNameLength?: number;
  /** Also export process and Node.js metrics (`collectDefaultMetrics`). Default true. */
  processMetrics?: boolean;
}

export interface Metrics {
  /** Subscribe it to the server's observers: upstream attempts, breaker changes, rate-limit waits, loader batches. */
  observer: AugurObserver;
  /** Counts and times every GraphQL operation. */
  plugin: AugurPlugin<Context>;
  /** `GET /metrics` in the Prometheus text format. */
  route: RouteHandler;
  registry: Registry;
  /** Exports the admission gate's slots in use, queue length and refusals. */
  watchAdmission(gate: AdmissionGate): void;
  /** Counts a request to `/graphql` refused before Apollo handled it. */
  refused(reason: RefusalReason): void;
  /** Counts a request held back because its caller's requests keep being refused (throttle.ts). */
  slowed(): void;
  /** Counts an introspection-only operation answered from memory. */
  introspectionCacheHit(): void;
}

/** Why a request was refused before reaching Apollo: the `reason` of its log line and of `augur_http_refused_total`. */
export type RefusalReason =
  'unauthenticated' | 'body_too_large' | 'malformed_json' | 'multipart' | 'batched' | 'not_registered' | 'syntax' | 'limit' | 'throttled';
const REFUSAL_REASONS: readonly RefusalReason[] = [
  'unauthenticated',
  'body_too_large',
  'malformed_json',
  'multipart',
  'batched',
  'not_registered',
  'syntax',
  'limit',
  'throttled',
];

/** The gauge value of each breaker state. */
export const BREAKER_STATE_VALUE: Record<BreakerState, number> = { closed: 0, 'half-open': 1, open: 2 };

const SECONDS_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
const BATCH_BUCKETS = [1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 5000];

/**
 * Maps operation names to label values with bounded cardinality: unnamed operations are `anonymous`; names that are
 * too long, or that arrive after `max` distinct names were seen, are `other`.
 */
export class OperationNameLabels {
  private readonly seen = new Set<string>();

  constructor(
    private readonly max: number,
    private readonly maxLength: number,
  ) {}

  label(name: string | null): string {
    if (name === null) return 'anonymous';
    if (name.length > this.maxLength) return 'other';
    if (this.seen.has(name)) return name;
    if (this.seen.size >= this.max) return 'other';
    this.seen.add(name);
    return name;
  }
}

export function createMetrics(options: MetricsOptions = {}): Metrics {
  const registry = new Registry();
  const registers = [registry];
  if (options.processMetrics ?? true) collectDefaultMetrics({ register: registry });
  const names = new OperationNameLabels(options.maxOperationNames ?? 100, options.maxOperationNameLength ?? 64);

  const operations = new Counter({
    name: 'augur_graphql_operations_total',
    help: 'GraphQL operations answered, by operation name and outcome (ok, partial, error).',
    labelNames: ['operation', 'outcome'] as const,
    registers,
  });
  const operationSeconds = new Histogram({
    name: 'augur_graphql_operation_duration_seconds',
    help: 'Time from receiving a GraphQL operation to sending its response, by operation name.',
    labelNames: ['operation'] as const,
    buckets: SECONDS_BUCKETS,
    registers,
  });
  const upstreamRequests = new Counter({
    name: 'augur_upstream_requests_total',
    help: 'Upstream HTTP attempts (retries included), by platform, route template and HTTP status ("error" when no answer arrived).',
    labelNames: ['platform', 'route', 'status'] as const,
    registers,
  });
  const upstreamSeconds = new Histogram({
    name: 'augur_upstream_request_duration_seconds',
    help: 'Duration of upstream HTTP attempts, by platform and route template.',
    labelNames: ['platform', 'route'] as const,
    buckets: SECONDS_BUCKETS,
    registers,
  });
  const retries = new Counter({
    name: 'augur_upstream_retries_total',
    help: 'Upstream attempts that were retries of a failed attempt, by platform and route template.',
    labelNames: ['platform', 'route'] as const,
    registers,
  });
  const batchSizes = new Histogram({
    name: 'augur_loader_batch_size',
    help: 'Keys per DataLoader batch, by platform and loader.',
    labelNames: ['platform', 'loader'] as const,
    buckets: BATCH_BUCKETS,
    registers,
  });
  const rateWaits = new Counter({
    name: 'augur_rate_limit_waits_total',
    help: "Times a request waited for Augur's own client-side rate budget, by platform.",
    labelNames: ['platform'] as const,
    registers,
  });
  const rateWaitSeconds = new Counter({
    name: 'augur_rate_limit_wait_seconds_total',
    help: "Total seconds requests waited for Augur's own client-side rate budget, by platform.",
    labelNames: ['platform'] as const,
    registers,
  });
  const breaker = new Gauge({
    name: 'augur_circuit_breaker_state',
    help: 'Circuit breaker state per platform: 0 closed, 1 half-open, 2 open.',
    labelNames: ['platform'] as const,
    registers,
  });
  for (const platform of PLATFORMS) breaker.set({ platform }, 0);
  const refusals = new Counter({
    name: 'augur_http_refused_total',
    help: 'Requests to /graphql refused before GraphQL handled them (and so not in augur_graphql_operations_total), by reason.',
    labelNames: ['reason'] as const,
    registers,
  });
  for (const reason of REFUSAL_REASONS) refusals.inc({ reason }, 0);
  const slowed = new Counter({
    name: 'augur_http_slowed_total',
    help: 'Requests to /graphql held back before being read because their caller had spent its allowance of refused requests.',
    registers,
  });
  const introspectionHits = new Counter({
    name: 'augur_introspection_cache_hits_total',
    help: 'Introspection-only operations answered from memory, without executing them again.',
    registers,
  });

  const cacheReads = new Counter({
    name: 'augur_entity_cache_reads_total',
    help: 'Upstream reads through the entity cache, by platform, type and outcome (hit: answered from the cache; miss: sent).',
    labelNames: ['platform', 'type', 'outcome'] as const,
    registers,
  });
  const cacheInvalidations = new Counter({
    name: 'augur_entity_cache_invalidations_total',
    help: 'Entity cache invalidations, by platform ("all" for everything), type and reason (write: a write through Augur; admin: POST /cache/invalidate).',
    labelNames: ['platform', 'type', 'reason'] as const,
    registers,
  });
  const sharedCalls = new Counter({
    name: 'augur_upstream_shared_reads_total',
    help: 'Upstream reads that joined an identical read already in flight (same credential) instead of being sent, by platform and route.',
    labelNames: ['platform', 'route'] as const,
    registers,
  });
  const crossBatchSizes = new Histogram({
    name: 'augur_cross_operation_batch_size',
    help: 'Items per upstream batch carrying the items of several operations, by platform and verb.',
    labelNames: ['platform', 'verb'] as const,
    buckets: BATCH_BUCKETS,
    registers,
  });
  const crossBatchOperations = new Histogram({
    name: 'augur_cross_operation_batch_operations',
    help: 'Operations sharing one upstream batch, by platform and verb.',
    labelNames: ['platform', 'verb'] as const,
    buckets: BATCH_BUCKETS,
    registers,
  });

  const observer: AugurObserver = {
    cacheRead(platform, type, outcome) {
      cacheReads.inc({ platform, type, outcome });
    },
    cacheInvalidation(platform, type, reason) {
      cacheInvalidations.inc({ platform, type, reason });
    },
    sharedCall(platform, route) {
      sharedCalls.inc({ platform, route });
    },
    crossBatch(platform, verb, size, operations) {
      crossBatchSizes.observe({ platform, verb }, size);
      crossBatchOperations.observe({ platform, verb }, operations);
    },
    upstreamAttempt({ platform, route, status, durationMs, retry }) {
      upstreamRequests.inc({ platform, route, status: String(status) });
      upstreamSeconds.observe({ platform, route }, durationMs / 1000);
      if (retry) retries.inc({ platform, route });
    },
    breakerState(platform, state) {
      breaker.set({ platform }, BREAKER_STATE_VALUE[state]);
    },
    rateLimitWait(platform, waitMs) {
      rateWaits.inc({ platform });
      rateWaitSeconds.inc({ platform }, waitMs / 1000);
    },
    loaderBatch(platform, loader, size) {
      batchSizes.observe({ platform, loader }, size);
    },
  };

  const plugin: AugurPlugin<Context> = {
    requestDidStart() {
      const started = performance.now();
      return {
        willSendResponse(requestContext) {
          const operation = names.label(operationName(requestContext, Number.POSITIVE_INFINITY));
          operations.inc({ operation, outcome: operationOutcome(requestContext.response) });
          operationSeconds.observe({ operation }, (performance.now() - started) / 1000);
        },
      };
    },
  };

  const route: RouteHandler = async (req, res) => {
    const method = (req.method ?? 'GET').toUpperCase();
    if (method !== 'GET' && method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain; charset=utf-8' });
      res.end(`/metrics answers GET, not ${method}.\n`);
      return;
    }
    const text = await registry.metrics();
    res.writeHead(200, { 'content-type': registry.contentType, 'content-length': Buffer.byteLength(text) });
    res.end(method === 'HEAD' ? undefined : text);
  };

  const watchAdmission = (gate: AdmissionGate): void => {
    const gauges: Array<[name: string, help: string, read: () => number]> = [
      ['augur_operations_active', 'GraphQL operations admitted and counting against AUGUR_MAX_ACTIVE_COST.', () => gate.activeCount],
      ['augur_operations_active_cost', 'Summed cost estimate of the admitted operations.', () => gate.activeCost],
      ['augur_operations_queued', 'GraphQL operations waiting for admission.', () => gate.queuedCount],
    ];
    for (const [name, help, read] of gauges) {
      new Gauge({
        name,
        help,
        registers,
        collect() {
          this.set(read());
        },
      });
    }
    new Counter({
      name: 'augur_operations_refused_total',
      help: 'GraphQL requests answered 503 SERVER_BUSY because the queue was full (AUGUR_MAX_QUEUED_OPERATIONS).',
      registers,
      collect() {
        this.reset();
        this.inc(gate.refused);
      },
    });
  };

  return {
    observer,
    plugin,
    route,
    registry,
    watchAdmission,
    refused: (reason) => refusals.inc({ reason }),
    slowed: () => slowed.inc(),
    introspectionCacheHit: () => introspectionHits.inc(),
  };
}
