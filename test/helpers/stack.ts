/**
 * Test stack: every emulator in-process on a free port, and Augur itself served over real HTTP on a free port.
 * Tests speak GraphQL over HTTP and read upstream request counts from the emulators' control plane.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { parseConfig } from '../../src/server/config.js';
import { bootEmbedded, type EmbeddedStack } from '../../src/server/bootstrap.js';
import { createServer, type AugurServer } from '../../src/server/createServer.js';
import { createLogger } from '../../src/server/logger.js';
import type { PlatformName } from '../../src/core/upstream.js';

export interface GraphQLResponse<T = Record<string, unknown>> {
  status: number;
  headers: Headers;
  data?: T | null;
  errors?: Array<{ message: string; path?: Array<string | number>; extensions?: Record<string, unknown> }>;
}

export interface TestStack {
  url: string;
  augur: AugurServer;
  embedded: EmbeddedStack;
  /** Every log line written so far, parsed. */
  logs: Array<Record<string, unknown>>;
  gql<T = Record<string, any>>(
    query: string,
    variables?: Record<string, unknown>,
    headers?: Record<string, string>,
  ): Promise<GraphQLResponse<T>>;
  /** `GET /_emulator/requests` of one emulator. */
  requests(platform: PlatformName): Promise<{ total: number; byRoute: Record<string, number> }>;
  /** Resets every emulator (data, counters, faults, windows). */
  reset(): Promise<void>;
  faults(platform: PlatformName, spec: unknown): Promise<void>;
  close(): Promise<void>;
}

export interface StackOptions {
  env?: Record<string, string>;
  emulatorOptions?: Partial<Record<PlatformName, Record<string, unknown>>>;
}

export async function startStack(options: StackOptions = {}): Promise<TestStack> {
  // Suites send many refused documents from one address on purpose: slowing such callers is tested on its own.
  const env = {
    LOG_LEVEL: 'debug',
    AUGUR_RETRY_BASE_DELAY_MS: '5',
    AUGUR_RETRY_MAX_DELAY_MS: '20',
    AUGUR_REFUSALS_PER_MINUTE: '0',
    // Suites count upstream calls per operation: sharing between operations (docs/caching.md) is off unless a suite
    // turns it on, as test/gateway/entityCache.test.ts and crossBatch.test.ts do. The rest of the suite thereby checks
    // that the cache off behaves as before it existed.
    AUGUR_ENTITY_CACHE_TTLS: 'previsto=0',
    AUGUR_SHARE_READS: 'false',
    AUGUR_CROSS_BATCH: 'false',
    ...options.env,
  };
  const config = parseConfig(env);
  const embedded = await bootEmbedded(config, {
    port: () => 0,
    ...(options.emulatorOptions ? { emulatorOptions: options.emulatorOptions } : {}),
  });
  const logs: Array<Record<string, unknown>> = [];
  const destination = new Writable({
    write(chunk: Buffer, _enc, cb) {
      for (const line of chunk.toString('utf8').split('\n')) if (line.trim()) logs.push(JSON.parse(line) as Record<string, unknown>);
      cb();
    },
  });
  const logger = createLogger({ level: config.logLevel, destination });
  const augur = await createServer({
    config: embedded.config,
    platforms: embedded.platforms,
    dataikuEndpoints: embedded.dataikuEndpoints,
    logger,
  });
  await augur.start();
  const server = http.createServer(augur.handler);
  server.on('upgrade', augur.upgrade);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;

  const emulatorUrl = (platform: PlatformName): string => {
    const e = embedded.emulators[platform];
    if (!e) throw new Error(`${platform} is not emulated in this stack`);
    return e.url;
  };

  return {
    url,
    augur,
    embedded,
    logs,
    async gql(query, variables, headers) {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify({ query, variables }),
      });
      const body = (await res.json()) as { data?: never; errors?: never };
      return { status: res.status, headers: res.headers, data: body.data, errors: body.errors };
    },
    async requests(platform) {
      return (await (await fetch(`${emulatorUrl(platform)}/_emulator/requests`)).json()) as {
        total: number;
        byRoute: Record<string, number>;
      };
    },
    async reset() {
      await Promise.all(Object.values(embedded.emulators).map((e) => fetch(`${e.url}/_emulator/reset`, { method: 'POST' })));
    },
    async faults(platform, spec) {
      const res = await fetch(`${emulatorUrl(platform)}/_emulator/faults`, { method: 'POST', body: JSON.stringify(spec) });
      if (res.status !== 200) throw new Error(`fault setup failed: ${await res.text()}`);
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await augur.stop();
      await embedded.close();
    },
  };
}
