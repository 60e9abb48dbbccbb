/** Every platform emulator, in the order `npm run emulators` and `npm start` boot them. */
import { civisEmulator } from './civis/index.js';
import { dataikuEmulator } from './dataiku/index.js';
import { previsionEmulator } from './prevision/index.js';
import { previstoEmulator } from './previsto/index.js';

export const EMULATORS = {
  prevision: previsionEmulator,
  dataiku: dataikuEmulator,
  civis: civisEmulator,
  previsto: previstoEmulator,
} as const;

/** Any emulator module, whatever its options. */
export type AnyEmulatorModule = (typeof EMULATORS)[EmulatorName];

export type EmulatorName = keyof typeof EMULATORS;
