/**
 * Client for the Previsto REST API: list (page/size with `x-total-count`), get, create, partial update and delete
 * for contacts, agreements and assignments, plus reading and changing the current account. Every Previsto path Augur calls is here;
 * retries and errors follow `previstoPolicy` (policy.ts).
 */
import { createHash } from 'node:crypto';
import type { UpstreamHttp } from '../http.js';
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
  private readonly fingerprints = new Map<string, string>();

  constructor(private readonly http: UpstreamHttp) {}

  /** A reachability check (`GET /accounts/current` without a credential): any HTTP answer counts. Previsto reports no version. */
  async probe(timeoutMs: number): Promise<{ version: string | null }> {
    await this.http.probe('/accounts/current', timeoutMs);
    return { version: null };
  }

  /** A non-secret key identifying a credential, for rate budgets and caches. */
  fingerprint(apiKey: string | undefined): string {
    const key = apiKey ?? '';
    let fp = this.fingerprints.get(key);
    if (!fp) {
      fp = createHash('sha256').update(key).digest('base64url').slice(0, 16);
      if (this.fingerprints.size > 10_000) this.fingerprints.clear();
      this.fingerprints.set(key, fp);
    }
    return fp;
  }

  private auth(ctx: PrevistoCallContext): string | undefined {
    return ctx.apiKey ? `Basic ${Buffer.from(`${ctx.apiKey}:`).toString('base64')}` : undefined;
  }

  async list<T>(ctx: PrevistoCallContext, resource: PrevistoResource, q: PrevistoListQuery): Promise<PrevistoPage<T>> {
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
    const res = await this.http.request<T>({
      method: 'POST',
      path: `/${resource}`,
      route: `POST /${resource}`,
      authorization: this.auth(ctx),
      body,
      idempotent: false,
      budget: ctx.budget,
      rateKey: this.fingerprint(ctx.apiKey),
      caller: ctx.caller,
    });
    return res.data;
  }

  /** Partial update (missing fields stay unchanged): POST for contacts and agreements, PUT for assignments. */
  async update<T>(ctx: PrevistoCallContext, resource: PrevistoResource, id: string, body: Record<string, unknown>): Promise<T> {
    const method = UPDATE_VERB[resource];
    const res = await this.http.request<T>({
      method,
      path: `/${resource}/${encodeURIComponent(id)}`,
      route: `${method} /${resource}/{id}`,
      authorization: this.auth(ctx),
      body,
      idempotent: method === 'PUT',
      budget: ctx.budget,
      rateKey: this.fingerprint(ctx.apiKey),
      caller: ctx.caller,
    });
    return res.data;
  }

  async remove(ctx: PrevistoCallContext, resource: PrevistoResource, id: string): Promise<void> {
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
  }

  /**
   * Changes the current account (`POST /accounts/current`, a partial update: name, email, languageCode and meta, whose
   * keys are merged). Never retried once it may have reached Previsto.
   */
  async updateAccount(ctx: PrevistoCallContext, body: Record<string, unknown>): Promise<PrevistoAccount> {
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
    return res.data;
  }

  async account(ctx: PrevistoCallContext): Promise<PrevistoAccount> {
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
