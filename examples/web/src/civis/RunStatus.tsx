/**
 * A Civis run as it goes: every state it went through, in order, then its end (the time it finished, and the error of a
 * failed run). What it reads of a run is its fragment, which the mutation that starts the run and the subscription
 * that watches it both select: the first state comes from the mutation, the rest from the subscription's events.
 */
import { graphql, useFragment, type FragmentType } from '../generated/index.js';
import type { CivisRunState } from '../generated/graphql.js';
import { ErrorNotice } from '../errors/ErrorNotice.js';
import { useRunState } from './useRunState.js';

export const RunStatusFragment = graphql(`
  fragment RunStatus_run on CivisJobRun {
    platformId
    state
    startedAt
    finishedAt
    error
  }
`);

/** States after which a run no longer changes (the subscription completes after them). */
export const FINAL_STATES: ReadonlySet<CivisRunState> = new Set(['SUCCEEDED', 'FAILED', 'CANCELLED']);

type RunSnapshot = FragmentType<typeof RunStatusFragment>;

export function RunStatus({ runId, started }: { runId: string; started: RunSnapshot }) {
  const { events, error } = useRunState(runId);
  const seen = [useFragment(RunStatusFragment, started), ...events.map((event) => useFragment(RunStatusFragment, event))];
  // One entry per state: a stream sent again after a cut starts with the state already shown.
  const states = seen.map((run) => run.state).filter((state, i, all) => i === 0 || all[i - 1] !== state);
  const run = seen[seen.length - 1]!;
  const final = FINAL_STATES.has(run.state);
  return (
    <div data-testid="run">
      <p>
        Run {run.platformId}:{' '}
        <span className="state" data-testid="run-state" data-state={run.state} data-final={final ? 'true' : 'false'}>
          {run.state}
        </span>
        {run.finishedAt
          ? ` (finished ${new Date(run.finishedAt).toLocaleTimeString()})`
          : run.startedAt
            ? ` (running since ${new Date(run.startedAt).toLocaleTimeString()})`
            : ''}
        {run.error ? (
          <em className="run-error" data-testid="run-error">
            {' '}
            {run.error}
          </em>
        ) : null}
      </p>
      <ol className="run-history" aria-label="States" data-testid="run-history">
        {states.map((state, i) => (
          <li key={i}>{state}</li>
        ))}
      </ol>
      {error ? <ErrorNotice error={error} /> : null}
    </div>
  );
}
