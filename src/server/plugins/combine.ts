/**
 * Augur's own plugins as one Apollo plugin. Apollo calls every request hook on every plugin's listener through an
 * awaited Promise.all or an awaited loop (`responseForOperation`), whether the listener has the hook or not: with about
 * fifteen plugins, that was 6 KB of promises and closures per operation in `invokeHooksUntilDefinedAndNonNull` alone.
 * The combined listener has only the hooks some listener has, calls them in the plugins' order, and awaits only what
 * returns a promise. The order and the outcome are Apollo's: hooks Apollo runs together are all called before any is
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
type ExecutionListener = GraphQLRequestExecutionListener<BaseContext>;
type EndHook = (...args: unknown[]) => unknown;

/** Hooks Apollo calls on every listener at once (`Promise.all`), with the request context and maybe one more value. */
const ALL_AT_ONCE = [
  'didResolveSource',
  'didResolveOperation',
  'didEncounterErrors',
  'willSendResponse',
  'didEncounterSubsequentErrors',
  'willSendSubsequentPayload',
] as const;
/** Hooks that start a phase and may answer the function Apollo calls when it ends. */
const DID_START = ['parsingDidStart', 'validationDidStart'] as const;

const isPromise = (value: unknown): value is PromiseLike<unknown> =>
  typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function';

/** The values, or a promise of them when one of them is a promise (as `Promise.all` answers, without a tick otherwise). */
function settle<T>(values: T[]): T[] | Promise<Awaited<T>[]> {
  return values.some(isPromise) ? Promise.all(values) : values;
}

/** Calls each hook with the arguments; awaits them all only when one returned a promise. */
function callAll(hooks: Array<(...args: unknown[]) => unknown>, args: unknown[]): void | Promise<unknown> {
  const results = hooks.map((hook) => hook(...args));
  const settled = settle(results);
  return Array.isArray(settled) ? undefined : settled;
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

/** `listeners[i][name]`, bound, for the listeners that have it. */
function hooksOf<L extends object>(listeners: L[], name: keyof L): Array<(...args: unknown[]) => unknown> {
  const hooks: Array<(...args: unknown[]) => unknown> = [];
  for (const listener of listeners) {
    const hook = listener[name];
    if (typeof hook === 'function') hooks.push((hook as (...args: unknown[]) => unknown).bind(listener));
  }
  return hooks;
}

function combineExecutionListeners(listeners: ExecutionListener[]): ExecutionListener | undefined {
  if (listeners.length === 0) return undefined;
  if (listeners.length === 1) return listeners[0];
  const combined: ExecutionListener = {};
  // Apollo reverses the execution listeners before it calls them: the same order within the group.
  const ends = hooksOf(listeners, 'executionDidEnd').reverse();
  if (ends.length) combined.executionDidEnd = ((...args: unknown[]) => callAll(ends, args)) as ExecutionListener['executionDidEnd'];
  const fieldHooks = hooksOf(listeners, 'willResolveField').reverse();
  if (fieldHooks.length) {
    combined.willResolveField = ((params: unknown) => endAll(fieldHooks.map((hook) => hook(params)))) as ExecutionListener['willResolveField'];
  }
  return combined;
}

function combineListeners(listeners: Listener[]): Listener | undefined {
  if (listeners.length === 0) return undefined;
  if (listeners.length === 1) return listeners[0];
  const combined: Record<string, unknown> = {};
  for (const name of ALL_AT_ONCE) {
    const hooks = hooksOf(listeners, name);
    if (hooks.length) combined[name] = (...args: unknown[]) => callAll(hooks, args);
  }
  for (const name of DID_START) {
    const hooks = hooksOf(listeners, name);
    if (hooks.length) {
      combined[name] = (context: unknown) => {
        const ends = settle(hooks.map((hook) => hook(context)));
        return Array.isArray(ends) ? endAll(ends) : ends.then(endAll);
      };
    }
  }
  const answers = hooksOf(listeners, 'responseForOperation');
  if (answers.length) {
    // The first listener answering something other than null or undefined answers for the operation, in order.
    combined['responseForOperation'] = async (context: unknown) => {
      for (const answer of answers) {
        const result = answer(context);
        const value = isPromise(result) ? await result : result;
        if (value != null) return value;
      }
      return null;
    };
  }
  const starts = hooksOf(listeners, 'executionDidStart');
  if (starts.length) {
    combined['executionDidStart'] = (context: unknown) => {
      const started = settle(starts.map((start) => start(context)));
      const combine = (values: unknown[]) => combineExecutionListeners(values.filter(Boolean) as ExecutionListener[]);
      return Array.isArray(started) ? combine(started) : started.then(combine);
    };
  }
  return combined as Listener;
}

/** Whether Apollo must see the plugin itself: its own plugins, which it finds by their internal id. */
const isApollos = (plugin: ApolloServerPlugin<never>): boolean => '__internal_plugin_id__' in plugin;

/** One plugin with the request hooks of the plugins (none of them Apollo's), then what is left of them, in order. */
function combineRun<TContext extends BaseContext>(plugins: ApolloServerPlugin<TContext>[]): ApolloServerPlugin<TContext>[] {
  const starts = plugins.filter((p) => p.requestDidStart).map((p) => p.requestDidStart!.bind(p));
  const rest: ApolloServerPlugin<TContext>[] = [];
  for (const plugin of plugins) {
    const { requestDidStart: _, ...others } = plugin;
    if (Object.keys(others).length) {
      const serverLevel: Record<string, unknown> = {};
      for (const [name, hook] of Object.entries(others)) serverLevel[name] = typeof hook === 'function' ? hook.bind(plugin) : hook;
      rest.push(serverLevel as ApolloServerPlugin<TContext>);
    }
  }
  if (starts.length <= 1) return plugins;
  const combined: ApolloServerPlugin<TContext> = {
    requestDidStart(context: GraphQLRequestContext<TContext>) {
      const started = settle(starts.map((start) => start(context)));
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
export function combinePlugins<TContext extends BaseContext>(plugins: ApolloServerPlugin<TContext>[]): ApolloServerPlugin<TContext>[] {
  const out: ApolloServerPlugin<TContext>[] = [];
  let run: ApolloServerPlugin<TContext>[] = [];
  for (const plugin of plugins) {
    if (!isApollos(plugin as ApolloServerPlugin<never>)) {
      run.push(plugin);
      continue;
    }
    out.push(...combineRun(run), plugin);
    run = [];
  }
  out.push(...combineRun(run));
  return out;
}
