/**
 * The logger every layer is given: pino's methods that Augur calls. Creating one (pino wiring, redaction) is the
 * server's job (server/logger.ts).
 */
import type { Logger as PinoLogger } from 'pino';

/** A structured logger; `child` adds bindings (request id, platform) to every line. */
export type Logger = Pick<PinoLogger, 'info' | 'warn' | 'error' | 'debug' | 'child' | 'flush'>;
