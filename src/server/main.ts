/**
 * `npm start`: the only place that reads `process.env`, listens, and handles signals. Platforms without a configured
 * URL are served by their embedded emulators.
 */
import http from 'node:http';
import { getHeapStatistics } from 'node:v8';
import { parseConfig } from './config.js';
import { ConfigError } from './config/env.js';
import { bootEmbedded } from './bootstrap.js';
import { createServer } from './createServer.js';
import { createLogger } from './logger.js';
import { PLATFORMS } from '../core/upstream.js';

async function main(): Promise<void> {
  const startedAt = performance.now();
  let config;
  try {
    config = parseConfig(process.env);
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(`Configuration error: ${err.message}`);
      process.exit(2);
    }
    throw err;
  }
  const logger = createLogger({ level: config.logLevel });
  const stack = await bootEmbedded(config, { env: process.env });
  // Tracing loads its SDK only when enabled, so a server without it starts as fast as before.
  const tracing = config.tracing.enabled
    ? await (await import('./tracing.js')).startTracing({ serviceName: config.tracing.serviceName })
    : undefined;
  const augur = await createServer({
    config: stack.config,
    platforms: stack.platforms,
    dataikuEndpoints: stack.dataikuEndpoints,
    logger,
    ...(tracing ? { tracing: tracing.tracing } : {}),
  });
  await augur.start();

  // Requests being answered, so a SIGTERM can wait for them.
  const inFlight = new Set<http.ServerResponse>();
  let draining = false;
  let onDrained: (() => void) | undefined;
  const server = http.createServer((req, res) => {
    inFlight.add(res);
    if (draining) res.setHeader('connection', 'close');
    res.once('close', () => {
      inFlight.delete(res);
      if (inFlight.size === 0) onDrained?.();
    });
    augur.handler(req, res);
  });
  // GraphQL over WebSocket (subscriptions, docs/live.md) on /graphql.
  server.on('upgrade', augur.upgrade);
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  logger.info(
    {
      event: 'listening',
      url: `http://${config.host}:${port}/graphql`,
      startupMs: Math.round(performance.now() - startedAt),
      // `npm start` sets the heap's size with Node.js flags (see docs/performance.md); this shows what applies.
      heapLimitMb: Math.round(getHeapStatistics().heap_size_limit / 1048576),
      platforms: Object.fromEntries(PLATFORMS.map((p) => [p, stack.platforms[p]])),
    },
    `Augur listening on http://${config.host}:${port}/graphql`,
  );

  // Shutdown: fail readiness at once; keep accepting connections for the delay (load balancers take a moment to
  // stop routing here); then stop accepting, let in-flight requests finish within the grace period, and stop.
  // Exits 0 when everything in flight was answered, 1 when the grace period cut requests off.
  const graceMs = config.shutdownGraceMs;
  const delayMs = config.shutdownDelayMs;
  const drainAndStop = async (signal: string): Promise<void> => {
    const shutdownAt = performance.now();
    augur.beginDraining();
    draining = true;
    // Responses still to come close their connection, so keep-alive clients reconnect to another instance.
    for (const res of inFlight) if (!res.headersSent) res.setHeader('connection', 'close');
    setTimeout(() => process.exit(1), delayMs + graceMs + 10_000).unref();
    if (delayMs > 0) {
      logger.info({ event: 'shutdown_delay', signal, delayMs }, 'not ready; still accepting connections for the shutdown delay');
      server.closeIdleConnections();
      await new Promise((resolve) => setTimeout(resolve, delayMs));
    }
    // Open subscriptions end with SHUTTING_DOWN and complete, so their streams leave the requests in flight.
    logger.info({ event: 'subscriptions_closing', subscriptions: augur.live.subscriptions }, 'completing open subscriptions');
    await augur.closeSubscriptions();
    logger.info({ event: 'shutdown', signal, inFlight: inFlight.size, graceMs }, 'draining in-flight requests');
    server.close();
    server.closeIdleConnections();
    const drained =
      inFlight.size === 0 ||
      (await new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => resolve(false), graceMs);
        onDrained = () => {
          clearTimeout(timer);
          resolve(true);
        };
      }));
    if (!drained)
      logger.warn(
        { event: 'shutdown_timeout', inFlight: inFlight.size, graceMs },
        'grace period over; closing the requests still in flight',
      );
    server.closeAllConnections();
    try {
      await augur.stop();
      await tracing?.shutdown();
      await stack.close();
    } catch (err) {
      logger.error({ event: 'shutdown_error', err: String(err) }, 'stopping failed');
      logger.flush(() => process.exit(1));
      return;
    }
    logger.info({ event: 'stopped', drained, durationMs: Math.round(performance.now() - shutdownAt) }, 'Augur stopped');
    // Log lines are written asynchronously: flush them before exiting.
    logger.flush(() => process.exit(drained ? 0 : 1));
  };
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    void drainAndStop(signal);
  };
  // SIGHUP reads the tenants file again (it is also watched); a file that does not parse keeps the tenants known.
  process.on('SIGHUP', () => augur.reloadTenants());
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
  // Under `npm start` (whose script execs Node.js, so npm's own SIGTERM and SIGINT reach the handlers above), npm
  // itself may still die without passing a signal on (SIGKILL): then stop as if told to, rather than keep the port.
  if (process.env['npm_lifecycle_event'] === 'start') {
    const parent = process.ppid;
    setInterval(() => {
      if (process.ppid !== parent) shutdown('parent_exited');
    }, 1000).unref();
  }
}

main().catch((err: unknown) => {
  const code = (err as { code?: unknown } | undefined)?.code;
  // A port that is taken or not allowed is a setting to change, not a bug: say so without a stack.
  if (code === 'EADDRINUSE' || code === 'EACCES')
    console.error(`Augur could not listen: ${(err as Error).message}. Set PORT (and HOST) to an address it may use.`);
  else console.error(err instanceof Error ? err.stack : err);
  process.exit(1);
});
