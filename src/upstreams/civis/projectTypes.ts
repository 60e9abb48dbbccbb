/** Civis wire types of projects (`/projects/`) and of the objects a project lists. */
import type { CivisUserRef, CivisRun } from './types.js';

export interface CivisProjectObjectRef {
  id: number;
  name: string;
}

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

/** Mapper of `CivisProjectObject`: one entry of a project's `allObjects`. */
export type CivisProjectObjectShape = CivisProjectDetail['allObjects'][number];
