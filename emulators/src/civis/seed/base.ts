/**
 * Internal to the Civis emulator: the fixed base date every seeded time is an offset from, the seeded ids, and the schedules.
 */
import type { CivisSchedule } from '../types/common.js';

export const SEED_BASE_MS = Date.UTC(2026, 0, 5, 9, 0, 0);
export const HOUR = 3_600_000;

export function at(hours: number): string {
  return new Date(SEED_BASE_MS + hours * HOUR).toISOString();
}

/** Ids a test or a gateway demo can rely on. */
export const SEED_IDS = {
  me: 4257,
  bob: 4258,
  carol: 4259,
  databases: { redshiftGeneral: 32, postgresAnalytics: 45, redshiftSandbox: 61 },
  /** `public.customers` on `redshift-general`. */
  customersTable: 2001,
  /** Job (a SQL script) with no run at all, so `POST /jobs/{id}/runs` succeeds. */
  idleJob: 5005,
  /** Job whose last run succeeded, so `POST /jobs/{id}/runs` succeeds. */
  finishedJob: 5001,
  /** Job whose last run is still `running`, so `POST /jobs/{id}/runs` is 409. */
  runningJob: 5002,
  /** Job whose last run is `queued`. */
  queuedJob: 5004,
} as const;

/** The schedule of a job that runs only when asked. */
export const UNSCHEDULED: CivisSchedule = {
  scheduled: false,
  scheduledDays: [],
  scheduledHours: [],
  scheduledMinutes: [],
  scheduledRunsPerHour: null,
  scheduledDaysOfMonth: [],
};

export const NIGHTLY: CivisSchedule = {
  scheduled: true,
  scheduledDays: [0, 1, 2, 3, 4, 5, 6],
  scheduledHours: [2],
  scheduledMinutes: [30],
  scheduledRunsPerHour: null,
  scheduledDaysOfMonth: [],
};
