/**
 * Per-request Previsto loaders. Previsto has no multi-get, so loading many objects by id chooses, per batch, the
 * cheaper of one GET per id or reading the whole collection in pages of the maximum size (known from
 * `x-total-count`); everything read is kept for the rest of the request. A tenant with a million contacts still
 * gets one GET per id.
 */
import DataLoader from 'dataloader';
import { memoize } from './memo.js';
import { AugurError, ErrorCode, quote } from '../core/errors.js';
import type { AugurObserver } from '../core/observer.js';
import type { PrevistoCallContext, PrevistoClient, PrevistoListQuery, PrevistoPage } from '../upstreams/previsto/client.js';
import { listQueryString } from '../upstreams/previsto/client.js';
import type { PrevistoAgreement, PrevistoAssignment, PrevistoContact, PrevistoResource } from '../upstreams/previsto/types.js';

type Item = { id: string };

/** Collection sizes per credential and collection, shared across requests (counts only, never data). */
export class TotalsCache {
  private readonly entries = new Map<string, { total: number; at: number }>();

  constructor(
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  get(key: string): number | undefined {
    const e = this.entries.get(key);
    if (!e) return undefined;
    if (this.now() - e.at > this.ttlMs) {
      this.entries.delete(key);
      return undefined;
    }
    return e.total;
  }

  set(key: string, total: number): void {
    if (this.entries.size > 10_000) this.entries.clear();
    this.entries.set(key, { total, at: this.now() });
  }
}

export interface PrevistoLoaders {
  contact: DataLoader<string, PrevistoContact>;
  agreement: DataLoader<string, PrevistoAgreement>;
  assignment: DataLoader<string, PrevistoAssignment>;
  /** Reads one list page; identical list requests in one operation are sent once. Items prime the by-id loaders. */
  list<T>(resource: PrevistoResource, query: PrevistoListQuery): Promise<PrevistoPage<T>>;
}

/** Batches from this many distinct ids up consider reading the whole collection instead of one GET per id. */
const SCAN_MIN_IDS = 3;

export function createPrevistoLoaders(
  client: PrevistoClient,
  ctx: PrevistoCallContext,
  totals: TotalsCache,
  maxPageSize: number,
  observe: Pick<Required<AugurObserver>, 'loaderBatch'>,
): PrevistoLoaders {
  const fingerprint = client.fingerprint(ctx.apiKey);
  const readPage = memoize(
    (resource: PrevistoResource, query: PrevistoListQuery) => `${resource}?${listQueryString(query)}`,
    (resource: PrevistoResource, query: PrevistoListQuery) => client.list<Item>(ctx, resource, query),
  );

  const byId: Record<PrevistoResource, DataLoader<string, Item>> = {} as never;

  const list = async <T>(resource: PrevistoResource, query: PrevistoListQuery): Promise<PrevistoPage<T>> => {
    const page = await readPage(resource, query);
    const loader = byId[resource];
    for (const item of page.items) loader.prime(item.id, item);
    const unfiltered = !query.filters || Object.keys(query.filters).length === 0;
    if (unfiltered && query.search === undefined) totals.set(`${fingerprint}|${resource}`, page.total);
    return page as unknown as PrevistoPage<T>;
  };

  const loadMany = async (resource: PrevistoResource, ids: readonly string[]): Promise<Array<Item | Error>> => {
    const found = new Map<string, Item>();
    const errors = new Map<string, Error>();
    let complete = false;
    const pagesOf = (total: number) => Math.ceil(total / maxPageSize);
    const readPages = async (from: number, to: number) => {
      const pages = await Promise.all(
        Array.from({ length: to - from }, (_, i) => list<Item>(resource, { page: from + i, size: maxPageSize })),
      );
      for (const p of pages) for (const item of p.items) found.set(item.id, item);
    };

    if (ids.length >= SCAN_MIN_IDS) {
      const known = totals.get(`${fingerprint}|${resource}`);
      if (known !== undefined) {
        if (pagesOf(known) < ids.length) {
          await readPages(0, pagesOf(known));
          complete = true;
        }
      } else {
        const first = await list<Item>(resource, { page: 0, size: maxPageSize });
        for (const item of first.items) found.set(item.id, item);
        const pagesLeft = pagesOf(first.total) - 1;
        const missing = ids.filter((id) => !found.has(id)).length;
        if (pagesLeft <= 0) complete = true;
        else if (missing > 0 && pagesLeft < missing) {
          await readPages(1, pagesLeft + 1);
          complete = true;
        }
      }
    }

    const remaining = ids.filter((id) => !found.has(id));
    if (!complete && remaining.length > 0) {
      await Promise.all(
        remaining.map(async (id) => {
          try {
            found.set(id, await client.get<Item>(ctx, resource, id));
          } catch (e) {
            errors.set(id, e as Error);
          }
        }),
      );
    }
    // Keep everything read for the rest of the request.
    const loader = byId[resource];
    for (const [id, item] of found) loader.prime(id, item);
    return ids.map(
      (id) =>
        found.get(id) ??
        errors.get(id) ??
        new AugurError(ErrorCode.NOT_FOUND, `Previsto has no ${resource.slice(0, -1)} with id ${quote(id)}.`, {
          platform: 'previsto',
          upstreamStatus: 404,
        }),
    );
  };

  for (const resource of ['contacts', 'agreements', 'assignments'] as const) {
    byId[resource] = new DataLoader<string, Item>(
      (ids) => {
        observe.loaderBatch('previsto', resource, ids.length);
        return loadMany(resource, ids);
      },
      { maxBatchSize: 1000 },
    );
  }

  return {
    contact: byId.contacts as DataLoader<string, PrevistoContact>,
    agreement: byId.agreements as DataLoader<string, PrevistoAgreement>,
    assignment: byId.assignments as DataLoader<string, PrevistoAssignment>,
    list,
  };
}
