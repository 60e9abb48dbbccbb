/**
 * The shapes of what plugs into the HTTP handler: extra routes and hooks run before routing. Their own module, so
 * createServer.ts and the modules it wires (CORS, GraphiQL, metrics, readiness) both import them, and not each other.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

/** An extra HTTP route (exact path). */
export type RouteHandler = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;

/**
 * A hook run before routing; it answers the request itself (and returns true) or lets it through (false).
 * CORS preflights and the GraphiQL page are served this way.
 */
export type BeforeHook = (req: IncomingMessage, res: ServerResponse) => boolean | Promise<boolean>;
