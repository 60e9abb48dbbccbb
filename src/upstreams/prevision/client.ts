/**
 * Client for Prevision.io: the `/ext/v1` API with the raw master token, and deployed-model hosts with OAuth2
 * client-credentials tokens (deployedModels.ts). Every Prevision path Augur calls is here, in the resources it reads
 * (resources.ts) or on deployed models' hosts; retries and errors follow `previsionPolicy` (policy.ts).
 */
import { AugurError, ErrorCode } from '../../core/errors.js';
import type { UpstreamHttp } from '../http.js';
import { ObjectCache } from '../objectCache.js';
import type { ReadCache } from '../readCache.js';
import { PREVISION_CACHE_RULES } from './cache.js';
import type { RequestBudget } from '../requestBudget.js';
import { DeployedModels, type PrevisionPredictOptions } from './deployedModels.js';
import {
  PREVISION_DOCUMENTS,
  type PrevisionCollection,
  type PrevisionDeletable,
  type PrevisionDocument,
  type PrevisionList,
} from './resources.js';
import { MultipartUpload, type PrevisionUploadFile } from './upload.js';
import type { PrevisionDeployedInput, PrevisionDeployment, PrevisionListPage, PrevisionUnitPrediction } from './types.js';

export interface PrevisionCallContext {
  masterToken: string | undefined;
  budget: RequestBudget;
  /**
   * Read objects and list pages through the entity cache (the request's loaders set it). Unset, reads go to
   * Prevision: subscriptions' pollers and the reads a mutation makes around its write need the current state.
   */
  cached?: boolean;
}

export type { PrevisionUploadFile } from './upload.js';

export interface PrevisionClientOptions {
  /** The `/ext/v1` API. */
  api: UpstreamHttp;
  /** Returns the HTTP client of another Prevision host (deployed models, the OIDC token endpoint). */
  host(baseUrl: string): UpstreamHttp;
  /** The configured master token, sent by the reachability check so a refused token shows in the platform status. */
  probeToken?: string | undefined;
  /** Registers a secret (OAuth client secrets, access tokens) so it is redacted from every log line. */
  addSecret(secret: string): void;
  now?: () => number;
  /**
   * The entity cache: objects by id and list pages go through it when the call asks; every write sent through `api`
   * drops what its route changes (cache.ts), whichever method sends it.
   */
  cache?: ReadCache;
}

export class PrevisionClient {
  private readonly objects: ObjectCache;
  private readonly deployed: DeployedModels;

  constructor(private readonly options: PrevisionClientOptions) {
    this.objects = new ObjectCache(PREVISION_CACHE_RULES, options.cache);
    this.options = { ...options, api: this.objects.guard(options.api) };
    this.deployed = new DeployedModels({
      read: (ctx, path, route) => this.read(ctx, path, route),
      host: (baseUrl) => this.options.host(baseUrl),
      addSecret: (secret) => this.options.addSecret(secret),
      now: options.now ?? Date.now,
    });
  }

  private auth(ctx: PrevisionCallContext): string | undefined {
    return ctx.masterToken;
  }

  /**
   * A reachability check (`GET /version` with the configured master token): any HTTP answer counts, but a 401 says the
   * token is refused, which fails the check as `unauthenticated`; the body names the version.
   */
  async probe(timeoutMs: number): Promise<{ version: string | null; authenticated?: boolean }> {
    const res = await this.options.api.probe('/version', timeoutMs, this.options.probeToken);
    if (res.status === 401) {
      throw Object.assign(new Error('Prevision refused the configured master token.'), { code: 'unauthenticated' });
    }
    const authenticated = this.options.probeToken !== undefined ? { authenticated: true } : {};
    try {
      const v = (JSON.parse(res.text) as { version?: unknown; api_version?: unknown }).version;
      return { version: typeof v === 'string' ? v : null, ...authenticated };
    } catch {
      return { version: null, ...authenticated };
    }
  }

  /** `GET /{collection}/{id}`: one object by its Prevision id. */
  get<T>(ctx: PrevisionCallContext, collection: PrevisionCollection, id: string): Promise<T> {
    return this.cachedRead<T>(ctx, `/${collection}/${encodeURIComponent(id)}`, `/${collection}/{id}`);
  }

