/**
 * Resolvers of the Civis Platform part of the schema: `Query.credentials`, the `Civis` namespace (twelve resources
 * and civis-python's look-up helpers), the Civis objects, and the writes (job runs, queries, credentials), one file
 * per group of resources.
 */
import type { Resolvers } from '../../generated/resolvers.js';
import type { NodeTypeName } from '../../relay/ids.js';
import type { Context } from '../context.js';
import { mergeResolvers } from '../merge.js';
import type { NodeFetcher } from '../node.js';
import { credentialResolvers } from './credentials.js';
import { databaseResolvers } from './databases.js';
import { databaseWriteResolvers } from './databaseWrites.js';
import { jobResolvers, loadRun } from './jobs.js';
import { jobWriteResolvers } from './jobWrites.js';
import { modelResolvers } from './models.js';
import { scriptWriteResolvers } from './scriptWrites.js';
import { COLLECTIONS, loadCivis, type CivisType } from './shared.js';
import { workspaceResolvers } from './workspace.js';
import { workspaceWriteResolvers } from './workspaceWrites.js';

/** Everything `Query.node` can fetch on Civis. */
export const civisNodeFetchers: Partial<Record<NodeTypeName, NodeFetcher>> = {
  ...Object.fromEntries(
    (Object.keys(COLLECTIONS) as CivisType[]).map((type) => [type, (ctx: Context, id: string) => loadCivis<object>(ctx, type, Number(id))]),
  ),
  CivisUser: (ctx, id) => ctx.civis.user.load(Number(id)),
  CivisJobRun: (ctx, id) => {
    const [jobId, runId] = id.split(':').map(Number) as [number, number];
    return loadRun(ctx, jobId, runId);
  },
};

export const civisResolvers: Resolvers = mergeResolvers(
  { Query: { civis: () => ({}) } },
  credentialResolvers,
  databaseResolvers,
  jobResolvers,
  modelResolvers,
  workspaceResolvers,
  scriptWriteResolvers,
  jobWriteResolvers,
  databaseWriteResolvers,
  workspaceWriteResolvers,
);
