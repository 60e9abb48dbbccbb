/**
 * Augur's own plugins as one Apollo plugin. Apollo calls every request hook on every plugin's listener through an
 * awaited Promise.all or an awaited loop (`responseForOperation`), whether the listener has the hook or not: with about
 * fifteen plugins, that was 6 KB of promises and closures per operation in `invokeHooksUntilDefinedAndNonNull` alone.
 * The combined listener calls a hook only on the listeners that have it, in the plugins' order, and awaits only what
 * answers a promise. The order and the outcome are Apollo's: hooks Apollo runs together are all called before any is
 * awaited, and the first rejection fails them; a `*DidStart` hook's end hooks run in reverse order.
 *
 * Apollo's own plugins (those it recognises by their internal id) are left as they are and where they are, between
 * the runs of Augur's plugins, and so are the plugins' server-level hooks (`serverWillStart`,
 * `contextCreationDidFail`…), which Apollo calls once, not per operation.
 */
import type {
  ApolloServerPlugin,
  BaseContext,
  GraphQLRequestContext,
  GraphQLRequestExecutionListener,
  GraphQLRequestListener,
} from '@apollo/server';

type Listener = GraphQLRequestListener<BaseContext>;
type MaybePromise<F> = F extends (...args: infer A) => Promise<infer R> ? (...args: A) => R | Promise<R> : F;

/** Apollo's request listener, whose hooks may also answer without a promise: combinePlugins awaits only promises. */
export type AugurRequestListener<TContext extends BaseContext> = {
  [K in keyof GraphQLRequestListener<TContext>]?: MaybePromise<NonNullable<GraphQLRequestListener<TContext>[K]>>;
};

/**
 * An Apollo plugin of Augur's: its request hooks need not be async (an async hook costs a promise per operation, and
 * Apollo another to await it). Such plugins reach Apollo through combinePlugins only.
 */
export interface AugurPlugin<TContext extends BaseContext> extends Omit<ApolloServerPlugin<TContext>, 'requestDidStart'> {
  requestDidStart?(
    requestContext: GraphQLRequestContext<TContext>,
  ): AugurRequestListener<TContext> | void | Promise<AugurRequestListener<TContext> | void>;
}
type AnyPlugin<TContext extends BaseContext> = ApolloServerPlugin<TContext> | AugurPlugin<TContext>;
type ExecutionListener = GraphQLRequestExecutionListener<BaseContext>;
type EndHook = (...args: unknown[]) => unknown;

const isPromise = (value: unknown): value is PromiseLike<unknown> =>
  typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function';

/**
 * The values, or a promise of them when one of them is a promise (as `Promise.all` answers, without a tick otherwise).
 * Direct execution (directExecution.ts) calls Apollo's hooks with it too.
 */
export function settle<T>(values: T[]): Awaited<T>[] | Promise<Awaited<T>[]> {
  return values.some(isPromise) ? Promise.all(values) : (values as Awaited<T>[]);
}

/** One end hook calling the others in reverse order (as Apollo's invokeDidStartHook does). */
function endAll(ends: unknown[]): EndHook | undefined {
  const hooks = ends.filter((end): end is EndHook => typeof end === 'function').reverse();
  if (hooks.length === 0) return undefined;
  if (hooks.length === 1) return hooks[0];
  return (...args) => {
    for (const hook of hooks) hook(...args);
  };
}

type Hook = (this: unknown, ...args: unknown[]) => unknown;

/**
 * The hook's answer; a rejected promise if it throws, as an async hook's would be: the other listeners' hooks are still
 * called, and the first failure in their order is the one Apollo sees, as with async hooks under Promise.all.
 */
function attempt(hook: Hook, self: unknown, args: unknown[]): unknown {
  try {
    return hook.apply(self, args);
  } catch (error) {
    // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- what the hook threw, as it threw it
    return Promise.reject(error);
  }
}

/**
 * Calls the hook `name` of each listener having it, in order; answers a promise of their results when one answered a
 * promise, else the results (or undefined when `collect` is false). Nothing is allocated when no hook answers a promise
 * and nothing is collected.
 */
function callEach(
  listeners: readonly object[],
  name: string,
  args: unknown[],
  collect: boolean,
): unknown[] | Promise<unknown[]> | undefined {
  let results: unknown[] | undefined;
  let promised = false;
  for (const listener of listeners) {
    const hook = (listener as Record<string, Hook | undefined>)[name];
    if (typeof hook !== 'function') continue;
    const result = attempt(hook, listener, args);
    if (isPromise(result)) promised = true;
    if (collect || promised) (results ??= []).push(result);
  }
  if (promised) return Promise.all(results!);
  return collect ? (results ?? []) : undefined;
}

const has = (listeners: readonly object[], name: string): boolean =>
  listeners.some((listener) => typeof (listener as Record<string, unknown>)[name] === 'function');

/** The execution listeners of one operation as one; Apollo reverses execution listeners: so does this, within them. */
class CombinedExecutionListener {
  declare executionDidEnd?: (...args: unknown[]) => unknown;
  declare willResolveField?: (params: unknown) => EndHook | undefined;
  constructor(private readonly listeners: ExecutionListener[]) {
    if (has(listeners, 'executionDidEnd')) this.executionDidEnd = (...args) => callEach(this.listeners, 'executionDidEnd', args, false);
    if (has(listeners, 'willResolveField'))
      this.willResolveField = (params) => endAll((callEach(this.listeners, 'willResolveField', [params], true) as unknown[]) ?? []);
    this.listeners = [...listeners].reverse();
  }
}

