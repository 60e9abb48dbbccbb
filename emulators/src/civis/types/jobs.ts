/**
 * Civis wire types as the emulator serves them (camelCase JSON, field lists taken from the response schemas of the
 * vendor's published Swagger document): jobs, scripts and imports, and what their runs produce.
 */
import type { CivisRun, CivisSchedule, CivisUserRef } from './common.js';

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

/** A script as `POST /scripts/{sql|python3|r|containers}` and their PATCH answer it; containers add their image. */
export interface CivisTypedScript extends CivisScriptDetail {
  dockerImageName?: string;
  dockerImageTag?: string;
  dockerCommand?: string;
  repoHttpUri?: string | null;
  requiredResources?: Record<string, unknown>;
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

/** `GET /jobs/{id}/runs/{run_id}/outputs`: one thing a run produced (a query's run: its result file). */
export interface CivisRunOutput {
  objectType: string;
  objectId: number;
  name: string;
  link: string;
  value: string | null;
}
