/**
 * Internal to the Prevision emulator: what each organization's seed holds. The first (the demo one) has two projects
 * with two deployed models and three bulk predictions; the second has one project of its own with one deployed model.
 */
import { DAY, HOUR, SEED_BASE_MS } from './base.js';
import type { SeedBuilder } from './builder.js';
import {
  CHURN_FEATURES,
  CHURN_HINTS,
  CUSTOMER_ID,
  HOUSE_FEATURES,
  HOUSE_HINTS,
  LEAD_FEATURES,
  LEAD_HINTS,
  VALUE_HINTS,
  generateTable,
} from './tables.js';

/** The deployment the first organization's pipelines score with, and the project that holds both. */
export interface FirstOrganizationSeed {
  churnProjectId: string;
  churnDeploymentId: string;
}

/**
 * Seeds the demo organization's projects: customer churn and real estate, each with datasets, a classification and
 * a regression experiment, one deployed model with its API key, and bulk predictions.
 */
export function seedFirstOrganization(b: SeedBuilder): FirstOrganizationSeed {
  const { project, dataset, experiment, version, deployment, prediction } = b;
  // Project 1: customer churn (classification deployed) and lifetime value (regression).
  const churnProject = project('Customer churn', 'Who is about to leave, and what is each customer worth', '#16D92C', SEED_BASE_MS);
  const churnTrain = dataset(
    churnProject,
    'churn_train',
    generateTable(
      101,
      40,
      [CUSTOMER_ID, ...CHURN_FEATURES],
      { name: 'churn', stats: { kind: 'classification', classes: ['yes', 'no'], positiveRate: 0.3 }, hints: CHURN_HINTS },
      ['customer_id'],
    ),
    SEED_BASE_MS + 1 * HOUR,
  );
  const churnScoring = dataset(
    churnProject,
    'churn_scoring',
    generateTable(102, 12, [CUSTOMER_ID, ...CHURN_FEATURES]),
    SEED_BASE_MS + 2 * HOUR,
  );
  const valueTrain = dataset(
    churnProject,
    'customer_value_train',
    generateTable(103, 40, CHURN_FEATURES, {
      name: 'lifetime_value',
      stats: { kind: 'regression', mean: 2400, std: 900 },
      hints: VALUE_HINTS,
    }),
    SEED_BASE_MS + 3 * HOUR,
  );
  const churnExp = experiment(churnProject, 'Churn prediction', 'classification', SEED_BASE_MS + 1 * DAY);
  const churnV1 = version(churnExp, churnTrain, 'churn', SEED_BASE_MS + 1 * DAY + HOUR, {
    description: 'baseline',
    idColumn: 'customer_id',
    hints: CHURN_HINTS,
  });
  const churnV2 = version(churnExp, churnTrain, 'churn', SEED_BASE_MS + 3 * DAY, {
    description: 'more estimators',
    parent: churnV1.version,
    idColumn: 'customer_id',
    hints: CHURN_HINTS,
  });
  const valueExp = experiment(churnProject, 'Customer lifetime value', 'regression', SEED_BASE_MS + 2 * DAY);
  version(valueExp, valueTrain, 'lifetime_value', SEED_BASE_MS + 2 * DAY + HOUR, { description: 'baseline', hints: VALUE_HINTS });

  // Project 2: real estate (regression deployed) and lead conversion (classification).
  const estateProject = project(
    'Real estate',
    'Price estimates and lead scoring for the agency network',
    '#0099E6',
    SEED_BASE_MS + 4 * DAY,
  );
  const housesTrain = dataset(
    estateProject,
    'houses_train',
    generateTable(201, 40, HOUSE_FEATURES, { name: 'price_keur', stats: { kind: 'regression', mean: 320, std: 140 }, hints: HOUSE_HINTS }),
    SEED_BASE_MS + 4 * DAY + HOUR,
  );
  const housesScoring = dataset(estateProject, 'houses_scoring', generateTable(202, 12, HOUSE_FEATURES), SEED_BASE_MS + 4 * DAY + 2 * HOUR);
  const leadsTrain = dataset(
    estateProject,
    'leads_train',
    generateTable(203, 40, LEAD_FEATURES, {
      name: 'converted',
      stats: { kind: 'classification', classes: ['yes', 'no'], positiveRate: 0.25 },
      hints: LEAD_HINTS,
    }),
    SEED_BASE_MS + 4 * DAY + 3 * HOUR,
  );
  const houseExp = experiment(estateProject, 'House price', 'regression', SEED_BASE_MS + 5 * DAY);
  const houseV1 = version(houseExp, housesTrain, 'price_keur', SEED_BASE_MS + 5 * DAY + HOUR, {
    description: 'baseline',
    hints: HOUSE_HINTS,
  });
  const leadExp = experiment(estateProject, 'Lead conversion', 'classification', SEED_BASE_MS + 6 * DAY);
  version(leadExp, leadsTrain, 'converted', SEED_BASE_MS + 6 * DAY + HOUR, { description: 'baseline', hints: LEAD_HINTS });

  // Deployed models, one API key each, and bulk predictions (done and failed).
  const churnModel = churnV2.models[0]!;
  const churnDep = deployment(churnProject, churnExp, churnV2.version, churnModel, 'churn-api', SEED_BASE_MS + 7 * DAY, {
    clientId: 'augur-demo-churn-client',
    secret: 'augur-demo-churn-secret',
  });
  const houseModel = houseV1.models[0]!;
  const houseDep = deployment(estateProject, houseExp, houseV1.version, houseModel, 'house-price-api', SEED_BASE_MS + 8 * DAY, {
    clientId: 'augur-demo-house-client',
    secret: 'augur-demo-house-secret',
  });
  prediction(churnDep, churnModel, churnScoring, SEED_BASE_MS + 9 * DAY, 'done');
  prediction(churnDep, churnModel, churnTrain, SEED_BASE_MS + 9 * DAY + HOUR, 'failed');
  prediction(houseDep, houseModel, housesScoring, SEED_BASE_MS + 10 * DAY, 'done');
  return { churnProjectId: churnProject._id, churnDeploymentId: churnDep._id };
}

