/**
 * The contract every platform emulator module exports, so `npm run emulators`, `npm start` and the tests can boot
 * any of them the same way.
 */
import type { Emulator } from './emulator.js';

export type EmulatedPlatform = 'prevision' | 'dataiku' | 'civis' | 'previsto';

export interface EmulatorModule<Options> {
  platform: EmulatedPlatform;
  /** Default port for `npm run emulators` and `npm start`. */
  defaultPort: number;
  /** Builds an emulator (not yet listening). Missing options take their documented defaults. */
  create(options?: Partial<Options>): Emulator;
  /** Reads the emulator's overrides (demo credentials, limits) from an environment map passed in by `main.ts`. */
  optionsFromEnv(env: Readonly<Record<string, string | undefined>>): Partial<Options>;
  /** Lines describing demo credentials for the console banner, e.g. `API key: augur-demo-dataiku`. */
  describe(options?: Partial<Options>): string[];
}
