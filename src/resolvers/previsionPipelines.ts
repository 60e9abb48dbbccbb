/**
 * Prevision.io pipelines, image folders and project members through Augur: pipeline templates and their nodes,
 * scheduled runs (read, created with the SDK's four calls, triggered) with their executions, a project's image
 * folders, and members added, re-roled and removed.
 */
import type { Resolvers } from '../generated/resolvers.js';
import type { NodeTypeName } from '../relay/ids.js';
import { badInput, ErrorCode, quote } from '../core/errors.js';
import { PREVISION_LISTS } from '../upstreams/prevision/resources.js';
import type {
  PrevisionProject,
  PrevisionImageFolder,
  PrevisionPipelineNode,
  PrevisionPipelineScheduledRun,
  PrevisionPipelineTemplate,
} from '../upstreams/prevision/types.js';
import type { Context } from './context.js';
import { connection, loadPrevision, lookupId } from './prevision.js';
import { call, created, Problems, refusal } from './previsionWrites.js';
import { payload, pointing } from './userErrors.js';

/** Five whitespace-separated cron fields; Prevision checks the rest. */
const CRON = /^\S+(\s+\S+){4}$/;
const DEFAULT_EXECUTIONS = 15;
const MAX_EXECUTIONS = 100;

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const PREVISION_ID = /^[0-9a-f]{24}$/;

/** The project after a change to its members, read afresh (what Prevision answers the change with is not published). */
async function projectAfter(ctx: Context, projectId: string): Promise<PrevisionProject> {
  return ctx.services.prevision.get<PrevisionProject>(call(ctx), 'projects', projectId);
}

/** Checks a member change's project and member ids before any call. */
function memberIds(ctx: Context, input: { projectId: string; userPlatformId?: string }): { projectId: string; userId: string } {
  const p = new Problems();
  const projectId = p.id(ctx, 'input.projectId', input.projectId, 'PrevisionProject');
  if (input.userPlatformId !== undefined && !PREVISION_ID.test(input.userPlatformId))
    p.add(
      'input.userPlatformId',
      `input.userPlatformId must be Prevision's own id of a member (24 hexadecimal digits), got ${quote(input.userPlatformId)}.`,
    );
  p.throwIfAny();
  return { projectId: projectId!, userId: input.userPlatformId ?? '' };
}

const gid = (type: NodeTypeName) => (o: { _id: string }, _a: unknown, ctx: Context) => ctx.services.codec.encode(type, o._id);

/** The properties a run may set on a node: its component's, without the hidden ones (as `get_nodes_properties`). */
function nodeProperties(node: PrevisionPipelineNode): Array<{ name: string; type: string }> {
  return (node.pipeline_component_id?.interfaces?.properties ?? []).filter((p) => !p.hidden).map(({ name, type }) => ({ name, type }));
}

