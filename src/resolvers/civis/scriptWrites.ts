/**
 * Civis script writes: `Mutation.createCivisScript` and `updateCivisScript`, for SQL, Python, R and container scripts,
 * with the settings they share (parameters, arguments, schedule, notifications) checked before Civis sees them.
 */
import type {
  CivisNotificationsInput,
  CivisScheduleInput,
  CivisScriptArgumentInput,
  CivisScriptParamInput,
  InputMaybe,
  Resolvers,
} from '../../generated/resolvers.js';
import { badInput, quote } from '../../core/errors.js';
import type { CivisScript, CivisScriptDetail } from '../../upstreams/civis/jobTypes.js';
import { payload, pointing, type NamedField } from '../userErrors.js';
import { call, loadCivis } from './shared.js';
import { Problems, refusal } from './writeChecks.js';

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

/** The script writes' part of the resolver map. */
export const scriptWriteResolvers: Resolvers = {
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
  },
};
