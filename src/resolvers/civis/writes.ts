/**
 * The Civis writes beyond credentials, runs and queries: scripts by language, imports, projects and their objects,
 * reports, table metadata, file uploads, cancelling runs and queries, and archiving. Augur's own checks run first
 * and report every problem of the input at once; Civis's refusals become user errors pointed at an input field.
 */
import type {
  CivisImportEndpointInput,
  CivisNotificationsInput,
  CivisScheduleInput,
  CivisScriptArgumentInput,
  CivisScriptParamInput,
  InputMaybe,
  Resolvers,
  UpdateCivisImportInput,
} from '../../generated/resolvers.js';
import type { NodeTypeName } from '../../relay/ids.js';
import { AugurError, ErrorCode, InputErrors, badInput, quote } from '../../core/errors.js';
import type { CivisArchivable, CivisProjectMember } from '../../upstreams/civis/client.js';
import type {
  CivisFile,
  CivisImport,
  CivisImportDetail,
  CivisJobRunParent,
  CivisProject,
  CivisQuery,
  CivisReport,
  CivisScript,
  CivisScriptDetail,
  CivisTableSummary,
} from '../../upstreams/civis/types.js';
import type { Context } from '../context.js';
import { fieldNamedIn, payload, pointing, type NamedField } from '../userErrors.js';
import { call, civisId, loadCivis } from './shared.js';

const MAX_NAME = 255;

/** Collects the input's problems, so every one is reported at once. */
class Problems {
  private readonly list: AugurError[] = [];
  add(param: string, message: string, reason?: 'required'): void {
    this.list.push(badInput(message, { param, ...(reason ? { reason } : {}) }));
  }
  /** A name that must not be blank (`required`: it must be given too). */
  name(param: string, value: InputMaybe<string> | undefined, required: boolean): void {
    if (value == null) {
      if (required) this.add(param, `${param} is required.`, 'required');
    } else if (!value.trim()) this.add(param, `${param} must not be blank.`, 'required');
    else if (value.length > MAX_NAME) this.add(param, `${param} may have at most ${MAX_NAME} characters, got ${value.length}.`);
  }
  /** A global id of one of `types`, decoded; undefined (and a problem recorded) when it is not one. */
  id(ctx: Context, param: string, value: string, types: NodeTypeName | readonly NodeTypeName[]): number | undefined {
    try {
      return civisId(ctx, value, types, param);
    } catch (e) {
      if (e instanceof AugurError) this.list.push(new AugurError(e.code, e.message, { ...e.details, param }));
      else throw e;
      return undefined;
    }
  }
  throwIfAny(): void {
    if (this.list.length === 1) throw this.list[0]!;
    if (this.list.length > 1) throw new InputErrors(this.list);
  }
}

/** What Civis's messages call each input field, for pointing its refusals. */
function refusal(idField: string | undefined, fields: readonly NamedField[]) {
  return (e: AugurError) => (e.code === ErrorCode.NOT_FOUND && idField ? idField : fieldNamedIn(e.message, fields));
}

/** Civis's 409 on a cancel: the run or query has already finished. */
function finished(what: string) {
  return (e: unknown): never => {
    if (e instanceof AugurError && e.details.upstreamStatus === 409) {
      throw new AugurError(
        ErrorCode.UPSTREAM_ERROR,
        `The ${what} has already finished; only a queued or running one can be cancelled.`,
        e.details,
      );
    }
    throw e;
  };
}

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