function combineExecutionListeners(listeners: ExecutionListener[]): ExecutionListener | undefined {
  if (listeners.length <= 1) return listeners[0];
  return new CombinedExecutionListener(listeners) as ExecutionListener;
}

/**
 * The listeners of one operation as one. Its methods are on the prototype, so a hook that no listener has costs a
 * loop over a few listeners and no allocation; Apollo calls every hook it knows whether a listener has it or not.
 */
class CombinedListener {
  constructor(private readonly listeners: Listener[]) {}
  didResolveSource(...args: unknown[]) {
    return callEach(this.listeners, 'didResolveSource', args, false);
  }
  didResolveOperation(...args: unknown[]) {
    return callEach(this.listeners, 'didResolveOperation', args, false);
  }
  didEncounterErrors(...args: unknown[]) {
    return callEach(this.listeners, 'didEncounterErrors', args, false);
  }
  willSendResponse(...args: unknown[]) {
    return callEach(this.listeners, 'willSendResponse', args, false);
  }
  didEncounterSubsequentErrors(...args: unknown[]) {
    return callEach(this.listeners, 'didEncounterSubsequentErrors', args, false);
  }
  willSendSubsequentPayload(...args: unknown[]) {
    return callEach(this.listeners, 'willSendSubsequentPayload', args, false);
  }
  parsingDidStart(context: unknown) {
    return this.phase('parsingDidStart', context);
  }
  validationDidStart(context: unknown) {
    return this.phase('validationDidStart', context);
  }
  /** The first listener answering something other than null or undefined answers for the operation, in order. */
  responseForOperation(context: unknown): unknown {
    const listeners = this.listeners;
    for (let i = 0; i < listeners.length; i++) {
      const listener = listeners[i]!;
      const hook = (listener as Record<string, Hook | undefined>)['responseForOperation'];
      if (typeof hook !== 'function') continue;
      const result = attempt(hook, listener, [context]);
      if (isPromise(result)) return this.awaitAnswer(result, i + 1, context);
      if (result != null) return result;
    }
    return null;
  }
  executionDidStart(context: unknown) {
    const started = callEach(this.listeners, 'executionDidStart', [context], true)!;
    const combine = (values: unknown[]) => combineExecutionListeners(values.filter(Boolean) as ExecutionListener[]);
    return Array.isArray(started) ? combine(started) : started.then(combine);
  }
  private phase(name: string, context: unknown) {
    const ends = callEach(this.listeners, name, [context], true)!;
    return Array.isArray(ends) ? endAll(ends) : ends.then(endAll);
  }
  private async awaitAnswer(first: PromiseLike<unknown>, next: number, context: unknown): Promise<unknown> {
    const value = await first;
    if (value != null) return value;
    for (const listener of this.listeners.slice(next)) {
      if (typeof listener.responseForOperation !== 'function') continue;
      const answer = await listener.responseForOperation(context as never);
      if (answer != null) return answer;
    }
    return null;
  }
}

function combineListeners(listeners: Listener[]): Listener | undefined {
  return listeners.length ? (new CombinedListener(listeners) as unknown as Listener) : undefined;
}

/** Whether Apollo must see the plugin itself: its own plugins, which it finds by their internal id. */
const isApollos = (plugin: ApolloServerPlugin<never>): boolean => '__internal_plugin_id__' in plugin;

/** One plugin with the request hooks of the plugins (none of them Apollo's), then what is left of them, in order. */
function combineRun<TContext extends BaseContext>(plugins: AnyPlugin<TContext>[]): ApolloServerPlugin<TContext>[] {
  const starts = plugins.filter((p) => p.requestDidStart).map((p) => p.requestDidStart!.bind(p));
  const rest: ApolloServerPlugin<TContext>[] = [];
  for (const plugin of plugins) {
    const others: Record<string, unknown> = { ...plugin };
    delete others['requestDidStart'];
    if (Object.keys(others).length) {
      const serverLevel: Record<string, unknown> = {};
      for (const [name, hook] of Object.entries(others)) serverLevel[name] = typeof hook === 'function' ? hook.bind(plugin) : hook;
      rest.push(serverLevel as ApolloServerPlugin<TContext>);
    }
  }
  if (starts.length === 0) return plugins as ApolloServerPlugin<TContext>[];
  const combined: ApolloServerPlugin<TContext> = {
    requestDidStart(context: GraphQLRequestContext<TContext>) {
      const started = settle(starts.map((start) => attempt(start as Hook, undefined, [context])));
      const combine = (listeners: unknown[]) =>
        combineListeners(listeners.filter(Boolean) as Listener[]) as GraphQLRequestListener<TContext> | undefined;
      return (Array.isArray(started) ? combine(started) : started.then(combine)) as Promise<GraphQLRequestListener<TContext> | void>;
    },
  };
  return [combined, ...rest];
}

/**
 * The plugins as Apollo should get them: Apollo's own where they were, and each run of Augur's plugins between them as
 * one plugin for their request hooks, followed by what is left of them (their server-level hooks).
 */
export function combinePlugins<TContext extends BaseContext>(plugins: AnyPlugin<TContext>[]): ApolloServerPlugin<TContext>[] {
  const out: ApolloServerPlugin<TContext>[] = [];
  let run: AnyPlugin<TContext>[] = [];
  for (const plugin of plugins) {
    if (!isApollos(plugin as ApolloServerPlugin<never>)) {
      run.push(plugin);
      continue;
    }
    out.push(...combineRun(run), plugin as ApolloServerPlugin<TContext>);
    run = [];
  }
  out.push(...combineRun(run));
  return out;
}
