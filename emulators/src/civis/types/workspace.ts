/**
 * Civis wire types as the emulator serves them (camelCase JSON, field lists taken from the response schemas of the
 * vendor's published Swagger document): projects, files, queries and reports.
 */
import type { CivisProjectObjectRef, CivisRun, CivisUserRef } from './common.js';

/** `GET /projects/`. */
export interface CivisProject {
  id: number;
  author: CivisUserRef;
  name: string;
  description: string | null;
  users: CivisUserRef[];
  autoShare: boolean;
  createdAt: string;
  updatedAt: string;
  archived: boolean;
}

export interface CivisProjectDetail extends CivisProject {
  tables: Array<{ schema: string; name: string; rowCount: number; columnCount: number; createdAt: string; updatedAt: string }>;
  surveys: unknown[];
  scripts: Array<{
    id: number;
    createdAt: string;
    updatedAt: string;
    name: string;
    type: string;
    finishedAt: string | null;
    state: string;
    lastRun: CivisRun | null;
  }>;
  imports: Array<{
    id: number;
    createdAt: string;
    updatedAt: string;
    name: string;
    type: string;
    finishedAt: string | null;
    state: string;
    lastRun: CivisRun | null;
  }>;
  exports: unknown[];
  models: Array<{ id: number; createdAt: string; updatedAt: string; name: string; state: string; lastRun: CivisRun | null }>;
  notebooks: unknown[];
  services: unknown[];
  workflows: unknown[];
  reports: Array<{ id: number; createdAt: string; updatedAt: string; name: string; state: string }>;
  scriptTemplates: unknown[];
  files: CivisProjectFileRef[];
  enhancements: unknown[];
  projects: CivisProjectObjectRef[];
  allObjects: Array<{
    projectId: number;
    objectId: number;
    objectType: string;
    fcoType: string;
    subType: string;
    name: string;
    icon: string;
    author: string;
    updatedAt: string;
    archived: boolean;
  }>;
  note: string | null;
  canCurrentUserEnableAutoShare: boolean;
  hidden: boolean;
  parentProject: CivisProjectObjectRef | null;
  myPermissionLevel: string;
}

/** `POST /files/` answer. */
export interface CivisFileCreated {
  id: number;
  name: string;
  createdAt: string;
  /** 0 until the upload lands. */
  fileSize: number;
  expiresAt: string | null;
  description: string | null;
  uploadUrl: string;
  uploadFields: Record<string, string>;
  myPermissionLevel: string;
}

/** `POST /files/multipart`: the file record plus one presigned-style part URL per part, in part order. */
export interface CivisMultipartFileCreated {
  id: number;
  name: string;
  createdAt: string;
  /** 0 until the upload is completed. */
  fileSize: number;
  expiresAt: string | null;
  description: string | null;
  /** `PUT` each part's bytes to its URL (no auth), then `POST /files/multipart/{id}/complete`. */
  uploadUrls: string[];
}

/** `GET /files/{id}`, `PUT` and `PATCH /files/{id}`. */
export interface CivisFile {
  id: number;
  name: string;
  createdAt: string;
  /** 0 while the file has no content. */
  fileSize: number;
  /** `null`: kept indefinitely. */
  expiresAt: string | null;
  description: string | null;
  author: CivisUserRef;
  /** A presigned-style URL that needs no auth; `null` while the file has no content. */
  downloadUrl: string | null;
  /** The same URL as `downloadUrl` (civis-python downloads through this one, without auth). */
  fileUrl: string | null;
  detectedInfo: {
    includeHeader: boolean | null;
    columnDelimiter: string | null;
    compression: string | null;
    tableColumns: Array<{ name: string; sqlType: string }>;
  };
  myPermissionLevel: string;
}

/** `GET /queries/`, `GET /queries/{id}`, `POST /queries/`. */
export interface CivisQuery {
  id: number;
  database: number;
  sql: string;
  credential: number;
  resultRows: string[][] | null;
  resultColumns: string[] | null;
  error: string | null;
  startedAt: string | null;
  finishedAt: string | null;
  state: string;
  scriptId: number | null;
  exception: string | null;
  createdAt: string;
  updatedAt: string;
  lastRunId: number;
  hidden: boolean;
  archived: boolean;
  name: string | null;
  author: CivisUserRef;
  previewRows: number;
  reportId: number | null;
}

/** `POST /queries/` answers the query with the CSV options its result file is written with. */
export interface CivisQueryCreated extends CivisQuery {
  myPermissionLevel: string;
  interactive: boolean;
  includeHeader: boolean;
  compression: string;
  columnDelimiter: string;
  unquoted: boolean;
  filenamePrefix: string | null;
}

/** A file as `GET /projects/{project_id}` lists it. */
export interface CivisProjectFileRef {
  id: number;
  createdAt: string;
  updatedAt: string;
  name: string;
  fileName: string;
  fileSize: number | null;
  expired: boolean;
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
