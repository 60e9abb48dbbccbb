/**
 * What the entity cache keeps of Civis and what each Civis write makes stale (docs/caching.md). Types are Civis's
 * collections, plus `runs` (a job's runs). Route templates are those the client logs.
 *
 * Scripts, imports, models and predictions are jobs in Civis (one id space: `GET /jobs/{id}` reads any of them), a
 * project's detail lists its objects, and a report carries its script's name and SQL, so a write to any of them
 * changes the others' views: a run started or cancelled changes its job's `state` and `lastRun` wherever the job is
 * read. Those writes drop the whole family. Objects carry the names of their projects, so renaming a project drops
 * everything.
 */
import type { ObjectCacheRules } from '../objectCache.js';

/** The types of Civis reads the entity cache can hold (`AUGUR_ENTITY_CACHE_TTLS=civis.<type>=<seconds>`). */
export const CIVIS_CACHE_TYPES = [
  'credentials',
  'databases',
  'tables',
  'files',
  'imports',
  'jobs',
  'models',
  'predictions',
  'projects',
  'queries',
  'reports',
  'scripts',
  'users',
  'runs',
] as const;

/** A job and everything that shows it: its runs, the other views of the same id, the projects listing it, reports of its script. */
const JOB_FAMILY = ['jobs', 'scripts', 'imports', 'models', 'predictions', 'runs', 'projects', 'reports'] as const;

/** Civis's cache rules: reads by route, and what each write route changes. */
export const CIVIS_CACHE_RULES: ObjectCacheRules = {
  platform: 'civis',
  objects: {
    'GET /credentials/{id}': 'credentials',
    'GET /databases/{id}': 'databases',
    'GET /tables/{id}': 'tables',
    'GET /files/{id}': 'files',
    'GET /imports/{id}': 'imports',
    'GET /jobs/{id}': 'jobs',
    'GET /models/{id}': 'models',
    'GET /predictions/{id}': 'predictions',
    'GET /projects/{project_id}': 'projects',
    'GET /queries/{id}': 'queries',
    'GET /reports/{id}': 'reports',
    'GET /scripts/{id}': 'scripts',
    'GET /users/{id}': 'users',
    'GET /users/me': 'users',
    'GET /jobs/{id}/runs/{run_id}': 'runs',
  },
  lists: {
    'GET /credentials/': 'credentials',
    'GET /databases/': 'databases',
    'GET /databases/{id}/schemas': 'databases',
    'GET /tables/': 'tables',
    'GET /tables/{id}/columns': 'tables',
    'GET /files/': 'files',
    'GET /imports/': 'imports',
    'GET /jobs/': 'jobs',
    'GET /jobs/{id}/runs': 'runs',
    'GET /models/': 'models',
    'GET /predictions/': 'predictions',
    'GET /projects/': 'projects',
    'GET /queries/': 'queries',
    'GET /reports/': 'reports',
    'GET /scripts/': 'scripts',
    'GET /users/': 'users',
  },
  writes: {
    'POST /jobs/{id}/runs': JOB_FAMILY,
    'DELETE /jobs/{id}/runs/{run_id}': JOB_FAMILY,
    'PUT /jobs/{id}/archive': JOB_FAMILY,
    'POST /scripts/{language}': JOB_FAMILY,
    'PATCH /scripts/{language}/{id}': JOB_FAMILY,
    'POST /imports/': JOB_FAMILY,
    'PUT /imports/{id}': JOB_FAMILY,
    'PUT /jobs/{id}/projects/{project_id}': JOB_FAMILY,
    'DELETE /jobs/{id}/projects/{project_id}': JOB_FAMILY,
    'PUT /imports/{id}/projects/{project_id}': JOB_FAMILY,
    'DELETE /imports/{id}/projects/{project_id}': JOB_FAMILY,
    'POST /queries/': ['queries'],
    'DELETE /queries/{id}/runs/{run_id}': ['queries'],
    'POST /credentials/': ['credentials'],
    // Making a credential the default changes the others' `default`.
    'PATCH /credentials/{id}': ['credentials'],
    'DELETE /credentials/{id}': ['credentials'],
    'POST /projects/': ['projects'],
    // A project's name shows in every object it holds (`projects: [{id, name}]`).
    'PUT /projects/{project_id}': '*',
    'PUT /projects/{id}/archive': ['projects'],
    'POST /reports/': ['reports', 'projects'],
    'PATCH /reports/{id}': ['reports', 'projects'],
    'PUT /reports/{id}/archive': ['reports', 'projects'],
    'PUT /reports/{id}/projects/{project_id}': ['reports', 'projects'],
    'DELETE /reports/{id}/projects/{project_id}': ['reports', 'projects'],
    'POST /files/': ['files', 'projects'],
    'PUT /files/{id}/projects/{project_id}': ['files', 'projects'],
    'DELETE /files/{id}/projects/{project_id}': ['files', 'projects'],
    // A table's description and key columns: the table, its columns, and projects listing it.
    'PATCH /tables/{id}': ['tables', 'projects'],
  },
};
