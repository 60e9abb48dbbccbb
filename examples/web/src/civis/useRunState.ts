/**
 * A Civis run's state as it changes. For now it polls `civis { job { run } }` once a second until the state is final
 * (each read is also what moves Civis's run on). This hook is the only place that knows how updates arrive: once
 * Augur serves subscriptions, its body becomes a `useSubscription` on the run and the screen stays as it is.
 */
import { useEffect } from 'react';
import { useQuery, type CombinedError } from 'urql';
import { graphql } from '../generated/index.js';
import type { CivisRunState } from '../generated/graphql.js';

export const CivisRunPoll = graphql(`
  query WebCivisRun($job: ID!, $run: ID!) {
    civis {
      job(id: $job) {
        id
        run(id: $run) {
          id
          platformId
          state
          startedAt
          finishedAt
          error
        }
      }
    }
  }
`);

/** States after which a run no longer changes. */
export const FINAL_STATES: ReadonlySet<CivisRunState> = new Set(['SUCCEEDED', 'FAILED', 'CANCELLED']);

export const POLL_INTERVAL_MS = 1000;

export interface RunState {
  state: CivisRunState | undefined;
  startedAt: string | null | undefined;
  finishedAt: string | null | undefined;
  error: string | null | undefined;
  final: boolean;
  requestError: CombinedError | undefined;
}

export function useRunState(jobId: string, runId: string): RunState {
  const [{ data, error, fetching }, reexecute] = useQuery({
    query: CivisRunPoll,
    variables: { job: jobId, run: runId },
    requestPolicy: 'network-only',
  });
  const run = data?.civis?.job?.run ?? undefined;
  const final = run !== undefined && FINAL_STATES.has(run.state);
  useEffect(() => {
    if (fetching || final || error) return undefined;
    const timer = setTimeout(() => reexecute({ requestPolicy: 'network-only' }), POLL_INTERVAL_MS);
    return () => clearTimeout(timer);
  }, [fetching, final, error, reexecute]);
  return { state: run?.state, startedAt: run?.startedAt, finishedAt: run?.finishedAt, error: run?.error, final, requestError: error };
}
