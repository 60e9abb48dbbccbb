import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { freePorts } from '../helpers/ports.js';

const children: ChildProcess[] = [];
afterAll(() => {
  for (const c of children) c.kill('SIGTERM');
});

/** Starts `npm run emulators`' program on the given ports and collects its banner. */
function startEmulators(ports: Record<string, number>): Promise<string> {
  const env: Record<string, string> = { ...(process.env as Record<string, string>) };
  for (const [name, port] of Object.entries(ports)) env[`AUGUR_EMULATOR_${name.toUpperCase()}_PORT`] = String(port);
  const child = spawn(process.execPath, ['emulators/dist/main.js'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('Control plane')) resolve(out);
    });
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.on('exit', (code) => reject(new Error(`emulators exited with ${code}: ${out}`)));
  });
}

describe('npm run emulators', () => {
  it('serves every emulator alone on its port and prints URLs and demo credentials', async () => {
    // Ports the OS handed out; another process may still take one before the emulators bind it, so a clash is
    // retried on fresh ports rather than failing the run.
    let ports: Record<'prevision' | 'dataiku' | 'civis' | 'previsto', number>;
    let banner = '';
    for (let attempt = 1; ; attempt++) {
      const [prevision, dataiku, civis, previsto] = await freePorts(4);
      ports = { prevision: prevision!, dataiku: dataiku!, civis: civis!, previsto: previsto! };
      try {
        banner = await startEmulators(ports);
        break;
      } catch (error) {
        if (attempt === 3 || !String(error).includes('EADDRINUSE')) throw error;
      }
    }
    for (const [name, port] of Object.entries(ports)) {
      expect(banner).toContain(`http://127.0.0.1:${port}`);
      expect(banner).toContain(name);
    }
    for (const credential of ['augur-demo-dataiku', 'sk_augur_demo', 'pk_augur_demo', 'augur-demo-prevision', 'augur-demo-civis'])
      expect(banner).toContain(credential);

    const basic = (key: string) => `Basic ${Buffer.from(`${key}:`).toString('base64')}`;
    const contacts = await fetch(`http://127.0.0.1:${ports.previsto}/contacts?size=5`, {
      headers: { authorization: basic('sk_augur_demo') },
    });
    expect(contacts.status).toBe(200);
    expect(Number(contacts.headers.get('x-total-count'))).toBeGreaterThanOrEqual(250);
    const predict = await fetch(`http://127.0.0.1:${ports.dataiku}/public/api/v1/augur-demo/churn/predict`, {
      method: 'POST',
      headers: { authorization: basic('augur-demo-dataiku') },
      body: JSON.stringify({ features: { name: 'A' } }),
    });
    expect(((await predict.json()) as { result: { ignored: boolean } }).result.ignored).toBe(false);
    const version = await fetch(`http://127.0.0.1:${ports.prevision}/ext/v1/version`, {
      headers: { authorization: 'augur-demo-prevision' },
    });
    expect(version.status).toBe(200);
    const me = await fetch(`http://127.0.0.1:${ports.civis}/users/me`, { headers: { authorization: basic('augur-demo-civis') } });
    expect(((await me.json()) as { username: string }).username).toBeTruthy();
  });
});
