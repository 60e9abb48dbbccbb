/**
 * Internal to the Civis emulator: the route table. Each route carries the documentation `/endpoints` is generated
 * from, so the served Swagger document always matches what the emulator actually answers.
 */
import type { CivisRoute, RouteContext } from './routes/kit.js';
import { credentialRoutes } from './routes/credentials.js';
import { tableRoutes } from './routes/tables.js';
import { userRoutes } from './routes/users.js';
import { projectRoutes } from './routes/projects.js';
import { modelRoutes } from './routes/models.js';
import { jobRoutes } from './routes/jobs.js';
import { scriptRoutes } from './routes/scripts.js';
import { importRoutes } from './routes/imports.js';
import { queryRoutes } from './routes/queries.js';
import { reportRoutes } from './routes/reports.js';
import { fileRoutes } from './routes/files.js';
import { lifecycleRoutes } from './routes/lifecycle.js';

export type { CivisRoute, QueryParamDoc, RouteContext, RouteDoc, Shape } from './routes/kit.js';

/** The Civis route table, in matching order (literal segments such as `/users/me` before `/users/{id}`). */
export function civisRoutes(ctx: RouteContext): CivisRoute[] {
  return [
    ...lifecycleRoutes(ctx),
    ...credentialRoutes(ctx),
    ...tableRoutes(ctx),
    ...userRoutes(ctx),
    ...projectRoutes(ctx),
    ...modelRoutes(ctx),
    ...jobRoutes(ctx),
    ...scriptRoutes(ctx),
    ...importRoutes(ctx),
    ...queryRoutes(ctx),
    ...reportRoutes(ctx),
    ...fileRoutes(ctx),
  ];
}
