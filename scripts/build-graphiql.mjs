// Bundles the GraphiQL page (web/graphiql/main.jsx: graphiql, React, CodeMirror and their CSS with inlined fonts) into
// src/server/graphiql/assets, which is committed so the server needs no build tool and no network at run time.
// Usage: node scripts/build-graphiql.mjs [outdir]; test/browser/graphiql.test.ts rebuilds and fails on drift.
import { build } from 'esbuild';
import { mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const outdir = resolve(process.argv[2] ?? join(root, 'src/server/graphiql/assets'));
mkdirSync(outdir, { recursive: true });

const result = await build({
  absWorkingDir: root,
  entryPoints: { graphiql: 'web/graphiql/main.jsx' },
  outdir,
  bundle: true,
  minify: true,
  format: 'iife',
  platform: 'browser',
  target: ['chrome111', 'firefox111', 'safari16.4'],
  jsx: 'automatic',
  // Independent of the project's tsconfig.json, so the output depends only on web/ and node_modules.
  tsconfigRaw: {},
  charset: 'utf8',
  legalComments: 'eof',
  define: { 'process.env.NODE_ENV': '"production"' },
  // Only reachable when a subscription URL is given, which this page never does.
  external: ['graphql-ws'],
  logLevel: 'warning',
  metafile: true,
});

for (const [file, { bytes }] of Object.entries(result.metafile.outputs)) console.log(`${file}: ${(bytes / 1024).toFixed(0)} KiB`);
