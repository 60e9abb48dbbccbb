/** Civis wire types of users (`/users/`, `/users/me`) and of the credentials they own (`/credentials/`). */
import type { CivisUserRef, CivisGroupRef } from './types.js';

/** `GET /credentials/`, `GET /credentials/{id}`. The password is never part of it. */
export interface CivisCredential {
  id: number;
  name: string;
  type: string;
  username: string | null;
  description: string | null;
  /** Username of the owner (the SDK's `get_aws_credential_id` filters on it). */
  owner: string;
  user: CivisUserRef;
  remoteHostId: number | null;
  remoteHostName: string | null;
  state: string | null;
  createdAt: string;
  updatedAt: string;
  default: boolean;
  oauth: boolean;
}

export interface CivisUserSummary {
  id: number;
  user: string;
  name: string;
  email: string;
  active: boolean;
  primaryGroupId: number;
  groups: CivisGroupRef[];
  createdAt: string;
  currentSignInAt: string | null;
  updatedAt: string;
  lastSeenAt: string | null;
  suspended: boolean;
  createdById: number | null;
  lastUpdatedById: number | null;
  unconfirmedEmail: string | null;
  accountStatus: string;
}

export interface CivisUserDetail extends CivisUserSummary {
  initials: string;
  city: string | null;
  state: string | null;
  timeZone: string;
  department: string | null;
  title: string | null;
  githubUsername: string | null;
  robot: boolean;
  phone: string | null;
  organizationSlug: string;
  myPermissionLevel: string;
}

/** `GET /users/me`. */
export interface CivisMe {
  id: number;
  name: string;
  email: string;
  username: string;
  initials: string;
  lastCheckedAnnouncements: string;
  featureFlags: Record<string, boolean>;
  roles: string[];
  preferences: Record<string, unknown>;
  customBranding: string | null;
  primaryGroupId: number;
  groups: CivisGroupRef[];
  organizationName: string;
  organizationSlug: string;
  organizationDefaultThemeId: number | null;
  createdAt: string;
  signInCount: number;
  assumingRole: boolean;
  roleAssumer: Record<string, unknown>;
  assumingAdmin: boolean;
  assumingAdminExpiration: string | null;
  superadminModeExpiration: string | null;
  disableNonCompliantFedrampFeatures: boolean;
  personaRole: string | null;
  createdById: number | null;
  lastUpdatedById: number | null;
}

/**
 * A user in whichever shape a Civis answer carried it: the short `{id, name, username, initials, online}` embedded in
 * credentials, jobs and projects, a `GET /users/` summary, `GET /users/{id}`, or `GET /users/me`. Only `id` is
 * certain; resolvers load `GET /users/{id}` (once per user and request) for a field the shape at hand lacks.
 */
export type CivisUserParent = { id: number } & Partial<Omit<CivisUserRef, 'id'>> &
  Partial<Omit<CivisUserDetail, 'id'>> &
  Partial<Omit<CivisMe, 'id'>>;
