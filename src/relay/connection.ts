/**
 * Relay cursor connections over page-based upstream lists (Previsto `page`/`size`, Prevision `page`/`rowsPerPage`,
 * Civis `page_num`/`limit`). Cursors carry the absolute offset of an item in the filtered, ordered list; a window of
 * at most `maxPageSize` items costs at most two upstream list calls, and `pageInfo` is exact at both ends because
 * every upstream reports its total.
 */
import { badInput } from '../core/errors.js';
import { connectionBinding, type IdCodec } from './ids.js';

/** The four Relay paging arguments. */
export interface ConnectionArgs {
  first?: number | null;
  after?: string | null;
  last?: number | null;
  before?: string | null;
}

/** One upstream page, addressed zero-based whatever the upstream's own convention. */
export interface PageResult<T> {
  items: T[];
  total: number;
}

/**
 * How to read one upstream list. `fetchPage(pageIndex, size)` reads zero-based page `pageIndex` of `size` items in
 * the connection's order; `fetchReversedPage`, when the upstream can sort in reverse, reads the same list from its
 * end (used for `last` without `before`, so it costs one call instead of two or three).
 */
export interface PageSource<T> {
  maxPageSize: number;
  fetchPage(pageIndex: number, size: number): Promise<PageResult<T>>;
  fetchReversedPage?(pageIndex: number, size: number): Promise<PageResult<T>>;
}

export interface Edge<T> {
  cursor: string;
  node: T;
}

export interface PageInfo {
  hasNextPage: boolean;
  hasPreviousPage: boolean;
  startCursor: string | null;
  endCursor: string | null;
}

export interface Connection<T> {
  edges: Edge<T>[];
  nodes: T[];
  pageInfo: PageInfo;
  totalCount: number;
}

export interface PagingLimits {
  /** Largest `first`/`last` accepted. */
  maxPageSize: number;
  /** Page size when neither `first` nor `last` is given. */
  defaultPageSize: number;
}

/** Validated paging request: which way, how many, and the offsets the cursors point at. */
interface Window {
  forward: boolean;
  count: number;
  afterOffset?: number;
  beforeOffset?: number;
}

function readWindow(args: ConnectionArgs, binding: string, codec: IdCodec, limits: PagingLimits): Window {
  const { first, last, after, before } = args;
  for (const [name, value] of [
    ['first', first],
    ['last', last],
  ] as const) {
    if (value === undefined || value === null) continue;
    if (!Number.isInteger(value) || value < 0)
      throw badInput(`Argument "${name}" must be a non-negative integer, got ${value}.`, { param: name });
    if (value > limits.maxPageSize) {
      throw badInput(
        `Argument "${name}" is ${value}, above the maximum page size of ${limits.maxPageSize}. Page through the connection with cursors instead.`,
        {
          param: name,
          limit: 'maxPageSize',
          max: limits.maxPageSize,
        },
      );
    }
  }
  if (first != null && last != null) {
    throw badInput('Pass either "first" (with "after") or "last" (with "before"), not both.', { param: 'last' });
  }
  const window: Window = { forward: last == null, count: last ?? first ?? limits.defaultPageSize };
  if (after != null) window.afterOffset = codec.offsetOf(after, binding, 'after');
  if (before != null) window.beforeOffset = codec.offsetOf(before, binding, 'before');
  return window;
}

/**
 * Chooses upstream pages covering offsets [start, end): one page when some page size between the window length and
 * the maximum puts both ends on the same page, otherwise two consecutive pages of the maximum size.
 */
export function planPages(start: number, end: number, maxPageSize: number): Array<{ page: number; size: number }> {
  const n = Math.max(1, end - start);
  for (let size = n; size <= maxPageSize; size++) {
    if (Math.floor(start / size) === Math.floor((end - 1) / size)) return [{ page: Math.floor(start / size), size }];
  }
  const first = Math.floor(start / maxPageSize);
  const last = Math.floor((end - 1) / maxPageSize);
  return Array.from({ length: last - first + 1 }, (_, i) => ({ page: first + i, size: maxPageSize }));
}

async function readRange<T>(source: PageSource<T>, start: number, end: number): Promise<{ items: T[]; total: number }> {
  const plan = planPages(start, end, source.maxPageSize);
  const pages = await Promise.all(plan.map((p) => source.fetchPage(p.page, p.size)));
  const total = pages[0]!.total;
  const items: T[] = [];
  pages.forEach((page, i) => {
    const base = plan[i]!.page * plan[i]!.size;
    page.items.forEach((item, j) => {
      const offset = base + j;
      if (offset >= start && offset < end) items[offset - start] = item;
    });
  });
  // Lists can shrink between the two calls; never leave holes.
  return { items: items.filter((x) => x !== undefined), total };
}

/**
 * Resolves a connection: validates the paging arguments and cursors (before any upstream call), reads the needed
 * pages and builds edges and an exact `pageInfo`. `shapingArgs` are the arguments that define the list (filters,
 * order, search, parent id); cursors are bound to them.
 */
