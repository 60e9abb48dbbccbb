/**
 * Internal to the Civis emulator: the spec route and the credentials routes.
 */
import type { EmulatorRequest } from '../../framework/emulator.js';
import { badRequest, paginate, qBool, qInt, qIntList, qList, qString, type PageSpec } from '../query.js';
import { CREDENTIAL_TYPES } from '../store.js';
import type { CivisCredential } from '../types/accounts.js';
import { type CivisRoute, type RouteContext, CREDENTIALS_PAGE, ok, pathId, body, contains, P, CREDENTIAL_BODY } from './kit.js';

/** The spec route and the credentials routes, in matching order. */
export function credentialRoutes(ctx: RouteContext): CivisRoute[] {
  const store = () => ctx.store();
  const me = (req: EmulatorRequest) => ctx.callerId(req);

  const visibleCredentials = (req: EmulatorRequest): CivisCredential[] => {
    const s = store();
    const callerId = me(req);
    const q = req.query;
    const types = qList(q, 'type');
    for (const t of types ?? []) {
      if (!(CREDENTIAL_TYPES as readonly string[]).includes(t)) {
        throw badRequest(`type ${JSON.stringify(t)} is not a credential type; expected a comma list of ${CREDENTIAL_TYPES.join(', ')}.`);
      }
    }
    const hostId = qInt(q, 'remote_host_id');
    const onlyDefault = qBool(q, 'default');
    const system = qBool(q, 'system_credentials') ?? false;
    const owners = qIntList(q, 'users');
    const name = contains(qString(q, 'name'));
    const out: CivisCredential[] = [];
    const candidates = onlyDefault ? [s.defaultCredential(callerId)].filter((c) => c !== undefined) : s.credentials.values();
    for (const c of candidates) {
      if (!s.canRead(c, callerId) || c.system !== system) continue;
      const w = c.wire;
      if (types && !types.includes(w.type)) continue;
      if (hostId !== undefined && w.remoteHostId !== hostId) continue;
      if (owners && !owners.includes(c.ownerId)) continue;
      if (name && !name(w.name)) continue;
      out.push(w);
    }
    return out;
  };

  return [
    // -------------------------------------------------------------- spec (handler set by the emulator)
    {
      method: 'GET',
      path: '/endpoints/',
      handler: () => ok({}),
      doc: {
        summary: 'Show the API specification (Swagger 2.0)',
        query: [P.str('openapi_version', 'Only 2.0 (Swagger) is served.')],
        status: 200,
      },
    },

    // -------------------------------------------------------------- credentials
    {
      method: 'GET',
      path: '/credentials/',
      handler: (req) => paginate(req.query, visibleCredentials(req), CREDENTIALS_PAGE),
      doc: {
        summary: 'List credentials',
        query: [
          P.str(
            'type',
            `The type (or types) of credentials to return. One or more of: ${CREDENTIAL_TYPES.join(', ')}. Specify multiple values as a comma-separated list (e.g., "A,B").`,
          ),
          P.int('remote_host_id', 'The ID of the remote host associated with the credentials to return.'),
          P.bool('default', "If true, will return a list with a single credential which is the current user's default credential."),
          P.bool('system_credentials', 'If true, will only return system credentials.'),
          P.str(
            'users',
            'A comma-separated list of user ids. If specified, returns set of credentials owned by the users that requesting user has at least read access on.',
          ),
          P.str(
            'name',
            'If specified, will be used to filter the credentials returned. Will return any credential whose name contains the search string.',
          ),
        ],
        page: CREDENTIALS_PAGE as PageSpec<never>,
        status: 200,
        array: true,
        sample: (s) => [...s.credentials.values()].map((c) => c.wire),
      },
    },
    {
      method: 'POST',
      path: '/credentials/',
      handler: (req) => ok(store().createCredential(me(req), body(req)), 201),
      doc: {
        summary: 'Create a credential',
        body: { properties: CREDENTIAL_BODY, required: ['type', 'username', 'password'] },
        status: 201,
        sample: (s) => [...s.credentials.values()].map((c) => c.wire),
      },
    },
    {
      method: 'GET',
      path: '/credentials/types',
      handler: () => ok({ types: [...CREDENTIAL_TYPES] }),
      doc: { summary: 'Get list of Credential Types', status: 200, sample: () => [{ types: [...CREDENTIAL_TYPES] }] },
    },
    {
      method: 'POST',
      path: '/credentials/authenticate',
      handler: (req) => ok(store().authenticate(me(req), body(req))),
      doc: {
        summary: 'Authenticate against a remote host',
        body: {
          properties: { url: 'string', remoteHostType: 'string', username: 'string', password: 'string' },
          required: ['url', 'remoteHostType', 'username', 'password'],
        },
        status: 200,
        sample: (s) => [...s.credentials.values()].map((c) => c.wire),
      },
    },
    {
      method: 'GET',
      path: '/credentials/{id}',
      handler: (req) => ok(store().credential(pathId(req), me(req)).wire),
      doc: { summary: 'Get a credential', status: 200, sample: (s) => [...s.credentials.values()].map((c) => c.wire) },
    },
    {
      method: 'PUT',
      path: '/credentials/{id}',
      handler: (req) => ok(store().updateCredential(me(req), pathId(req), body(req), true)),
      doc: {
        summary: 'Update an existing credential',
        body: { properties: CREDENTIAL_BODY, required: ['type', 'username', 'password'] },
        status: 200,
        sample: (s) => [...s.credentials.values()].map((c) => c.wire),
      },
    },
    {
      method: 'PATCH',
      path: '/credentials/{id}',
      handler: (req) => ok(store().updateCredential(me(req), pathId(req), body(req), false)),
      doc: {
        summary: 'Update some attributes of a credential',
        body: { properties: CREDENTIAL_BODY },
        status: 200,
        sample: (s) => [...s.credentials.values()].map((c) => c.wire),
      },
    },
    {
      method: 'DELETE',
      path: '/credentials/{id}',
      handler: (req) => {
        store().deleteCredential(me(req), pathId(req));
        return { status: 204 };
      },
      doc: { summary: 'Delete a credential', status: 204 },
    },
  ];
}
