/**
 * Not public: list arguments several Civis lists share, read into the query parameters Civis documents for them
 * (docs/upstreams.md §7.2). Each refuses, before any call, a value or a combination Civis cannot take.
 */
import type { InputMaybe } from '../../generated/resolvers.js';
import { badInput, quote } from '../../core/errors.js';
import { flag } from './shared.js';

/** The states Civis's `status` filters scripts and imports on (besides `scheduled`); never QUEUED or CANCELLED. */
const RUN_STATUSES = new Set(['running', 'failed', 'succeeded', 'idle']);
/** The states Civis's `state` filters jobs on: a job's last run, so never IDLE. */
const JOB_STATES = new Set(['queued', 'running', 'succeeded', 'failed', 'cancelled']);
/** The job categories Civis's script list filters on. */
const SCRIPT_CATEGORIES = new Set(['script', 'import', 'export', 'enhancement']);
/** A feature flag's name, as Civis keys `featureFlags`. */
const FEATURE_FLAG = /^[A-Za-z0-9_]{1,100}$/;

/**
 * Civis's `archived` from the Boolean `archived` or `archivedFilter` (whose internal values are Civis's words), at
 * most one of them. `false` and `true` go as booleans whichever argument gave them, so both spellings share cursors.
 */
export function archivedParam(args: { archived?: InputMaybe<boolean>; archivedFilter?: InputMaybe<string> }): boolean | 'all' | undefined {
  if (args.archived != null && args.archivedFilter != null) {
    throw badInput('Pass either "archived" or "archivedFilter", not both: they set the same Civis filter.', { param: 'archivedFilter' });
  }
  if (args.archivedFilter == null) return flag(args.archived);
  return args.archivedFilter === 'all' ? 'all' : args.archivedFilter === 'true';
}

/** Civis's `permission` from `manageable` (its `manage` alone) or `permission`, at most one of them. */
export function permissionParam(args: { manageable?: InputMaybe<boolean>; permission?: InputMaybe<string> }): string | undefined {
  if (args.manageable != null && args.permission != null) {
    throw badInput('Pass either "manageable" or "permission", not both: they set the same Civis filter.', { param: 'permission' });
  }
  return args.permission ?? (args.manageable ? 'manage' : undefined);
}

/**
 * Civis's `status` of scripts and imports: the states it documents (RUNNING, FAILED, SUCCEEDED, IDLE) as its comma
 * list, or `scheduled` for `scheduled: true`. Civis cannot list jobs without a schedule, and its one list would read
 * states and `scheduled` together as either-or, so `scheduled: false` and both arguments at once are refused.
 */
export function runStatusParam(
  status: InputMaybe<string[]> | undefined,
  scheduled: InputMaybe<boolean> | undefined,
  list: string,
): string | undefined {
  if (scheduled === false) {
    throw badInput(`Argument "scheduled" takes true only: Civis cannot list ${list} without a schedule.`, { param: 'scheduled' });
  }
  if (scheduled && status?.length) {
    throw badInput(`Pass either "status" or "scheduled": Civis reads them as one filter on ${list}.`, { param: 'scheduled' });
  }
  if (scheduled) return 'scheduled';
  if (!status || status.length === 0) return undefined;
  status.forEach((s, i) => {
    if (!RUN_STATUSES.has(s)) {
      throw badInput(
        `Argument "status" lists ${s.toUpperCase()}; Civis filters ${list} on RUNNING, FAILED, SUCCEEDED and IDLE (and "scheduled").`,
        { param: `status[${i}]` },
      );
    }
  });
  return status.join(',');
}

/** Civis's `state` of jobs: the states it documents, as its comma list (IDLE refused). */
export function jobStateParam(state: InputMaybe<string[]> | undefined): string | undefined {
  if (!state || state.length === 0) return undefined;
  state.forEach((s, i) => {
    if (!JOB_STATES.has(s)) {
      throw badInput(`Argument "state" lists ${s.toUpperCase()}; Civis filters jobs on QUEUED, RUNNING, SUCCEEDED, FAILED and CANCELLED.`, {
        param: `state[${i}]`,
      });
    }
  });
  return state.join(',');
}

/** Civis's `category` of scripts: one of the categories it documents. */
export function scriptCategoryParam(category: InputMaybe<string> | undefined): string | undefined {
  if (!category) return undefined;
  if (!SCRIPT_CATEGORIES.has(category)) {
    throw badInput(`Argument "category" must be one of ${[...SCRIPT_CATEGORIES].join(', ')}, got ${quote(category)}.`, {
      param: 'category',
    });
  }
  return category;
}

/** Civis's `feature_flag` of users: a flag's name. */
export function featureFlagParam(name: InputMaybe<string> | undefined): string | undefined {
  if (name == null) return undefined;
  if (!FEATURE_FLAG.test(name)) {
    throw badInput(`Argument "featureFlag" must be a feature flag's name (letters, digits and "_"), got ${quote(name)}.`, {
      param: 'featureFlag',
    });
  }
  return name;
}
