/**
 * Internal to the Civis emulator: the deterministic seed (fixed base date, seeded PRNG, no clock), assembled from the
 * resource seeds under seed/, and the tiny SQL "engine" that answers queries from the seeded tables.
 */
import { seededRandom } from '../framework/util.js';
import type { SeedData } from './records.js';
import { buildTables } from './seed/tables.js';
import { ORGANIZATION, buildUsers, buildDatabases, CREDENTIALS, buildCredentials } from './seed/accounts.js';
import { buildJobs } from './seed/jobs.js';
import { MODEL_TYPES, buildModels } from './seed/models.js';
import { buildProjects, buildFiles, buildReports, buildQueries } from './seed/workspace.js';

export { SEED_BASE_MS, SEED_IDS, UNSCHEDULED } from './seed/base.js';
export { cellValue, runSql } from './seed/tables.js';

/** Builds the whole seed; calling it twice gives equal data (it is what `reset` restores). */
export function buildSeed(): SeedData {
  const rnd = seededRandom(0xc1715);
  const users = buildUsers();
  const databases = buildDatabases();
  const tables = buildTables(rnd);
  const credentials = buildCredentials(users, databases, rnd);
  const { jobs, nextRun } = buildJobs();
  const { models, predictions } = buildModels(users, tables);
  const reports = buildReports(users, jobs);
  const { queries, nextRun: afterQueries } = buildQueries({ tables }, nextRun);
  return {
    users,
    credentials,
    databases,
    tables,
    jobs,
    models,
    modelTypes: MODEL_TYPES,
    predictions,
    projects: buildProjects(),
    files: buildFiles(),
    queries,
    reports,
    nextIds: { credential: 1001 + CREDENTIALS.length, run: afterQueries, query: 6006, file: 8005, project: 7005, job: 5105, report: 9004 },
    organization: ORGANIZATION,
  };
}
