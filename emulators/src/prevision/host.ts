/**
 * Internal to the Prevision emulator: the deployed-model side. The OAuth2 client-credentials token endpoint lives at
 * `{oidc_url}/auth/realms/prevision.io/protocol/openid-connect/token` (Keycloak's path), and each deployment's host
 * (`Deployment.url`) is served under `/deployments-host/{deploymentId}`. These routes bypass the master-token check:
 * they authenticate with the access token instead.
 */
import { EmulatorError, type EmulatorReply, type EmulatorRequest, type RouteDef } from '../framework/emulator.js';
import { hashString, readCredential } from '../framework/util.js';
import { badRequest, jsonFirstBody, notFound, type HandlerContext } from './context.js';
import { FeatureError, quantiles, round, score, type Scorer } from './scoring.js';
import type { DeploymentRecord } from './store.js';
import type { DeployedInput, DeployedOutput, TokenResponse, UnitPredictionResponse } from './types.js';

/** Route template of the token endpoint (relative to `oidc_url`, which is the emulator's base URL). */
export const TOKEN_PATH = '/auth/realms/prevision.io/protocol/openid-connect/token';
/** Path prefix of deployed-model hosts: `Deployment.url` is `<base>/deployments-host/<deploymentId>`. */
export const DEPLOYMENT_HOST_PREFIX = '/deployments-host';

const TOKEN_PRUNE_AT = 10_000;

function oauthError(status: number, error: string, description: string): EmulatorReply {
  return { status, headers: { 'cache-control': 'no-store', pragma: 'no-cache' }, body: { error, error_description: description } };
}

