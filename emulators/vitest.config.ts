import { defineConfig } from 'vitest/config';

// The package's own suite (`npm test` here); the gateway's root config runs it too, as one of its projects.
export default defineConfig({
  test: {
    name: 'emulators',
    include: ['test/**/*.test.ts'],
    testTimeout: 20_000,
    pool: 'forks',
  },
});
