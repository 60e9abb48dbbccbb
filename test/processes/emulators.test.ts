import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';

const children: ChildProcess[] = [];
afterAll(() => {
  for (const c of children) c.kill('SIGTERM');
});

/** Starts `npm run emulators`' program on free-ish ports and collects its banner. */
function startEmulators(ports: Record<string, number>): Promise<string> {
  const env: Record<string, string> = { ...(process.env as Record<string, string>) };
  for (const [name, port] of Object.entries(ports)) env[`AUGUR_EMULATOR_${name.toUpperCase()}_PORT`] = String(port);
  const child = spawn(process.execPath, ['dist/src/emulators/main.js'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('Control plane')) resolve(out);
    });
    child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    child.on('exit', (code) => reject(new Error(`emulators exited with ${code}: ${out}`)));
  });
}

describe('npm run emulators', () => {
  it('serves every emulator alone on its port and prints URLs and demo credentials', async () => {
    const base = 46_000 + Math.floor(Math.random() * 1000) * 4;
    const ports = { prevision: base, dataiku: base + 1, civis: base + 2, previsto: base + 3 };
    const banner = await startEmulators(ports);
    for (const [name, port] of Object.entries(ports)) {
      expect(banner).toContain(`http://127.0.0.1:${port}`);
      expect(banner).toContain(name);
    }
    for (const credential of ['augur-demo-dataiku', 'sk_augur_demo', 'pk_augur_demo', 'augur-demo-prevision', 'augur-demo-civis']) expect(banner).toContain(credential);

    const basic = (key: string) => `Basic ${Buffer.from(`${key}:`).toString('base64')}`;
    const contacts = await fetch(`http://127.0.0.1:${ports.previsto}/contacts?size=5`, { headers: { authorization: basic('sk_augur_demo') } });
    expect(contacts.status).toBe(200);
    expect(Number(contacts.headers.get('x-total-count'))).toBeGreaterThanOrEqual(250);
    const predict = await fetch(`http://127.0.0.1:${ports.dataiku}/public/api/v1/augur-demo/churn/predict`, {
      method: 'POST',
      headers: { authorization: basic('augur-demo-dataiku') },
      body: JSON.stringify({ features: { name: 'A' } }),
    });
    expect(((await predict.json()) as { result: { ignored: boolean } }).result.ignored).toBe(false);
    const version = await fetch(`http://127.0.0.1:${ports.prevision}/ext/v1/version`, { headers: { authorization: 'augur-demo-prevision' } });
    expect(version.status).toBe(200);
    const me = await fetch(`http://127.0.0.1:${ports.civis}/users/me`, { headers: { authorization: basic('augur-demo-civis') } });
    expect(((await me.json()) as { username: string }).username).toBeTruthy();
  });
});