/** Seeds the second organization: one project, rent estimates (regression deployed), one bulk prediction. */
export function seedSecondOrganization(b: SeedBuilder): void {
  const { project, dataset, experiment, version, deployment, prediction } = b;
  const rentProject = project('Rental pricing', 'Monthly rent estimates for the letting desk', '#E69500', SEED_BASE_MS + 2 * DAY);
  const rentTrain = dataset(
    rentProject,
    'rentals_train',
    generateTable(301, 30, HOUSE_FEATURES, { name: 'rent_eur', stats: { kind: 'regression', mean: 1100, std: 350 }, hints: HOUSE_HINTS }),
    SEED_BASE_MS + 2 * DAY + HOUR,
  );
  const rentScoring = dataset(rentProject, 'rentals_scoring', generateTable(302, 10, HOUSE_FEATURES), SEED_BASE_MS + 2 * DAY + 2 * HOUR);
  const rentExp = experiment(rentProject, 'Rent estimate', 'regression', SEED_BASE_MS + 3 * DAY);
  const rentV1 = version(rentExp, rentTrain, 'rent_eur', SEED_BASE_MS + 3 * DAY + HOUR, { description: 'baseline', hints: HOUSE_HINTS });
  const rentModel = rentV1.models[0]!;
  const rentDep = deployment(rentProject, rentExp, rentV1.version, rentModel, 'rent-api', SEED_BASE_MS + 4 * DAY, {
    clientId: 'augur-demo-rent-client',
    secret: 'augur-demo-rent-secret',
  });
  prediction(rentDep, rentModel, rentScoring, SEED_BASE_MS + 5 * DAY, 'done');
}
