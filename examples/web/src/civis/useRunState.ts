/**
 * A Civis run's changes, as Augur pushes them: the `civisJobRun` subscription (docs/live.md), sent over GraphQL over
 * SSE by the client's subscriptionExchange. Augur emits the run at once, then each time its state (or another selected
 * field) changes, and completes after a final state; it polls Civis once for every tab watching the run. This hook is
 * the only place that knows how updates arrive.
 */
import { useSubscription, type CombinedError } from 'urql';
import { graphql } from '../generated/index.js';
import type { WebWatchCivisRunSubscription } from '../generated/graphql.js';

export const WatchCivisRun = graphql(`
  subscription WebWatchCivisRun($id: ID!) {
    civisJobRun(id: $id) {
      id
      ...RunStatus_run
    }
  }
`);

export type RunEvent = WebWatchCivisRunSubscription['civisJobRun'];

export interface RunEvents {
  /** The run as each event gave it, oldest first. */
  events: RunEvent[];
  /** What ended the subscription early: Augur's errors (with their `extensions.code`), or the network's. */
  error: CombinedError | undefined;
}

/** Keeps every event: urql hands each new one to this reducer (an error result repeats the last event's data). */
function collect(events: RunEvent[] = [], data: WebWatchCivisRunSubscription): RunEvent[] {
  return events[events.length - 1] === data.civisJobRun ? events : [...events, data.civisJobRun];
}

export function useRunState(runId: string): RunEvents {
  const [{ data, error }] = useSubscription({ query: WatchCivisRun, variables: { id: runId } }, collect);
  return { events: data ?? [], error };
}
