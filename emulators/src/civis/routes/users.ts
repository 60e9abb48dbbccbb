/**
 * Internal to the Civis emulator: the users routes.
 */
import type { EmulatorRequest } from '../../framework/emulator.js';
import { badRequest, paginate, qBool, qInt, qIntList, qString, type PageSpec } from '../query.js';
import { type CivisRoute, type RouteContext, USERS_PAGE, ok, pathId, contains, P } from './kit.js';

/** The users routes, in matching order. */
export function userRoutes(ctx: RouteContext): CivisRoute[] {
  const store = () => ctx.store();
  const me = (req: EmulatorRequest) => ctx.callerId(req);

  return [
    // -------------------------------------------------------------- users
    {
      method: 'GET',
      path: '/users/',
      handler: (req) => {
        const s = store();
        const q = req.query;
        const queryText = qString(q, 'query');
        const text = contains(queryText);
        const status = (qString(q, 'account_status') ?? 'active').toLowerCase();
        if (!['active', 'inactive', 'all'].includes(status))
          throw badRequest(`account_status must be active, inactive or all, got ${JSON.stringify(status)}.`);
        const groupId = qInt(q, 'group_id');
        const groupIdList = qIntList(q, 'group_ids');
        // The spec: group_id "cannot be present if group_ids is", and the other way round.
        if (groupId !== undefined && groupIdList !== undefined) throw badRequest('pass group_id or group_ids, not both.');
        const groupIds = groupIdList ?? (groupId === undefined ? [] : [groupId]);
        const orgId = qInt(q, 'organization_id');
        const flag = qString(q, 'feature_flag');
        const excludeGroups = qBool(q, 'exclude_groups') ?? false;
        const out = [];
        for (const u of s.users.values()) {
          if (status !== 'all' && u.accountStatus !== status) continue;
          if (text && !text(u.name) && !text(u.username) && !text(u.email) && queryText?.trim() !== String(u.id)) continue;
          if (groupIds.length && !u.groups.some((g) => groupIds.includes(g.id))) continue;
          if (orgId !== undefined && orgId !== s.organization.id) continue;
          if (flag && !u.featureFlags[flag]) continue;
          const summary = s.userSummary(u);
          out.push(excludeGroups ? { ...summary, groups: [] } : summary);
        }
        return paginate(q, out, USERS_PAGE);
      },
      doc: {
        summary: 'List users',
        query: [
          P.str('feature_flag', 'Return users that have a feature flag enabled.'),
          P.str(
            'account_status',
            'The account status by which to filter users. May be one of "active", "inactive", or "all". Defaults to active.',
          ),
          P.str('query', 'Return users who match the given query, based on name, user, email, and id.'),
          P.int('group_id', 'The ID of the group by which to filter users. Cannot be present if group_ids is.'),
          {
            name: 'group_ids',
            type: 'array',
            items: 'integer',
            description: 'The IDs of the groups by which to filter users. Cannot be present if group_id is.',
          },
          P.int('organization_id', 'The ID of the organization by which to filter users.'),
          P.bool('exclude_groups', "Whether or not to exclude users' groups. Default: false."),
        ],
        page: USERS_PAGE as PageSpec<never>,
        status: 200,
        array: true,
        sample: (s) => [...s.users.values()].map((u) => s.userSummary(u)),
      },
    },
    {
      method: 'GET',
      path: '/users/me',
      handler: (req) => {
        const s = store();
        return ok(s.me(s.user(me(req))));
      },
      doc: { summary: 'Show info about the logged-in user', status: 200, sample: (s) => [...s.users.values()].map((u) => s.me(u)) },
    },
    {
      method: 'GET',
      path: '/users/{id}',
      handler: (req) => {
        const s = store();
        return ok(s.userDetail(s.user(pathId(req)), me(req)));
      },
      doc: { summary: 'Show info about a user', status: 200, sample: (s) => [...s.users.values()].map((u) => s.userDetail(u, u.id)) },
    },
  ];
}
