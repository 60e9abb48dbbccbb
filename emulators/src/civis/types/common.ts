/**
 * Wire types of the Civis Platform API as the emulator serves them: camelCase JSON, field lists taken from the
 * response schemas of the vendor's published Swagger document, one file per resource group under types/. This one
 * holds what every resource embeds: the error envelope, user and group references, runs, schedules and project
 * references.
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

export interface CivisProjectObjectRef {
  id: number;
  name: string;
}
