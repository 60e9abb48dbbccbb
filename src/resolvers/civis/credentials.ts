/**
 * Civis credentials: `Query.credentials`, civis-python's look-up helpers (`defaultCredential`, `awsCredential`,
 * `databaseCredential`), `Civis.credential`, the `Credential` type, and the credential writes.
 */
import { ENUM_VALUES } from '../enums.js';
import type { CredentialType, InputMaybe, Resolvers } from '../../generated/resolvers.js';
import { AugurError, ErrorCode, badInput, quote } from '../../core/errors.js';
import { CIVIS_LISTS, type CivisCredentialWrite, type CivisParams } from '../../upstreams/civis/client.js';
import type { CivisCredential } from '../../upstreams/civis/userTypes.js';
import type { Context } from '../context.js';
import { payload, pointing, refusalPointer, type NamedField } from '../userErrors.js';
import { call, civisId, connection, gid, loadCivis, lookupId, pid, states, userIds } from './shared.js';

const AWS = 'Amazon Web Services S3';
/** Credentials lists the helpers read in one page, as civis-python does with the server's default limit. */
const HELPER_LIMIT = 1000;
const OTHER = ENUM_VALUES.CredentialType.OTHER;
const DATABASE = ENUM_VALUES.CredentialType.DATABASE;
const CREDENTIAL_TYPES = new Set<string>(Object.values(ENUM_VALUES.CredentialType).filter((t) => t !== OTHER));

/** Input fields of the credential writes, and the words Civis's refusals name them by. */
const CREDENTIAL_FIELDS: readonly NamedField[] = [
  ['input.remoteHostId', 'remoteHostId', 'remote host'],
  ['input.username', 'username'],
  ['input.password', 'password'],
  ['input.default', 'default'],
  ['input.type', 'type'],
  ['input.state', 'state'],
  ['input.description', 'description'],
  ['input.name', 'name'],
];

/** Re-raises an error with a secret cut out of its message (Civis is not expected to echo a password, but never trusted to). */
async function withoutSecret<T>(secret: string | null | undefined, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (e) {
    if (secret && e instanceof Error && e.message.includes(secret)) {
      const message = e.message.split(secret).join('[REDACTED]');
      if (e instanceof AugurError) throw new AugurError(e.code, message, e.details);
      throw new AugurError(ErrorCode.UPSTREAM_ERROR, 'Civis Platform failed while handling the credential.', { platform: 'civis' });
    }
    throw e;
  }
}

/** The fields of a credential write as given, before Augur's checks. */
interface CredentialFields {
  type?: InputMaybe<CredentialType>;
  name?: InputMaybe<string>;
  username?: InputMaybe<string>;
  password?: InputMaybe<string>;
  description?: InputMaybe<string>;
  remoteHostId?: InputMaybe<string>;
  state?: InputMaybe<string>;
  default?: InputMaybe<boolean>;
}

/**
 * Checks a credential write and copies the given fields into Civis's body (`undefined` omitted; `null` kept only where
 * Civis accepts it as "clear"). Refuses, before any call: the OTHER type, a blank name, an empty password, and a
 * remote host that is no database id.
 */
function credentialBody(ctx: Context, input: CredentialFields): CivisCredentialWrite {
  // The generated type holds the enum's internal value (Civis's type name), as ENUM_VALUES maps it.
  const type = input.type as string | null | undefined;
  if (type === OTHER) throw badInput('input.type cannot be OTHER; pick the Civis type the credential is.', { param: 'input.type' });
  if (input.name != null && !input.name.trim()) {
    throw badInput('input.name is blank; give a name, or leave it out to name the credential after its username.', {
      param: 'input.name',
      reason: 'required',
    });
  }
  if (input.password === '') {
    throw badInput('input.password is empty; Civis needs the secret to store.', { param: 'input.password', reason: 'required' });
  }
  const out: CivisCredentialWrite = {};
  if (type != null) out.type = type;
  if (input.name != null) out.name = input.name;
  if (input.password != null) out.password = input.password;
  if (input.default != null) out.default = input.default;
  if (input.username !== undefined) out.username = input.username;
  if (input.description !== undefined) out.description = input.description;
  if (input.remoteHostId !== undefined)
    out.remoteHostId = input.remoteHostId === null ? null : civisId(ctx, input.remoteHostId, 'CivisDatabase', 'input.remoteHostId');
  if (input.state !== undefined) out.state = input.state;
  return out;
}

/** Where a refusal of a credential write points: NOT_FOUND at the credential, others at the field Civis names. */
const credentialRefusal = (notFound: string | undefined) => refusalPointer(notFound, CREDENTIAL_FIELDS);

/** One page of the key's credentials narrowed by `params`, as the helpers read it. */
function credentialsPage(ctx: Context, params: CivisParams, limit: number) {
  return ctx.civis.list<CivisCredential>(CIVIS_LISTS.credentials, params, 0, limit);
}