  /** Reads one page (zero-based `pageIndex`; Prevision's pages are 1-based). */
  async list<T>(
    ctx: PrevisionCallContext,
    list: PrevisionList,
    pageIndex: number,
    rowsPerPage: number,
  ): Promise<{ items: T[]; total: number }> {
    const sep = list.path.includes('?') ? '&' : '?';
    const page = await this.cachedRead<PrevisionListPage<T>>(
      ctx,
      `${list.path}${sep}page=${pageIndex + 1}&rowsPerPage=${rowsPerPage}`,
      list.route,
    );
    const items = Array.isArray(page?.items) ? page.items : [];
    const total = Number(page?.metaData?.totalItems);
    return { items, total: Number.isFinite(total) ? total : pageIndex * rowsPerPage + items.length };
  }

  /** A read of an object or a list page, through the entity cache when the call asks for it and the route is cached. */
  private cachedRead<T>(ctx: PrevisionCallContext, path: string, route: string): Promise<T> {
    return this.objects.read(ctx, ctx.masterToken, `GET ${route}`, path, () => this.read<T>(ctx, path, route));
  }

  private async read<T>(ctx: PrevisionCallContext, path: string, route: string): Promise<T> {
    const res = await this.options.api.request<T>({
      method: 'GET',
      path,
      route: `GET ${route}`,
      authorization: this.auth(ctx),
      idempotent: true,
      budget: ctx.budget,
    });
    return res.data;
  }

  /** `GET {path}`: a document of one object (a model's hyperparameters or analysis, the profile, a version's holdout predictions). */
  getDocument<T>(ctx: PrevisionCallContext, what: PrevisionDocument, id?: string): Promise<T> {
    const { path, route } = PREVISION_DOCUMENTS[what](id ?? '');
    return this.read<T>(ctx, path, route);
  }

  /** A create or a state change: sent once (`idempotent` false), or repeated when it is a PUT that can be (`stop`). */
  private async send<T>(
    ctx: PrevisionCallContext,
    method: 'POST' | 'PUT',
    path: string,
    route: string,
    body: unknown,
    idempotent = false,
  ): Promise<T> {
    const res = await this.options.api.request<T>({
      method,
      path,
      route: `${method} ${route}`,
      authorization: this.auth(ctx),
      body,
      idempotent,
      budget: ctx.budget,
    });
    return res.data;
  }

  /** `POST /projects`. Sent once. */
  createProject<T>(ctx: PrevisionCallContext, body: Record<string, unknown>): Promise<T> {
    return this.send<T>(ctx, 'POST', '/projects', '/projects', body);
  }

  /** `POST /projects/{id}/experiments`. Sent once. */
  createExperiment<T>(ctx: PrevisionCallContext, projectId: string, body: Record<string, unknown>): Promise<T> {
    return this.send<T>(ctx, 'POST', `/projects/${encodeURIComponent(projectId)}/experiments`, '/projects/{id}/experiments', body);
  }

  /** `POST /experiments/{id}/versions`: a draft version. Sent once. */
  createExperimentVersion<T>(ctx: PrevisionCallContext, experimentId: string, body: Record<string, unknown>): Promise<T> {
    return this.send<T>(ctx, 'POST', `/experiments/${encodeURIComponent(experimentId)}/versions`, '/experiments/{id}/versions', body);
  }

  /** `PUT /experiment-versions/{id}/confirm`: starts training. Sent once: a repeat after it acted is refused by Prevision. */
  confirmExperimentVersion<T>(ctx: PrevisionCallContext, id: string): Promise<T> {
    return this.send<T>(ctx, 'PUT', `/experiment-versions/${encodeURIComponent(id)}/confirm`, '/experiment-versions/{id}/confirm', {});
  }

  /** `PUT /experiment-versions/{id}/stop`: stopping twice has one effect, so it is repeated like a read. */
  stopExperimentVersion<T>(ctx: PrevisionCallContext, id: string): Promise<T> {
    return this.send<T>(ctx, 'PUT', `/experiment-versions/${encodeURIComponent(id)}/stop`, '/experiment-versions/{id}/stop', {}, true);
  }

  /** `POST /projects/{id}/model-deployments`. Sent once. */
  createDeployment<T>(ctx: PrevisionCallContext, projectId: string, body: Record<string, unknown>): Promise<T> {
    return this.send<T>(
      ctx,
      'POST',
      `/projects/${encodeURIComponent(projectId)}/model-deployments`,
      '/projects/{id}/model-deployments',
      body,
    );
  }