export async function resolveConnection<T>(
  name: string,
  shapingArgs: unknown,
  args: ConnectionArgs,
  source: PageSource<T>,
  codec: IdCodec,
  limits: PagingLimits,
): Promise<Connection<T>> {
  const binding = connectionBinding(name, shapingArgs);
  const w = readWindow(args, binding, codec, limits);
  const lower = w.afterOffset !== undefined ? w.afterOffset + 1 : 0;

  let start: number;
  let items: T[];
  let total: number;
  if (w.forward) {
    start = lower;
    let end = start + w.count;
    if (w.beforeOffset !== undefined) end = Math.min(end, w.beforeOffset);
    if (end <= start || w.count === 0) {
      // Nothing to list, but totalCount and pageInfo still need the upstream total.
      const probe = await source.fetchPage(0, 1);
      total = probe.total;
      items = [];
    } else {
      ({ items, total } = await readRange(source, start, end));
    }
  } else if (w.beforeOffset !== undefined) {
    const end = w.beforeOffset;
    start = Math.max(lower, end - w.count);
    if (end <= start) {
      total = (await source.fetchPage(0, 1)).total;
      items = [];
    } else {
      ({ items, total } = await readRange(source, start, end));
    }
  } else if (source.fetchReversedPage && w.count > 0) {
    const tail = await source.fetchReversedPage(0, w.count);
    total = tail.total;
    items = tail.items.slice().reverse();
    start = total - items.length;
    if (start < lower) {
      items = items.slice(lower - start);
      start = lower;
    }
  } else {
    const head = await source.fetchPage(0, source.maxPageSize);
    total = head.total;
    const end = total;
    start = Math.max(lower, end - w.count);
    if (end <= start) items = [];
    else if (end <= source.maxPageSize) items = head.items.slice(start, end);
    else ({ items } = await readRange(source, start, end));
  }

  const edges = lazyEdges(items, start, binding, codec);
  const end = start + items.length;
  return {
    edges,
    nodes: items,
    totalCount: total,
    pageInfo: lazyPageInfo(edges, Math.min(start, total) > 0, end < total),
  };
}

/**
 * An edge whose cursor is signed only when read: most queries select nodes but no cursor, and an HMAC per edge would
 * be the costliest part of a page. A class, not an object literal with a getter: each such literal gets a hidden class
 * of its own (its getter is a new closure), which V8 allocates in the old generation and which kept every page's edges
 * alive past young collections, to be promoted and swept later.
 */
class LazyEdge<T> implements Edge<T> {
  readonly #offset: number;
  readonly #binding: string;
  readonly #codec: IdCodec;
  #cursor: string | undefined;

  constructor(
    readonly node: T,
    offset: number,
    binding: string,
    codec: IdCodec,
  ) {
    this.#offset = offset;
    this.#binding = binding;
    this.#codec = codec;
  }

  get cursor(): string {
    return (this.#cursor ??= this.#codec.cursor(this.#binding, this.#offset));
  }

  toJSON(): Edge<T> {
    return { cursor: this.cursor, node: this.node };
  }
}

function lazyEdges<T>(items: T[], start: number, binding: string, codec: IdCodec): Edge<T>[] {
  return items.map((node, i) => new LazyEdge(node, start + i, binding, codec));
}

/** A page's info whose end cursors, like its edges', are signed only when read (a class, as the edges are). */
class LazyPageInfo<T> implements PageInfo {
  readonly #edges: Edge<T>[];

  constructor(
    readonly hasPreviousPage: boolean,
    readonly hasNextPage: boolean,
    edges: Edge<T>[],
  ) {
    this.#edges = edges;
  }

  get startCursor(): string | null {
    return this.#edges[0]?.cursor ?? null;
  }

  get endCursor(): string | null {
    return this.#edges[this.#edges.length - 1]?.cursor ?? null;
  }

  toJSON(): PageInfo {
    const { hasNextPage, hasPreviousPage, startCursor, endCursor } = this;
    return { hasNextPage, hasPreviousPage, startCursor, endCursor };
  }
}

function lazyPageInfo<T>(edges: Edge<T>[], hasPreviousPage: boolean, hasNextPage: boolean): PageInfo {
  return new LazyPageInfo(hasPreviousPage, hasNextPage, edges);
}

/** A connection over a list already in memory (configured Dataiku endpoints, for instance). */
export function connectionFromArray<T>(
  name: string,
  shapingArgs: unknown,
  args: ConnectionArgs,
  all: readonly T[],
  codec: IdCodec,
  limits: PagingLimits,
): Connection<T> {
  const binding = connectionBinding(name, shapingArgs);
  const w = readWindow(args, binding, codec, limits);
  const lower = w.afterOffset !== undefined ? w.afterOffset + 1 : 0;
  const upper = Math.min(all.length, w.beforeOffset ?? all.length);
  const start = w.forward ? lower : Math.max(lower, upper - w.count);
  const end = w.forward ? Math.min(upper, lower + w.count) : upper;
  const items = end > start ? all.slice(start, end) : [];
  const edges = lazyEdges(items, start, binding, codec);
  return {
    edges,
    nodes: items,
    totalCount: all.length,
    pageInfo: lazyPageInfo(edges, Math.min(start, all.length) > 0, start + items.length < all.length),
  };
}
