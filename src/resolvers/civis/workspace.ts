/**
 * The Civis workspace: users (`Civis.me`, `users`, `user`), files and projects, and their object types. A user
 * embedded in another object is completed from `ctx.civis.user` when a field its embedded shape lacks is asked for.
 */
import type { Resolvers } from '../../generated/resolvers.js';
import { AugurError, ErrorCode } from '../../core/errors.js';
import { CIVIS_LISTS } from '../../upstreams/civis/client.js';
import type { CivisProjectDetail, CivisProjectObjectShape } from '../../upstreams/civis/projectTypes.js';
import type { CivisUserDetail, CivisUserParent } from '../../upstreams/civis/userTypes.js';
import type { Context } from '../context.js';
import {
  arrayConnection,
  civisOrder,
  connection,
  detailField,
  flag,
  gid,
  loadCivis,
  lookupId,
  pid,
  platformIdArg,
  platformIds,
  userIds,
} from './shared.js';
import { archivedParam, featureFlagParam, permissionParam } from './listFilters.js';

/**
 * Reads a field of a user from the shape at hand, or from the user loaded by id (once per user and request) when it
 * lacks it: a user's own record carries every field (`undefined` there would break Civis's contract).
 */
function userField<V>(pick: (u: CivisUserParent) => V | undefined) {
  return async (u: CivisUserParent, _a: unknown, ctx: Context): Promise<V> => {
    const v = pick(u);
    if (v !== undefined) return v;
    const detail: CivisUserDetail = await ctx.civis.user.load(u.id);
    const loaded = pick(detail as CivisUserParent);
    if (loaded === undefined) {
      throw new AugurError(ErrorCode.UPSTREAM_ERROR, `Civis's record of user ${u.id} lacks a field it documents.`, { platform: 'civis' });
    }
    return loaded;
  };
}

export const workspaceResolvers: Resolvers = {
  Civis: {
    me: (_r, _a, ctx) => ctx.civis.me(),
    files: async (_r, args, ctx) => {
      try {
        return await connection(ctx, 'files', CIVIS_LISTS.files, { author: userIds(ctx, args.author, 'author') }, args);
      } catch (err) {
        // Civis's published API has no file listing (its files collection takes POST only); a platform without one answers 404.
        if (err instanceof AugurError && err.code === ErrorCode.NOT_FOUND && err.details.upstreamStatus === 404) {
          throw new AugurError(
            ErrorCode.NOT_FOUND,
            'This Civis platform does not list files. Read a file by id with civis { file(id:) }; a project lists its files in objects.',
            { platform: 'civis', upstreamStatus: 404 },
            { cause: err },
          );
        }
        throw err;
      }
    },
    file: (_r, args, ctx) => loadCivis(ctx, 'CivisFile', lookupId(ctx, args, 'CivisFile')),
    projects: (_r, args, ctx) =>
      connection(
        ctx,
        'projects',
        CIVIS_LISTS.projects,
        {
          author: userIds(ctx, args.author, 'author'),
          archived: archivedParam(args),
          hidden: flag(args.hidden),
          auto_share: flag(args.autoShare),
          permission: permissionParam(args),
        },
        args,
        args.orderBy,
      ),
    project: (_r, args, ctx) => loadCivis(ctx, 'CivisProject', lookupId(ctx, args, 'CivisProject')),
    users: (_r, args, ctx) =>
      connection(
        ctx,
        'users',
        CIVIS_LISTS.users,
        {
          query: args.search || undefined,
          group_ids: platformIds(ctx, args.groupPlatformIds, 'groupPlatformIds'),
          account_status: args.accountStatus ?? undefined,
          feature_flag: featureFlagParam(args.featureFlag),
          organization_id:
            args.organizationPlatformId != null ? platformIdArg(args.organizationPlatformId, 'organizationPlatformId') : undefined,
        },
        args,
        civisOrder(args.orderBy),
      ),
    user: (_r, args, ctx) => ctx.civis.user.load(lookupId(ctx, args, 'CivisUser')),
  },
  CivisUser: {
    id: gid('CivisUser'),
    platformId: pid,
    // Embedded references and the current user say `username`; the user list and a user read by id say `user`.
    username: userField((u) => u.username ?? u.user),
    name: userField((u) => u.name),
    initials: userField((u) => u.initials),
    online: (u) => u.online ?? null,
    email: userField((u) => u.email),
    active: userField((u) => u.active),
    accountStatus: userField((u) => u.accountStatus),
    title: userField((u) => u.title),
    department: userField((u) => u.department),
    timeZone: userField((u) => u.timeZone),
    groups: userField((u) => u.groups),
    createdAt: userField((u) => u.createdAt),
    lastSeenAt: userField((u) => u.lastSeenAt),
  },
  CivisGroup: {
    platformId: pid,
    organizationPlatformId: (g) => String(g.organizationId),
  },
  CivisProjectFile: {
    platformId: pid,
    name: (f) => f.fileName ?? f.name,
    file: (f, _a, ctx) => loadCivis(ctx, 'CivisFile', f.id),
  },
  CivisFile: {
    id: gid('CivisFile'),
    platformId: pid,
  },
  CivisProject: {
    id: gid('CivisProject'),
    platformId: pid,
    note: detailField<CivisProjectDetail, string | null>('CivisProject', 'note', (d) => d.note),
    myPermissionLevel: detailField<CivisProjectDetail, string>('CivisProject', 'myPermissionLevel', (d) => d.myPermissionLevel),
    objects: detailField<CivisProjectDetail, CivisProjectObjectShape[]>('CivisProject', 'allObjects', (d) => d.allObjects),
    files: (p, args, ctx) =>
      arrayConnection(ctx, 'files', { project: p.id }, args, async () => {
        const detail = 'allObjects' in p ? (p as CivisProjectDetail) : await loadCivis<CivisProjectDetail>(ctx, 'CivisProject', p.id);
        return detail.files ?? [];
      }),
    members: (p) => p.users,
  },
  CivisProjectObject: {
    platformId: (o) => String(o.objectId),
  },
};
