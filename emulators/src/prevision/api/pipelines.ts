/**
 * Internal to the Prevision emulator: the `/ext/v1` pipeline templates, pipeline scheduled runs and image folders,
 * as the SDK's `PipelineTemplate`, `PipelineScheduledRun` and `DatasetImages` call them. Creating a run takes the
 * SDK's four steps: `POST /projects/{id}/pipeline-scheduled-runs` (a draft), `PUT .../node/{node_id}` per node, `PUT
 * /pipeline-scheduled-runs/{id}` (name and schedule), `POST .../confirm`. **[OURS]** A triggered execution runs
 * nothing: it moves `pending` → `running` → `done` like the other jobs (`PIPELINE_SCHEDULED_RUN_UPDATE`).
 */
import type { RouteDef } from '../../framework/emulator.js';
import { parseMultipart } from '../files.js';
import { badRequest, jsonFirstBody, notFound, objectBody, oneOf, optionalString, requiredString, type HandlerContext } from '../context.js';
import type { ImageFolder, PipelineExecution, PipelineScheduledRun, PipelineTemplate } from '../types.js';
import { API, ok, noContent, type ApiScope } from './scope.js';

/** Executions `GET /pipeline-scheduled-runs/{id}` answers without `limit` (the SDK's default). */
const DEFAULT_EXECUTIONS = 15;
const CRON = /^(\S+\s+){4}\S+$/;
const ZIP_MAGIC = Buffer.from([0x50, 0x4b, 0x03, 0x04]);

