/**
 * `npm start`: the only place that reads `process.env`, listens, and handles signals. Platforms without a configured
 * URL are served by their embedded emulators.
 */
import http from 'node:http';
import { ConfigError, parseConfig } from './config.js';
import { bootEmbedded } from './bootstrap.js';
import { createServer } from './createServer.js';
import { createLogger } from './logger.js';
import { PLATFORMS } from '../upstreams/types.js';

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
  const augur = createServer({ config: stack.config, platforms: stack.platforms, dataikuEndpoints: stack.dataikuEndpoints, logger });
  await augur.start();

  const server = http.createServer(augur.handler);
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
      platforms: Object.fromEntries(PLATFORMS.map((p) => [p, stack.platforms[p]])),
    },
    `Augur listening on http://${config.host}:${port}/graphql`,
  );

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ event: 'shutdown', signal }, 'draining in-flight operations');
    server.close(() => {
      void augur
        .stop()
        .then(() => stack.close())
        .finally(() => process.exit(0));
    });
    server.closeIdleConnections();
    setTimeout(() => process.exit(1), 30_000).unref();
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.stack : err);
  process.exit(1);
});
