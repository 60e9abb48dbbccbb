/**
 * Internal to the Prevision emulator: the in-memory platform state (records keyed by `_id`), Mongo-style id
 * generation, and the runner that moves asynchronous resources (deployment and validation predictions, dataset
 * uploads, experiment trainings, deployments) through `pending` → `running` → `done`.
 *
 * Progress is deterministic. A job advances one step every `asyncStepMs` of the emulator clock (`now`), or one step
 * every `asyncStepReads` reads of the resource (`GET /deployment-predictions/{id}` and friends), whichever is further
 * along. With the real clock a timer applies due steps so that SSE listeners (the SDK only re-reads a resource after
 * an event) are told without polling; with an injected clock, steps are applied whenever the API is read.
 */
import type {
  Connector,
  DataSource,
  Experiment,
  Export,
  Exporter,
  ExperimentVersion,
  ImageFolder,
  PipelineScheduledRun,
  PipelineTemplate,
  PrevisionEventName,
  Profile,
  Project,
} from './types.js';
import type {
  AccessToken,
  ApiKeyRecord,
  DatasetRecord,
  DeploymentRecord,
  ModelRecord,
  PredictionRecord,
  ValidationPredictionRecord,
} from './records.js';

export type {
  AccessToken,
  ApiKeyRecord,
  DatasetRecord,
  DeploymentRecord,
  ModelRecord,
  PredictionRecord,
  ValidationPredictionRecord,
} from './records.js';

/**
 * Mongo ObjectId layout: 4-byte creation time, 5-byte process value, 3-byte counter. Seed records take their
 * creation time from fixed dates, so their ids never change.
 */
export class ObjectIdFactory {
  private counter: number;

  constructor(
    private readonly machine = 'a3f91c2e7b',
    private readonly firstCounter = 0x5e21a0,
  ) {
    this.counter = firstCounter;
  }

  next(atMs: number): string {
    const ts = Math.floor(atMs / 1000)
      .toString(16)
      .padStart(8, '0')
      .slice(-8);
    const c = (this.counter++ & 0xffffff).toString(16).padStart(6, '0');
    return ts + this.machine + c;
  }

  reset(): void {
    this.counter = this.firstCounter;
  }
}

/** Everything the seed (or a reset) installs. */
export interface PlatformData {
  profile: Profile;
  projects: Project[];
  datasets: DatasetRecord[];
  experiments: Experiment[];
  versions: ExperimentVersion[];
  models: ModelRecord[];
  deployments: DeploymentRecord[];
  apiKeys: ApiKeyRecord[];
  predictions: PredictionRecord[];
  pipelineTemplates?: PipelineTemplate[];
  pipelineRuns?: PipelineScheduledRun[];
  imageFolders?: ImageFolder[];
}

interface Job {
  id: string;
  event: PrevisionEventName | null;
  startedAt: number;
  reads: number;
  step: number;
  steps: Array<() => void>;
}

export interface JobTiming {
  stepMs: number;
  stepReads: number;
  now: () => number;
  /** Apply due steps from a timer (only meaningful with the real clock). */
  timers: boolean;
}