export const previsionPipelineResolvers: Resolvers = {
  Mutation: {
    createPrevisionPipelineScheduledRun: (_p, { input }, ctx) =>
      payload(
        async () => {
          const p = new Problems();
          const templateId = p.id(ctx, 'input.templateId', input.templateId, 'PrevisionPipelineTemplate');
          p.text('input.name', input.name, true);
          const execType = input.execType ?? 'manual';
          if (execType === 'recurring') {
            if (input.cron == null) p.add('input.cron', 'input.cron is required for a RECURRING run.', 'required');
            else if (!CRON.test(input.cron.trim()))
              p.add('input.cron', `input.cron must be a cron expression of five fields ("0 2 * * *"), got ${quote(input.cron)}.`);
          } else {
            for (const f of ['cron', 'periodStart', 'periodEnd'] as const)
              if (input[f] != null) p.add(`input.${f}`, `input.${f} is for RECURRING runs only.`);
          }
          p.throwIfAny();
          const template = await pointing(
            () => loadPrevision<PrevisionPipelineTemplate>(ctx, 'PrevisionPipelineTemplate', templateId!),
            () => 'input.templateId',
          );
          // Every node setting is checked against the template before anything is written.
          const settings = (input.nodeSettings ?? []).map((s, i) => {
            const node = (template.nodes ?? []).find((n) => n._id === s.nodePlatformId);
            if (!node) {
              p.add(
                `input.nodeSettings.${i}.nodePlatformId`,
                `Template ${template._id} has no node ${quote(s.nodePlatformId)}; its nodes are ${(template.nodes ?? []).map((n) => n._id).join(', ')}.`,
              );
              return undefined;
            }
            const known = nodeProperties(node).map((x) => x.name);
            const unknown = Object.keys(s.values).filter((k) => !known.includes(k));
            if (unknown.length > 0)
              p.add(
                `input.nodeSettings.${i}.values`,
                `Node ${node._id} takes ${known.join(', ') || 'no properties'}; not ${unknown.map(quote).join(', ')}.`,
              );
            return { nodeId: node._id, properties: Object.entries(s.values).map(([name, value]) => ({ name, value })) };
          });
          p.throwIfAny();
          const prevision = ctx.services.prevision;
          const body: Record<string, unknown> = { pipeline_template_id: template._id, name: input.name };
          if (input.description != null) body['description'] = input.description;
          const draft = created<PrevisionPipelineScheduledRun>('pipeline scheduled run')(
            await pointing(
              () => prevision.createPipelineScheduledRun<PrevisionPipelineScheduledRun>(call(ctx), template.project_id, body),
              refusal('input.templateId', [
                ['input.templateId', 'pipeline_template_id'],
                ['input.name', 'name'],
              ]),
            ),
          );
          try {
            for (const s of settings) await prevision.configurePipelineNode(call(ctx), draft._id, s!.nodeId, s!.properties);
            const schedule: Record<string, unknown> = { name: input.name, exec_type: execType };
            if (input.cron != null) schedule['exec_cron'] = input.cron.trim();
            if (input.periodStart != null) schedule['exec_period_start'] = input.periodStart;
            if (input.periodEnd != null) schedule['exec_period_end'] = input.periodEnd;
            await prevision.updatePipelineScheduledRun(call(ctx), draft._id, schedule);
            return await prevision.confirmPipelineScheduledRun<PrevisionPipelineScheduledRun>(call(ctx), draft._id);
          } catch (e) {
            // Half a run is worse than none: the draft goes, and the failure is reported as it came.
            await prevision.delete(call(ctx), 'pipeline-scheduled-runs', draft._id).catch(() => undefined);
            throw e;
          }
        },
        (scheduledRun): { scheduledRun: PrevisionPipelineScheduledRun | null } => ({ scheduledRun }),
        { scheduledRun: null },
      ),
    addPrevisionProjectUser: (_p, { input }, ctx) =>
      payload(
        async () => {
          const p = new Problems();
          const projectId = p.id(ctx, 'input.projectId', input.projectId, 'PrevisionProject');
          if (!EMAIL.test(input.email.trim())) p.add('input.email', `input.email must be an e-mail address, got ${quote(input.email)}.`);
          p.throwIfAny();
          await pointing(
            () => ctx.services.prevision.addProjectUser(call(ctx), projectId!, input.email.trim(), input.role),
            refusal('input.projectId', [
              ['input.email', 'email'],
              ['input.role', 'projectRole'],
            ]),
          );
          return projectAfter(ctx, projectId!);
        },
        (project): { project: PrevisionProject | null } => ({ project }),
        { project: null },
      ),
    setPrevisionProjectUserRole: (_p, { input }, ctx) =>
      payload(
        async () => {
          const { projectId, userId } = memberIds(ctx, input);
          // A 404 is the project or the member, whichever Prevision names; a 400 the role (the last admin's).
          await pointing(
            () => ctx.services.prevision.setProjectUserRole(call(ctx), projectId, userId, input.role),
            (e) =>
              e.code === ErrorCode.NOT_FOUND ? (/member/i.test(e.message) ? 'input.userPlatformId' : 'input.projectId') : 'input.role',
          );
          return projectAfter(ctx, projectId);
        },
        (project): { project: PrevisionProject | null } => ({ project }),
        { project: null },
      ),
    removePrevisionProjectUser: (_p, { input }, ctx) =>
      payload(
        async () => {
          const { projectId, userId } = memberIds(ctx, input);
          await pointing(
            () => ctx.services.prevision.removeProjectUser(call(ctx), projectId, userId),
            (e) => (e.code === ErrorCode.NOT_FOUND && !/member/i.test(e.message) ? 'input.projectId' : 'input.userPlatformId'),
          );
          return projectAfter(ctx, projectId);
        },
        (project): { project: PrevisionProject | null } => ({ project }),
        { project: null },
      ),
    triggerPrevisionPipelineScheduledRun: (_p, { input }, ctx) =>
      payload(
        async () => {
          const p = new Problems();
          const id = p.id(ctx, 'input.id', input.id, 'PrevisionPipelineScheduledRun');
          p.throwIfAny();
          // A 404 is the run; a 400 says it is a draft.
          await pointing(
            () => ctx.services.prevision.triggerPipelineScheduledRun(call(ctx), id!),
            () => 'input.id',
          );
          return ctx.services.prevision.get<PrevisionPipelineScheduledRun>(call(ctx), 'pipeline-scheduled-runs', id!);
        },
        (scheduledRun): { scheduledRun: PrevisionPipelineScheduledRun | null } => ({ scheduledRun }),
        { scheduledRun: null },
      ),
  },
  Prevision: {
    pipelineTemplate: (_r, args, ctx) =>
      loadPrevision<PrevisionPipelineTemplate>(ctx, 'PrevisionPipelineTemplate', lookupId(ctx, args, 'PrevisionPipelineTemplate')),
    pipelineScheduledRun: (_r, args, ctx) =>
      loadPrevision<PrevisionPipelineScheduledRun>(
        ctx,
        'PrevisionPipelineScheduledRun',
        lookupId(ctx, args, 'PrevisionPipelineScheduledRun'),
      ),
    imageFolder: (_r, args, ctx) =>
      loadPrevision<PrevisionImageFolder>(ctx, 'PrevisionImageFolder', lookupId(ctx, args, 'PrevisionImageFolder')),
  },
  PrevisionProject: {
    pipelineTemplates: (p, args, ctx) =>
      connection<PrevisionPipelineTemplate>(ctx, 'PrevisionProject.pipelineTemplates', PREVISION_LISTS.pipelineTemplatesOf(p._id), args),
    pipelineScheduledRuns: (p, args, ctx) =>
      connection<PrevisionPipelineScheduledRun>(ctx, 'PrevisionProject.pipelineScheduledRuns', PREVISION_LISTS.pipelineRunsOf(p._id), args),
    imageFolders: (p, args, ctx) =>
      connection<PrevisionImageFolder>(ctx, 'PrevisionProject.imageFolders', PREVISION_LISTS.imageFoldersOf(p._id), args),
  },
  PrevisionPipelineTemplate: {
    id: gid('PrevisionPipelineTemplate'),
    platformId: (t) => t._id,
    description: (t) => t.description ?? null,
    draft: (t) => t.draft === true,
    usedInRun: (t) => t.used_in_run === true,
    nodes: (t) => t.nodes ?? [],
    createdAt: (t) => t.created_at,
  },
  PrevisionPipelineNode: {
    platformId: (n) => n._id,
    name: (n) => n.pipeline_component_id?.metadata?.name ?? '',
    properties: (n) => nodeProperties(n),
  },
  PrevisionPipelineScheduledRun: {
    id: gid('PrevisionPipelineScheduledRun'),
    platformId: (r) => r._id,
    description: (r) => r.description ?? null,
    execType: (r) => r.exec_type as never,
    cron: (r) => r.exec_cron ?? null,
    periodStart: (r) => r.exec_period_start ?? null,
    periodEnd: (r) => r.exec_period_end ?? null,
    templatePlatformId: (r) => r.pipeline_template_id,
    template: (r, _a, ctx) => loadPrevision<PrevisionPipelineTemplate>(ctx, 'PrevisionPipelineTemplate', r.pipeline_template_id),
    nodeSettings: (r) =>
      (r.nodes_properties ?? []).map((n) => ({
        nodePlatformId: n.node_id,
        values: Object.fromEntries(n.properties.map((p) => [p.name, p.value])),
      })),
    executions: async (r, { last }, ctx) => {
      const limit = last ?? DEFAULT_EXECUTIONS;
      if (!Number.isInteger(limit) || limit < 1 || limit > MAX_EXECUTIONS)
        throw badInput(`Argument "last" must be between 1 and ${MAX_EXECUTIONS}, got ${limit}.`, { param: 'last' });
      // A run read by id holds its last 15 executions; a listed run holds none.
      if (r.executions && limit <= DEFAULT_EXECUTIONS) return r.executions.slice(0, limit);
      const full = await ctx.services.prevision.pipelineRunExecutions<PrevisionPipelineScheduledRun>(call(ctx), r._id, limit);
      return full.executions ?? [];
    },
    createdAt: (r) => r.created_at,
  },
  PrevisionPipelineExecution: {
    platformId: (x) => x._id,
    state: (x) => x.status as never,
    startedAt: (x) => x.start_at,
    endedAt: (x) => x.end_at ?? null,
  },
  PrevisionImageFolder: {
    id: gid('PrevisionImageFolder'),
    platformId: (f) => f._id,
    copyState: (f) => f.copy_state as never,
    imageCount: (f) => f.nb_images ?? null,
    sizeBytes: (f) => f.size ?? null,
    createdAt: (f) => f.created_at,
  },
};
