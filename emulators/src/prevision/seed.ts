/**
 * Seed data of the Prevision emulator: two projects, each with datasets, a classification and a regression
 * experiment, trained versions and models, plus two deployed models with one API key each and a few bulk
 * predictions. Everything derives from fixed dates and seeded PRNGs, so ids and values are identical on every run
 * and after every reset. {@link PREVISION_DEMO} exposes the ids and credentials tests and gateways rely on. What each
 * organization holds is under seed/.
 */
import { ObjectIdFactory, type PlatformData } from './store.js';
import type { Profile, UserRef } from './types.js';
import { DAY, SEED_BASE_MS, iso } from './seed/base.js';
import { seedBuilder } from './seed/builder.js';
import { seedFirstOrganization, seedSecondOrganization } from './seed/organizations.js';
import { seedPipelines } from './seed/pipelines.js';

/** Ids, names and credentials of the seed, for tests and demo banners. */
export interface PrevisionDemo {
  masterToken: string;
  user: { id: string; email: string };
  projects: Array<{ id: string; name: string; datasetIds: string[]; experimentIds: string[] }>;
  deployments: Array<{
    id: string;
    name: string;
    projectId: string;
    trainingType: 'classification' | 'regression';
    target: string;
    /** Feature names `/predict` expects (the order `/inputs` lists them). */
    features: string[];
    /** Classification only. */
    classes: string[] | null;
    modelId: string;
    apiKeyId: string;
    clientId: string;
    clientSecret: string;
    predictionIds: string[];
  }>;
}

export const DEFAULT_MASTER_TOKEN = 'augur-demo-prevision';
/** A second organization's master token, with data of its own (another user, project and deployment). */
export const SECOND_MASTER_TOKEN = 'augur-demo-prevision-2';
/** The 5-byte process part of the second organization's ids, so that no id of one organization is valid in the other. */
export const SECOND_ORG_MACHINE = 'b7c02d4e91';

/** Which organization's data a seed builds. */
export type SeedOrganization = 'first' | 'second';

/**
 * Builds the seed from scratch (a fresh object graph each call, so resets never share state with a previous run).
 * The first organization is the demo one; the second ({@link SECOND_MASTER_TOKEN}) has one project of its own.
 */
export function buildSeed(ids: ObjectIdFactory, org: SeedOrganization = 'first'): PlatformData {
  const second = org === 'second';
  const userId = ids.next(SEED_BASE_MS - 30 * DAY);
  const analystId = ids.next(SEED_BASE_MS - 29 * DAY);
  const demoUser: UserRef = { _id: userId, email: second ? 'bob@globex.example' : 'demo@augur.example' };
  const analyst: UserRef = { _id: analystId, email: second ? 'carol@globex.example' : 'analyst@augur.example' };
  const profile: Profile = {
    _id: userId,
    email: demoUser.email,
    first_name: second ? 'Bob' : 'Ada',
    last_name: second ? 'Analyst' : 'Demo',
    company: second ? 'Globex' : 'Augur',
    roles: ['admin'],
    created_at: iso(SEED_BASE_MS - 30 * DAY),
  };

  const data: PlatformData = {
    profile,
    projects: [],
    datasets: [],
    experiments: [],
    versions: [],
    models: [],
    deployments: [],
    apiKeys: [],
    predictions: [],
  };
  const b = seedBuilder(ids, data, { userId, demoUser, analyst });
  if (second) {
    seedSecondOrganization(b);
    return data;
  }
  // Pipelines last, so the ids of everything else stay what they were before pipelines existed.
  seedPipelines(ids, data, userId, seedFirstOrganization(b));
  return data;
}

function describeSeed(data: PlatformData): PrevisionDemo {
  return {
    masterToken: DEFAULT_MASTER_TOKEN,
    user: { id: data.profile._id, email: data.profile.email },
    projects: data.projects.map((p) => ({
      id: p._id,
      name: p.name,
      datasetIds: data.datasets.filter((d) => d.wire.project_id === p._id).map((d) => d.wire._id),
      experimentIds: data.experiments.filter((e) => e.project_id === p._id).map((e) => e._id),
    })),
    deployments: data.deployments.map((d) => {
      const model = data.models.find((m) => m.wire._id === d.models[0]!._id)!;
      const key = data.apiKeys.find((k) => k.wire.deployment_id === d._id)!;
      const scorer = model.scorer!;
      return {
        id: d._id,
        name: d.name,
        projectId: d.project_id,
        trainingType: scorer.trainingType,
        target: scorer.target,
        features: scorer.features.map((f) => f.name),
        classes: scorer.classes ? [...scorer.classes] : null,
        modelId: model.wire._id,
        apiKeyId: key.wire._id,
        clientId: key.wire.service_account_client_id,
        clientSecret: key.secret,
        predictionIds: data.predictions.filter((p) => p.wire.deployment_id === d._id).map((p) => p.wire._id),
      };
    }),
  };
}

/** The seed's ids, names and demo credentials (computed once; identical to what every emulator instance serves). */
export const PREVISION_DEMO: PrevisionDemo = describeSeed(buildSeed(new ObjectIdFactory()));
