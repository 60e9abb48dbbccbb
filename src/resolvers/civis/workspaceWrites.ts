/**
 * Civis workspace writes: projects (`Mutation.createCivisProject`, `updateCivisProject`), the objects a project holds
 * (`addCivisProjectObject`, `removeCivisProjectObject`), and file uploads (`createCivisFileUpload`).
 */
import type { Resolvers } from '../../generated/resolvers.js';
import type { NodeTypeName } from '../../relay/ids.js';
import { AugurError, ErrorCode, quote } from '../../core/errors.js';
import type { CivisProjectMember } from '../../upstreams/civis/client.js';
import type { CivisFile } from '../../upstreams/civis/fileTypes.js';
import type { CivisProject } from '../../upstreams/civis/projectTypes.js';
import type { Context } from '../context.js';
import { payload, pointing } from '../userErrors.js';
import { call } from './shared.js';
import { Problems, refusal } from './writeChecks.js';

const PROJECT_MEMBERS: Record<string, CivisProjectMember> = {
  CivisScript: 'jobs',
  CivisJob: 'jobs',
  CivisImport: 'imports',
  CivisReport: 'reports',
  CivisFile: 'files',
};

/** The workspace writes' part of the resolver map. */
export const workspaceWriteResolvers: Resolvers = {
  CivisProjectRef: {
    platformId: (p) => String(p.id),
  },
  Mutation: {
    createCivisProject: (_p, { input }, ctx) =>
      payload(
        () => {
          const p = new Problems();
          p.name('input.name', input.name, true);
          p.throwIfAny();
          const body: Record<string, unknown> = { name: input.name, description: input.description ?? '' };
          if (input.note != null) body['note'] = input.note;
          if (input.autoShare != null) body['autoShare'] = input.autoShare;
          return pointing(
            () => ctx.services.civis.createProject<CivisProject>(call(ctx), body),
            refusal(undefined, [['input.name', 'name']]),
          );
        },
        (project): { project: CivisProject | null } => ({ project }),
        { project: null },
      ),
    updateCivisProject: (_p, { input }, ctx) =>
      payload(
        async () => {
          const p = new Problems();
          const id = p.id(ctx, 'input.id', input.id, 'CivisProject');
          p.name('input.name', input.name, false);
          if (input.name == null && input.description == null && input.note === undefined)
            p.add('input', 'input changes nothing; pass at least one field to update.');
          p.throwIfAny();
          const current = await pointing(
            () => ctx.services.civis.get<CivisProject & { note?: string | null }>(call(ctx), 'projects', id!),
            () => 'input.id',
          );
          const body = {
            name: input.name ?? current.name,
            description: input.description ?? current.description ?? '',
            note: input.note !== undefined ? input.note : (current.note ?? null),
          };
          return pointing(
            () => ctx.services.civis.updateProject<CivisProject>(call(ctx), id!, body),
            refusal('input.id', [['input.name', 'name']]),
          );
        },
        (project): { project: CivisProject | null } => ({ project }),
        { project: null },
      ),
    addCivisProjectObject: (_p, { input }, ctx) => linkObject(ctx, input, true),
    removeCivisProjectObject: (_p, { input }, ctx) => linkObject(ctx, input, false),
    createCivisFileUpload: (_p, { input }, ctx) =>
      payload(
        async () => {
          const p = new Problems();
          p.name('input.name', input.name, true);
          if (input.expiresAt != null && Date.parse(input.expiresAt) <= Date.now())
            p.add('input.expiresAt', `input.expiresAt must be in the future, got ${quote(input.expiresAt)}.`);
          p.throwIfAny();
          const body: Record<string, unknown> = { name: input.name };
          if (input.description != null) body['description'] = input.description;
          if (input.expiresAt != null) body['expiresAt'] = input.expiresAt;
          const created = await pointing(
            () => ctx.services.civis.createFile(call(ctx), body),
            refusal(undefined, [
              ['input.expiresAt', 'expiresAt'],
              ['input.name', 'name'],
            ]),
          );
          if (!created?.uploadUrl || typeof created.uploadFields !== 'object') {
            throw new AugurError(ErrorCode.UPSTREAM_ERROR, 'Civis created the file without an upload URL and fields.', {
              platform: 'civis',
            });
          }
          // The answer lacks the author: the file is read back whole.
          const file = await ctx.services.civis.get<CivisFile>(call(ctx), 'files', created.id);
          return { file, url: created.uploadUrl, fields: created.uploadFields };
        },
        (upload): { upload: { file: CivisFile; url: string; fields: Record<string, string> } | null } => ({ upload }),
        { upload: null },
      ),
  },
};

/** `addCivisProjectObject` and `removeCivisProjectObject`. */
function linkObject(ctx: Context, input: { projectId: string; objectId: string }, add: boolean) {
  return payload(
    async () => {
      const p = new Problems();
      const projectId = p.id(ctx, 'input.projectId', input.projectId, 'CivisProject');
      let kind: CivisProjectMember | undefined;
      let objectId: number | undefined;
      try {
        const decoded = ctx.services.codec.decode(input.objectId, Object.keys(PROJECT_MEMBERS) as NodeTypeName[], 'input.objectId');
        kind = PROJECT_MEMBERS[decoded.type];
        objectId = Number(decoded.localId);
      } catch (e) {
        if (!(e instanceof AugurError)) throw e;
        p.add('input.objectId', e.message);
      }
      p.throwIfAny();
      await pointing(
        () => ctx.services.civis.linkToProject(call(ctx), kind!, objectId!, projectId!, add),
        // A 404 names neither: the project is read back to tell which one is unknown.
        () => undefined,
      ).catch(async (e: unknown) => {
        if (e instanceof AugurError && e.code === ErrorCode.NOT_FOUND) {
          const projectKnown = await ctx.services.civis.get(call(ctx), 'projects', projectId!).then(
            () => true,
            () => false,
          );
          throw new AugurError(e.code, e.message, { ...e.details, param: projectKnown ? 'input.objectId' : 'input.projectId' });
        }
        throw e;
      });
      return ctx.services.civis.get<CivisProject>(call(ctx), 'projects', projectId!);
    },
    (project): { project: CivisProject | null } => ({ project }),
    { project: null },
  );
}
