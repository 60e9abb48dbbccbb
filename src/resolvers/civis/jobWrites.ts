/**
 * Civis job writes beyond scripts: cancelling a run (`Mutation.cancelCivisRun`), imports (`createCivisImport`,
 * `updateCivisImport`), reports (`createCivisReport`, `updateCivisReport`), and archiving any archivable Civis object
 * (`archiveCivisObject`: jobs, scripts, imports, projects, reports).
 */
import type { CivisImportEndpointInput, InputMaybe, Resolvers, UpdateCivisImportInput } from '../../generated/resolvers.js';
import type { NodeTypeName } from '../../relay/ids.js';
import type { CivisArchivable } from '../../upstreams/civis/client.js';
import type { CivisImport, CivisImportDetail, CivisJobRunParent, CivisReport } from '../../upstreams/civis/jobTypes.js';
import type { Context } from '../context.js';
import { payload, pointing } from '../userErrors.js';
import { call } from './shared.js';
import { Problems, finished, refusal } from './writeChecks.js';

/** Tags an object with its schema type, for fields typed `Node`. */
function asNode<T extends object>(obj: T, type: NodeTypeName): T {
  return Object.assign(Object.create(Object.getPrototypeOf(obj) as object) as object, obj, { __typename: type }) as T;
}

const ARCHIVABLE: Record<string, { kind: CivisArchivable; type: NodeTypeName }> = {
  CivisScript: { kind: 'jobs', type: 'CivisScript' },
  CivisImport: { kind: 'jobs', type: 'CivisImport' },
  CivisJob: { kind: 'jobs', type: 'CivisJob' },
  CivisProject: { kind: 'projects', type: 'CivisProject' },
  CivisReport: { kind: 'reports', type: 'CivisReport' },
};

/** An import endpoint as Civis's body takes it; null when the input is null. */
function endpointBody(
  ctx: Context,
  p: Problems,
  param: string,
  e: InputMaybe<CivisImportEndpointInput> | undefined,
): Record<string, number | null> | null | undefined {
  if (e === undefined) return undefined;
  if (e === null) return null;
  return {
    remoteHostId: e.databaseId != null ? (p.id(ctx, `${param}.databaseId`, e.databaseId, 'CivisDatabase') ?? null) : null,
    credentialId: e.credentialId != null ? (p.id(ctx, `${param}.credentialId`, e.credentialId, 'Credential') ?? null) : null,
  };
}

/** An import endpoint read back, as a body that keeps it. */
function endpointOf(e: CivisImport['source']): Record<string, unknown> | null {
  return e ? { remoteHostId: e.remoteHostId, credentialId: e.credentialId, additionalCredentials: e.additionalCredentials ?? [] } : null;
}

