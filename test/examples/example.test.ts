/**
 * `npm run example`: scripts/example.mjs compiles examples/client and runs it against a running Augur, printing what
 * came back; with nothing listening it says how to start Augur.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type TestStack } from '../helpers/stack.js';

const run = promisify(execFile);
let stack: TestStack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack.close());

describe('npm run example', { timeout: 60_000 }, () => {
  it('runs the typed client against the given Augur and prints scored contacts, a forecast, paging and a write', async () => {
    const { stdout } = await run(process.execPath, ['scripts/example.mjs', stack.url]);
    expect(stdout).toContain(`Augur at ${stack.url}`);
    expect(stdout).toMatch(/Scored contacts \(\d+ in all, the first 5\):/);
    expect(stdout.match(/churn \d+\.\d %/g)).toHaveLength(5);
    expect(stdout).toMatch(/Sales forecast \(6 steps\):/);
    expect(stdout).toMatch(/Created contact Example Client Contact \(\S+\), then deleted it\./);
  });

  it('says how to start Augur when nothing answers at the URL', async () => {
    const failed = await run(process.execPath, ['scripts/example.mjs', 'http://127.0.0.1:9/graphql']).catch((err: unknown) => err);
    expect(failed).toMatchObject({ code: 1 });
    expect((failed as { stderr: string }).stderr).toContain('Start Augur first (npm start');
  });
});
