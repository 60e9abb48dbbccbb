// `npm run supergraph [-- --out <file> --augur-url <url> --reviews-url <url>]`: composes Augur's subgraph and the
// reviews subgraph (subgraphs/reviews) with @apollo/composition into the supergraph Hive Gateway serves, with the
// given routing URLs. Defaults: compose.yaml's (haproxy and reviews on the compose network), written to
// deploy/router/supergraph.graphql, which compose.yaml's router mounts.
//
// Augur's SDL is read from the built bundle itself: it is started once with AUGUR_FEDERATION=true, on a free port,
// with platform URLs that are never called, and asked for `_service { sdl }`.
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { composeSupergraph, fetchSubgraphSdl, reviewsSdl } from '../cluster/lib/supergraph.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

function option(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  if (i === -1) return fallback;
  const value = process.argv[i + 1];
  if (!value || value.startsWith('--')) {
    console.error(`--${name} needs a value.`);
    process.exit(2);
  }
  return value;
}

/** Starts dist/augur/main.js as a subgraph with nothing to call, answers its SDL, and stops it. */
async function augurSdl() {
  const nowhere = 'http://127.0.0.1:9';
  const child = spawn(process.execPath, ['dist/augur/main.js'], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      HOST: '127.0.0.1',
      PORT: '0',
      LOG_LEVEL: 'info',
      AUGUR_FEDERATION: 'true',
      // Every platform configured, so no embedded emulator starts; none is called to print the schema.
      PREVISION_URL: nowhere,
      DATAIKU_APINODE_URL: nowhere,
      AUGUR_DATAIKU_ENDPOINTS: 'augur-demo/churn:PREDICTION',
      CIVIS_API_ENDPOINT: nowhere,
      PREVISTO_URL: nowhere,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  try {
    const url = await new Promise((resolve, reject) => {
      child.once('exit', (code) => reject(new Error(`dist/augur/main.js exited with ${code} (run npm run build first): ${stderr}`)));
      createInterface({ input: child.stdout }).on('line', (line) => {
        let entry;
        try {
          entry = JSON.parse(line);
        } catch {
          return;
        }
        if (entry.event === 'listening') resolve(entry.url);
      });
    });
    return await fetchSubgraphSdl(url);
  } finally {
    child.kill('SIGKILL');
  }
}

const out = path.resolve(option('out', path.join(ROOT, 'deploy', 'router', 'supergraph.graphql')));
const augurUrl = option('augur-url', 'http://haproxy:8080/graphql');
const reviewsUrl = option('reviews-url', 'http://reviews:4001/graphql');
try {
  const supergraph = composeSupergraph([
    { name: 'augur', url: augurUrl, sdl: await augurSdl() },
    { name: 'reviews', url: reviewsUrl, sdl: reviewsSdl() },
  ]);
  mkdirSync(path.dirname(out), { recursive: true });
  writeFileSync(out, supergraph);
  console.log(`Wrote the supergraph of augur (${augurUrl}) and reviews (${reviewsUrl}) to ${path.relative(process.cwd(), out) || out}.`);
} catch (err) {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
}