  /** `POST /deployments/{id}/versions`. Sent once. */
  createDeploymentVersion<T>(ctx: PrevisionCallContext, deploymentId: string, body: Record<string, unknown>): Promise<T> {
    return this.send<T>(ctx, 'POST', `/deployments/${encodeURIComponent(deploymentId)}/versions`, '/deployments/{id}/versions', body);
  }

  /** `POST /experiment-versions/{id}/validation-predictions`. Sent once: it starts a job. */
  startValidationPrediction<T>(ctx: PrevisionCallContext, versionId: string, body: Record<string, unknown>): Promise<T> {
    return this.send<T>(
      ctx,
      'POST',
      `/experiment-versions/${encodeURIComponent(versionId)}/validation-predictions`,
      '/experiment-versions/{id}/validation-predictions',
      body,
    );
  }

  /** `POST /projects/{id}/connectors`, as JSON. Sent once; the secret in it is registered for redaction first. */
  createConnector<T>(ctx: PrevisionCallContext, projectId: string, body: Record<string, unknown>): Promise<T> {
    for (const secret of [body['password'], body['googleCredentials']]) {
      if (typeof secret === 'string' && secret) this.options.addSecret(secret);
      else if (secret && typeof secret === 'object')
        for (const v of Object.values(secret)) if (typeof v === 'string' && v.length >= 8) this.options.addSecret(v);
    }
    return this.send<T>(ctx, 'POST', `/projects/${encodeURIComponent(projectId)}/connectors`, '/projects/{id}/connectors', body);
  }

  /** `POST /connectors/{id}/test`: whether Prevision reaches the source (a 400 says it does not). Changes nothing, so repeated like a read. */
  testConnector(ctx: PrevisionCallContext, id: string): Promise<unknown> {
    return this.send<unknown>(ctx, 'POST', `/connectors/${encodeURIComponent(id)}/test`, '/connectors/{id}/test', {}, true);
  }

  /** `POST /projects/{id}/data-sources`. Sent once. */
  createDataSource<T>(ctx: PrevisionCallContext, projectId: string, body: Record<string, unknown>): Promise<T> {
    return this.send<T>(ctx, 'POST', `/projects/${encodeURIComponent(projectId)}/data-sources`, '/projects/{id}/data-sources', body);
  }

  /** `POST /projects/{id}/datasets/data-source` with `{name, datasource_id}`. Sent once: it starts a copy. */
  createDatasetFromDataSource<T>(ctx: PrevisionCallContext, projectId: string, body: Record<string, unknown>): Promise<T> {
    return this.send<T>(
      ctx,
      'POST',
      `/projects/${encodeURIComponent(projectId)}/datasets/data-source`,
      '/projects/{id}/datasets/data-source',
      body,
    );
  }

  /** `POST /projects/{id}/exporters`. Sent once. */
  createExporter<T>(ctx: PrevisionCallContext, projectId: string, body: Record<string, unknown>): Promise<T> {
    return this.send<T>(ctx, 'POST', `/projects/${encodeURIComponent(projectId)}/exporters`, '/projects/{id}/exporters', body);
  }

  /**
   * `POST /exporters/{id}/dataset/{dataset_id}`, or `POST /exporters/{id}/prediction/{prediction_id}` with
   * `{prediction_type}`. Sent once: it starts a job.
   */
  startExport<T>(
    ctx: PrevisionCallContext,
    exporterId: string,
    what: { dataset: string } | { prediction: string; type: 'deployment' | 'experiment' },
  ): Promise<T> {
    const base = `/exporters/${encodeURIComponent(exporterId)}`;
    if ('dataset' in what)
      return this.send<T>(ctx, 'POST', `${base}/dataset/${encodeURIComponent(what.dataset)}`, '/exporters/{id}/dataset/{dataset_id}', {});
    return this.send<T>(
      ctx,
      'POST',
      `${base}/prediction/${encodeURIComponent(what.prediction)}`,
      '/exporters/{id}/prediction/{prediction_id}',
      { prediction_type: what.type },
    );
  }

  /** `POST /projects/{id}/users` with `{email, projectRole}` (the R SDK's `create_project_user`). Sent once. */
  addProjectUser<T>(ctx: PrevisionCallContext, projectId: string, email: string, role: string): Promise<T> {
    return this.send<T>(ctx, 'POST', `/projects/${encodeURIComponent(projectId)}/users`, '/projects/{id}/users', {
      email,
      projectRole: role,
    });
  }

