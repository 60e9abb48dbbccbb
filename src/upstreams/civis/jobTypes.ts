/**
 * Civis wire types of jobs and of what runs like one: scripts (`/scripts/`), imports (`/imports/`) and reports
 * (`/reports/`), with their runs' outputs and a run tied to its job.
 */
import type { CivisProjectObjectRef } from './projectTypes.js';
import type { CivisUserRef, CivisRun, CivisSchedule } from './types.js';

/** `GET /jobs/`. */
export interface CivisJob {
  id: number;
  name: string;
  type: string;
  fromTemplateId: number | null;
  state: string;
  createdAt: string;
  updatedAt: string;
  lastRun: CivisRun | null;
  archived: boolean;
  author: CivisUserRef;
  schedule: CivisSchedule;
}

/** `GET /jobs/{id}`. */
export interface CivisJobDetail extends CivisJob {
  runs: CivisRun[];
  hidden: boolean;
  successEmailSubject: string | null;
  successEmailBody: string | null;
  runningAsUser: string;
  runByUser: string;
}

/** A run of a job (scripts and imports are jobs too), with the job it belongs to: its global id is `jobId:runId`. */
export type CivisJobRunParent = CivisRun & { jobId: number };

/** `GET /jobs/{id}/runs/{run_id}/outputs`: one thing a run produced (a query's run: its result file). */
export interface CivisRunOutput {
  objectType: string;
  objectId: number;
  name: string;
  link: string;
  value: string | null;
}

/** `GET /scripts/`. */
export interface CivisScript {
  id: number;
  name: string;
  type: string;
  createdAt: string;
  updatedAt: string;
  author: CivisUserRef;
  state: string;
  finishedAt: string | null;
  category: string;
  projects: Array<{ id: number; name: string }>;
  parentId: number | null;
  isTemplate: boolean;
  fromTemplateId: number | null;
  templateScriptId: number | null;
  links: { details: string; runs: string };
  timeZone: string;
  lastRun: CivisRun | null;
  archived: boolean;
}

/** A parameter a script declares (`params` of a script's detail). */
export interface CivisScriptParamWire {
  name: string;
  label?: string | null;
  description?: string | null;
  type: string;
  required?: boolean | null;
  value?: string | null;
  default?: string | null;
  allowedValues?: Array<{ label?: string | null; value: string }> | null;
}

/** What a script sends after its runs. */
export interface CivisNotifications {
  urls: string[];
  successEmailSubject: string | null;
  successEmailBody: string | null;
  successEmailAddresses: string[];
  successEmailFromName: string | null;
  successEmailReplyTo: string | null;
  failureEmailAddresses: string[];
  stallWarningMinutes: number | null;
  successOn: boolean;
  failureOn: boolean;
}

export interface CivisScriptDetail extends CivisScript {
  hidden: boolean;
  schedule: CivisSchedule;
  params: CivisScriptParamWire[];
  arguments: Record<string, unknown>;
  notifications: CivisNotifications;
  runningAs: CivisUserRef;
  sql: string | null;
  source: string | null;
  expectedRuntime: number | null;
  myPermissionLevel: string;
}

/** `POST /scripts/{id}/cancel`. */
export interface CivisCancelResult {
  id: number;
  state: string;
  isCancelRequested: boolean;
}

export interface CivisImportEndpoint {
  remoteHostId: number | null;
  credentialId: number | null;
  additionalCredentials: number[];
  name: string;
}

export interface CivisImport {
  name: string;
  syncType: string;
  /** `null` when the import has none (an AutoImport has no source). */
  source: CivisImportEndpoint | null;
  destination: CivisImportEndpoint | null;
  schedule: CivisSchedule;
  id: number;
  isOutbound: boolean;
  jobType: string;
  state: string;
  createdAt: string;
  updatedAt: string;
  lastRun: CivisRun | null;
  user: CivisUserRef;
  timeZone: string;
  archived: boolean;
}

export interface CivisImportDetail extends CivisImport {
  hidden: boolean;
  parentId: number | null;
  runningAs: CivisUserRef;
  myPermissionLevel: string;
}

/** `GET /reports/`. */
export interface CivisReport {
  id: number;
  name: string;
  user: CivisUserRef;
  createdAt: string;
  updatedAt: string;
  type: string;
  archived: boolean;
  projects: CivisProjectObjectRef[];
  state: string;
  finishedAt: string | null;
  vizUpdatedAt: string | null;
  script: { id: number; name: string; sql: string } | null;
  jobPath: string | null;
  tableauId: number | null;
  templateId: number | null;
  authThumbnailUrl: string | null;
  lastRun: CivisRun | null;
}

export interface CivisReportDetail extends CivisReport {
  authDataUrl: string | null;
  authCodeUrl: string | null;
  config: string | null;
  validOutputFile: boolean;
  provideAPIKey: boolean;
  hidden: boolean;
  myPermissionLevel: string;
  appState: Record<string, unknown>;
  useViewersTableauUsername: boolean;
}
