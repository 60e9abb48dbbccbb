/**
 * Client for the Dataiku API node user API: the verbs of `dataikuapi.APINodeClient`, with the same bodies. Every
 * Dataiku path Augur calls is here; retries and errors follow `dataikuPolicy` (policy.ts).
 */
import { frozenJsonBytes } from '../../core/frozenJson.js';
import type { UpstreamHttp } from '../http.js';
import type { RequestBudget } from '../requestBudget.js';
import type {
  DataikuDispatch,
  DataikuEffect,
  DataikuExplanations,
  DataikuForecast,
  DataikuLookup,
  DataikuPrediction,
  DataikuRecord,
  DataikuSqlResult,
} from './types.js';

/** Where a call goes: one endpoint of one service. */
export interface DataikuTarget {
  serviceId: string;
  endpointId: string;
}

/** The credentials of a call: an API key (HTTP Basic) or, for services set up for OAuth2/JWT, a bearer token. */
export interface DataikuCredentials {
  apiKey: string | undefined;
  bearerToken?: string | undefined;
}

/** The caller's credentials and the operation's budget, passed with every call. */
export interface DataikuCallContext extends DataikuCredentials {
  budget: RequestBudget;
}

/** The `Authorization` header of a call: the API key as Basic username when there is one, else the bearer token (as dataikuapi does). */
function authorization(ctx: DataikuCredentials): string | undefined {
  if (ctx.apiKey) return `Basic ${Buffer.from(`${ctx.apiKey}:`).toString('base64')}`;
  if (ctx.bearerToken) return `Bearer ${ctx.bearerToken}`;
  return undefined;
}

/** Options shared by every record of a predict call. */
export interface DataikuPredictOptions {
  explanations: DataikuExplanations;
  dispatch?: DataikuDispatch;
}

const ITEMS_START = Buffer.from('{"items":[{"features":');
const ITEMS_BETWEEN = Buffer.from('},{"features":');
const ITEMS_END = Buffer.from('}]');

/**
 * The body of a predict-multi call: `{ items, explanations, dispatch? }`. When every record is features alone, frozen
 * (an entity cache hit scored with its own fields), the body is assembled from each record's remembered bytes
 * (core/frozenJson.ts) rather than serialised and encoded again: the same bytes that `JSON.stringify` gives the body.
 */
export function predictMultiBody(records: readonly DataikuRecord[], options: DataikuPredictOptions): Buffer | Record<string, unknown> {
  const body: Record<string, unknown> = { items: records, explanations: options.explanations };
  if (options.dispatch) body['dispatch'] = options.dispatch;
  if (records.length === 0) return body;
  const parts: Buffer[] = [ITEMS_START];
  for (const record of records) {
    if (record.context !== undefined || !Object.isFrozen(record.features)) return body;
    if (parts.length > 1) parts.push(ITEMS_BETWEEN);
    parts.push(frozenJsonBytes(record.features));
  }
  parts.push(ITEMS_END);
  let tail = '';
  const explanations = JSON.stringify(options.explanations) as string | undefined;
  if (explanations !== undefined) tail += `,"explanations":${explanations}`;
  const dispatch = options.dispatch ? (JSON.stringify(options.dispatch) as string | undefined) : undefined;
  if (dispatch !== undefined) tail += `,"dispatch":${dispatch}`;
  parts.push(Buffer.from(`${tail}}`));
  return Buffer.concat(parts);
}

export class DataikuClient {
  constructor(private readonly http: UpstreamHttp) {}

  /** A reachability check (`GET /public/api/v1/` without a credential): any HTTP answer counts; `DSS-Version` names the version. */
  async probe(timeoutMs: number): Promise<{ version: string | null }> {
    const res = await this.http.probe('/public/api/v1/', timeoutMs);
    const version = res.headers['dss-version'];
    return { version: typeof version === 'string' ? version : null };
  }