  /** `PUT /projects/{id}/users/{user_id}` with `{projectRole}`; setting a role twice has one effect. */
  setProjectUserRole<T>(ctx: PrevisionCallContext, projectId: string, userId: string, role: string): Promise<T> {
    return this.send<T>(
      ctx,
      'PUT',
      `/projects/${encodeURIComponent(projectId)}/users/${encodeURIComponent(userId)}`,
      '/projects/{id}/users/{user_id}',
      { projectRole: role },
      true,
    );
  }

  /** `DELETE /projects/{id}/users/{user_id}`; removing twice has one effect, so it is repeated like a read. */
  async removeProjectUser(ctx: PrevisionCallContext, projectId: string, userId: string): Promise<void> {
    await this.options.api.request<unknown>({
      method: 'DELETE',
      path: `/projects/${encodeURIComponent(projectId)}/users/${encodeURIComponent(userId)}`,
      route: 'DELETE /projects/{id}/users/{user_id}',
      authorization: this.auth(ctx),
      idempotent: true,
      budget: ctx.budget,
    });
  }

  /** `GET /pipeline-scheduled-runs/{id}?limit=n`: a scheduled run with its last `limit` executions, newest first. */
  pipelineRunExecutions<T>(ctx: PrevisionCallContext, runId: string, limit: number): Promise<T> {
    return this.read<T>(ctx, `/pipeline-scheduled-runs/${encodeURIComponent(runId)}?limit=${limit}`, '/pipeline-scheduled-runs/{id}');
  }

  /** `POST /projects/{id}/pipeline-scheduled-runs` with `{pipeline_template_id, name, description?}`: a draft run. Sent once. */
  createPipelineScheduledRun<T>(ctx: PrevisionCallContext, projectId: string, body: Record<string, unknown>): Promise<T> {
    return this.send<T>(
      ctx,
      'POST',
      `/projects/${encodeURIComponent(projectId)}/pipeline-scheduled-runs`,
      '/projects/{id}/pipeline-scheduled-runs',
      body,
    );
  }

  /** `PUT /pipeline-scheduled-runs/{id}/node/{node_id}` with `[{name, value}]`: sets a node's properties; repeating it has one effect. */
  configurePipelineNode<T>(
    ctx: PrevisionCallContext,
    runId: string,
    nodeId: string,
    properties: Array<{ name: string; value: unknown }>,
  ): Promise<T> {
    return this.send<T>(
      ctx,
      'PUT',
      `/pipeline-scheduled-runs/${encodeURIComponent(runId)}/node/${encodeURIComponent(nodeId)}`,
      '/pipeline-scheduled-runs/{id}/node/{node_id}',
      properties,
      true,
    );
  }

  /** `PUT /pipeline-scheduled-runs/{id}` with `{name, exec_type, exec_cron?, exec_period_start?, exec_period_end?}`; repeating it has one effect. */
  updatePipelineScheduledRun<T>(ctx: PrevisionCallContext, runId: string, body: Record<string, unknown>): Promise<T> {
    return this.send<T>(ctx, 'PUT', `/pipeline-scheduled-runs/${encodeURIComponent(runId)}`, '/pipeline-scheduled-runs/{id}', body, true);
  }

  /** `POST /pipeline-scheduled-runs/{id}/confirm`. Sent once: a second confirm is refused. */
  confirmPipelineScheduledRun<T>(ctx: PrevisionCallContext, runId: string): Promise<T> {
    return this.send<T>(
      ctx,
      'POST',
      `/pipeline-scheduled-runs/${encodeURIComponent(runId)}/confirm`,
      '/pipeline-scheduled-runs/{id}/confirm',
      {},
    );
  }

  /** `POST /pipeline-scheduled-runs/{id}/trigger`: starts an execution. Sent once. */
  triggerPipelineScheduledRun(ctx: PrevisionCallContext, runId: string): Promise<unknown> {
    return this.send<unknown>(
      ctx,
      'POST',
      `/pipeline-scheduled-runs/${encodeURIComponent(runId)}/trigger`,
      '/pipeline-scheduled-runs/{id}/trigger',
      {},
    );
  }