const PROJECT_MEMBERS: Record<string, CivisProjectMember> = {
  CivisScript: 'jobs',
  CivisJob: 'jobs',
  CivisImport: 'imports',
  CivisReport: 'reports',
  CivisFile: 'files',
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

/** The parameter types Civis takes no default for. */
const NO_DEFAULT = new Set(['credential_aws', 'credential_redshift', 'credential_custom']);
const PARAM_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;
const MAX_PARAMS = 100;

/** A script's `params`, `arguments`, `schedule` and `notifications` as given to create or update it. */
interface ScriptSettingsInput {
  params?: InputMaybe<CivisScriptParamInput[]>;
  arguments?: InputMaybe<CivisScriptArgumentInput[]>;
  schedule?: InputMaybe<CivisScheduleInput>;
  notifications?: InputMaybe<CivisNotificationsInput>;
}

/**
 * Checks a script's settings (recording every problem) and adds them to `body` as Civis takes them. `known` names
 * the parameters the arguments may set when `params` is not given (the script's current ones on update).
 */
function scriptSettings(p: Problems, input: ScriptSettingsInput, body: Record<string, unknown>, known: readonly string[]): void {
  let names = known;
  if (input.params != null) {
    if (input.params.length > MAX_PARAMS)
      p.add('input.params', `input.params takes at most ${MAX_PARAMS} parameters, got ${input.params.length}.`);
    const seen = new Set<string>();
    body['params'] = input.params.map((param, i) => {
      const at = `input.params.${i}`;
      if (!PARAM_NAME.test(param.name))
        p.add(
          `${at}.name`,
          `${at}.name must be a letter or "_" followed by letters, digits or "_" (at most 64), got ${quote(param.name)}.`,
        );
      else if (seen.has(param.name)) p.add(`${at}.name`, `${at}.name ${quote(param.name)} is declared twice.`);
      seen.add(param.name);
      if (param.type === '(other)') p.add(`${at}.type`, `${at}.type OTHER is not a type Civis takes; pass one of the others.`);
      if (param.default != null && (param.required || NO_DEFAULT.has(param.type)))
        p.add(`${at}.default`, `${at}.default is not allowed for a required parameter or a credential.`);
      if (param.allowedValues?.length === 0)
        p.add(`${at}.allowedValues`, `${at}.allowedValues is empty; omit it for a parameter that is not enumerable.`);
      const wire: Record<string, unknown> = { name: param.name, type: param.type };
      for (const k of ['label', 'description', 'required', 'value', 'default'] as const) if (param[k] != null) wire[k] = param[k];
      if (param.allowedValues) wire['allowedValues'] = param.allowedValues.map((c) => ({ label: c.label ?? c.value, value: c.value }));
      return wire;
    });
    names = input.params.map((x) => x.name);
  }
  if (input.arguments != null) {
    const args: Record<string, unknown> = {};
    input.arguments.forEach((a, i) => {
      const at = `input.arguments.${i}`;
      if (!names.includes(a.name))
        p.add(
          `${at}.name`,
          `${at}.name ${quote(a.name)} is not a parameter of the script (${names.length ? names.map(quote).join(', ') : 'it declares none'}).`,
        );
      else if (a.name in args) p.add(`${at}.name`, `${at}.name ${quote(a.name)} is given twice.`);
      const v: unknown = a.value;
      if (v !== null && typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean')
        p.add(`${at}.value`, `${at}.value must be a string, a number, a boolean or null.`);
      args[a.name] = v;
    });
    body['arguments'] = args;
  }
  const sch = input.schedule;
  if (sch != null) {
    const within = (field: 'daysOfWeek' | 'daysOfMonth' | 'hours' | 'minutes', min: number, max: number) => {
      const values = sch[field] ?? [];
      const bad = values.find((v) => v < min || v > max);
      if (bad !== undefined) p.add(`input.schedule.${field}`, `input.schedule.${field} takes values from ${min} to ${max}, got ${bad}.`);
      return [...new Set(values)].sort((a, b) => a - b);
    };
    const days = within('daysOfWeek', 0, 6);
    const daysOfMonth = within('daysOfMonth', 1, 31);
    if (days.length > 0 && daysOfMonth.length > 0)
      p.add('input.schedule.daysOfMonth', 'input.schedule takes daysOfWeek or daysOfMonth, not both.');
    body['schedule'] = {
      scheduled: sch.scheduled,
      scheduledDays: days,
      scheduledDaysOfMonth: daysOfMonth,
      scheduledHours: within('hours', 0, 23),
      scheduledMinutes: within('minutes', 0, 59),
    };
  }
  const n = input.notifications;
  if (n != null) {
    (n.urls ?? []).forEach((u, i) => {
      if (!/^https?:\/\//i.test(u)) p.add(`input.notifications.urls.${i}`, `input.notifications.urls.${i} must be an http or https URL.`);
    });
    if (n.stallWarningMinutes != null && (n.stallWarningMinutes < 1 || n.stallWarningMinutes > 10_080))
      p.add(
        'input.notifications.stallWarningMinutes',
        `input.notifications.stallWarningMinutes must be between 1 and 10080, got ${n.stallWarningMinutes}.`,
      );
    const wire: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(n)) if (v != null) wire[k] = v;
    body['notifications'] = wire;
  }
}

const SCRIPT_FIELDS: NamedField[] = [
  ['input.databaseId', 'remoteHostId'],
  ['input.credentialId', 'credentialId', 'credential'],
  ['input.sql', 'sql'],
  ['input.source', 'source'],
  ['input.dockerImageName', 'dockerImageName'],
  ['input.dockerCommand', 'dockerCommand'],
  ['input.name', 'name'],
];

/** The language segment of a script's typed routes, from its job type. */
const SEGMENT_OF_TYPE: Record<string, 'sql' | 'python3' | 'r' | 'containers'> = {
  'JobTypes::SqlRunner': 'sql',
  'JobTypes::PythonDocker': 'python3',
  'JobTypes::RDocker': 'r',
  'JobTypes::ContainerDocker': 'containers',
};

export const writeResolvers: Resolvers = {
  CivisProjectRef: {
    platformId: (p) => String(p.id),
  },
  Mutation: {
    createCivisScript: (_p, { input }, ctx) =>
      payload(
        () => {
          const p = new Problems();
          p.name('input.name', input.name, true);
          const lang = input.language;
          const only = (field: keyof typeof input, langs: string[]) => {
            if (input[field] != null && !langs.includes(lang)) p.add(`input.${field}`, `input.${field} does not apply to ${lang} scripts.`);
          };
          only('sql', ['sql']);
          only('databaseId', ['sql']);
          only('credentialId', ['sql']);
          only('source', ['python3', 'r']);
          for (const f of ['dockerImageName', 'dockerImageTag', 'dockerCommand', 'cpu', 'memory'] as const) only(f, ['containers']);
          const need = (field: 'sql' | 'source' | 'dockerImageName' | 'dockerCommand' | 'databaseId' | 'credentialId', langs: string[]) => {
            const v = input[field];
            if (langs.includes(lang) && (v == null || !v.trim()))
              p.add(`input.${field}`, `input.${field} is required for ${lang} scripts.`, 'required');
          };
          need('sql', ['sql']);
          need('databaseId', ['sql']);
          need('credentialId', ['sql']);
          need('source', ['python3', 'r']);
          need('dockerImageName', ['containers']);
          need('dockerCommand', ['containers']);
          for (const f of ['cpu', 'memory'] as const) {
            const v = input[f];
            if (v != null && (v < 1 || v > 1_000_000)) p.add(`input.${f}`, `input.${f} must be between 1 and 1000000, got ${v}.`);
          }
          const body: Record<string, unknown> = { name: input.name };
          if (input.hidden != null) body['hidden'] = input.hidden;
          if (lang === 'sql') {
            body['sql'] = input.sql;
            if (input.databaseId != null) body['remoteHostId'] = p.id(ctx, 'input.databaseId', input.databaseId, 'CivisDatabase');
            if (input.credentialId != null) body['credentialId'] = p.id(ctx, 'input.credentialId', input.credentialId, 'Credential');
          } else if (lang === 'containers') {
            body['dockerImageName'] = input.dockerImageName;
            body['dockerCommand'] = input.dockerCommand;
            if (input.dockerImageTag != null) body['dockerImageTag'] = input.dockerImageTag;
            body['requiredResources'] = { cpu: input.cpu ?? 1024, memory: input.memory ?? 2048 };
          } else body['source'] = input.source;
          scriptSettings(p, input, body, []);
          p.throwIfAny();
          return pointing(
            () => ctx.services.civis.createScript<CivisScriptDetail>(call(ctx), lang, body),
            refusal(undefined, SCRIPT_FIELDS),
          );
        },
        (script): { script: CivisScript | null } => ({ script }),
        { script: null },
      ),
    updateCivisScript: (_p, { input }, ctx) =>
      payload(
        async () => {
          const p = new Problems();
          const id = p.id(ctx, 'input.id', input.id, 'CivisScript');
          p.name('input.name', input.name, false);
          for (const f of ['sql', 'source', 'dockerImageName', 'dockerCommand'] as const) {
            const v = input[f];
            if (v != null && !v.trim()) p.add(`input.${f}`, `input.${f} must not be blank.`, 'required');
          }
          const fields = [
            'name',
            'sql',
            'source',
            'credentialId',
            'dockerImageName',
            'dockerCommand',
            'params',
            'arguments',
            'schedule',
            'notifications',
          ] as const;
          if (fields.every((f) => input[f] == null)) p.add('input', 'input changes nothing; pass at least one field to update.');
          const credentialId = input.credentialId != null ? p.id(ctx, 'input.credentialId', input.credentialId, 'Credential') : undefined;
          p.throwIfAny();
          const script = await pointing(
            () => loadCivis<CivisScriptDetail>(ctx, 'CivisScript', id!),
            () => 'input.id',
          );
          const segment = SEGMENT_OF_TYPE[script.type];
          if (!segment) throw badInput(`The script is a ${script.type}, which Augur does not update.`, { param: 'input.id' });
          const applies: Record<string, string[]> = {
            sql: ['sql'],
            credentialId: ['sql'],
            source: ['python3', 'r'],
            dockerImageName: ['containers'],
            dockerCommand: ['containers'],
          };
          for (const [f, langs] of Object.entries(applies)) {
            if (input[f as keyof typeof input] != null && !langs.includes(segment))
              p.add(`input.${f}`, `input.${f} does not apply to a ${segment} script.`);
          }
          const body: Record<string, unknown> = {};
          scriptSettings(
            p,
            input,
            body,
            (script.params ?? []).map((x) => x.name),
          );
          p.throwIfAny();
          for (const f of ['name', 'sql', 'source', 'dockerImageName', 'dockerCommand'] as const) if (input[f] != null) body[f] = input[f];
          if (credentialId !== undefined) body['credentialId'] = credentialId;
          return pointing(
            () => ctx.services.civis.updateScript<CivisScriptDetail>(call(ctx), segment, id!, body),
            refusal('input.id', SCRIPT_FIELDS),
          );
        },
        (script): { script: CivisScript | null } => ({ script }),
        { script: null },
      ),
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
    cancelCivisQuery: (_p, { input }, ctx) =>
      payload(
        async () => {
          const id = civisId(ctx, input.id, 'CivisQuery', 'input.id');
          const query = await pointing(
            () => ctx.services.civis.get<CivisQuery>(call(ctx), 'queries', id),
            () => 'input.id',
          );
          await pointing(
            () => ctx.services.civis.cancelQueryRun(call(ctx), id, query.lastRunId),
            () => 'input.id',
          ).catch(finished('query'));
          return ctx.services.civis.get<CivisQuery>(call(ctx), 'queries', id);
        },
        (query): { query: CivisQuery | null } => ({ query }),
        { query: null },
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
    updateCivisTable: (_p, { input }, ctx) =>
      payload(
        () => {
          const p = new Problems();
          const id = p.id(ctx, 'input.id', input.id, 'CivisTable');
          if (input.description === undefined && input.primaryKeys == null && input.lastModifiedKeys == null)
            p.add('input', 'input changes nothing; pass at least one field to update.');
          for (const f of ['primaryKeys', 'lastModifiedKeys'] as const) {
            const v = input[f];
            if (v && v.some((c) => !c.trim())) p.add(`input.${f}`, `input.${f} must name columns; one is blank.`);
            if (v && new Set(v).size !== v.length) p.add(`input.${f}`, `input.${f} names a column twice.`);
          }
          p.throwIfAny();
          const body: Record<string, unknown> = {};
          if (input.description !== undefined) body['description'] = input.description;
          if (input.primaryKeys != null) body['primaryKeys'] = input.primaryKeys;
          if (input.lastModifiedKeys != null) body['lastModifiedKeys'] = input.lastModifiedKeys;
          return pointing(
            () => ctx.services.civis.updateTable<CivisTableSummary>(call(ctx), id!, body),
            refusal('input.id', [
              ['input.primaryKeys', 'primaryKeys'],
              ['input.lastModifiedKeys', 'lastModifiedKeys'],
            ]),
          );
        },
        (table): { table: CivisTableSummary | null } => ({ table }),
        { table: null },
      ),
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
