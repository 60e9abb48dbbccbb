#!/usr/bin/env node
/**
 * How long the gateway blocks its event loop while building the largest responses the cost limit allows
 * (`npm run build` first). The emulators run in a child process and the client here only counts bytes, so what is
 * measured is the gateway's own work, in this process. Per scenario, over BENCH_LOOP_REQUESTS sequential requests:
 *   longestBlockCpuMs   CPU this process spent between two consecutive 1 ms ticks, the largest per request (median
 *                       and max over requests): the cost of the longest synchronous stretch, whatever other processes
 *                       on the machine do to the wall clock
 *   loopDelayMs         perf_hooks.monitorEventLoopDelay's max per request (wall clock; min, median, max over requests)
 * Prints one JSON object per engine (AUGUR_JIT true, then false), the last line holding both.
 */
import http from 'node:http';
import os from 'node:os';
import { Writable } from 'node:stream';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { DATAIKU_ENDPOINTS, startEmulators } from './lib/stack.mjs';

const { parseConfig } = await import('../dist/src/server/config.js');
const { createServer } = await import('../dist/src/server/createServer.js');
const { createLogger } = await import('../dist/src/server/logger.js');

const REQUESTS = Number(process.env.BENCH_LOOP_REQUESTS ?? 20);
const SCALARS =
  'id platformId name address { street apartment postalCode city countryCode } location { longitude latitude } number remoteId remoteOrderId ' +
  'phone email registrationNo ean accountingMode accountingTime invoiceDelivery payingContactId note notifyBeforeWork archived agentIds meta';
const PREDICT =
  'predict(endpointName: "churn", explanations: {enabled: true, nExplanations: 5}) { raw result { ... on ClassificationResult { predictedClass probabilities { label probability } probabilityPercentile } } explanations { feature value } ignored }';
const sql = (n) =>
  `{ ${Array.from({ length: n }, (_, i) => `s${i}: sqlQuery(endpointName: "customers-sql", parameters: {limit: 1000, minRevenue: ${-1 - i}}) { rowCount rows { values record } }`).join(' ')} }`;
const SCENARIOS = {
  contacts100: `{ contacts(first: 100) { edges { node { ${SCALARS} } } } }`,
  scoredContacts100: `{ contacts(first: 100) { edges { node { ${SCALARS} ${PREDICT} } } } }`,
  // As many SQL results as the cost limit allows (each one's rows count as a page of 100).
  sqlQueries24: sql(24),
};

const emulators = await startEmulators({ previstoLimit: 1_000_000 });
const results = {};
try {
  for (const jit of ['true', 'false']) results[`jit=${jit}`] = await measure(jit);
} finally {
  await emulators.stop();
}
console.log(JSON.stringify({ loadavg: os.loadavg().map((x) => Math.round(x * 100) / 100), ...results }));

async function measure(jit) {
  const u = emulators.urls;
  const config = parseConfig({
    LOG_LEVEL: 'warn',
    AUGUR_JIT: jit,
    PREVISTO_RATE_LIMIT: '1000000',
    PREVISTO_URL: u.previsto,
    PREVISTO_API_KEY: 'sk_augur_demo',
    DATAIKU_APINODE_URL: u.dataiku,
    DATAIKU_API_KEY: 'augur-demo-dataiku',
    AUGUR_DATAIKU_ENDPOINTS: DATAIKU_ENDPOINTS,
    PREVISION_URL: u.prevision,
    PREVISION_MASTER_TOKEN: 'augur-demo-prevision',
    CIVIS_API_ENDPOINT: u.civis,
    CIVIS_API_KEY: 'augur-demo-civis',
  });
  const logger = createLogger({ level: 'warn', destination: new Writable({ write: (_c, _e, cb) => cb() }) });
  const platforms = Object.fromEntries(Object.entries(u).map(([p, url]) => [p, { url, emulated: false }]));
  const augur = await createServer({ config, platforms, dataikuEndpoints: config.dataiku.endpoints ?? [], logger });
  await augur.start();
  const server = http.createServer(augur.handler);
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const agent = new http.Agent({ keepAlive: true });
  const post = (query) =>
    new Promise((resolve, reject) => {
      const body = JSON.stringify({ query });
      const req = http.request(
        {
          host: '127.0.0.1',
          port: server.address().port,
          path: '/graphql',
          method: 'POST',
          agent,
          headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
        },
        (res) => {
          let bytes = 0;
          let head = '';
          res.on('data', (chunk) => {
            if (head.length < 200) head += chunk.toString('utf8', 0, 200);
            bytes += chunk.length;
          });
          res.on('end', () =>
            res.statusCode === 200 && head.startsWith('{"data"') ? resolve(bytes) : reject(new Error(`${res.statusCode} ${head}`)),
          );
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  const out = {};
  try {
    for (const [name, query] of Object.entries(SCENARIOS)) {
      let bytes = 0;
      for (let i = 0; i < 5; i++) bytes = await post(query);
      const cpu = [];
      const delay = [];
      for (let i = 0; i < REQUESTS; i++) {
        const h = monitorEventLoopDelay({ resolution: 1 });
        h.enable();
        let prev = process.cpuUsage();
        let longest = 0;
        const tick = setInterval(() => {
          const now = process.cpuUsage();
          longest = Math.max(longest, now.user + now.system - prev.user - prev.system);
          prev = now;
        }, 1);
        await post(query);
        clearInterval(tick);
        h.disable();
        cpu.push(longest / 1000);
        delay.push(h.max / 1e6);
      }
      const sorted = (xs) => xs.sort((a, b) => a - b).map((x) => Math.round(x * 10) / 10);
      const c = sorted(cpu);
      const d = sorted(delay);
      out[name] = {
        bytes,
        longestBlockCpuMs: { median: c[c.length >> 1], max: c.at(-1) },
        loopDelayMs: { min: d[0], median: d[d.length >> 1], max: d.at(-1) },
      };
    }
  } finally {
    agent.destroy();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await augur.stop();
  }
  console.log(JSON.stringify({ jit, ...out }));
  return out;
}
