#!/usr/bin/env node
/**
 * `npm run example [-- <url>]`: runs the typed example client (examples/client) against a running Augur
 * (`npm start` in another terminal; default http://127.0.0.1:4000/graphql, or AUGUR_URL) and prints what came back.
 * The client is TypeScript: esbuild compiles it into one module first, as Node.js 20 cannot run TypeScript.
 */
import { build } from 'esbuild';
import { mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const url = process.argv[2] ?? process.env.AUGUR_URL ?? 'http://127.0.0.1:4000/graphql';
// Inside node_modules, so the compiled module finds the project's packages (left external) as the sources do.
const dir = path.resolve('node_modules/.cache/augur-example');
mkdirSync(dir, { recursive: true });
try {
  const outfile = path.join(dir, `client-${process.pid}.mjs`);
  await build({
    entryPoints: ['examples/client/index.ts'],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    outfile,
    logLevel: 'warning',
  });
  const { runExamples } = await import(pathToFileURL(outfile).href);
  let results;
  try {
    results = await runExamples(url);
  } catch (err) {
    const cause = err?.cause?.code ?? err?.cause?.message;
    console.error(
      `The example client could not run against ${url}: ${err.message}${cause ? ` (${cause})` : ''}.\n` +
        'Start Augur first (npm start, in another terminal), or pass its URL: npm run example -- http://host:4000/graphql',
    );
    process.exitCode = 1;
  }
  if (results) {
    console.log(`Augur at ${url}\n`);
    console.log(`Scored contacts (${results.totalContacts} in all, the first ${results.scored.length}):`);
    for (const c of results.scored) {
      const p = c.churnProbability === undefined ? '–' : `${(c.churnProbability * 100).toFixed(1)} %`;
      console.log(`  ${c.name.padEnd(28)} ${String(c.city ?? '').padEnd(14)} ${String(c.predictedClass ?? '').padEnd(6)} churn ${p}`);
    }
    console.log(`\nSales forecast (${results.forecast.length} steps):`);
    for (const f of results.forecast) {
      const band = f.quantiles.map((q) => `${q.level}: ${q.value.toFixed(1)}`).join(', ');
      console.log(`  store ${JSON.stringify(f.timeseriesIdentifier)} ${f.time.slice(0, 10)} ${f.value.toFixed(1)} (${band})`);
    }
    console.log('\nPaging, 3 a page:');
    console.log(`  forward:  ${results.paging.forward.map((p) => p.join(', ')).join(' | ')}`);
    console.log(`  back:     ${results.paging.backward.join(', ')}`);
    console.log(`\nCreated contact ${results.created.name} (${results.created.platformId}), then deleted it.`);
  }
} finally {
  rmSync(path.join(dir, `client-${process.pid}.mjs`), { force: true });
}
