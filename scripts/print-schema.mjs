// `npm run schema:print [-- path]`: writes the SDL Augur serves (every schema/*.graphql file, merged into one schema
// by src/server/schema.ts's loadTypeDefs and makeExecutableSchema, descriptions kept) to `path` (default
// schema.graphql at the repository root; `-` for standard output), for tools and teams that want one schema file.
import { build } from 'esbuild';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { makeExecutableSchema } from '@graphql-tools/schema';
import { printSchema } from 'graphql';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const target = process.argv[2] ?? join(root, 'schema.graphql');

// schema.ts is TypeScript: compile it (alone, its packages left as imports) next to node_modules so it resolves them.
const compiled = join(root, 'node_modules', '.cache', 'augur', 'schema.mjs');
mkdirSync(dirname(compiled), { recursive: true });
await build({
  absWorkingDir: root,
  entryPoints: ['src/server/schema.ts'],
  outfile: compiled,
  bundle: true,
  packages: 'external',
  platform: 'node',
  format: 'esm',
  logLevel: 'warning',
});
const { loadTypeDefs } = await import(`${pathToFileURL(compiled).href}?t=${Date.now()}`);

const sdl = `${printSchema(makeExecutableSchema({ typeDefs: loadTypeDefs(join(root, 'schema')) }))}\n`;
if (target === '-') {
  process.stdout.on('error', (err) => process.exit(err.code === 'EPIPE' ? 0 : 1)); // e.g. piped into `head`
  process.stdout.write(sdl);
} else {
  writeFileSync(resolve(target), sdl);
  console.error(`Wrote the schema (${sdl.split('\n').length} lines) to ${target}.`);
}
