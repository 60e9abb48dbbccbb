/**
 * Client for the Previsto REST API: list (page/size with `x-total-count`), get, create, partial update and delete
 * for contacts, agreements and assignments, plus reading and changing the current account. Every Previsto path Augur calls is here;
 * retries and errors follow `previstoPolicy` (policy.ts).
 */
import { credentialFingerprint } from '../../core/fingerprint.js';
import type { UpstreamHttp } from '../http.js';
import type { CachePartition, ReadCache } from '../readCache.js';
import type { RequestBudget } from '../requestBudget.js';
import type { PrevistoAccount, PrevistoResource } from './types.js';

/** The caller's secret key and the operation's budget, passed with every call. */
export interface PrevistoCallContext {
  apiKey: string | undefined;
  budget: RequestBudget;
  /** Who the call is made for (shares of the key's rate budget). */
  caller?: string;
}

/** One list request. `filters` are equality filters by (dot-path) property; `sort` entries are `prop,asc|desc`. */
export interface PrevistoListQuery {
  page: number;
  size: number;
  filters?: Record<string, string>;
  sort?: string[];
  search?: string;
  nearby?: [number, number];
}

export interface PrevistoPage<T> {
  items: T[];
  total: number;
}

/** Builds the query string of a list request (exported for tests and cache keys). */
export function listQueryString(q: PrevistoListQuery): string {
  const params = new URLSearchParams();
  params.set('page', String(q.page));
  params.set('size', String(q.size));
  for (const [k, v] of Object.entries(q.filters ?? {})) params.append(k, v);
  for (const s of q.sort ?? []) params.append('sort', s);
  if (q.search !== undefined) params.set('search', q.search);
  if (q.nearby) params.set('nearby', `${q.nearby[0]},${q.nearby[1]}`);
  return params.toString();
}

const UPDATE_VERB: Record<PrevistoResource, 'POST' | 'PUT'> = { contacts: 'POST', agreements: 'POST', assignments: 'PUT' };

export class PrevistoClient {
  /** `cache`: the entity cache (reads of contacts, agreements, assignments and the account; writes keep it true). */
  constructor(
    private readonly http: UpstreamHttp,
    private readonly cache?: ReadCache,
  ) {}

  private part(ctx: PrevistoCallContext, type: PrevistoResource | 'account'): CachePartition {
    return { platform: 'previsto', fingerprint: this.fingerprint(ctx.apiKey), type };
  }

  /** Reads through the entity cache when there is one. */
  private cached<T>(
    ctx: PrevistoCallContext,
    type: PrevistoResource | 'account',
    key: string,
    fetch: () => Promise<T>,
    entities?: (value: T) => ReadonlyArray<{ id: string; value: unknown }>,
  ): Promise<T> {
    if (!this.cache) return fetch();
    return this.cache.read({ part: this.part(ctx, type), key, budget: ctx.budget, fetch, ...(entities ? { entities } : {}) });
  }

  /** Tells the cache what a write changed: `value` is the entity as Previsto answered it, undefined when it is gone. */
  private async wrote(ctx: PrevistoCallContext, resource: PrevistoResource, id: string | undefined, value: unknown): Promise<void> {
    if (!this.cache) return;
    const valid = value !== null && typeof value === 'object' && (value as { id?: unknown }).id === id;
    await this.cache.wrote(this.part(ctx, resource), id, valid ? value : undefined);
    // A deleted contact takes its assignments and agreements with it: their lists and objects are re-read.
    if (resource === 'contacts' && value === undefined) {
      await this.cache.wrote(this.part(ctx, 'assignments'), undefined, undefined);
      await this.cache.wrote(this.part(ctx, 'agreements'), undefined, undefined);
    }
  }

  /** A reachability check (`GET /accounts/current` without a credential): any HTTP answer counts. Previsto reports no version. */
  async probe(timeoutMs: number): Promise<{ version: string | null }> {
    await this.http.probe('/accounts/current', timeoutMs);
    return { version: null };
  }

  /** A non-secret key identifying a credential, for rate budgets and caches. */
  fingerprint(apiKey: string | undefined): string {
    return credentialFingerprint(apiKey);
  }

  private auth(ctx: PrevistoCallContext): string | undefined {
    return ctx.apiKey ? `Basic ${Buffer.from(`${ctx.apiKey}:`).toString('base64')}` : undefined;
  }

  async list<T>(ctx: PrevistoCallContext, resource: PrevistoResource, q: PrevistoListQuery): Promise<PrevistoPage<T>> {
    return this.cached(
      ctx,
      resource,
      `?${listQueryString(q)}`,
      () => this.fetchList<T>(ctx, resource, q),
      (page) =>
        page.items.flatMap((item) =>
          typeof (item as { id?: unknown }).id === 'string' ? [{ id: (item as { id: string }).id, value: item }] : [],
        ),
    );
  }

