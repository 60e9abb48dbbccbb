/**
 * `@augur/emulators`: HTTP emulators of Prevision.io, the Dataiku API node, Civis Platform and Previsto, on one
 * small framework with a loopback control plane (`/_emulator/*`). The platform modules are also exported one by one
 * (`@augur/emulators/dataiku`...) for their demo data and options.
 */
export { EMULATORS, type AnyEmulatorModule, type EmulatorName } from './registry.js';
export { Emulator, EmulatorError } from './framework/emulator.js';
export type { EmulatorOptions, EmulatorReply, EmulatorRequest, Handler, LoggedRequest, RouteDef } from './framework/emulator.js';
export type { FaultSpec } from './framework/faults.js';
export type { EmulatedPlatform, EmulatorModule } from './framework/platform.js';
export { operationKeys, type OpenApiDocument } from './framework/openapi.js';
