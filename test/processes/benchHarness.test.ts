/**
 * The benchmark harness (bench/lib/stack.mjs) when a child it starts dies: `npm run bench` once ended with nothing
 * but a stack, the child's stack glued to the harness's own from the child's exit handler. It must now say which
 * process died, quote that process's last output as such, and exit 1 without its own stack.
 */
import { spawn } from 'node:child_process';
import net from 'node:net';
import { describe, expect, it } from 'vitest';

const SCRIPT = `
import { startGateway, runMain } from './bench/lib/stack.mjs';
const urls = { dataiku: 'http://127.0.0.1:1', previsto: 'http://127.0.0.1:1', prevision: 'http://127.0.0.1:1', civis: 'http://127.0.0.1:1' };
runMain(async () => { await startGateway(urls, { port: Number(process.argv[1]), previstoLimit: 120 }); return 0; });
`;

describe('bench harness', () => {
  it('reports a gateway that dies at start-up by its own output, not by a bare stack', async () => {
    const busy = net.createServer();
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', () => resolve()));
    const port = (busy.address() as net.AddressInfo).port;
    try {
      const child = spawn(process.execPath, ['--input-type=module', '-e', SCRIPT, String(port)], { stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      child.stderr.on('data', (d: Buffer) => (out += d.toString()));
      const code = await new Promise<number | null>((resolve) => child.once('close', (c) => resolve(c)));
      expect(code).toBe(1);
      expect(out).toContain('bench: The gateway (node dist/augur/main.js) exited (code 1');
      expect(out).toContain(`  | Augur could not listen: listen EADDRINUSE: address already in use 127.0.0.1:${port}. Set PORT`);
      // Neither the harness's own stack nor the child's.
      expect(out).not.toContain('ChildProcess');
      expect(out).not.toMatch(/^\s+at /m);
    } finally {
      busy.close();
    }
  }, 60_000);
});
