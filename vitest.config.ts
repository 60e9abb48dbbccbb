import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const require = createRequire(import.meta.url);

/**
 * Tests import @augur/emulators from its TypeScript sources, as the typecheck does (the package's `augur-source`
 * export condition), not from its build. An alias per entry of the package's `exports` rather than the condition
 * itself: Vitest hands `ssr.resolve.conditions` to Node as `--conditions`, which would change how Node resolves
 * every other package.
 */
const emulatorExports = (require('./emulators/package.json') as { exports: Record<string, string | Record<string, string>> }).exports;
const emulatorSources = Object.entries(emulatorExports).flatMap(([subpath, target]) =>
  typeof target === 'object' && target['augur-source']
    ? [
        {
          find: new RegExp(`^@augur/emulators${subpath.slice(1)}$`),
          replacement: fileURLToPath(new URL(`./emulators/${target['augur-source']}`, import.meta.url)),
        },
      ]
    : [],
);

export default defineConfig({
  resolve: {
    alias: [
      // One graphql-js instance: Node resolves `graphql` to its CommonJS build for Apollo and graphql-tools, so the
      // project's own imports must get the same file (Vite would otherwise pick the `module` build).
      { find: /^graphql$/, replacement: require.resolve('graphql') },
      ...emulatorSources,
    ],
  },
  test: {
    testTimeout: 20_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // `vitest run` at the top runs both packages' suites: the gateway's, and the emulators' own (emulators/).
    projects: [
      { extends: true, test: { name: 'gateway', include: ['test/**/*.test.ts'], globalSetup: ['test/globalSetup.ts'] } },
      'emulators',
    ],
  },
});
