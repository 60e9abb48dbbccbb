/**
 * Benchmark support (not part of Augur's public code): the floor of an operation, the work no gateway can avoid.
 * A recording proxy sits between a gateway and the emulators while one operation runs; the floor is then the time,
 * in CPU time of this process, to `JSON.parse` every upstream body that operation received and to `JSON.stringify` the response
 * it returned, repeated until the figure is stable. The gateway's CPU per operation divided by it says how far the
 * gateway is from doing only that.
 */
import http from 'node:http';
import { CHECKS, LABEL, QUERIES, SCENARIOS } from './scenarios.mjs';
import { PREVISTO_LIMIT } from './settings.mjs';
import { gqlOk, PLATFORMS, startGateway } from './stack.mjs';

/**
 * One recording proxy per platform in front of `urls`.
 * @returns {Promise<{ urls: Record<string, string>, bodies: string[], clear(): void, close(): Promise<void> }>}
 */
export async function recordingProxies(urls) {
  const bodies = [];
  const servers = [];
  const proxied = {};
  for (const platform of PLATFORMS) {
    const target = new URL(urls[platform]);
    const server = http.createServer((req, res) => {
      const chunks = [];
      req.on('data', (c) => chunks.push(c));
      req.on('end', () => {
        const upstream = http.request(
          {
            host: target.hostname,
            port: target.port,
            method: req.method,
            path: req.url,
            headers: { ...req.headers, host: target.host },
            agent: false,
          },
          (answer) => {
            const parts = [];
            answer.on('data', (c) => parts.push(c));
            answer.on('end', () => {
              const body = Buffer.concat(parts);
              if (String(answer.headers['content-type'] ?? '').includes('json')) bodies.push(body.toString('utf8'));
              const headers = { ...answer.headers };
              delete headers['transfer-encoding'];
              headers['content-length'] = String(body.length);
              res.writeHead(answer.statusCode ?? 502, headers);
              res.end(body);
            });
          },
        );
        upstream.on('error', () => {
          res.writeHead(502);
          res.end();
        });
        upstream.end(Buffer.concat(chunks));
      });
    });
    await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
    servers.push(server);
    // Keep the emulator URL's path (Prevision's host, Civis's endpoint) on the proxy's origin.
    const { port } = server.address();
    proxied[platform] = `http://127.0.0.1:${port}${target.pathname === '/' ? '' : target.pathname}`;
  }
  return {
    urls: proxied,
    bodies,
    clear: () => bodies.splice(0),
    close: () => Promise.all(servers.map((s) => new Promise((resolve) => s.close(() => resolve())))),
  };
}

/** This process's CPU time (user and system) in µs: unlike the clock, it does not count time other processes ran. */
function cpuMicros() {
  const { user, system } = process.cpuUsage();
  return user + system;
}

/** Median CPU µs per repetition of `fn`, over `rounds` batches of at least `minMs` of CPU each. */
function microsPerRun(fn, { rounds = 7, minMs = 40 } = {}) {
  for (let i = 0; i < 50; i++) fn();
  const samples = [];
  for (let r = 0; r < rounds; r++) {
    let n = 0;
    const t0 = cpuMicros();
    let elapsed = 0;
    do {
      fn();
      n++;
      elapsed = cpuMicros() - t0;
    } while (elapsed < minMs * 1000);
    samples.push(elapsed / n);
  }
  samples.sort((a, b) => a - b);
  return samples[Math.floor(samples.length / 2)];
}

/**
 * The floor of one operation: its upstream bodies (`bodies`, as received) parsed, and its response (`responseText`)
 * serialised again from the parsed value.
 * @returns {{ parseUs: number, stringifyUs: number, floorUs: number, upstreamBodies: number, upstreamBytes: number, responseBytes: number }}
 */
export function floorOf(bodies, responseText) {
  const response = JSON.parse(responseText);
  let sink = 0;
  const parseUs = microsPerRun(() => {
    for (const b of bodies) sink += JSON.parse(b) === null ? 1 : 0;
  });
  const stringifyUs = microsPerRun(() => {
    sink += JSON.stringify(response).length;
  });
  if (sink === -1) console.error(sink);
  const round = (n) => Math.round(n * 100) / 100;
  return {
    parseUs: round(parseUs),
    stringifyUs: round(stringifyUs),
    floorUs: round(parseUs + stringifyUs),
    upstreamBodies: bodies.length,
    upstreamBytes: bodies.reduce((n, b) => n + Buffer.byteLength(b), 0),
    responseBytes: Buffer.byteLength(responseText),
  };
}

/** Each scenario's floor: one operation through a gateway whose upstream bodies a recording proxy keeps. */
export async function floors(urls) {
  const proxies = await recordingProxies(urls);
  const gateway = await startGateway(proxies.urls, {
    port: 0,
    previstoLimit: PREVISTO_LIMIT,
    env: { AUGUR_ENTITY_CACHE_TTLS: 'previsto=0' },
  });
  try {
    const out = {};
    for (const name of SCENARIOS) {
      await gqlOk(gateway.graphqlUrl, QUERIES[name], LABEL[name]);
      proxies.clear();
      const res = await fetch(gateway.graphqlUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: QUERIES[name] }),
      });
      const text = await res.text();
      CHECKS[name](JSON.parse(text).data);
      out[name] = floorOf([...proxies.bodies], text);
    }
    return out;
  } finally {
    await gateway.stop();
    await proxies.close();
  }
}