  /**
   * `POST /projects/{id}/datasets/file`: a multipart body with the fields and the file, as the SDK's
   * `MultipartEncoder` sends it. The file streams from `file.chunks` to Prevision as it arrives; past `maxBytes` the
   * upload is cut off and LIMIT_EXCEEDED thrown. Sent once: a stream cannot be sent again.
   */
  uploadDataset<T>(
    ctx: PrevisionCallContext,
    projectId: string,
    fields: Record<string, string>,
    file: PrevisionUploadFile,
    maxBytes: number,
  ): Promise<T> {
    return this.upload<T>(
      ctx,
      `/projects/${encodeURIComponent(projectId)}/datasets/file`,
      '/projects/{id}/datasets/file',
      fields,
      file,
      maxBytes,
    );
  }

  /** `POST /projects/{id}/image-folders`: `name` and a zip of images, as the SDK's `DatasetImages._new` sends them; streamed like {@link uploadDataset}. */
  uploadImageFolder<T>(
    ctx: PrevisionCallContext,
    projectId: string,
    name: string,
    file: PrevisionUploadFile,
    maxBytes: number,
  ): Promise<T> {
    return this.upload<T>(
      ctx,
      `/projects/${encodeURIComponent(projectId)}/image-folders`,
      '/projects/{id}/image-folders',
      { name },
      file,
      maxBytes,
    );
  }

  /** `POST /exporters/{id}/file`: the part `file` alone, as the SDK's `Exporter.export_file` sends it; answers the export. Streamed like {@link uploadDataset}. */
  uploadExport<T>(ctx: PrevisionCallContext, exporterId: string, file: PrevisionUploadFile, maxBytes: number): Promise<T> {
    return this.upload<T>(ctx, `/exporters/${encodeURIComponent(exporterId)}/file`, '/exporters/{id}/file', {}, file, maxBytes);
  }

  private async upload<T>(
    ctx: PrevisionCallContext,
    path: string,
    route: string,
    fields: Record<string, string>,
    file: PrevisionUploadFile,
    maxBytes: number,
  ): Promise<T> {
    const upload = new MultipartUpload(fields, file, maxBytes);
    try {
      const res = await this.options.api.request<T>({
        method: 'POST',
        path,
        route: `POST ${route}`,
        authorization: this.auth(ctx),
        body: upload.body(),
        contentType: upload.contentType,
        idempotent: false,
        budget: ctx.budget,
      });
      return res.data;
    } catch (e) {
      if (!upload.exceeded) throw e;
      throw new AugurError(
        ErrorCode.LIMIT_EXCEEDED,
        `The file is larger than ${maxBytes} bytes (AUGUR_MAX_UPLOAD_BYTES): the upload was cut off and nothing was registered.`,
        { limit: 'maxUploadBytes', max: maxBytes, platform: 'prevision' },
      );
    }
  }

  /** `DELETE /{collection}/{id}` (204). Deleting twice has one effect, so it is repeated like a read. */
  async delete(ctx: PrevisionCallContext, collection: PrevisionDeletable, id: string): Promise<void> {
    await this.options.api.request<unknown>({
      method: 'DELETE',
      path: `/${collection}/${encodeURIComponent(id)}`,
      route: `DELETE /${collection}/{id}`,
      authorization: this.auth(ctx),
      idempotent: true,
      budget: ctx.budget,
    });
  }

  /** Starts a bulk prediction of a dataset on a deployment. Never retried: it creates a job. */
  async startDeploymentPrediction(ctx: PrevisionCallContext, deploymentId: string, datasetId: string): Promise<{ _id: string }> {
    const res = await this.options.api.request<{ _id: string }>({
      method: 'POST',
      path: `/deployments/${encodeURIComponent(deploymentId)}/deployment-predictions`,
      route: 'POST /deployments/{id}/deployment-predictions',
      authorization: this.auth(ctx),
      body: { dataset_id: datasetId },
      idempotent: false,
      budget: ctx.budget,
    });
    return res.data;
  }

  /** The features a deployed model takes (`GET {url}/inputs` on its host), with a cached OAuth2 token. */
  deployedInputs(ctx: PrevisionCallContext, deployment: PrevisionDeployment): Promise<PrevisionDeployedInput[]> {
    return this.deployed.inputs(ctx, deployment);
  }

  /** Scores one record on a deployed model, with a cached OAuth2 token. */
  predictUnit(
    ctx: PrevisionCallContext,
    deployment: PrevisionDeployment,
    features: Record<string, unknown>,
    options: PrevisionPredictOptions = {},
  ): Promise<PrevisionUnitPrediction> {
    return this.deployed.predict(ctx, deployment, features, options);
  }
}
