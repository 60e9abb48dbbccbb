/**
 * The Prevision resources Augur reads by path: the collections of objects read (and deleted) by id, the paged lists
 * and their order, and the documents read whole. The client sends the requests; these name where they go.
 */

/** The Prevision collections whose objects Augur reads by id, with `GET /{collection}/{id}`. */
export type PrevisionCollection =
  | 'projects'
  | 'datasets'
  | 'experiments'
  | 'experiment-versions'
  | 'models'
  | 'deployments'
  | 'deployment-predictions'
  | 'validation-predictions'
  | 'connectors'
  | 'data-sources'
  | 'exporters'
  | 'exports'
  | 'pipeline-templates'
  | 'pipeline-scheduled-runs'
  | 'image-folders';

/** The collections whose objects `DELETE /{collection}/{id}` deletes. */
export type PrevisionDeletable =
  | 'projects'
  | 'datasets'
  | 'experiments'
  | 'experiment-versions'
  | 'deployments'
  | 'validation-predictions'
  | 'connectors'
  | 'data-sources'
  | 'exporters'
  | 'pipeline-templates'
  | 'pipeline-scheduled-runs'
  | 'image-folders';

/** A list order: Prevision's `sortBy` (a top-level key of the items) and `descending`. */
export interface PrevisionSort {
  sortBy: string;
  descending: boolean;
}

/**
 * A paged Prevision list. Its `path` identifies the list: the request's memo and its connections' cursors are keyed
 * by it.
 */
export interface PrevisionList {
  readonly path: string;
  readonly route: string;
}

/** The same list in an explicit order; its path (and so its memo and cursors) carries the order. */
export function sortedList(list: PrevisionList, sort: PrevisionSort | undefined): PrevisionList {
  if (!sort) return list;
  const qs = `sortBy=${encodeURIComponent(sort.sortBy)}&descending=${sort.descending}`;
  return { path: `${list.path}?${qs}`, route: list.route };
}

const under = (collection: string, id: string, list: string): PrevisionList => ({
  path: `/${collection}/${encodeURIComponent(id)}/${list}`,
  route: `/${collection}/{id}/${list}`,
});

/** Prevision's paged lists: the projects, and what each project, experiment, version and deployment holds. */
export const PREVISION_LISTS = {
  projects: { path: '/projects', route: '/projects' } as PrevisionList,
  datasetsOf: (projectId: string) => under('projects', projectId, 'datasets'),
  experimentsOf: (projectId: string) => under('projects', projectId, 'experiments'),
  deploymentsOf: (projectId: string) => under('projects', projectId, 'model-deployments'),
  versionsOf: (experimentId: string) => under('experiments', experimentId, 'versions'),
  modelsOf: (versionId: string) => under('experiment-versions', versionId, 'models'),
  predictionsOf: (deploymentId: string) => under('deployments', deploymentId, 'deployment-predictions'),
  featuresOf: (versionId: string) => under('experiment-versions', versionId, 'features'),
  connectorsOf: (projectId: string) => under('projects', projectId, 'connectors'),
  dataSourcesOf: (projectId: string) => under('projects', projectId, 'data-sources'),
  exportersOf: (projectId: string) => under('projects', projectId, 'exporters'),
  exportsOf: (exporterId: string) => under('exporters', exporterId, 'exports'),
  pipelineTemplatesOf: (projectId: string) => under('projects', projectId, 'pipeline-templates'),
  pipelineRunsOf: (projectId: string) => under('projects', projectId, 'pipeline-scheduled-runs'),
  imageFoldersOf: (projectId: string) => under('projects', projectId, 'image-folders'),
};

/** Documents read whole with `GET`, and where. */
export type PrevisionDocument = 'hyperparameters' | 'analysis' | 'profile' | 'holdoutPredictions' | 'projectUsers';

/** Where each document is: its path for an object's id (unused by the profile), and the route it is logged and cached under. */
export const PREVISION_DOCUMENTS: Record<PrevisionDocument, (id: string) => { path: string; route: string }> = {
  hyperparameters: (id) => ({
    path: `/models/${encodeURIComponent(id)}/hyperparameters/download`,
    route: '/models/{id}/hyperparameters/download',
  }),
  analysis: (id) => ({ path: `/models/${encodeURIComponent(id)}/analysis`, route: '/models/{id}/analysis' }),
  profile: () => ({ path: '/profile', route: '/profile' }),
  holdoutPredictions: (id) => ({
    path: `/experiment-versions/${encodeURIComponent(id)}/holdout-predictions`,
    route: '/experiment-versions/{id}/holdout-predictions',
  }),
  projectUsers: (id) => ({ path: `/projects/${encodeURIComponent(id)}/users`, route: '/projects/{id}/users' }),
};
