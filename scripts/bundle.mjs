// Bundles the built gateway into dist/augur/ (one module graph instead of hundreds of files): `npm start` runs it,
// and it starts in about half the time of the unbundled build. Dynamic imports (emulators, tracing) stay separate chunks.
// The emulators come from their package's build (emulators/dist/, compiled first by `npm run build`), and
// dist/augur/emulators.js is `npm run emulators`' program.
import { build } from 'esbuild';
import { existsSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

// graphql-js ships an ES module beside each CommonJS file. Bundled from CommonJS, every module importing it builds its
// own copy of graphql's namespace (esbuild's __toESM: 84 importers, ~450 properties each, about 50 ms of start). Every
// `graphql` and `graphql/...` import, whichever package makes it, goes to the .mjs files instead: one instance still,
// and nothing to copy.
const graphqlDir = path.dirname(createRequire(import.meta.url).resolve('graphql/package.json'));
const graphqlAsModules = {
  name: 'graphql-as-es-modules',
  setup(b) {
    b.onResolve({ filter: /^graphql(\/.*)?$/ }, ({ path: spec }) => {
      const sub = spec
        .slice('graphql'.length)
        .replace(/^\//, '')
        .replace(/\.m?js$/, '');
      const base = path.join(graphqlDir, sub);
      const file = existsSync(`${base}.mjs`) ? `${base}.mjs` : path.join(base, 'index.mjs');
      if (!existsSync(file)) throw new Error(`No ES module for ${spec} in ${graphqlDir}`);
      return { path: file };
    });
  },
};

rmSync('dist/augur', { recursive: true, force: true });
await build({
  entryPoints: { main: 'dist/src/server/main.js', emulators: 'emulators/dist/main.js' },
  bundle: true,
  splitting: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  outdir: 'dist/augur',
  logLevel: 'error',
  // Only the bare specifier: the shim itself requires undici's own files (an alias would also rewrite those).
  plugins: [
    graphqlAsModules,
    {
      name: 'undici-shim',
      setup: (b) => b.onResolve({ filter: /^undici$/ }, () => ({ path: path.resolve('scripts/bundle-shims/undici.cjs') })),
    },
    {
      name: 'negotiator-shim',
      setup: (b) => b.onResolve({ filter: /^negotiator$/ }, () => ({ path: path.resolve('scripts/bundle-shims/negotiator.cjs') })),
    },
  ],
  legalComments: 'none',
  // V8 keeps every loaded module's source text in the heap for the life of the process, as a two-byte string as soon
  // as one comment holds a non-ASCII character: whitespace and comments out, and ASCII only, takes main.js from 7.5 MB
  // of heap to about a third. Identifiers are kept, so stack traces and class names read as in the sources.
  minifyWhitespace: true,
  minifySyntax: true,
  charset: 'ascii',
  // graphql-js and Apollo skip their development-only checks (graphql-js's cross-realm instanceof costs ~3% of CPU).
  define: { 'process.env.NODE_ENV': '"production"' },
  alias: {
    '@apollo/utils.createhash': './scripts/bundle-shims/createhash.cjs',
    'fast-json-stringify': './scripts/bundle-shims/fast-json-stringify.cjs',
  },
  // CommonJS dependencies inside an ES module bundle need a require.
  banner: {
    js: "import { createRequire as __augurCreateRequire } from 'node:module'; const require = __augurCreateRequire(import.meta.url);",
  },
});
