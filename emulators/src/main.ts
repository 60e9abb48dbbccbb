/**
 * `npm run emulators`: starts every platform emulator alone on its default port (or `AUGUR_EMULATOR_<PLATFORM>_PORT`)
 * and prints URLs and demo credentials. The only place of the emulators that reads `process.env`.
 */
import type { Emulator } from './framework/emulator.js';
import { EMULATORS } from './registry.js';

async function main(): Promise<void> {
  const env = process.env;
  const host = env['AUGUR_EMULATOR_HOST'] ?? '127.0.0.1';
  const started: Emulator[] = [];
  for (const [name, module] of Object.entries(EMULATORS)) {
    const options = module.optionsFromEnv(env) as never;
    const portVar = `AUGUR_EMULATOR_${name.toUpperCase()}_PORT`;
    const port = env[portVar] ? Number(env[portVar]) : module.defaultPort;
    const emulator = module.create(options);
    const url = await emulator.listen(port, host);
    started.push(emulator);
    console.log(`${name.padEnd(10)} ${url}`);
    for (const line of module.describe(options)) console.log(`           ${line}`);
  }
  console.log(
    '\nControl plane on each: GET /_emulator/requests, POST /_emulator/reset, GET|POST|DELETE /_emulator/faults, GET /_emulator/openapi.json.',
  );
  const stop = async () => {
    await Promise.all(started.map((e) => e.close()));
    process.exit(0);
  };
  // Fire and forget: stop() exits the process once every emulator has closed.
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