/** Runs asynchronous state machines; see the file comment for the timing rules. */
export class JobRunner {
  private readonly jobs = new Map<string, Job>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly timing: JobTiming,
    private readonly onStep: (event: PrevisionEventName, id: string) => void,
  ) {}

  get active(): number {
    return this.jobs.size;
  }

  /** Registers a job whose resource is already in its initial state; `steps[i]` moves it to state i+1. */
  start(id: string, event: PrevisionEventName | null, steps: Array<() => void>): void {
    this.jobs.set(id, { id, event, startedAt: this.timing.now(), reads: 0, step: 0, steps });
    this.schedule();
  }

  /** One client read of the resource: apply what is due, then count the read (it moves later reads along). */
  read(id: string): void {
    const job = this.jobs.get(id);
    if (!job) return;
    this.settle(job);
    job.reads++;
  }

  /** Applies the due steps of one resource without counting a read. */
  settleOne(id: string): void {
    const job = this.jobs.get(id);
    if (job) this.settle(job);
  }

  /** Applies every due step (list endpoints call this so pages never show stale states). */
  settleAll(): void {
    if (this.jobs.size === 0) return;
    for (const job of [...this.jobs.values()]) this.settle(job);
  }

  cancel(id: string): void {
    this.jobs.delete(id);
  }

  clear(): void {
    this.jobs.clear();
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private target(job: Job): number {
    const { stepMs, stepReads } = this.timing;
    const byClock = stepMs > 0 ? Math.floor((this.timing.now() - job.startedAt) / stepMs) : 0;
    const byReads = stepReads > 0 ? Math.floor(job.reads / stepReads) : 0;
    return Math.min(job.steps.length, Math.max(byClock, byReads));
  }

  private settle(job: Job): void {
    const target = this.target(job);
    while (job.step < target) {
      job.steps[job.step]!();
      job.step++;
      if (job.event) this.onStep(job.event, job.id);
    }
    if (job.step >= job.steps.length) this.jobs.delete(job.id);
  }

  private schedule(): void {
    if (!this.timing.timers || this.timing.stepMs <= 0) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.jobs.size === 0) return;
    let due = Number.POSITIVE_INFINITY;
    for (const job of this.jobs.values()) due = Math.min(due, job.startedAt + (job.step + 1) * this.timing.stepMs);
    this.timer = setTimeout(
      () => {
        this.timer = undefined;
        this.settleAll();
        this.schedule();
      },
      Math.max(0, due - this.timing.now()),
    );
    this.timer.unref();
  }
}

/** The mutable platform state. */
export class PrevisionStore {
  profile!: Profile;
  readonly projects = new Map<string, Project>();
  readonly datasets = new Map<string, DatasetRecord>();
  readonly experiments = new Map<string, Experiment>();
  readonly versions = new Map<string, ExperimentVersion>();
  readonly models = new Map<string, ModelRecord>();
  readonly deployments = new Map<string, DeploymentRecord>();
  readonly apiKeys = new Map<string, ApiKeyRecord>();
  readonly apiKeysByClientId = new Map<string, ApiKeyRecord>();
  readonly predictions = new Map<string, PredictionRecord>();
  readonly validationPredictions = new Map<string, ValidationPredictionRecord>();
  readonly tokens = new Map<string, AccessToken>();
  readonly connectors = new Map<string, Connector>();
  readonly dataSources = new Map<string, DataSource>();
  readonly exporters = new Map<string, Exporter>();
  readonly exports = new Map<string, Export>();
  readonly pipelineTemplates = new Map<string, PipelineTemplate>();
  readonly pipelineRuns = new Map<string, PipelineScheduledRun>();
  readonly imageFolders = new Map<string, ImageFolder>();
  /** Issued tokens, for unguessable-enough but deterministic values. */
  tokenSerial = 0;

  constructor(
    readonly ids: ObjectIdFactory,
    readonly jobs: JobRunner,
  ) {}

  load(data: PlatformData): void {
    this.clear();
    this.profile = data.profile;
    for (const p of data.projects) this.projects.set(p._id, p);
    for (const d of data.datasets) this.datasets.set(d.wire._id, d);
    for (const e of data.experiments) this.experiments.set(e._id, e);
    for (const v of data.versions) this.versions.set(v._id, v);
    for (const m of data.models) this.models.set(m.wire._id, m);
    for (const d of data.deployments) this.deployments.set(d._id, d);
    for (const k of data.apiKeys) this.addApiKey(k);
    for (const p of data.predictions) this.predictions.set(p.wire._id, p);
    for (const t of data.pipelineTemplates ?? []) this.pipelineTemplates.set(t._id, t);
    for (const r of data.pipelineRuns ?? []) this.pipelineRuns.set(r._id, r);
    for (const f of data.imageFolders ?? []) this.imageFolders.set(f._id, f);
  }

