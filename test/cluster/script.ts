/**
 * Test-only helper: runs one of the cluster scripts (`node cluster/<name>.mjs`, against the build the global setup
 * made) and answers the JSON object it prints last, with its exit code and output for failure messages.
 */
import { spawn } from 'node:child_process';

export interface ScriptRun<T> {
  code: number | null;
  result: T;
  output: string;
}

export function runClusterScript<T>(script: string, env: Record<string, string> = {}, timeoutMs = 240_000): Promise<ScriptRun<T>> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString('utf8')));
    child.stderr.on('data', (d: Buffer) => (output += d.toString('utf8')));
    // SIGINT lets the script stop the processes it started; SIGKILL only if it does not.
    const timer = setTimeout(() => {
      child.kill('SIGINT');
      setTimeout(() => child.kill('SIGKILL'), 30_000).unref();
    }, timeoutMs);
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      const last = output
        .trim()
        .split('\n')
        .reverse()
        .find((line) => line.startsWith('{'));
      if (!last) return reject(new Error(`${script} exited with ${code} without a JSON result line. Output:\n${output.slice(-4000)}`));
      try {
        resolve({ code, result: JSON.parse(last) as T, output });
      } catch (err) {
        reject(new Error(`${script}'s last line is not JSON (${(err as Error).message}): ${last.slice(0, 500)}`));
      }
    });
  });
}
