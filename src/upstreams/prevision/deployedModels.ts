/**
 * Internal to the Prevision client: calls on deployed models' own hosts (their inputs, unit predictions), with OAuth2
 * client-credentials tokens fetched once per deployment and credential and refreshed shortly before they expire. The
 * API key behind a token and the OIDC endpoint are read from the `/ext/v1` API through the client.
 */
import { createHash } from 'node:crypto';
import { AugurError, ErrorCode } from '../../core/errors.js';
import type { UpstreamHttp } from '../http.js';
import type { RequestBudget } from '../requestBudget.js';
import type { PrevisionDeployedInput, PrevisionDeployment, PrevisionUnitPrediction, PrevisionVersionInfo } from './types.js';

/**
 * What a call on a deployed model takes of the caller's Prevision call: the master token its API key is read with
 * (tokens are kept per master token), and the operation's budget.
 */
export interface DeployedModelCall {
  masterToken: string | undefined;
  budget: RequestBudget;
}

/** What a unit prediction also asks the deployed model for. */
export interface PrevisionPredictOptions {
  explain?: boolean;
  confidence?: boolean;
}

/** What the deployed models take from the client that owns them. */
export interface DeployedModelsDeps {
  /** A `GET` on the `/ext/v1` API, uncached: an API key and its secret, and `/version` naming the OIDC endpoint. */
  read<T>(ctx: DeployedModelCall, path: string, route: string): Promise<T>;
  /** Returns the HTTP client of another Prevision host (deployed models, the OIDC token endpoint). */
  host(baseUrl: string): UpstreamHttp;
  /** Registers a secret (OAuth client secrets, access tokens) so it is redacted from every log line. */
  addSecret(secret: string): void;
  now: () => number;
}

interface TokenEntry {
  clientId: string;
  clientSecret: string;
  accessToken?: string;
  expiresAt: number;
  refreshing?: Promise<string>;
}

/** How long before expiry a token is refreshed: 60 s as the SDK does, or a quarter of a short lifetime. */
function refreshMarginMs(lifetimeMs: number): number {
  return Math.min(60_000, lifetimeMs / 4);
}

/** The deployed models of one client, with the tokens it holds for them. */
export class DeployedModels {
  private readonly tokens = new Map<string, TokenEntry>();
  private oidc: { url: string; at: number } | undefined;
  private readonly now: () => number;

  constructor(private readonly deps: DeployedModelsDeps) {
    this.now = deps.now;
  }

  /** The features a deployed model takes (`GET {url}/inputs` on its host), with a cached OAuth2 token. */
  async inputs(ctx: DeployedModelCall, deployment: PrevisionDeployment): Promise<PrevisionDeployedInput[]> {
    const host = this.deployedHost(deployment);
    const res = await this.withToken(ctx, deployment._id, (token) =>
      host.request<PrevisionDeployedInput[]>({
        method: 'GET',
        path: '/inputs',
        route: 'GET {deployment}/inputs',
        authorization: `Bearer ${token}`,
        idempotent: true,
        budget: ctx.budget,
      }),
    );
    if (!Array.isArray(res.data)) {
      throw new AugurError(ErrorCode.UPSTREAM_ERROR, `Prevision deployment ${deployment._id} did not list its model's inputs.`, {
        platform: 'prevision',
      });
    }
    return res.data;
  }

  private deployedHost(deployment: PrevisionDeployment): UpstreamHttp {
    if (!deployment.url) {
      throw new AugurError(
        ErrorCode.UPSTREAM_ERROR,
        `Prevision deployment ${deployment._id} has no URL yet (deployState ${deployment.deploy_state}).`,
        { platform: 'prevision' },
      );
    }
    return this.deps.host(deployment.url);
  }

  /** Scores one record on a deployed model, with a cached OAuth2 token. */
  async predict(
    ctx: DeployedModelCall,
    deployment: PrevisionDeployment,
    features: Record<string, unknown>,
    options: PrevisionPredictOptions = {},
  ): Promise<PrevisionUnitPrediction> {
    const host = this.deployedHost(deployment);
    const query = [options.confidence ? 'confidence=true' : '', options.explain ? 'explain=true' : ''].filter(Boolean).join('&');
    const res = await this.withToken(ctx, deployment._id, (token) =>
      host.request<PrevisionUnitPrediction>({
        method: 'POST',
        path: query ? `/predict?${query}` : '/predict',
        route: 'POST {deployment}/predict',
        authorization: `Bearer ${token}`,
        body: features,
        idempotent: true,
        budget: ctx.budget,
      }),
    );
    return res.data;
  }