export const credentialResolvers: Resolvers = {
  Query: {
    credentials: (_p, args, ctx) => {
      if (args.default === false) {
        throw badInput('Civis can only narrow credentials to the default one: pass default: true, or leave default out to list them all.', {
          param: 'default',
        });
      }
      if (args.type?.some((t) => (t as string) === OTHER))
        throw badInput('type cannot include OTHER: Civis lists credentials by the types it names.', { param: 'type' });
      if (args.name != null && args.name.length > 200)
        throw badInput('name may have at most 200 characters.', { param: 'name', limit: 'maxNameLength', max: 200 });
      const params: CivisParams = {
        type: states(args.type),
        name: args.name || undefined,
        users: userIds(ctx, args.owner, 'owner'),
        default: args.default === true ? true : undefined,
        remote_host_id: args.remoteHost != null ? civisId(ctx, args.remoteHost, 'CivisDatabase', 'remoteHost') : undefined,
        system_credentials: args.systemCredentials === true ? true : undefined,
      };
      return connection<CivisCredential>(ctx, 'credentials', CIVIS_LISTS.credentials, params, args, args.orderBy);
    },
  },
  Mutation: {
    createCredential: (_p, { input }, ctx) =>
      payload(
        () => {
          const body = credentialBody(ctx, input);
          if (body.type === DATABASE) {
            if (!input.username?.trim())
              throw badInput('input.username is required for a Database credential.', { param: 'input.username', reason: 'required' });
            if (body.remoteHostId == null) {
              throw badInput('input.remoteHostId is required for a Database credential: the global id of its CivisDatabase.', {
                param: 'input.remoteHostId',
                reason: 'required',
              });
            }
          }
          return pointing(
            () => withoutSecret(input.password, () => ctx.services.civis.createCredential(call(ctx), body)),
            credentialRefusal(undefined),
          );
        },
        (credential): { credential: CivisCredential | null } => ({ credential }),
        { credential: null },
      ),
    updateCredential: (_p, { input }, ctx) =>
      payload(
        () => {
          const id = civisId(ctx, input.id, 'Credential', 'input.id');
          const { id: _id, ...fields } = input;
          const body = credentialBody(ctx, fields);
          if (Object.keys(body).length === 0)
            throw badInput('input changes nothing; pass at least one field to update.', { param: 'input' });
          return pointing(
            () => withoutSecret(input.password, () => ctx.services.civis.updateCredential(call(ctx), id, body)),
            credentialRefusal('input.id'),
          );
        },
        (credential): { credential: CivisCredential | null } => ({ credential }),
        { credential: null },
      ),
    deleteCredential: (_p, { input }, ctx) =>
      payload(
        async () => {
          const id = civisId(ctx, input.id, 'Credential', 'input.id');
          await pointing(() => ctx.services.civis.deleteCredential(call(ctx), id), credentialRefusal('input.id'));
          return ctx.services.codec.encode('Credential', String(id));
        },
        (deletedId): { deletedId: string | null } => ({ deletedId }),
        { deletedId: null },
      ),
  },
  Civis: {
    defaultCredential: async (_r, _a, ctx) => {
      const page = await credentialsPage(ctx, { default: true }, 1);
      return page.items[0] ?? null;
    },
    awsCredential: async (_r, { name, owner }, ctx) => {
      const page = await credentialsPage(ctx, { type: AWS }, HELPER_LIMIT);
      let found = page.items.filter((c) => c.name === name);
      if (owner != null) found = found.filter((c) => c.owner === owner);
      if (found.length === 0) {
        throw new AugurError(
          ErrorCode.NOT_FOUND,
          `Civis has no AWS credential named ${quote(name)}${owner != null ? ` owned by ${quote(owner)}` : ''} that this key can read.`,
          { platform: 'civis' },
        );
      }
      if (found.length > 1 && owner == null) {
        // As civis-python: several owners share the name, so prefer the caller's own.
        const me = await ctx.civis.me();
        const mine = found.filter((c) => c.owner === me.username);
        if (mine.length === 0) {
          const owners = [...new Set(found.map((c) => quote(c.owner)))].join(', ');
          throw badInput(
            `The AWS credential name ${quote(name)} is ambiguous: it is owned by ${owners}, none of them you (${quote(me.username)}). Pass owner.`,
            { param: 'owner' },
          );
        }
        found = mine;
      }
      return found[0]!;
    },
    databaseCredential: async (_r, { username, database, databaseName }, ctx) => {
      if ((database == null) === (databaseName == null)) {
        throw badInput('Pass exactly one of "database" (a global id) and "databaseName".', {
          param: database == null ? 'database' : 'databaseName',
        });
      }
      let match: (c: CivisCredential) => boolean;
      if (database != null) {
        const hostId = civisId(ctx, database, 'CivisDatabase', 'database');
        match = (c) => c.remoteHostId === hostId;
      } else match = (c) => c.remoteHostName === databaseName;
      const page = await credentialsPage(ctx, { type: 'Database' }, HELPER_LIMIT);
      const found = page.items.find((c) => c.username === username && match(c));
      if (!found) {
        throw new AugurError(
          ErrorCode.NOT_FOUND,
          `Civis has no Database credential for username ${quote(username)} on database ${quote(database ?? databaseName)} that this key can read.`,
          { platform: 'civis' },
        );
      }
      return found;
    },
    credential: (_r, args, ctx) => loadCivis(ctx, 'Credential', lookupId(ctx, args, 'Credential')),
  },
  Credential: {
    id: gid('Credential'),
    platformId: pid,
    type: (c) => (CREDENTIAL_TYPES.has(c.type) ? c.type : OTHER) as never,
    typeName: (c) => c.type,
    owner: (c) => c.user,
    ownerUsername: (c) => c.owner,
    remoteHost: (c, _a, ctx) => (c.remoteHostId != null ? loadCivis(ctx, 'CivisDatabase', c.remoteHostId) : null),
    default: (c) => c.default === true,
    oauth: (c) => c.oauth === true,
  },
};
