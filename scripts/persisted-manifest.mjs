#!/usr/bin/env node
/**
 * `npm run persisted:manifest`: writes `persisted-queries.json`, an Apollo persisted query manifest of the GraphQL
 * operations under `examples/` (`.graphql` files and `graphql(...)`/`gql` templates in source files). Augur serves
 * exactly these operations with `AUGUR_PERSISTED_QUERIES=allowlist` and `AUGUR_PERSISTED_QUERIES_MANIFEST` pointing
 * at the file. Runs on the built server code (`npm run build` first; the npm script does it).
 *
 * Options: `--out <file>` (default `persisted-queries.json` in the project root), `--examples <dir>` (default
 * `examples/`).
 */
import { writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const option = (name) => {
  const i = args.indexOf(name);
  if (i === -1) return undefined;
  const value = args[i + 1];
  if (!value || value.startsWith('--')) {
    console.error(`${name} needs a value, e.g. ${name} ./some/path`);
    process.exit(2);
  }
  return value;
};
for (let i = 0; i < args.length; i += 2) {
  if (args[i] !== '--out' && args[i] !== '--examples') {
    console.error(`Unknown argument "${args[i]}"; expected --out <file> and/or --examples <dir>.`);
    process.exit(2);
  }
}

let persisted;
try {
  persisted = await import(pathToFileURL(join(root, 'dist/src/server/persisted.js')).href);
} catch {
  console.error('dist/ is missing or stale: run "npm run build" first (or use "npm run persisted:manifest", which does).');
  process.exit(1);
}
const examples = resolve(option('--examples') ?? persisted.examplesDirectory());
const out = resolve(option('--out') ?? join(root, 'persisted-queries.json'));
const manifest = persisted.manifestFromDocuments(persisted.findDocuments(examples));
if (manifest.operations.length === 0) {
  console.error(`No named GraphQL operations found under ${examples}.`);
  process.exit(1);
}
writeFileSync(out, `${JSON.stringify(manifest, null, 2)}\n`);
console.log(`Wrote ${manifest.operations.length} operations to ${out}: ${manifest.operations.map((o) => o.name).join(', ')}`);