  /**
   * Calls a deployed model's host with the deployment's token. A token the host refuses (401: revoked, or the
   * platform restarted before it expired) is dropped and the call made once more with a fresh one.
   */
  private async withToken<T>(ctx: DeployedModelCall, deploymentId: string, call: (token: string) => Promise<T>): Promise<T> {
    const token = await this.accessToken(ctx, deploymentId);
    try {
      return await call(token);
    } catch (e) {
      if (!(e instanceof AugurError && e.code === ErrorCode.UNAUTHENTICATED && e.details.upstreamStatus === 401)) throw e;
      const entry = this.tokens.get(this.fingerprint(ctx, deploymentId));
      if (entry?.accessToken === token) {
        entry.accessToken = undefined;
        entry.expiresAt = 0;
      }
      return call(await this.accessToken(ctx, deploymentId));
    }
  }

  private fingerprint(ctx: DeployedModelCall, deploymentId: string): string {
    return `${createHash('sha256')
      .update(ctx.masterToken ?? '')
      .digest('base64url')
      .slice(0, 16)}|${deploymentId}`;
  }

  private async accessToken(ctx: DeployedModelCall, deploymentId: string): Promise<string> {
    const key = this.fingerprint(ctx, deploymentId);
    let entry = this.tokens.get(key);
    if (!entry) {
      const keys = await this.deps.read<{ items?: Array<{ _id: string }> }>(
        ctx,
        `/deployments/${encodeURIComponent(deploymentId)}/api-keys`,
        '/deployments/{id}/api-keys',
      );
      const keyId = keys.items?.[0]?._id;
      if (!keyId) {
        throw new AugurError(
          ErrorCode.UPSTREAM_ERROR,
          `Prevision deployment ${deploymentId} has no API key; create one in Prevision to score through Augur.`,
          {
            platform: 'prevision',
          },
        );
      }
      const secret = await this.deps.read<{ service_account_client_id: string; client_secret: string }>(
        ctx,
        `/api-keys/${encodeURIComponent(keyId)}/secret`,
        '/api-keys/{id}/secret',
      );
      this.deps.addSecret(secret.client_secret);
      entry = this.tokens.get(key) ?? { clientId: secret.service_account_client_id, clientSecret: secret.client_secret, expiresAt: 0 };
      if (this.tokens.size > 10_000) this.tokens.clear();
      this.tokens.set(key, entry);
    }
    for (;;) {
      if (entry.accessToken && this.now() < entry.expiresAt) return entry.accessToken;
      const current = entry;
      const refreshing = (current.refreshing ??= this.fetchToken(ctx, current).finally(() => {
        current.refreshing = undefined;
      }));
      try {
        return await refreshing;
      } catch (e) {
        // The refresh is shared, and the operation that started it may have reached its deadline (it started first,
        // so its deadline passes first): that says nothing about this operation, which fetches a token itself.
        if (!(e instanceof AugurError && e.code === ErrorCode.OPERATION_TIMEOUT) || ctx.budget.signal.aborted) throw e;
      }
    }
  }

  private async fetchToken(ctx: DeployedModelCall, entry: TokenEntry): Promise<string> {
    const oidcUrl = await this.oidcUrl(ctx);
    const form = new URLSearchParams({ grant_type: 'client_credentials', client_id: entry.clientId, client_secret: entry.clientSecret });
    const res = await this.deps.host(oidcUrl).request<{ access_token?: string; expires_in?: number }>({
      method: 'POST',
      path: '/auth/realms/prevision.io/protocol/openid-connect/token',
      route: 'POST {oidc}/auth/realms/prevision.io/protocol/openid-connect/token',
      body: form.toString(),
      contentType: 'application/x-www-form-urlencoded',
      idempotent: true,
      budget: ctx.budget,
    });
    const token = res.data?.access_token;
    if (!token)
      throw new AugurError(ErrorCode.UPSTREAM_ERROR, 'Prevision token endpoint answered without an access token.', {
        platform: 'prevision',
      });
    this.deps.addSecret(token);
    const lifetimeMs = Math.max(1, Number(res.data.expires_in ?? 300)) * 1000;
    entry.accessToken = token;
    entry.expiresAt = this.now() + lifetimeMs - refreshMarginMs(lifetimeMs);
    return token;
  }

  private async oidcUrl(ctx: DeployedModelCall): Promise<string> {
    if (this.oidc && this.now() - this.oidc.at < 300_000) return this.oidc.url;
    const info = await this.deps.read<PrevisionVersionInfo>(ctx, '/version', '/version');
    if (!info?.oidc_url)
      throw new AugurError(ErrorCode.UPSTREAM_ERROR, 'Prevision /version did not name an oidc_url.', { platform: 'prevision' });
    this.oidc = { url: info.oidc_url.replace(/\/+$/, ''), at: this.now() };
    return this.oidc.url;
  }
}