export function hostRoutes(ctx: HandlerContext): RouteDef[] {
  const { store, options } = ctx;

  /** The deployment a valid access token opens, or a 401 saying why the token does not. */
  const authorize = (req: EmulatorRequest): { dep: DeploymentRecord; scorer: Scorer } => {
    const id = req.params['deploymentId']!;
    const dep = store.deployments.get(id);
    if (!dep) throw notFound('Deployment', id);
    const cred = readCredential(req.headers);
    const challenge = { 'www-authenticate': 'Bearer realm="prevision.io", error="invalid_token"' };
    if (cred.scheme !== 'bearer') {
      throw new EmulatorError(
        401,
        `Expected "Authorization: Bearer <access_token>" from the client-credentials token endpoint (${TOKEN_PATH}), got ${cred.scheme === 'none' ? 'no Authorization header' : `a ${cred.scheme} credential`}.`,
        {},
        challenge,
      );
    }
    const token = store.tokens.get(cred.token);
    if (!token)
      throw new EmulatorError(
        401,
        'Unknown access token: fetch a new one from the token endpoint with the deployment API key.',
        {},
        challenge,
      );
    if (token.expiresAt <= options.now()) {
      throw new EmulatorError(
        401,
        'The access token has expired: fetch a new one from the token endpoint (refresh before expires_in runs out).',
        {},
        challenge,
      );
    }
    if (token.deploymentId !== dep._id) {
      throw new EmulatorError(
        401,
        `This access token belongs to another deployment; use an API key of deployment ${dep._id}.`,
        {},
        challenge,
      );
    }
    if (dep.deploy_state !== 'done') store.jobs.settleOne(dep._id);
    if (dep.deploy_state !== 'done') {
      throw new EmulatorError(503, `Deployment ${dep._id} is not running yet (deploy_state ${dep.deploy_state}); retry shortly.`);
    }
    const scorer = store.models.get(dep.models[0]!._id)?.scorer;
    if (!scorer) throw badRequest(`Deployment ${dep._id} serves a ${dep.training_type} model, which has no unit prediction here.`);
    return { dep, scorer };
  };

  return [
    {
      method: 'POST',
      path: TOKEN_PATH,
      public: true,
      handler: (req) => {
        const raw = req.body();
        const body = typeof raw === 'object' && raw !== null && !Array.isArray(raw) ? (raw as Record<string, unknown>) : {};
        if (body['grant_type'] !== 'client_credentials') {
          return oauthError(
            400,
            'unsupported_grant_type',
            `Expected grant_type=client_credentials, got ${JSON.stringify(body['grant_type'] ?? null)}.`,
          );
        }
        // requests-oauthlib sends the client as HTTP Basic by default; other clients put it in the form.
        const cred = readCredential(req.headers);
        const clientId = cred.scheme === 'basic' ? cred.username : body['client_id'];
        const secret = cred.scheme === 'basic' ? cred.password : body['client_secret'];
        const key = typeof clientId === 'string' ? store.apiKeysByClientId.get(clientId) : undefined;
        if (!key || typeof secret !== 'string' || secret !== key.secret) {
          return oauthError(
            401,
            'invalid_client',
            'Invalid client credentials: use the client_id and client_secret of a deployment API key.',
          );
        }
        const now = options.now();
        if (store.tokens.size >= TOKEN_PRUNE_AT) {
          // Bounded memory under load: drop expired tokens, then the oldest (their holders get a 401 and refetch).
          for (const [t, v] of store.tokens) if (v.expiresAt <= now) store.tokens.delete(t);
          let excess = store.tokens.size - TOKEN_PRUNE_AT / 2;
          for (const t of store.tokens.keys()) {
            if (excess-- <= 0) break;
            store.tokens.delete(t);
          }
        }
        const serial = ++store.tokenSerial;
        const h = (s: string): string => hashString(s).toString(16).padStart(8, '0');
        const accessToken = `pvat.${serial.toString(36)}.${h(`${key.wire._id}:${serial}`)}${h(`${serial}:${key.secret}`)}`;
        store.tokens.set(accessToken, {
          deploymentId: key.wire.deployment_id,
          clientId: key.wire.service_account_client_id,
          expiresAt: now + options.tokenTtlSeconds * 1000,
        });
        const reply: TokenResponse = {
          access_token: accessToken,
          expires_in: options.tokenTtlSeconds,
          refresh_expires_in: 0,
          token_type: 'Bearer',
          'not-before-policy': 0,
          scope: 'profile email',
        };
        return { status: 200, headers: { 'cache-control': 'no-store', pragma: 'no-cache' }, body: reply };
      },
    },
    {
      method: 'GET',
      path: `${DEPLOYMENT_HOST_PREFIX}/{deploymentId}/about`,
      public: true,
      handler: (req) => {
        const { dep, scorer } = authorize(req);
        const main = store.models.get(dep.models[0]!._id)!.wire;
        return {
          status: 200,
          body: {
            problem_type: scorer.trainingType,
            provider: main.provider,
            name: dep.name,
            deployment_id: dep._id,
            project_id: dep.project_id,
            experiment_id: dep.experiment_id,
            experiment_version_id: main.experiment_version_id,
            model_id: main._id,
            model_name: main.model_name,
            target: scorer.target,
            version: dep.current_version,
            type_violation_policy: dep.current_type_violation_policy,
          },
        };
      },
    },
    {
      method: 'GET',
      path: `${DEPLOYMENT_HOST_PREFIX}/{deploymentId}/inputs`,
      public: true,
      handler: (req) => {
        const { scorer } = authorize(req);
        const inputs: DeployedInput[] = scorer.features.map((f) =>
          f.type === 'numerical'
            ? { name: f.name, type: 'numerical', required: true }
            : { name: f.name, type: 'categorical', required: true, values: Object.keys(f.levels) },
        );
        return { status: 200, body: inputs };
      },
    },
    {
      method: 'GET',
      path: `${DEPLOYMENT_HOST_PREFIX}/{deploymentId}/outputs`,
      public: true,
      handler: (req) => {
        const { scorer } = authorize(req);
        const out: DeployedOutput = scorer.classes
          ? { keyName: scorer.target, name: scorer.target, type: 'categorical', values: [...scorer.classes] }
          : { keyName: scorer.target, name: scorer.target, type: 'numerical' };
        return { status: 200, body: [out] };
      },
    },
    {
      method: 'POST',
      path: `${DEPLOYMENT_HOST_PREFIX}/{deploymentId}/predict`,
      public: true,
      handler: (req) => {
        const { dep, scorer } = authorize(req);
        const input = featuresFrom(jsonFirstBody(req));
        let s;
        try {
          s = score(scorer, input, dep.current_type_violation_policy === 'strict');
        } catch (e) {
          if (e instanceof FeatureError) {
            throw badRequest(
              `Type violation (policy strict): ${e.message}. Expected features: ${scorer.features.map((f) => `${f.name} (${f.type})`).join(', ')}.`,
            );
          }
          throw e;
        }
        const wantConfidence = req.query.get('confidence') === 'true';
        const wantExplain = req.query.get('explain') === 'true';
        // Top level: the documented shape. `response.predictions`: the same values keyed the way the SDK reads them.
        const body: Omit<UnitPredictionResponse, 'response'> = { prediction: s.prediction };
        const preds: Record<string, unknown> = { [scorer.target]: s.prediction };
        if (scorer.classes && s.probability !== null) {
          const [pos, neg] = scorer.classes;
          body.probas = { [pos]: s.probability, [neg]: round(1 - s.probability, 4) };
          preds['probas'] = body.probas;
          if (wantConfidence) preds['confidence'] = body.confidence = { score: round(Math.max(s.probability, 1 - s.probability), 4) };
        } else if (wantConfidence) {
          body.confidence = quantiles(scorer, s.prediction as number);
          Object.assign(preds, body.confidence);
        }
        if (wantExplain) preds['explanation'] = body.explanation = s.contributions;
        const reply: UnitPredictionResponse = { ...body, response: { predictions: preds } };
        return { status: 200, body: reply };
      },
    },
  ];
}

/**
 * Accepts the documented `{feature: value}` object and the SDK's own `[{name, value}, ...]` list
 * (what `DeployedModel.predict` sends).
 */
function featuresFrom(body: unknown): Record<string, unknown> {
  if (Array.isArray(body)) {
    if (body.every((x) => typeof x === 'object' && x !== null && 'name' in x)) {
      const out: Record<string, unknown> = {};
      for (const x of body as Array<{ name: unknown; value?: unknown }>) out[String(x.name)] = x.value;
      return out;
    }
    if (body.length === 1 && typeof body[0] === 'object' && body[0] !== null && !Array.isArray(body[0]))
      return body[0] as Record<string, unknown>;
  } else if (typeof body === 'object' && body !== null) {
    return body as Record<string, unknown>;
  }
  throw badRequest(
    `Expected a JSON body of feature values, {"feature": value, ...} or [{"name": "feature", "value": value}, ...], got ${body === undefined ? 'an empty body' : JSON.stringify(body).slice(0, 80)}.`,
  );
}
