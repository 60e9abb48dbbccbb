/**
 * Client for the Civis Platform API (docs/upstreams.md §7 "Civis Platform"): HTTP Basic with the API key as username, page-based lists
 * (`page_num` 1-based, `limit`, `order`, `order_dir`) whose totals arrive in `X-Pagination-Total-Entries`, and the
 * writes Augur exposes (job runs, queries, credentials). Retries follow the platform's rules (`retryPolicyFor`),
 * with writes repeated only where Civis's rules make it safe (429/503 on POST, never PATCH).
 */
import type { UpstreamHttp } from '../http.js';
import type { RequestBudget } from '../requestBudget.js';
import type { HttpMethod } from '../../core/upstream.js';
import type { CivisCredential, CivisQuery, CivisRun } from './types.js';

/** The caller's API key and the operation's budget, passed with every call. */
export interface CivisCallContext {
  apiKey: string | undefined;
  budget: RequestBudget;
}

/** Query parameters of a list; `undefined` values are left out. */
export type CivisParams = Record<string, string | number | boolean | undefined>;

/** One list page as Augur reads it: the items and the total across pages. */
export interface CivisPage<T> {
  items: T[];
  total: number;
}

/** Reads the error envelope `{error, errorDescription, code}`. */
export function parseCivisError(body: unknown): { message?: string; upstreamCode?: string } {
  if (typeof body !== 'object' || body === null) return {};
  const b = body as { error?: unknown; errorDescription?: unknown };
  const out: { message?: string; upstreamCode?: string } = {};
  if (typeof b.errorDescription === 'string' && b.errorDescription !== '') out.message = b.errorDescription;
  if (typeof b.error === 'string' && b.error !== '') out.upstreamCode = b.error;
  return out;
}

/** Builds a query string in a stable order (so equal lists share one memoised request). */
export function civisQueryString(params: CivisParams): string {
  const search = new URLSearchParams();
  for (const key of Object.keys(params).sort()) {
    const v = params[key];
    if (v !== undefined) search.set(key, String(v));
  }
  return search.toString();
}

function withQuery(path: string, params: CivisParams): string {
  const qs = civisQueryString(params);
  return qs ? `${path}?${qs}` : path;
}

function headerNumber(value: string | string[] | undefined): number {
  return Number(Array.isArray(value) ? value[0] : value);
}

/** Body of `POST /credentials/`. The password is sent, stored by Civis, and never returned. */
export interface CivisCredentialWrite {
  name?: string;
  type?: string;
  username?: string | null;
  password?: string;
  description?: string | null;
  remoteHostId?: number | null;
  state?: string | null;
  default?: boolean;
}

/** Body of `POST /queries/`. */
export interface CivisQueryWrite {
  database: number;
  sql: string;
  credential?: number;
  previewRows?: number;
  hidden?: boolean;
}

export class CivisClient {
  constructor(private readonly http: UpstreamHttp) {}

  private auth(ctx: CivisCallContext): string | undefined {
    return ctx.apiKey ? `Basic ${Buffer.from(`${ctx.apiKey}:`).toString('base64')}` : undefined;
  }

  /** GET of one resource (path with its query string); `route` is the template for logs and metrics. */
  async get<T>(ctx: CivisCallContext, path: string, route: string): Promise<T> {
    const res = await this.http.request<T>({
      method: 'GET',
      path,
      route: `GET ${route}`,
      authorization: this.auth(ctx),
      idempotent: true,
      budget: ctx.budget,
    });
    return res.data;
  }

  /**
   * Reads one page of a paginated list: zero-based `pageIndex` (Civis's `page_num` is 1-based) of `limit` items.
   * Civis answers a bare array past the last page and the total in `X-Pagination-Total-Entries`.
   */
  async list<T>(ctx: CivisCallContext, path: string, route: string, params: CivisParams, pageIndex: number, limit: number): Promise<CivisPage<T>> {
    const res = await this.http.request<T[]>({
      method: 'GET',
      path: withQuery(path, { ...params, page_num: pageIndex + 1, limit }),
      route: `GET ${route}`,
      authorization: this.auth(ctx),
      idempotent: true,
      budget: ctx.budget,
    });
    const items = Array.isArray(res.data) ? res.data : [];
    const total = headerNumber(res.headers['x-pagination-total-entries']);
    return { items, total: Number.isFinite(total) ? total : pageIndex * limit + items.length };
  }

  /** `POST /jobs/{id}/runs`: starts a run. Sent once: a repeated request could start a second run. */
  runJob(ctx: CivisCallContext, jobId: number): Promise<CivisRun> {
    return this.once<CivisRun>(ctx, 'POST', `/jobs/${jobId}/runs`, 'POST /jobs/{id}/runs');
  }

  /** `POST /queries/`: runs SQL asynchronously; read `state` back with `GET /queries/{id}`. Sent once. */
  createQuery(ctx: CivisCallContext, body: CivisQueryWrite): Promise<CivisQuery> {
    return this.once<CivisQuery>(ctx, 'POST', '/queries/', 'POST /queries/', body);
  }

  /** `POST /credentials/`. Sent once, so a credential is never created twice. */
  createCredential(ctx: CivisCallContext, body: CivisCredentialWrite): Promise<CivisCredential> {
    return this.once<CivisCredential>(ctx, 'POST', '/credentials/', 'POST /credentials/', body);
  }

  /** `PATCH /credentials/{id}`: changes the given fields only. Civis never retries a PATCH, nor does Augur. */
  updateCredential(ctx: CivisCallContext, id: number, body: CivisCredentialWrite): Promise<CivisCredential> {
    return this.once<CivisCredential>(ctx, 'PATCH', `/credentials/${id}`, 'PATCH /credentials/{id}', body);
  }

  /** `DELETE /credentials/{id}` (204). Retried like any DELETE: deleting twice has one effect. */
  async deleteCredential(ctx: CivisCallContext, id: number): Promise<void> {
    await this.http.request<unknown>({
      method: 'DELETE',
      path: `/credentials/${id}`,
      route: 'DELETE /credentials/{id}',
      authorization: this.auth(ctx),
      idempotent: true,
      budget: ctx.budget,
    });
  }

  /**
   * A write. It follows Civis's own rule for non-idempotent verbs: a POST is repeated only after 429 or 503, which
   * Civis answers before acting; never after 502, 504 or a connection that may have reached it; a PATCH never.
   */
  private async once<T>(ctx: CivisCallContext, method: HttpMethod, path: string, route: string, body?: unknown): Promise<T> {
    const res = await this.http.request<T>({
      method,
      path,
      route,
      authorization: this.auth(ctx),
      ...(body !== undefined ? { body } : {}),
      idempotent: false,
      budget: ctx.budget,
    });
    return res.data;
  }
}