  private async post<T>(ctx: DataikuCallContext, target: DataikuTarget, verb: string, body: unknown, idempotent: boolean): Promise<T> {
    const res = await this.http.request<T>({
      method: 'POST',
      path: `/public/api/v1/${encodeURIComponent(target.serviceId)}/${encodeURIComponent(target.endpointId)}/${verb}`,
      route: `POST /public/api/v1/{service}/{endpoint}/${verb}`,
      authorization: authorization(ctx),
      body,
      idempotent,
      budget: ctx.budget,
    });
    return res.data;
  }

  async predict(
    ctx: DataikuCallContext,
    target: DataikuTarget,
    record: DataikuRecord,
    options: DataikuPredictOptions,
  ): Promise<DataikuPrediction> {
    const body: Record<string, unknown> = { features: record.features, explanations: options.explanations };
    if (options.dispatch) body['dispatch'] = options.dispatch;
    if (record.context) body['context'] = record.context;
    const data = await this.post<{ result: DataikuPrediction }>(ctx, target, 'predict', body, true);
    return data.result;
  }

  async predictMulti(
    ctx: DataikuCallContext,
    target: DataikuTarget,
    records: DataikuRecord[],
    options: DataikuPredictOptions,
  ): Promise<DataikuPrediction[]> {
    const data = await this.post<{ results: DataikuPrediction[] }>(ctx, target, 'predict-multi', predictMultiBody(records, options), true);
    return data.results;
  }

  async forecast(
    ctx: DataikuCallContext,
    target: DataikuTarget,
    items: Record<string, unknown>[],
    dispatch?: DataikuDispatch,
  ): Promise<DataikuForecast[]> {
    const body: Record<string, unknown> = { items };
    if (dispatch) body['dispatch'] = dispatch;
    const data = await this.post<{ results: DataikuForecast[] }>(ctx, target, 'forecast', body, true);
    return data.results;
  }

  async predictEffect(
    ctx: DataikuCallContext,
    target: DataikuTarget,
    record: DataikuRecord,
    dispatch?: DataikuDispatch,
  ): Promise<DataikuEffect> {
    const body: Record<string, unknown> = { features: record.features };
    if (record.context) body['context'] = record.context;
    if (dispatch) body['dispatch'] = dispatch;
    const data = await this.post<{ result: DataikuEffect }>(ctx, target, 'predict-effect', body, true);
    return data.result;
  }

  async predictEffectMulti(
    ctx: DataikuCallContext,
    target: DataikuTarget,
    records: DataikuRecord[],
    dispatch?: DataikuDispatch,
  ): Promise<DataikuEffect[]> {
    const body: Record<string, unknown> = { items: records };
    if (dispatch) body['dispatch'] = dispatch;
    const data = await this.post<{ results: DataikuEffect[] }>(ctx, target, 'predict-effect-multi', body, true);
    return data.results;
  }

  async lookup(
    ctx: DataikuCallContext,
    target: DataikuTarget,
    data: Record<string, unknown>,
    context?: Record<string, unknown>,
  ): Promise<DataikuLookup> {
    const body: Record<string, unknown> = { data };
    if (context) body['context'] = context;
    const res = await this.post<{ results?: DataikuLookup[] }>(ctx, target, 'lookup', body, true);
    return res.results?.[0] ?? { notFound: true };
  }

  async lookupMulti(
    ctx: DataikuCallContext,
    target: DataikuTarget,
    items: Array<{ data: Record<string, unknown>; context?: Record<string, unknown> }>,
  ): Promise<DataikuLookup[]> {
    const res = await this.post<{ results?: DataikuLookup[] }>(ctx, target, 'lookup-multi', { items }, true);
    return res.results ?? [];
  }

  async sqlQuery(ctx: DataikuCallContext, target: DataikuTarget, parameters: Record<string, unknown>): Promise<DataikuSqlResult> {
    return this.post<DataikuSqlResult>(ctx, target, 'query', parameters, true);
  }

  /** Runs a function endpoint; never retried, since a function may have effects. */
  async run(ctx: DataikuCallContext, target: DataikuTarget, args: Record<string, unknown>): Promise<unknown> {
    const res = await this.post<unknown>(ctx, target, 'run', args, false);
    if (typeof res === 'object' && res !== null && 'response' in res) return (res as { response: unknown }).response;
    return res;
  }
}