  private async fetchList<T>(ctx: PrevistoCallContext, resource: PrevistoResource, q: PrevistoListQuery): Promise<PrevistoPage<T>> {
    const res = await this.http.request<T[]>({
      method: 'GET',
      path: `/${resource}?${listQueryString(q)}`,
      route: `GET /${resource}`,
      authorization: this.auth(ctx),
      idempotent: true,
      budget: ctx.budget,
      rateKey: this.fingerprint(ctx.apiKey),
      caller: ctx.caller,
    });
    const items = Array.isArray(res.data) ? res.data : [];
    const header = res.headers['x-total-count'];
    const total = Number(Array.isArray(header) ? header[0] : header);
    return { items, total: Number.isFinite(total) ? total : q.page * q.size + items.length };
  }

  async get<T>(ctx: PrevistoCallContext, resource: PrevistoResource, id: string): Promise<T> {
    return this.cached(ctx, resource, id, () => this.fetchOne<T>(ctx, resource, id));
  }

  private async fetchOne<T>(ctx: PrevistoCallContext, resource: PrevistoResource, id: string): Promise<T> {
    const res = await this.http.request<T>({
      method: 'GET',
      path: `/${resource}/${encodeURIComponent(id)}`,
      route: `GET /${resource}/{id}`,
      authorization: this.auth(ctx),
      idempotent: true,
      budget: ctx.budget,
      rateKey: this.fingerprint(ctx.apiKey),
      caller: ctx.caller,
    });
    return res.data;
  }

  /** Creates a resource. Never retried once it may have reached Previsto, so a create is never duplicated. */
  async create<T>(ctx: PrevistoCallContext, resource: PrevistoResource, body: Record<string, unknown>): Promise<T> {
    const data = await this.writing(ctx, resource, undefined, () =>
      this.http.request<T>({
        method: 'POST',
        path: `/${resource}`,
        route: `POST /${resource}`,
        authorization: this.auth(ctx),
        body,
        idempotent: false,
        budget: ctx.budget,
        rateKey: this.fingerprint(ctx.apiKey),
        caller: ctx.caller,
      }),
    );
    return data;
  }

  /**
   * Sends a write and keeps the cache true: on success the entity becomes what Previsto answered; on failure (which may
   * still have been applied) the entity and the type's lists go.
   */
  private async writing<T>(
    ctx: PrevistoCallContext,
    resource: PrevistoResource,
    id: string | undefined,
    send: () => Promise<{ data: T }>,
  ): Promise<T> {
    let res: { data: T };
    try {
      res = await send();
    } catch (err) {
      await this.wrote(ctx, resource, id, undefined);
      throw err;
    }
    const answered = (res.data as { id?: unknown } | undefined)?.id;
    await this.wrote(ctx, resource, id ?? (typeof answered === 'string' ? answered : undefined), res.data);
    return res.data;
  }

  /** Partial update (missing fields stay unchanged): POST for contacts and agreements, PUT for assignments. */
  async update<T>(ctx: PrevistoCallContext, resource: PrevistoResource, id: string, body: Record<string, unknown>): Promise<T> {
    const method = UPDATE_VERB[resource];
    return this.writing(ctx, resource, id, () =>
      this.http.request<T>({
        method,
        path: `/${resource}/${encodeURIComponent(id)}`,
        route: `${method} /${resource}/{id}`,
        authorization: this.auth(ctx),
        body,
        idempotent: method === 'PUT',
        budget: ctx.budget,
        rateKey: this.fingerprint(ctx.apiKey),
        caller: ctx.caller,
      }),
    );
  }

  async remove(ctx: PrevistoCallContext, resource: PrevistoResource, id: string): Promise<void> {
    await this.writing(ctx, resource, id, async () => {
      await this.http.request<unknown>({
        method: 'DELETE',
        path: `/${resource}/${encodeURIComponent(id)}`,
        route: `DELETE /${resource}/{id}`,
        authorization: this.auth(ctx),
        idempotent: true,
        budget: ctx.budget,
        rateKey: this.fingerprint(ctx.apiKey),
        caller: ctx.caller,
      });
      return { data: undefined };
    });
  }

  /** Updates the key's account (`POST /accounts/current`; only name, email, languageCode and meta change). */
  async updateAccount(ctx: PrevistoCallContext, body: Record<string, unknown>): Promise<PrevistoAccount> {
    const part = this.part(ctx, 'account');
    try {
      const res = await this.http.request<PrevistoAccount>({
        method: 'POST',
        path: '/accounts/current',
        route: 'POST /accounts/current',
        authorization: this.auth(ctx),
        body,
        idempotent: false,
        budget: ctx.budget,
        rateKey: this.fingerprint(ctx.apiKey),
        caller: ctx.caller,
      });
      await this.cache?.wrote(part, 'current', res.data && typeof res.data === 'object' ? res.data : undefined);
      return res.data;
    } catch (err) {
      await this.cache?.wrote(part, 'current', undefined);
      throw err;
    }
  }

  async account(ctx: PrevistoCallContext): Promise<PrevistoAccount> {
    return this.cached(ctx, 'account', 'current', () => this.fetchAccount(ctx));
  }

  private async fetchAccount(ctx: PrevistoCallContext): Promise<PrevistoAccount> {
    const res = await this.http.request<PrevistoAccount>({
      method: 'GET',
      path: '/accounts/current',
      route: 'GET /accounts/current',
      authorization: this.auth(ctx),
      idempotent: true,
      budget: ctx.budget,
      rateKey: this.fingerprint(ctx.apiKey),
      caller: ctx.caller,
    });
    return res.data;
  }
}
