/**
 * Civis wire types as the emulator serves them (camelCase JSON, field lists taken from the response schemas of the
 * vendor's published Swagger document): users, credentials and databases.
 */
import type { CivisGroupRef, CivisUserRef } from './common.js';

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

export interface CivisDatabase {
  id: number;
  name: string;
  adapter: string;
  clusterIdentifier: string | null;
  host: string;
  port: number;
  databaseName: string;
  managed: boolean;
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
