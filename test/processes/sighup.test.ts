/**
 * The built program (dist/augur/main.js, as `npm start` runs it) reads its tenants file again on SIGHUP: a tenant
 * added to the file is served without a restart.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { bearer, TestIssuer } from '../helpers/issuer.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'augur-sighup-'));
let child: ChildProcess | undefined;
let issuer: TestIssuer | undefined;

afterAll(async () => {
  if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await issuer?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('SIGHUP', () => {
  it('reloads the tenants file in the running program', async () => {
    issuer = await TestIssuer.start();
    const file = join(dir, 'tenants.json');
    writeFileSync(file, JSON.stringify({ tenants: { acme: { previsto: 'sk_augur_demo' } } }));
    child = spawn(process.execPath, ['dist/augur/main.js'], {
      cwd: ROOT,
      env: {
        PATH: process.env['PATH'] ?? '',
        PORT: '0',
        LOG_LEVEL: 'info',
        ...issuer.env({ AUGUR_TENANTS_FILE: file, AUGUR_TENANT_CLAIM: 'org' }),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const lines: Array<Record<string, unknown>> = [];
    const waiters: Array<() => void> = [];
    createInterface({ input: child.stdout! }).on('line', (text) => {
      try {
        lines.push(JSON.parse(text) as Record<string, unknown>);
        for (const w of waiters.splice(0)) w();
      } catch {
        // not a log line
      }
    });
    const logged = async (event: string): Promise<Record<string, unknown>> => {
      for (;;) {
        const line = lines.find((l) => l['event'] === event);
        if (line) return line;
        if (child!.exitCode !== null) throw new Error(`the gateway exited with ${child!.exitCode}`);
        await new Promise<void>((resolve) => waiters.push(resolve));
      }
    };
    const url = (await logged('listening'))['url'] as string;
    const query = (org: string) =>
      issuer!.token({ org, scope: 'previsto:read' }).then((t) =>
        fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...bearer(t) },
          body: '{"query":"{ gateway { version } }"}',
        }),
      );
    expect((await query('globex')).status).toBe(401);
    writeFileSync(file, JSON.stringify({ tenants: { acme: { previsto: 'sk_augur_demo' }, globex: { previsto: 'sk_augur_demo_2' } } }));
    child.kill('SIGHUP');
    // The file watcher may have reloaded first; SIGHUP's own reload is logged with its reason.
    for (;;) {
      if (lines.some((l) => l['event'] === 'tenants_reloaded' && l['reason'] === 'SIGHUP')) break;
      await new Promise<void>((resolve) => waiters.push(resolve));
    }
    expect((await query('globex')).status).toBe(200);
    expect(lines.map((l) => JSON.stringify(l)).join('\n')).not.toContain('sk_augur_demo_2');
  });
});
