/** Civis jobs, one started from a button, and that run's states as Augur pushes them (see RunStatus, useRunState). */
import { useState } from 'react';
import { useMutation, useQuery } from 'urql';
import { graphql } from '../generated/index.js';
import { ErrorNotice } from '../errors/ErrorNotice.js';
import { RunStatus } from './RunStatus.js';

export const CivisJobs = graphql(`
  query WebCivisJobs {
    civis {
      jobs(first: 10) {
        nodes {
          id
          platformId
          name
          type
          state
        }
      }
    }
  }
`);

export const RunCivisJob = graphql(`
  mutation WebRunCivisJob($job: ID!) {
    runCivisJob(input: { jobId: $job }) {
      run {
        id
        ...RunStatus_run
      }
      userErrors {
        field
        code
        message
      }
    }
  }
`);

export function CivisScreen() {
  const [{ data, error }, refetchJobs] = useQuery({ query: CivisJobs });
  const [jobId, setJobId] = useState<string>('');
  const [started, startRun] = useMutation(RunCivisJob);
  const jobs = data?.civis?.jobs?.nodes ?? [];
  const selected = jobId || jobs[0]?.id || '';
  const run = started.data?.runCivisJob.run;
  const userErrors = started.data?.runCivisJob.userErrors ?? [];
  return (
    <section>
      <h2>Civis job</h2>
      {error ? <ErrorNotice error={error} onRetry={() => refetchJobs({ requestPolicy: 'network-only' })} /> : null}
      <div className="toolbar">
        <select value={selected} onChange={(e) => setJobId(e.target.value)} aria-label="Job">
          {jobs.map((job) => (
            <option key={job.id} value={job.id}>
              {job.name} ({job.type}, {job.state})
            </option>
          ))}
        </select>
        <button type="button" disabled={!selected || started.fetching} onClick={() => void startRun({ job: selected })}>
          Run job
        </button>
      </div>
      {started.error ? <ErrorNotice error={started.error} /> : null}
      {userErrors.map((e, i) => (
        <div className="error" role="alert" key={i} data-code={e.code}>
          <code>{e.code}</code> {e.message}
        </div>
      ))}
      {run ? <RunStatus key={run.id} runId={run.id} started={run} /> : null}
    </section>
  );
}
