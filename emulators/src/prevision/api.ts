/**
 * Internal to the Prevision emulator: the `/ext/v1` routes (master-token API). Route templates read like the
 * vendor paths, so `/_emulator/requests` keys are e.g. `GET /ext/v1/deployment-predictions/{id}`.
 */
import type { RouteDef } from '../framework/emulator.js';
import type { HandlerContext } from './context.js';
import { apiScope } from './api/scope.js';
import { projectRoutes } from './api/projects.js';
import { datasetRoutes } from './api/datasets.js';
import { experimentRoutes } from './api/experiments.js';
import { modelRoutes } from './api/models.js';
import { deploymentRoutes } from './api/deployments.js';
import { predictionRoutes } from './api/predictions.js';
import { connectorRoutes } from './api/connectors.js';
import { exporterRoutes } from './api/exporters.js';
import { pipelineRoutes } from './api/pipelines.js';

export { PLATFORM_VERSION } from './api/scope.js';

/** The `/ext/v1` route table, in matching order. */
export function apiRoutes(ctx: HandlerContext): RouteDef[] {
  const scope = apiScope(ctx);
  return [
    ...projectRoutes(ctx, scope),
    ...datasetRoutes(ctx, scope),
    ...experimentRoutes(ctx, scope),
    ...modelRoutes(ctx, scope),
    ...deploymentRoutes(ctx, scope),
    ...predictionRoutes(ctx, scope),
    ...connectorRoutes(ctx, scope),
    ...exporterRoutes(ctx, scope),
    ...pipelineRoutes(ctx, scope),
  ];
}
