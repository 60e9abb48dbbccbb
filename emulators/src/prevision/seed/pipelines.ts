/**
 * Internal to the Prevision emulator: the first organization's pipelines and image folder. Seeded after everything
 * else, so the ids of the other records stay what they were before pipelines existed.
 */
import type { ObjectIdFactory, PlatformData } from '../store.js';
import type { ImageFolder, PipelineScheduledRun, PipelineTemplate } from '../types.js';
import { DAY, HOUR, SEED_BASE_MS, iso } from './base.js';
import type { FirstOrganizationSeed } from './organizations.js';

/**
 * Seeds the churn project's pipelines: a template scoring new customers on the churn deployment, a recurring
 * scheduled run of it that ran twice, and an image folder.
 */
export function seedPipelines(
  ids: ObjectIdFactory,
  data: PlatformData,
  userId: string,
  { churnProjectId, churnDeploymentId }: FirstOrganizationSeed,
): void {
  const at = SEED_BASE_MS + 11 * DAY;
  const component = (name: string, properties: Array<{ name: string; type: string; hidden?: boolean }>, t: number) => ({
    _id: ids.next(t),
    pipeline_component_id: { _id: ids.next(t), metadata: { name }, interfaces: { properties } },
  });
  const nodes = [
    component('import-dataset', [{ name: 'dataset_id', type: 'string' }], at),
    component(
      'predict',
      [
        { name: 'deployment_id', type: 'string' },
        { name: 'confidence', type: 'boolean' },
        { name: 'internal_queue', type: 'string', hidden: true },
      ],
      at,
    ),
    component('export', [{ name: 'exporter_id', type: 'string' }], at),
  ];
  const template: PipelineTemplate = {
    _id: ids.next(at),
    project_id: churnProjectId,
    name: 'Score new customers',
    description: 'Imports a dataset, scores it on churn-api and exports the predictions',
    nodes,
    edges: [
      { source: nodes[0]!._id, target: nodes[1]!._id },
      { source: nodes[1]!._id, target: nodes[2]!._id },
    ],
    draft: false,
    used_in_run: true,
    created_at: iso(at),
    created_by: userId,
  };
  const runAt = at + HOUR;
  const run: PipelineScheduledRun = {
    _id: ids.next(runAt),
    project_id: churnProjectId,
    name: 'Nightly churn scoring',
    description: null,
    pipeline_template_id: template._id,
    pipeline_template: { _id: template._id, name: template.name },
    nodes_properties: [{ node_id: nodes[1]!._id, properties: [{ name: 'deployment_id', value: churnDeploymentId }] }],
    exec_type: 'recurring',
    exec_cron: '0 2 * * *',
    exec_period_start: iso(runAt),
    exec_period_end: null,
    enabled: true,
    draft: false,
    executions: [1, 2].map((n) => ({
      _id: ids.next(runAt + n * DAY),
      status: 'done' as const,
      start_at: iso(runAt + n * DAY),
      end_at: iso(runAt + n * DAY + 10 * 60_000),
    })),
    created_at: iso(runAt),
    created_by: userId,
  };
  const folderAt = at + 2 * HOUR;
  const folder: ImageFolder = {
    _id: ids.next(folderAt),
    project_id: churnProjectId,
    name: 'store_fronts',
    copy_state: 'done',
    nb_images: 48,
    size: 3_145_728,
    created_at: iso(folderAt),
    created_by: userId,
  };
  data.pipelineTemplates = [template];
  data.pipelineRuns = [run];
  data.imageFolders = [folder];
}
