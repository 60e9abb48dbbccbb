/**
 * Civis credentials: `Query.credentials`, civis-python's look-up helpers (`defaultCredential`, `awsCredential`,
 * `databaseCredential`), `Civis.credential`, the `Credential` type, and the credential writes.
 */
import { ENUM_VALUES } from '../enums.js';
import type { InputMaybe, Resolvers } from '../../generated/resolvers.js';
import { AugurError, ErrorCode, badInput, quote } from '../../core/errors.js';
import { CIVIS_LISTS, type CivisCredentialWrite, type CivisParams } from '../../upstreams/civis/client.js';
import type { CivisCredential } from '../../upstreams/civis/types.js';
import type { Context } from '../context.js';
import { NUMERIC_ID, call, civisId, connection, date, gid, loadCivis, states, userIds } from './shared.js';

const AWS = 'Amazon Web Services S3';
/** Credentials lists the helpers read in one page, as civis-python does with the server's default limit. */
const HELPER_LIMIT = 1000;
const CREDENTIAL_TYPES = new Set<string>(Object.values(ENUM_VALUES.CredentialType));

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

/** Copies the given fields (`undefined` omitted; `null` kept only where Civis accepts it as "clear"). */
function credentialBody(input: {
  type?: InputMaybe<string>;
  name?: InputMaybe<string>;
  username?: InputMaybe<string>;
  password?: InputMaybe<string>;
  description?: InputMaybe<string>;
  remoteHostId?: InputMaybe<number>;
  state?: InputMaybe<string>;
  default?: InputMaybe<boolean>;
}): CivisCredentialWrite {
  const out: CivisCredentialWrite = {};
  if (input.type != null) out.type = input.type;
  if (input.name != null) out.name = input.name;
  if (input.password != null) out.password = input.password;
  if (input.default != null) out.default = input.default;
  if (input.username !== undefined) out.username = input.username;
  if (input.description !== undefined) out.description = input.description;
  if (input.remoteHostId !== undefined) out.remoteHostId = input.remoteHostId;
  if (input.state !== undefined) out.state = input.state;
  return out;
}

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
      if (args.name != null && args.name.length > 200)
        throw badInput('name may have at most 200 characters.', { param: 'name', limit: 'maxNameLength', max: 200 });
      const params: CivisParams = {
        type: states(args.type),
        name: args.name || undefined,
        users: userIds(ctx, args.owner, 'owner'),
        default: args.default === true ? true : undefined,
        remote_host_id: args.remoteHostId ?? undefined,
      };
      return connection<CivisCredential>(ctx, 'credentials', CIVIS_LISTS.credentials, params, args, args.orderBy);
    },
  },
  Mutation: {
    createCredential: (_p, { input }, ctx) => {
      if (input.password === '') throw badInput('input.password is empty; Civis needs the secret to store.', { param: 'input.password' });
      return withoutSecret(input.password, () => ctx.services.civis.createCredential(call(ctx), credentialBody(input)));
    },
    updateCredential: (_p, { id, input }, ctx) => {
      const civis = civisId(ctx, id, 'Credential');
      const body = credentialBody(input);
      if (Object.keys(body).length === 0) throw badInput('input changes nothing; pass at least one field to update.', { param: 'input' });
      return withoutSecret(input.password, () => ctx.services.civis.updateCredential(call(ctx), civis, body));
    },
    deleteCredential: async (_p, { id }, ctx) => {
      const civis = civisId(ctx, id, 'Credential');
      await ctx.services.civis.deleteCredential(call(ctx), civis);
      return { deletedId: ctx.services.codec.encode('Credential', String(civis)) };
    },
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
          {
            platform: 'civis',
          },
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
            {
              param: 'owner',
            },
          );
        }
        found = mine;
      }
      return found[0]!;
    },
    databaseCredential: async (_r, { username, database }, ctx) => {
      let match: (c: CivisCredential) => boolean;
      if (NUMERIC_ID.test(database) || ctx.services.codec.tryDecode(database)) {
        const hostId = civisId(ctx, database, 'CivisDatabase', 'database');
        match = (c) => c.remoteHostId === hostId;
      } else match = (c) => c.remoteHostName === database;
      const page = await credentialsPage(ctx, { type: 'Database' }, HELPER_LIMIT);
      const found = page.items.find((c) => c.username === username && match(c));
      if (!found) {
        throw new AugurError(
          ErrorCode.NOT_FOUND,
          `Civis has no Database credential for username ${quote(username)} on database ${quote(database)} that this key can read.`,
          {
            platform: 'civis',
          },
        );
      }
      return found;
    },
    credential: (_r, { id }, ctx) => loadCivis(ctx, 'Credential', civisId(ctx, id, 'Credential')),
  },
  Credential: {
    id: gid('Credential'),
    civisId: (c) => c.id,
    type: (c) => (CREDENTIAL_TYPES.has(c.type) ? c.type : null) as never,
    typeName: (c) => c.type,
    owner: (c) => c.user ?? null,
    ownerUsername: (c) => c.owner ?? null,
    default: (c) => c.default === true,
    oauth: (c) => c.oauth === true,
    createdAt: (c) => date(c.createdAt),
    updatedAt: (c) => date(c.updatedAt),
  },
};
