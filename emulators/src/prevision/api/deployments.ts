/**
 * Internal to the Prevision emulator: the `/ext/v1` deployments routes.
 */
import { hashString } from '../../framework/util.js';
import type { RouteDef } from '../../framework/emulator.js';
import { badRequest, notFound, objectBody, oneOf, optionalString, requiredString, type HandlerContext } from '../context.js';
import type { DeploymentRecord } from '../store.js';
import type { AccessType, TypeViolationPolicy } from '../types.js';
import { API, ok, type ApiScope } from './scope.js';

/** The `/ext/v1` deployments routes. */
export function deploymentRoutes(ctx: HandlerContext, scope: ApiScope): RouteDef[] {
  const { store, options } = ctx;
  const { page, project, experiment, deployment, deploymentWire, getDeployment, deleteDeployment, pickModel, modelRefs } = scope;

  return [
    // Deployments
    {
      method: 'GET',
      path: `${API}/projects/{pid}/model-deployments`,
      handler: (req) => {
        const pid = project(req.params['pid']!)._id;
        store.jobs.settleAll();
        return page(
          [...store.deployments.values()].filter((d) => d.project_id === pid).map((d) => deploymentWire(d, req)),
          req,
        );
      },
    },
    {
      method: 'POST',
      path: `${API}/projects/{pid}/model-deployments`,
      handler: (req) => {
        const pid = project(req.params['pid']!)._id;
        const body = objectBody(req);
        const name = requiredString(body, 'name');
        const e = store.experiments.get(requiredString(body, 'experiment_id'));
        if (!e || e.project_id !== pid)
          throw badRequest(`Field "experiment_id": no experiment ${JSON.stringify(body['experiment_id'])} in project ${pid}.`);
        const main = pickModel(body, e, 'main')!;
        const challenger = pickModel(body, e, 'challenger');
        const policy = oneOf<TypeViolationPolicy>(body, 'type_violation_policy', ['best_effort', 'strict'], 'best_effort');
        const access = oneOf<AccessType>(body, 'access_type', ['public', 'fine_grained', 'private'], 'fine_grained');
        const now = options.now();
        const d: DeploymentRecord = {
          _id: store.ids.next(now),
          project_id: pid,
          name,
          description: optionalString(body, 'description'),
          experiment_id: e._id,
          current_version: 1,
          versions: [
            {
              version: 1,
              name,
              main_model_id: main.m.wire._id,
              main_model_experiment_version_id: main.v._id,
              challenger_model_id: challenger?.m.wire._id ?? null,
              challenger_model_experiment_version_id: challenger?.v._id ?? null,
              created_at: new Date(now).toISOString(),
            },
          ],
          deploy_state: 'pending',
          main_model_run_state: 'pending',
          current_type_violation_policy: policy,
          access_type: access,
          training_type: e.training_type,
          models: modelRefs(main, challenger),
          created_at: new Date(now).toISOString(),
          created_by: store.profile._id,
        };
        store.deployments.set(d._id, d);
        // The SDK polls deploy_state (no SSE event exists for deployments).
        store.jobs.start(d._id, null, [
          () => {
            d.deploy_state = 'running';
            d.main_model_run_state = 'running';
          },
          () => {
            d.deploy_state = 'done';
            d.main_model_run_state = 'done';
          },
        ]);
        return ok(deploymentWire(d, req));
      },
    },
    {
      method: 'GET',
      path: `${API}/deployments/{id}`,
      handler: (req) => getDeployment(req),
    },
    {
      method: 'DELETE',
      path: `${API}/deployments/{id}`,
      handler: (req) => deleteDeployment(req),
    },
    // `ExperimentDeployment.resource` is 'model-deployments': the inherited ApiResource.delete() and
    // update_status() address `/model-deployments/{id}`, while from_id() reads `/deployments/{id}`.
    {
      method: 'GET',
      path: `${API}/model-deployments/{id}`,
      handler: (req) => getDeployment(req),
    },
    {
      method: 'DELETE',
      path: `${API}/model-deployments/{id}`,
      handler: (req) => deleteDeployment(req),
    },
    {
      method: 'POST',
      path: `${API}/deployments/{id}/versions`,
      handler: (req) => {
        const d = deployment(req.params['id']!);
        store.jobs.settleOne(d._id);
        if (d.deploy_state !== 'done' || d.main_model_run_state !== 'done') {
          throw badRequest(
            `Deployment ${d._id} is still deploying (deploy_state ${d.deploy_state}, main_model_run_state ${d.main_model_run_state}); wait until both are done before adding a version.`,
          );
        }
        const body = objectBody(req);
        const name = requiredString(body, 'name');
        const e = experiment(d.experiment_id);
        const main = pickModel(body, e, 'main')!;
        const challenger = pickModel(body, e, 'challenger');
        const now = options.now();
        const number = Math.max(0, ...d.versions.map((x) => x.version)) + 1;
        d.versions.push({
          version: number,
          name,
          main_model_id: main.m.wire._id,
          main_model_experiment_version_id: main.v._id,
          challenger_model_id: challenger?.m.wire._id ?? null,
          challenger_model_experiment_version_id: challenger?.v._id ?? null,
          created_at: new Date(now).toISOString(),
        });
        // A rolling update: the current version keeps serving (deploy_state stays done) while the new one starts;
        // current_version and models switch when main_model_run_state reaches done, which the SDK polls.
        d.main_model_run_state = 'pending';
        store.jobs.start(d._id, null, [
          () => {
            d.main_model_run_state = 'running';
          },
          () => {
            d.current_version = number;
            d.models = modelRefs(main, challenger);
            d.main_model_run_state = 'done';
          },
        ]);
        // new_version() reads `_id` and then GETs /deployments/{_id}: the deployment's own id.
        return ok(deploymentWire(d, req));
      },
    },
    {
      method: 'GET',
      path: `${API}/deployments/{id}/api-keys`,
      handler: (req) => {
        const id = deployment(req.params['id']!)._id;
        return page(
          [...store.apiKeys.values()].filter((k) => k.wire.deployment_id === id).map((k) => k.wire),
          req,
        );
      },
    },
    {
      method: 'POST',
      path: `${API}/deployments/{id}/api-keys`,
      handler: (req) => {
        const d = deployment(req.params['id']!);
        const now = options.now();
        const _id = store.ids.next(now);
        const h = (s: string): string => hashString(s).toString(16).padStart(8, '0');
        const key = {
          wire: {
            _id,
            deployment_id: d._id,
            project_id: d.project_id,
            service_account_client_id: `${d.name}-${_id.slice(-6)}`,
            created_at: new Date(now).toISOString(),
          },
          secret: `pvs_${h(`${_id}:a`)}${h(`${_id}:b`)}${h(`${_id}:c`)}${h(`${_id}:d`)}`,
        };
        store.addApiKey(key);
        return ok(key.wire);
      },
    },
    {
      method: 'GET',
      path: `${API}/api-keys/{id}/secret`,
      handler: (req) => {
        const k = store.apiKeys.get(req.params['id']!);
        if (!k) throw notFound('API key', req.params['id']!);
        return ok({ service_account_client_id: k.wire.service_account_client_id, client_secret: k.secret });
      },
    },
  ];
}