  addApiKey(k: ApiKeyRecord): void {
    this.apiKeys.set(k.wire._id, k);
    this.apiKeysByClientId.set(k.wire.service_account_client_id, k);
  }

  private clear(): void {
    this.jobs.clear();
    this.projects.clear();
    this.datasets.clear();
    this.experiments.clear();
    this.versions.clear();
    this.models.clear();
    this.deployments.clear();
    this.apiKeys.clear();
    this.apiKeysByClientId.clear();
    this.predictions.clear();
    this.validationPredictions.clear();
    this.tokens.clear();
    this.connectors.clear();
    this.dataSources.clear();
    this.exporters.clear();
    this.exports.clear();
    this.pipelineTemplates.clear();
    this.pipelineRuns.clear();
    this.imageFolders.clear();
    this.tokenSerial = 0;
  }

  /** Removes a project and everything under it. */
  deleteProject(id: string): void {
    this.projects.delete(id);
    for (const d of [...this.datasets.values()]) if (d.wire.project_id === id) this.deleteDataset(d.wire._id);
    for (const e of [...this.experiments.values()]) if (e.project_id === id) this.deleteExperiment(e._id);
    for (const d of [...this.deployments.values()]) if (d.project_id === id) this.deleteDeployment(d._id);
    for (const c of [...this.connectors.values()]) if (c.project_id === id) this.deleteConnector(c._id);
    for (const r of [...this.pipelineRuns.values()]) if (r.project_id === id) this.pipelineRuns.delete(r._id);
    for (const t of [...this.pipelineTemplates.values()]) if (t.project_id === id) this.pipelineTemplates.delete(t._id);
    for (const f of [...this.imageFolders.values()]) if (f.project_id === id) this.imageFolders.delete(f._id);
  }

  /** Removes a connector and the data sources reading through it. */
  deleteConnector(id: string): void {
    this.connectors.delete(id);
    for (const s of [...this.dataSources.values()]) if (s.connector_id === id) this.dataSources.delete(s._id);
    for (const e of [...this.exporters.values()]) if (e.connector_id === id) this.deleteExporter(e._id);
  }

  /** Removes an exporter and its exports. */
  deleteExporter(id: string): void {
    this.exporters.delete(id);
    for (const x of [...this.exports.values()]) {
      if (x.exporter_id !== id) continue;
      this.exports.delete(x._id);
      this.jobs.cancel(x._id);
    }
  }

  deleteDataset(id: string): void {
    this.datasets.delete(id);
    this.jobs.cancel(id);
  }

  deleteExperiment(id: string): void {
    this.experiments.delete(id);
    for (const v of [...this.versions.values()]) if (v.experiment_id === id) this.deleteVersion(v._id);
  }

  /** Removes a version, its models, its validation and holdout predictions and its training job. */
  deleteVersion(id: string): void {
    this.versions.delete(id);
    this.jobs.cancel(id);
    for (const m of [...this.models.values()]) if (m.wire.experiment_version_id === id) this.models.delete(m.wire._id);
    for (const p of [...this.validationPredictions.values()])
      if (p.wire.experiment_version_id === id) this.deleteValidationPrediction(p.wire._id);
  }

  deleteValidationPrediction(id: string): void {
    this.validationPredictions.delete(id);
    this.jobs.cancel(id);
  }

  deleteDeployment(id: string): void {
    this.deployments.delete(id);
    this.jobs.cancel(id);
    for (const k of [...this.apiKeys.values()]) {
      if (k.wire.deployment_id !== id) continue;
      this.apiKeys.delete(k.wire._id);
      this.apiKeysByClientId.delete(k.wire.service_account_client_id);
    }
    for (const p of [...this.predictions.values()]) {
      if (p.wire.deployment_id !== id) continue;
      this.predictions.delete(p.wire._id);
      this.jobs.cancel(p.wire._id);
    }
    for (const [t, v] of this.tokens) if (v.deploymentId === id) this.tokens.delete(t);
  }
}
