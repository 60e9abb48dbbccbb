/**
 * Internal to the Civis emulator: the seeded organization, users, databases and credentials.
 */
import type { CivisDatabase } from '../types/accounts.js';
import type { CivisGroupRef } from '../types/common.js';
import type { CredentialRecord, UserRecord } from '../records.js';
import { at } from './base.js';

export const ORGANIZATION = { id: 104, name: 'Augur Demo Org', slug: 'augur-demo' };

const GROUPS: Record<string, CivisGroupRef> = {
  ds: { id: 4867, name: 'Data Science', slug: 'data-science', organizationId: 104, organizationName: ORGANIZATION.name },
  eng: { id: 4868, name: 'Engineering', slug: 'engineering', organizationId: 104, organizationName: ORGANIZATION.name },
  lead: { id: 4869, name: 'Leadership', slug: 'leadership', organizationId: 104, organizationName: ORGANIZATION.name },
};

export function buildUsers(): Map<number, UserRecord> {
  const rows: Array<[number, string, string, boolean, string[], string[], string | null, string | null, boolean]> = [
    // id, name, username, online, groups, roles, title, department, active
    [4257, 'Ada Demo', 'ada.demo', true, ['ds'], ['sdm'], 'Data Scientist', 'Analytics', true],
    [4258, 'Bob Analyst', 'bob.analyst', false, ['ds'], ['sdm'], 'Analyst', 'Analytics', true],
    [4259, 'Carol Engineer', 'carol.eng', true, ['eng'], ['sdm'], 'Data Engineer', 'Platform', true],
    [4260, 'Dan Viewer', 'dan.viewer', false, ['ds'], [], 'Program Manager', 'Programs', true],
    [4261, 'Erin Admin', 'erin.admin', true, ['eng', 'lead'], ['admin', 'sdm'], 'Head of Data', 'Platform', true],
    [4262, 'Frank Ops', 'frank.ops', false, ['eng'], [], 'Operations', 'Platform', false],
  ];
  const out = new Map<number, UserRecord>();
  rows.forEach(([id, name, username, online, groups, roles, title, department, active], i) => {
    const initials = name
      .split(' ')
      .map((p) => p[0])
      .join('')
      .toUpperCase();
    out.set(id, {
      id,
      name,
      username,
      email: `${username}@example.com`,
      initials,
      online,
      active,
      accountStatus: active ? 'active' : 'inactive',
      roles,
      groups: groups.map((g) => GROUPS[g]!),
      createdAt: at(-24 * 400 + i * 24 * 30),
      lastSeenAt: active ? at(24 * 60 + i) : null,
      title,
      department,
      timeZone: 'America/Chicago',
      featureFlags: { table_param: false, python_3_scripts: true, container_scripts: true, civis_ml: true, notebooks: i % 2 === 0 },
      ref: { id, name, username, initials, online },
    });
  });
  return out;
}

export function buildDatabases(): Map<number, CivisDatabase> {
  const list: CivisDatabase[] = [
    {
      id: 32,
      name: 'redshift-general',
      adapter: 'redshift',
      clusterIdentifier: 'redshift-general-cluster',
      host: 'redshift-general.emulator.local',
      port: 5439,
      databaseName: 'dev',
      managed: true,
    },
    {
      id: 45,
      name: 'postgres-analytics',
      adapter: 'postgresql',
      clusterIdentifier: null,
      host: 'postgres-analytics.emulator.local',
      port: 5432,
      databaseName: 'analytics',
      managed: false,
    },
    {
      id: 61,
      name: 'redshift-sandbox',
      adapter: 'redshift',
      clusterIdentifier: 'redshift-sandbox-cluster',
      host: 'redshift-sandbox.emulator.local',
      port: 5439,
      databaseName: 'sandbox',
      managed: true,
    },
  ];
  return new Map(list.map((d) => [d.id, d]));
}

/** [owner, type, name, username, remoteHostId, default, private to owner] */
type CredSeed = [number, string, string, string | null, number | null, boolean, boolean];

