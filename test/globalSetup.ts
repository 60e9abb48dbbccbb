/**
 * Builds `dist/` once before the suite, so tests that spawn the real gateway or emulator processes
 * (`node dist/src/...`, `node emulators/dist/...`) run the code under test, and never race each other building it.
 */
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';

export default function setup(): void {
  // For quick local runs of tests that never spawn processes: AUGUR_TEST_NO_BUILD=1 npx vitest run test/gateway
  if (process.env['AUGUR_TEST_NO_BUILD'] === '1') return;
  const require = createRequire(import.meta.url);
  const tsc = require.resolve('typescript/bin/tsc');
  // The emulators package first: the gateway's build reads its declarations, and Node runs its emulators/dist.
  execFileSync(process.execPath, [tsc, '-p', 'emulators/tsconfig.build.json'], { stdio: 'inherit' });
  execFileSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
  // And the bundle `npm start` runs (dist/augur/), from that build.
  execFileSync(process.execPath, ['scripts/bundle.mjs'], { stdio: 'inherit' });
}
