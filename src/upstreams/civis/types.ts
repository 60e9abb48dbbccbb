/**
 * Wire types of the Civis Platform API (docs/upstreams.md §7 "Civis Platform"): camelCase JSON as the platform
 * answers it, field lists taken from the response schemas of the vendor's published Swagger document; resolver parents
 * map onto these. The emulator keeps its own copy (emulators/src/civis/types/): the gateway does not import the
 * emulators. This file holds the shapes every resource embeds (the error envelope, the short user and group objects, a
 * run, a schedule); each group of resources has its own file beside it: `userTypes.ts` (users, credentials),
 * `databaseTypes.ts` (databases, tables, queries), `jobTypes.ts` (jobs, scripts, imports, reports), `modelTypes.ts`,
 * `projectTypes.ts` and `fileTypes.ts`.
 */

/** The error envelope of every non-2xx answer. */
export interface CivisErrorBody {
  error: string;
  errorDescription: string;
  code: number;
}

/** The short user object embedded in credentials, projects, scripts... */
export interface CivisUserRef {
  id: number;
  name: string;
  username: string;
  initials: string;
  online: boolean;
}

export interface CivisGroupRef {
  id: number;
  name: string;
  slug: string;
  organizationId: number;
  organizationName: string;
}

/** A run as embedded in `lastRun` and served by `/jobs/{id}/runs`. */
export interface CivisRun {
  id: number;
  state: string;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  error: string | null;
}

export interface CivisSchedule {
  scheduled: boolean;
  scheduledDays: number[];
  scheduledHours: number[];
  scheduledMinutes: number[];
  scheduledRunsPerHour: number | null;
  scheduledDaysOfMonth: number[];
}
