import { describe, expect, it } from 'vitest';
import { KEY2, civisUnderTest } from './helpers.js';

const civis = civisUnderTest();
const call = civis.call;

/** Starts a run of job `id`, then polls it as civis-python does until it has finished; answers every state seen. */
async function runToEnd(id: number, start = `/jobs/${id}/runs`): Promise<{ states: string[]; last: any }> {
  const started = await call(start, { method: 'POST' });
  // `POST /jobs/{id}/runs` answers the run (201); `POST /scripts/{id}/run` nothing (204): the run is the newest listed.
  expect(started.status).toBe(start.startsWith('/jobs/') ? 201 : 204);
  const runs = (await call(`/jobs/${id}/runs`)).body as Array<{ id: number; state: string }>;
  const first = started.status === 201 ? started.body : runs.reduce((a, b) => (b.id > a.id ? b : a));
  const states = [first.state as string];
  for (let i = 0; i < 5; i++) {
    const run = (await call(`/jobs/${id}/runs/${first.id}`)).body;
    if (run.state !== states.at(-1)) states.push(run.state);
    if (['succeeded', 'failed', 'cancelled'].includes(run.state)) return { states, last: run };
  }
  throw new Error(`run ${first.id} of job ${id} did not finish: ${states.join(', ')}`);
}

const script = async (language: string, body: Record<string, unknown>): Promise<number> => {
  const created = await call(`/scripts/${language}`, { method: 'POST', body: { name: `Failing ${language}`, ...body } });
  expect(created.status).toBe(201);
  return created.body.id as number;
};

describe('civis emulator: runs of a script whose code ends with an error fail with it', () => {
  it('fails each run of a Python script that raises at top level, with the last line of its traceback', async () => {
    const id = await script('python3', { source: 'import civis\n\nraise RuntimeError("no rows to score")\nprint("unreachable")\n' });
    const { states, last } = await runToEnd(id);
    expect(states).toEqual(['queued', 'running', 'failed']);
    expect(last).toMatchObject({ state: 'failed', error: 'RuntimeError: no rows to score' });
    expect(last.finishedAt).toEqual(expect.any(String));
    // The job shows its last run's state; the script's own run route fails the same way.
    expect((await call(`/jobs/${id}`)).body.state).toBe('failed');
    expect((await runToEnd(id, `/scripts/${id}/run`)).last.error).toBe('RuntimeError: no rows to score');
  });

  it('fails an R script that calls stop() and a container whose command exits non-zero', async () => {
    const r = await script('r', { source: 'library(civis)\nstop("the KPI table is empty")\n' });
    expect((await runToEnd(r)).last).toMatchObject({ state: 'failed', error: 'Error: the KPI table is empty' });
    const box = await script('containers', {
      requiredResources: { cpu: 1024, memory: 2048 },
      dockerImageName: 'civisanalytics/datascience-python',
      dockerCommand: 'python sync.py && exit 3',
    });
    expect((await runToEnd(box)).last).toMatchObject({ state: 'failed', error: 'Process exited with status 3.' });
  });

  it('lets every other script succeed: no error statement, one not at top level, exit 0, SQL', async () => {
    const cases = [
      await script('python3', { source: 'print(1)\n' }),
      await script('python3', { source: 'if False:\n    raise RuntimeError("never")\n' }),
      await script('r', { source: '# stop("in a comment")\nprint(1)\n' }),
      await script('containers', { requiredResources: { cpu: 1 }, dockerImageName: 'img', dockerCommand: 'run; exit 0' }),
      5005,
    ];
    for (const id of cases) expect((await runToEnd(id)).last, `job ${id}`).toMatchObject({ state: 'succeeded', error: null });
  });

  it('fails the next run once the author patches the error in, and keeps the runs before as they ended', async () => {
    // Job 5003 ("Weekly KPI report", an R script of bob's, the second demo key).
    const before = await runToEnd(5003);
    expect(before.last.state).toBe('succeeded');
    const patched = await call('/scripts/r/5003', { method: 'PATCH', key: KEY2, body: { source: 'stop("the KPI table is empty")' } });
    expect(patched.status).toBe(200);
    const after = await runToEnd(5003);
    expect(after).toMatchObject({ states: ['queued', 'running', 'failed'], last: { error: 'Error: the KPI table is empty' } });
    expect((await call(`/jobs/5003/runs/${before.last.id}`)).body.state).toBe('succeeded');
  });
});
