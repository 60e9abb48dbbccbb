/**
 * Internal to the Civis emulator: what a run of a script ends as, read from the script's own code. The platform runs
 * the code and a run whose process ends with an error is `failed`, with the error in the run's `error`; the emulator
 * runs nothing, but reads the one statement that ends a process on purpose, so a failing run can be had on demand by
 * writing it into a script (`POST` or `PATCH /scripts/{python3|r|containers}`). Everything else succeeds.
 */
import type { JobRecord } from './records.js';

export interface ScriptOutcome {
  outcome: 'succeeded' | 'failed';
  error: string | null;
}

const SUCCEEDS: ScriptOutcome = { outcome: 'succeeded', error: null };

/** Python: a top-level `raise Name("message")`; the run's error is the last line of the traceback, `Name: message`. */
const PYTHON_RAISE = /^raise\s+([A-Za-z_][\w.]*)\(\s*(["'])(.*?)\2\s*\)\s*$/m;
/** R: a top-level `stop("message")`; Rscript prints `Error: message`. */
const R_STOP = /^stop\(\s*(["'])(.*?)\1\s*\)\s*$/m;
/** A container: a command that ends with `exit N`, N from 1 to 255 (alone, or after `;`, `&&` or `||`). */
const SHELL_EXIT = /(?:^|;|&&|\|\|)\s*exit\s+(\d{1,3})\s*;?\s*$/;

/** The outcome of a new run of `job`: `failed` with its error when the script's code ends with one. */
export function scriptOutcome(job: JobRecord): ScriptOutcome {
  if (job.kind !== 'script') return SUCCEEDS;
  switch (job.type) {
    case 'JobTypes::PythonDocker': {
      const raised = job.source ? PYTHON_RAISE.exec(job.source) : null;
      return raised ? { outcome: 'failed', error: `${raised[1]}: ${raised[3]}` } : SUCCEEDS;
    }
    case 'JobTypes::RDocker': {
      const stopped = job.source ? R_STOP.exec(job.source) : null;
      return stopped ? { outcome: 'failed', error: `Error: ${stopped[2]}` } : SUCCEEDS;
    }
    case 'JobTypes::ContainerDocker': {
      const exited = job.container ? SHELL_EXIT.exec(job.container.dockerCommand.trim()) : null;
      const status = exited ? Number(exited[1]) : 0;
      return status >= 1 && status <= 255 ? { outcome: 'failed', error: `Process exited with status ${status}.` } : SUCCEEDS;
    }
    default:
      return SUCCEEDS;
  }
}
