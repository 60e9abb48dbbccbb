/**
 * `Subscription`: live views of long work (docs/live.md). Each field names one upstream object, checks its id before
 * anything is read, and hands the feed a `LiveWatch`: how to read the object and when it is finished. The objects
 * emitted are the wire types the matching query fields return, so the types' own resolvers serve both.
 */
import type { Resolvers } from '../generated/resolvers.js';
import type { CivisQuery } from '../upstreams/civis/databaseTypes.js';
import type { CivisJobRunParent } from '../upstreams/civis/jobTypes.js';
import type {
  PrevisionDeployment,
  PrevisionDeploymentPrediction,
  PrevisionExperimentVersion,
  PrevisionState,
} from '../upstreams/prevision/types.js';
import type { Context, LiveWatch } from './context.js';
import { lookupId as civisLookupId } from './civis/shared.js';
import { lookupId as previsionLookupId, previsionId } from './prevision.js';

/** Civis states a run or query never leaves (the API's lower-case names). */
const CIVIS_TERMINAL = new Set(['succeeded', 'failed', 'cancelled']);
const PREVISION_TERMINAL = new Set<PrevisionState>(['done', 'failed']);

/**
 * A subscription field over one watched object: `subscribe` yields the snapshots, `resolve` hands each on. `read`
 * closes over the services only, never the first subscriber's context, which the shared poller would keep alive.
 */
/** Every subscription field names its object by `id` (global id) or `platformId` (the platform's own id). */
interface LookupArgs {
  id?: string | null;
  platformId?: string | null;
}

function live<T>(watchOf: (args: LookupArgs, ctx: Context) => LiveWatch<T>) {
  return {
    subscribe: async (_root: unknown, args: LookupArgs, ctx: Context) => ctx.services.live.watch(ctx, watchOf(args, ctx)),
    resolve: (snapshot: T) => snapshot,
  };
}

export const subscriptionResolvers: Resolvers = {
  Subscription: {
    civisJobRun: live<CivisJobRunParent>((args, ctx) => {
      const { civis } = ctx.services;
      const [jobId, runId] = ctx.services.codec
        .decode(args.id ?? '', ['CivisJobRun'])
        .localId.split(':')
        .map(Number) as [number, number];
      return {
        platform: 'civis',
        key: `civis:run:${jobId}:${runId}`,
        read: async (apiKey, budget) => ({ ...(await civis.getJobRun({ apiKey, budget }, jobId, runId)), jobId }),
        terminal: (run) => CIVIS_TERMINAL.has(run.state),
      };
    }) as never,
    civisQuery: live<CivisQuery>((args, ctx) => {
      const { civis } = ctx.services;
      const id = civisLookupId(ctx, args, 'CivisQuery');
      return {
        platform: 'civis',
        key: `civis:query:${id}`,
        read: (apiKey, budget) => civis.get<CivisQuery>({ apiKey, budget }, 'queries', id),
        terminal: (query) => CIVIS_TERMINAL.has(query.state),
      };
    }) as never,
    previsionExperimentVersion: live<PrevisionExperimentVersion>((args, ctx) => {
      const { prevision } = ctx.services;
      const id = previsionLookupId(ctx, args, 'PrevisionExperimentVersion');
      return {
        platform: 'prevision',
        key: `prevision:experiment-version:${id}`,
        read: (masterToken, budget) => prevision.get({ masterToken, budget }, 'experiment-versions', id),
        terminal: (version) => PREVISION_TERMINAL.has(version.state),
      };
    }) as never,
    previsionDeploymentPrediction: live<PrevisionDeploymentPrediction>((args, ctx) => {
      const { prevision } = ctx.services;
      const id = previsionLookupId(ctx, args, 'PrevisionDeploymentPrediction');
      return {
        platform: 'prevision',
        key: `prevision:deployment-prediction:${id}`,
        read: (masterToken, budget) => prevision.get({ masterToken, budget }, 'deployment-predictions', id),
        terminal: (prediction) => PREVISION_TERMINAL.has(prediction.state),
      };
    }) as never,
    previsionDeployment: live<PrevisionDeployment>((args, ctx) => {
      const { prevision } = ctx.services;
      // The deployment's own id or its Endpoint's, as `Prevision.deployment` takes them.
      const id =
        args.id != null && args.platformId == null
          ? previsionId(ctx, args.id, 'PrevisionDeployment')
          : previsionLookupId(ctx, args, 'PrevisionDeployment');
      return {
        platform: 'prevision',
        key: `prevision:deployment:${id}`,
        read: (masterToken, budget) => prevision.get({ masterToken, budget }, 'deployments', id),
        terminal: (d) => PREVISION_TERMINAL.has(d.deploy_state) && PREVISION_TERMINAL.has(d.main_model_run_state),
      };
    }) as never,
  },
};