/** The `/ext/v1` pipeline and image-folder routes. */
export function pipelineRoutes(ctx: HandlerContext, scope: ApiScope): RouteDef[] {
  const { store, options } = ctx;
  const { page, project } = scope;

  const template = (id: string): PipelineTemplate => {
    const t = store.pipelineTemplates.get(id);
    if (!t) throw notFound('Pipeline template', id);
    return t;
  };
  const run = (id: string): PipelineScheduledRun => {
    const r = store.pipelineRuns.get(id);
    if (!r) throw notFound('Pipeline scheduled run', id);
    return r;
  };
  const folder = (id: string): ImageFolder => {
    const f = store.imageFolders.get(id);
    if (!f) throw notFound('Image folder', id);
    return f;
  };
  /** A run as listed: without its executions, which `GET /pipeline-scheduled-runs/{id}` answers. */
  const listed = ({ executions: _executions, ...r }: PipelineScheduledRun) => r;
  const runWire = (r: PipelineScheduledRun, limit: number) => ({ ...r, executions: r.executions.slice(-limit).reverse() });

  return [
    {
      method: 'GET',
      path: `${API}/projects/{pid}/pipeline-templates`,
      handler: (req) => {
        const pid = project(req.params['pid']!)._id;
        return page(
          [...store.pipelineTemplates.values()].filter((t) => t.project_id === pid),
          req,
        );
      },
    },
    { method: 'GET', path: `${API}/pipeline-templates/{id}`, handler: (req) => ok(template(req.params['id']!)) },
    {
      method: 'DELETE',
      path: `${API}/pipeline-templates/{id}`,
      handler: (req) => {
        const t = template(req.params['id']!);
        const users = [...store.pipelineRuns.values()].filter((r) => r.pipeline_template_id === t._id);
        if (users.length > 0)
          throw badRequest(`Pipeline template ${t._id} is used by scheduled run ${users[0]!._id}; delete the run first.`);
        store.pipelineTemplates.delete(t._id);
        return noContent();
      },
    },
    {
      method: 'GET',
      path: `${API}/projects/{pid}/pipeline-scheduled-runs`,
      handler: (req) => {
        const pid = project(req.params['pid']!)._id;
        store.jobs.settleAll();
        return page([...store.pipelineRuns.values()].filter((r) => r.project_id === pid).map(listed), req);
      },
    },
    {
      method: 'POST',
      path: `${API}/projects/{pid}/pipeline-scheduled-runs`,
      handler: (req) => {
        const pid = project(req.params['pid']!)._id;
        const body = objectBody(req);
        const templateId = requiredString(body, 'pipeline_template_id');
        const t = store.pipelineTemplates.get(templateId);
        if (!t || t.project_id !== pid)
          throw badRequest(`Field "pipeline_template_id": no pipeline template ${JSON.stringify(templateId)} in project ${pid}.`);
        const now = options.now();
        const r: PipelineScheduledRun = {
          _id: store.ids.next(now),
          project_id: pid,
          name: requiredString(body, 'name'),
          description: optionalString(body, 'description'),
          pipeline_template_id: t._id,
          pipeline_template: { _id: t._id, name: t.name },
          nodes_properties: [],
          exec_type: 'manual',
          exec_cron: null,
          exec_period_start: null,
          exec_period_end: null,
          enabled: false,
          draft: true,
          executions: [],
          created_at: new Date(now).toISOString(),
          created_by: store.profile._id,
        };
        store.pipelineRuns.set(r._id, r);
        return ok(listed(r));
      },
    },
    {
      method: 'GET',
      path: `${API}/pipeline-scheduled-runs/{id}`,
      handler: (req) => {
        const r = run(req.params['id']!);
        store.jobs.settleAll();
        // Reading a run reads its executions: they move along like any job read.
        for (const x of r.executions) if (x.status === 'pending' || x.status === 'running') store.jobs.read(x._id);
        const raw = req.query.get('limit');
        if (raw !== null && !/^\d+$/.test(raw))
          throw badRequest(`Query parameter limit must be a whole number, got ${JSON.stringify(raw)}.`);
        return ok(runWire(r, raw === null ? DEFAULT_EXECUTIONS : Number(raw)));
      },
    },
    {
      method: 'PUT',
      path: `${API}/pipeline-scheduled-runs/{id}`,
      handler: (req) => {
        const r = run(req.params['id']!);
        const body = objectBody(req);
        const execType = oneOf(body, 'exec_type', ['manual', 'recurring'] as const, r.exec_type);
        const cron = optionalString(body, 'exec_cron');
        if (execType === 'recurring' && (cron === null || !CRON.test(cron.trim())))
          throw badRequest(`Field "exec_cron" must be a cron expression of five fields for a recurring run, got ${JSON.stringify(cron)}.`);
        if (execType === 'manual' && (cron !== null || body['exec_period_start'] != null || body['exec_period_end'] != null))
          throw badRequest('Fields "exec_cron", "exec_period_start" and "exec_period_end" are for recurring runs only.');
        if (body['name'] !== undefined) r.name = requiredString(body, 'name');
        r.exec_type = execType;
        r.exec_cron = cron;
        r.exec_period_start = optionalString(body, 'exec_period_start');
        r.exec_period_end = optionalString(body, 'exec_period_end');
        return ok(listed(r));
      },
    },
    {
      method: 'DELETE',
      path: `${API}/pipeline-scheduled-runs/{id}`,
      handler: (req) => {
        const r = run(req.params['id']!);
        store.pipelineRuns.delete(r._id);
        for (const x of r.executions) store.jobs.cancel(x._id);
        return noContent();
      },
    },
    {
      method: 'PUT',
      path: `${API}/pipeline-scheduled-runs/{id}/node/{nodeId}`,
      handler: (req) => {
        const r = run(req.params['id']!);
        const nodeId = req.params['nodeId']!;
        const node = template(r.pipeline_template_id).nodes.find((n) => n._id === nodeId);
        if (!node) throw notFound('Pipeline node', nodeId);
        const body = jsonFirstBody(req);
        if (
          !Array.isArray(body) ||
          body.some((p) => typeof p !== 'object' || p === null || typeof (p as { name?: unknown }).name !== 'string')
        )
          throw badRequest('Expected a JSON list of {"name", "value"} node properties.');
        const known = new Set(node.pipeline_component_id.interfaces.properties.map((p) => p.name));
        const unknown = (body as Array<{ name: string }>).map((p) => p.name).filter((n) => !known.has(n));
        if (unknown.length > 0)
          throw badRequest(
            `Node ${nodeId} (${node.pipeline_component_id.metadata.name}) has no property ${unknown.map((n) => JSON.stringify(n)).join(', ')}; it takes ${[...known].join(', ')}.`,
          );
        const properties = (body as Array<{ name: string; value?: unknown }>).map((p) => ({ name: p.name, value: p.value ?? null }));
        r.nodes_properties = [...r.nodes_properties.filter((n) => n.node_id !== nodeId), { node_id: nodeId, properties }];
        return ok(listed(r));
      },
    },
    {
      method: 'POST',
      path: `${API}/pipeline-scheduled-runs/{id}/confirm`,
      handler: (req) => {
        const r = run(req.params['id']!);
        if (!r.draft) throw badRequest(`Pipeline scheduled run ${r._id} is already confirmed.`);
        r.draft = false;
        r.enabled = true;
        const t = store.pipelineTemplates.get(r.pipeline_template_id);
        if (t) t.used_in_run = true;
        return ok(listed(r));
      },
    },
    {
      method: 'POST',
      path: `${API}/pipeline-scheduled-runs/{id}/trigger`,
      handler: (req) => {
        const r = run(req.params['id']!);
        if (r.draft) throw badRequest(`Pipeline scheduled run ${r._id} is a draft: confirm it before triggering it.`);
        const now = options.now();
        const x: PipelineExecution = { _id: store.ids.next(now), status: 'pending', start_at: new Date(now).toISOString(), end_at: null };
        r.executions.push(x);
        store.jobs.start(x._id, 'PIPELINE_SCHEDULED_RUN_UPDATE', [
          () => {
            x.status = 'running';
          },
          () => {
            x.status = 'done';
            x.end_at = new Date(options.now()).toISOString();
          },
        ]);
        // The SDK reads nothing of the answer; [OURS] the execution started.
        return ok({ _id: r._id, execution_id: x._id });
      },
    },
    {
      method: 'GET',
      path: `${API}/projects/{pid}/image-folders`,
      handler: (req) => {
        const pid = project(req.params['pid']!)._id;
        store.jobs.settleAll();
        return page(
          [...store.imageFolders.values()].filter((f) => f.project_id === pid),
          req,
        );
      },
    },
    {
      method: 'POST',
      path: `${API}/projects/{pid}/image-folders`,
      handler: (req) => {
        const pid = project(req.params['pid']!)._id;
        const parts = parseMultipart(req.rawBody, req.headers['content-type']);
        if (!parts)
          throw badRequest(
            `Expected a multipart/form-data body with fields "name" and "file" (a zip of images), got Content-Type ${JSON.stringify(req.headers['content-type'] ?? null)}.`,
          );
        const name = parts.find((p) => p.name === 'name' && p.filename === null)?.data.toString('utf8');
        if (!name) throw badRequest('Multipart field "name" is required (the image folder name).');
        const file = parts.find((p) => p.name === 'file');
        if (!file) throw badRequest('Multipart field "file" is required: attach a zip of images.');
        if (!file.data.subarray(0, 4).equals(ZIP_MAGIC))
          throw badRequest('The file is not a zip: an image folder is uploaded as a zip of images.');
        // Each entry of a zip starts with a local file header.
        let images = 0;
        for (let at = file.data.indexOf(ZIP_MAGIC); at !== -1; at = file.data.indexOf(ZIP_MAGIC, at + 4)) images++;
        const now = options.now();
        const f: ImageFolder = {
          _id: store.ids.next(now),
          project_id: pid,
          name,
          copy_state: 'running',
          nb_images: images,
          size: file.data.length,
          created_at: new Date(now).toISOString(),
          created_by: store.profile._id,
        };
        store.imageFolders.set(f._id, f);
        store.jobs.start(f._id, 'FOLDER_UPDATE', [
          () => {
            f.copy_state = 'done';
          },
        ]);
        return ok(f);
      },
    },
    {
      method: 'GET',
      path: `${API}/image-folders/{id}`,
      handler: (req) => {
        const f = folder(req.params['id']!);
        store.jobs.read(f._id);
        return ok(f);
      },
    },
    {
      method: 'DELETE',
      path: `${API}/image-folders/{id}`,
      handler: (req) => {
        const f = folder(req.params['id']!);
        store.imageFolders.delete(f._id);
        store.jobs.cancel(f._id);
        return noContent();
      },
    },
  ];
}