export const CREDENTIALS: CredSeed[] = [
  [4257, 'Database', 'ada_demo', 'ada_demo', 32, true, false],
  [4257, 'Database', 'ada_demo', 'ada_demo', 45, false, false],
  [4257, 'Database', 'ada_demo', 'ada_demo', 61, false, false],
  [4258, 'Database', 'bob_analyst', 'bob_analyst', 32, false, false],
  [4258, 'Database', 'bob_analyst', 'bob_analyst', 45, true, false],
  [4258, 'Database', 'bob_analyst', 'bob_analyst', 61, false, false],
  [4259, 'Database', 'carol_eng', 'carol_eng', 32, true, false],
  [4259, 'Database', 'carol_eng', 'carol_eng', 45, false, false],
  [4259, 'Database', 'carol_eng', 'carol_eng', 61, false, false],
  [4259, 'Database', 'etl_service', 'etl_service', 32, false, false],
  [4258, 'Database', 'reporting_ro', 'reporting_ro', 45, false, false],
  [4257, 'Amazon Web Services S3', 'aws-analytics', 'AKIAEMULATOR0ADA0001', null, false, false],
  [4258, 'Amazon Web Services S3', 'aws-analytics', 'AKIAEMULATOR0BOB0001', null, false, false],
  [4259, 'Amazon Web Services S3', 'aws-archive', 'AKIAEMULATOR0CAR0001', null, false, false],
  [4257, 'Amazon Web Services S3', 'aws-ml-artifacts', 'AKIAEMULATOR0ADA0002', null, false, false],
  [4259, 'Amazon Web Services S3', 'aws-ml-artifacts', 'AKIAEMULATOR0CAR0002', null, false, false],
  [4258, 'Amazon Web Services S3', 'aws-exports', 'AKIAEMULATOR0BOB0002', null, false, false],
  [4259, 'Amazon Web Services S3', 'aws-sandbox', 'AKIAEMULATOR0CAR0003', null, false, false],
  [4257, 'Custom', 'mailchimp-api', 'ada@mailchimp', null, false, false],
  [4257, 'Custom', 'slack-webhook', null, null, false, false],
  [4258, 'Custom', 'sftp-partner-acme', 'acme_drop', null, false, false],
  [4258, 'Custom', 'vendor-x-api-key', 'vendor-x', null, false, false],
  [4259, 'Custom', 'snowplow-collector', 'snowplow', null, false, false],
  [4259, 'Custom', 'pagerduty-token', null, null, false, false],
  [4257, 'Custom', 'geocoder-api', 'geo-ada', null, false, false],
  [4258, 'Custom', 'survey-platform', 'bob-surveys', null, false, false],
  [4257, 'Github', 'github-ada', 'ada-demo', null, false, false],
  [4258, 'Github', 'github-bob', 'bob-analyst', null, false, false],
  [4259, 'Github', 'github-carol', 'carol-eng', null, false, true],
  [4259, 'Github', 'github-ci-bot', 'augur-ci-bot', null, false, false],
  [4257, 'Github', 'github-models-repo', 'ada-demo', null, false, false],
  [4257, 'Google', 'google-sheets-ada', 'ada.demo@example.com', null, false, false],
  [4258, 'Google', 'google-analytics-bob', 'bob.analyst@example.com', null, false, false],
  [4259, 'Google', 'google-bigquery-svc', 'bq-svc@augur-demo.iam', null, false, false],
  [4258, 'Salesforce User', 'salesforce-bob', 'bob@salesforce.example', null, false, true],
  [4257, 'Salesforce User', 'salesforce-ada', 'ada@salesforce.example', null, false, false],
];

export function buildCredentials(
  users: Map<number, UserRecord>,
  dbs: Map<number, CivisDatabase>,
  rnd: () => number,
): Map<number, CredentialRecord> {
  const out = new Map<number, CredentialRecord>();
  CREDENTIALS.forEach(([ownerId, type, name, username, hostId, isDefault, isPrivate], i) => {
    const id = 1001 + i;
    const owner = users.get(ownerId)!;
    const createdH = i * 7;
    // Updates land up to three weeks later, so updated_at order differs from id order.
    const updatedH = createdH + Math.floor(rnd() * 24 * 21);
    out.set(id, {
      ownerId,
      password: `seed-password-${id}`,
      sharedWith: isPrivate ? [] : 'all',
      system: false,
      wire: {
        id,
        name,
        type,
        username,
        description: type === 'Database' ? `${owner.name} on ${dbs.get(hostId!)!.name}` : null,
        owner: owner.username,
        user: owner.ref,
        remoteHostId: hostId,
        remoteHostName: hostId === null ? null : dbs.get(hostId)!.name,
        state: null,
        createdAt: at(createdH),
        updatedAt: at(updatedH),
        default: isDefault,
        oauth: type === 'Github' || type === 'Google',
      },
    });
  });
  return out;
}
