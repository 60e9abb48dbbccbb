/**
 * Wire types of the Civis Platform API (upstreams.md §3): camelCase JSON as the platform answers it. The field lists
 * are the emulator's, which follow the vendor's published Swagger document; resolver parents map onto these.
 */
import type { CivisMe, CivisProjectDetail, CivisRun, CivisUserDetail, CivisUserRef } from '../../emulators/civis/types.js';

export type * from '../../emulators/civis/types.js';

/**
 * A user in whichever shape a Civis answer carried it: the short `{id, name, username, initials, online}` embedded in
 * credentials, jobs and projects, a `GET /users/` summary, `GET /users/{id}`, or `GET /users/me`. Only `id` is
 * certain; resolvers load `GET /users/{id}` (once per user and request) for a field the shape at hand lacks.
 */
export type CivisUserParent = { id: number } & Partial<Omit<CivisUserRef, 'id'>> & Partial<Omit<CivisUserDetail, 'id'>> & Partial<Omit<CivisMe, 'id'>>;

/** A run of a job (scripts and imports are jobs too), with the job it belongs to: its global id is `jobId:runId`. */
export type CivisJobRunParent = CivisRun & { jobId: number };

/** Mapper of `CivisProjectObject`: one entry of a project's `allObjects`. */
export type CivisProjectObjectShape = CivisProjectDetail['allObjects'][number];