/** The job writes' part of the resolver map. */
export const jobWriteResolvers: Resolvers = {
  Mutation: {
    cancelCivisRun: (_p, { input }, ctx) =>
      payload(
        async () => {
          const [jobId, runId] = ctx.services.codec.decode(input.runId, ['CivisJobRun'], 'input.runId').localId.split(':').map(Number) as [
            number,
            number,
          ];
          await pointing(
            () => ctx.services.civis.cancelJobRun(call(ctx), jobId, runId),
            () => 'input.runId',
          ).catch(finished('run'));
          return { ...(await ctx.services.civis.getJobRun(call(ctx), jobId, runId)), jobId };
        },
        (run): { run: CivisJobRunParent | null } => ({ run }),
        { run: null },
      ),
    archiveCivisObject: (_p, { input }, ctx) =>
      payload(
        async () => {
          const { type, localId } = ctx.services.codec.decode(input.id, Object.keys(ARCHIVABLE) as NodeTypeName[], 'input.id');
          const target = ARCHIVABLE[type]!;
          const archived = await pointing(
            () => ctx.services.civis.archive<object>(call(ctx), target.kind, Number(localId), input.archived !== false),
            () => 'input.id',
          );
          // Civis answers the job's common view; a script or an import is read back in its own shape.
          const obj =
            target.kind === 'jobs' && type !== 'CivisJob'
              ? await ctx.services.civis.get<object>(call(ctx), type === 'CivisScript' ? 'scripts' : 'imports', Number(localId))
              : archived;
          return asNode(obj, target.type);
        },
        (node): { node: object | null } => ({ node }),
        { node: null },
      ) as never,
    createCivisImport: (_p, { input }, ctx) =>
      payload(
        () => {
          const p = new Problems();
          p.name('input.name', input.name, true);
          const body: Record<string, unknown> = { name: input.name, syncType: input.syncType, isOutbound: input.isOutbound };
          const source = endpointBody(ctx, p, 'input.source', input.source);
          const destination = endpointBody(ctx, p, 'input.destination', input.destination);
          if (source) body['source'] = source;
          if (destination) body['destination'] = destination;
          if (input.hidden != null) body['hidden'] = input.hidden;
          p.throwIfAny();
          return pointing(
            () => ctx.services.civis.createImport<CivisImportDetail>(call(ctx), body),
            refusal(undefined, [
              ['input.source', 'source'],
              ['input.destination', 'destination'],
              ['input.syncType', 'syncType'],
            ]),
          );
        },
        (imp): { import: CivisImport | null } => ({ import: imp }),
        { import: null },
      ),
    updateCivisImport: (_p, { input }, ctx) =>
      payload(
        async () => {
          const p = new Problems();
          const id = p.id(ctx, 'input.id', input.id, 'CivisImport');
          p.name('input.name', input.name, false);
          const keys: (keyof UpdateCivisImportInput)[] = ['name', 'syncType', 'isOutbound', 'source', 'destination'];
          if (keys.every((k) => input[k] === undefined)) p.add('input', 'input changes nothing; pass at least one field to update.');
          const source = endpointBody(ctx, p, 'input.source', input.source);
          const destination = endpointBody(ctx, p, 'input.destination', input.destination);
          p.throwIfAny();
          // Civis replaces an import whole: what the input leaves out is read first and sent back unchanged.
          const current = await pointing(
            () => ctx.services.civis.get<CivisImport>(call(ctx), 'imports', id!),
            () => 'input.id',
          );
          const body: Record<string, unknown> = {
            name: input.name ?? current.name,
            syncType: input.syncType ?? current.syncType,
            isOutbound: input.isOutbound ?? current.isOutbound,
            source: source !== undefined ? source : endpointOf(current.source),
            destination: destination !== undefined ? destination : endpointOf(current.destination),
            schedule: current.schedule,
          };
          return pointing(
            () => ctx.services.civis.replaceImport<CivisImportDetail>(call(ctx), id!, body),
            refusal('input.id', [
              ['input.source', 'source'],
              ['input.destination', 'destination'],
              ['input.syncType', 'syncType'],
            ]),
          );
        },
        (imp): { import: CivisImport | null } => ({ import: imp }),
        { import: null },
      ),
    createCivisReport: (_p, { input }, ctx) =>
      payload(
        () => {
          const p = new Problems();
          p.name('input.name', input.name, false);
          const body: Record<string, unknown> = {};
          if (input.name != null) body['name'] = input.name;
          if (input.scriptId != null) body['scriptId'] = p.id(ctx, 'input.scriptId', input.scriptId, 'CivisScript');
          if (input.codeBody != null) body['codeBody'] = input.codeBody;
          if (input.hidden != null) body['hidden'] = input.hidden;
          p.throwIfAny();
          return pointing(
            () => ctx.services.civis.createReport<CivisReport>(call(ctx), body),
            // Civis checks the script and the name; a message that names neither is about the script when one was given.
            (e) =>
              refusal(undefined, [
                ['input.scriptId', 'scriptId', 'script'],
                ['input.name', 'name'],
              ])(e) ?? (input.scriptId != null ? 'input.scriptId' : undefined),
          );
        },
        (report): { report: CivisReport | null } => ({ report }),
        { report: null },
      ),
    updateCivisReport: (_p, { input }, ctx) =>
      payload(
        () => {
          const p = new Problems();
          const id = p.id(ctx, 'input.id', input.id, 'CivisReport');
          p.name('input.name', input.name, false);
          if (input.name == null && input.scriptId === undefined && input.codeBody == null)
            p.add('input', 'input changes nothing; pass at least one field to update.');
          const body: Record<string, unknown> = {};
          if (input.name != null) body['name'] = input.name;
          if (input.scriptId !== undefined)
            body['scriptId'] = input.scriptId === null ? null : p.id(ctx, 'input.scriptId', input.scriptId, 'CivisScript');
          if (input.codeBody != null) body['codeBody'] = input.codeBody;
          p.throwIfAny();
          return pointing(
            () => ctx.services.civis.updateReport<CivisReport>(call(ctx), id!, body),
            (e) =>
              refusal('input.id', [
                ['input.scriptId', 'scriptId', 'script'],
                ['input.name', 'name'],
              ])(e) ?? (input.scriptId != null ? 'input.scriptId' : undefined),
          );
        },
        (report): { report: CivisReport | null } => ({ report }),
        { report: null },
      ),
  },
};
