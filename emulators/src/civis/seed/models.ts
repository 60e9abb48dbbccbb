/**
 * Internal to the Civis emulator: the seeded model types, models and predictions.
 */
import type { CivisRun } from '../types/common.js';
import type { CivisModelBuild, CivisModelType } from '../types/models.js';
import type { ModelRecord, PredictionRecord, TableRecord, UserRecord } from '../records.js';
import { at, UNSCHEDULED } from './base.js';
import { frozenRun } from './jobs.js';

export const MODEL_TYPES: CivisModelType[] = [
  { id: 1, algorithm: 'sparse_logistic', dvType: 'binary', fintAllowed: true },
  { id: 2, algorithm: 'gradient_boosting_classifier', dvType: 'binary', fintAllowed: false },
  { id: 3, algorithm: 'random_forest_regressor', dvType: 'continuous', fintAllowed: false },
  { id: 4, algorithm: 'sparse_linear_regressor', dvType: 'continuous', fintAllowed: true },
];

export function buildModels(
  users: Map<number, UserRecord>,
  tables: Map<number, TableRecord>,
): { models: Map<number, ModelRecord>; predictions: Map<number, PredictionRecord> } {
  const runOf = (id: number, state: string, hours: number, error: string | null = null): CivisRun => {
    const r = frozenRun(id, state, hours, error);
    return {
      id: r.id,
      state: r.state,
      createdAt: new Date(r.createdMs).toISOString(),
      startedAt: r.startedMs === null ? null : new Date(r.startedMs).toISOString(),
      finishedAt: r.finishedMs === null ? null : new Date(r.finishedMs).toISOString(),
      error,
    };
  };
  const build = (id: number, name: string, state: string, hours: number, binary: boolean, error: string | null = null): CivisModelBuild => {
    const done = state === 'succeeded';
    return {
      id,
      state,
      error,
      name,
      createdAt: at(hours),
      description: null,
      rootMeanSquaredError: done && !binary ? 412.37 : null,
      rSquaredError: done && !binary ? 0.61 : null,
      rocPoints:
        done && binary
          ? [
              { falsePositiveRate: 0, truePositiveRate: 0 },
              { falsePositiveRate: 0.2, truePositiveRate: 0.71 },
              { falsePositiveRate: 1, truePositiveRate: 1 },
            ]
          : [],
      rocAuc: done && binary ? 0.83 : null,
      averageLogLoss: done && binary ? 0.41 : null,
      fitDurationInSeconds: done ? 318 : null,
      outputLocation: done ? `s3://augur-demo-models/builds/${id}/` : null,
      transformationMetadata: null,
      lastRun: runOf(80000 + id, state, hours, error),
    };
  };
  // [id, name, tableId, credentialId, dv, modelTypeId, userId, builds, activeBuildId, archived, hours]
  const specs: Array<{
    id: number;
    name: string;
    table: number;
    cred: number;
    dv: string;
    type: number;
    user: number;
    builds: CivisModelBuild[];
    active: number | null;
    archived: boolean;
    hours: number;
  }> = [
    {
      id: 3001,
      name: 'Churn propensity',
      table: 2001,
      cred: 1001,
      dv: 'churned',
      type: 1,
      user: 4257,
      builds: [build(3101, 'Build 1', 'succeeded', 300, true), build(3102, 'Build 2', 'succeeded', 620, true)],
      active: 3102,
      archived: false,
      hours: 290,
    },
    {
      id: 3002,
      name: 'Lifetime value',
      table: 2001,
      cred: 1004,
      dv: 'lifetime_value',
      type: 3,
      user: 4258,
      builds: [
        build(3103, 'Build 1', 'failed', 410, false, 'Dependent variable lifetime_value has 12% nulls'),
        build(3104, 'Build 2', 'succeeded', 450, false),
      ],
      active: 3104,
      archived: false,
      hours: 400,
    },
    {
      id: 3003,
      name: 'Invoice payment',
      table: 2009,
      cred: 1008,
      dv: 'paid',
      type: 2,
      user: 4259,
      builds: [build(3105, 'Build 1', 'running', 938, true)],
      active: null,
      archived: false,
      hours: 930,
    },
    {
      id: 3004,
      name: 'Archived baseline',
      table: 2002,
      cred: 1001,
      dv: 'status',
      type: 1,
      user: 4257,
      builds: [],
      active: null,
      archived: true,
      hours: 50,
    },
  ];
  // [id, modelId, scoredTableId, outputTable, state, error]
  const predSpecs: Array<[number, number, number, string | null, string, string | null]> = [
    [3501, 3001, 2001, 'analytics.churn_scores', 'succeeded', null],
    [3502, 3001, 2012, 'scratch.churn_sandbox', 'failed', 'Column churned is missing from public.customers'],
    [3503, 3002, 2001, 'scratch.ltv_scores', 'succeeded', null],
    [3504, 3003, 2009, null, 'running', null],
  ];
  const predictions = new Map<number, PredictionRecord>();
  for (const [id, modelId, tableId, output, state, error] of predSpecs) {
    const t = tables.get(tableId)!.summary;
    const lastRun = runOf(85000 + id, state, 600 + (id - 3500) * 40, error);
    const model = specs.find((m) => m.id === modelId)!;
    const wire = {
      id,
      modelId,
      scoredTableId: tableId,
      scoredTableName: `${t.schema}.${t.name}`,
      outputTableName: output,
      state,
      error,
      startedAt: lastRun.startedAt,
      finishedAt: lastRun.finishedAt,
      lastRun,
    };
    predictions.set(id, {
      wire,
      detail: {
        ...wire,
        scoredTables:
          state === 'succeeded' ? [{ id: tableId, schema: t.schema, name: t.name, createdAt: lastRun.finishedAt!, scoreStats: [] }] : [],
        schedule: UNSCHEDULED,
        limitingSQL: null,
        primaryKey: tables.get(model.table)!.detail.primaryKeys.slice(),
      },
    });
  }
  const models = new Map<number, ModelRecord>();
  for (const m of specs) {
    const t = tables.get(m.table)!;
    const last = m.builds[m.builds.length - 1];
    const wire = {
      id: m.id,
      tableName: `${t.summary.schema}.${t.summary.name}`,
      databaseId: t.summary.databaseId,
      credentialId: m.cred,
      modelName: m.name,
      description: null,
      interactionTerms: false,
      boxCoxTransformation: false,
      modelTypeId: m.type,
      primaryKey: t.detail.primaryKeys[0] ?? t.detail.columns[0]!.name,
      dependentVariable: m.dv,
      dependentVariableOrder: [],
      excludedColumns: [],
      limitingSQL: null,
      crossValidationParameters: {},
      numberOfFolds: 4,
      schedule: UNSCHEDULED,
      parentId: null,
      timeZone: 'America/Chicago',
      lastRun: last ? last.lastRun : null,
      user: users.get(m.user)!.ref,
      createdAt: at(m.hours),
      updatedAt: last ? last.createdAt : at(m.hours),
      currentBuildState: last ? last.state : 'idle',
      currentBuildException: last?.error ?? null,
      builds: m.builds.map((b) => ({ id: b.id, name: b.name, createdAt: b.createdAt, description: b.description })),
      predictions: [...predictions.values()]
        .filter((p) => p.wire.modelId === m.id)
        .map((p) => ({
          id: p.wire.id,
          tableName: p.wire.scoredTableName,
          primaryKey: p.detail.primaryKey,
          limitingSQL: null,
          outputTable: p.wire.outputTableName ?? '',
          state: p.wire.state,
        })),
      lastOutputLocation: last?.outputLocation ?? null,
      archived: m.archived,
    };
    models.set(m.id, {
      wire,
      detail: {
        ...wire,
        activeBuildId: m.active,
        notifications: { successEmailSubject: null, failureOn: true },
        runningAs: users.get(m.user)!.ref,
        hidden: false,
      },
      builds: m.builds,
    });
  }
  return { models, predictions };
}
