/**
 * A real `redis-server` for tests: started on a free loopback port with persistence off, stoppable and restartable
 * on the same port (to test outages), and a raw client to inspect what Augur stored.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import { freePort } from './ports.js';
import { Redis } from 'ioredis';

export interface TestRedis {
  url: string;
  port: number;
  /** A client of this server, for assertions (created on first use, closed by `close()`). */
  client(): Redis;
  /** Kills the server (SIGKILL, as a crash would) and waits for it to exit. */
  kill(): Promise<void>;
  /** Starts it again on the same port, empty. */
  restart(): Promise<void>;
  close(): Promise<void>;
}

function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    let data = '';
    socket.setTimeout(500, () => socket.destroy());
    socket.on('connect', () => socket.write('PING\r\n'));
    socket.on('data', (d) => {
      data += d.toString();
      if (data.includes('\r\n')) {
        socket.destroy();
        resolve(data.startsWith('+PONG'));
      }
    });
    socket.on('error', () => resolve(false));
    socket.on('close', () => resolve(data.startsWith('+PONG')));
  });
}

export async function startRedis(): Promise<TestRedis> {
  const port = await freePort();
  let child: ChildProcess | undefined;
  let output = '';
  let raw: Redis | undefined;

  const launch = async (): Promise<void> => {
    output = '';
    const proc = spawn(
      'redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--protected-mode', 'yes'],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    child = proc;
    proc.stdout.on('data', (d: Buffer) => (output += d.toString()));
    proc.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const spawnError = new Promise<never>((_, reject) =>
      proc.once('error', (err) =>
        reject(new Error(`redis-server could not start (${err.message}); install it: apt-get install -y redis-server`)),
      ),
    );
    const deadline = Date.now() + 10_000;
    for (;;) {
      if (await Promise.race([ping(port), spawnError])) return;
      if (proc.exitCode !== null) throw new Error(`redis-server exited with ${proc.exitCode}: ${output}`);
      if (Date.now() > deadline) throw new Error(`redis-server did not answer PING on port ${port} within 10 s: ${output}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  const stop = async (signal: NodeJS.Signals): Promise<void> => {
    const proc = child;
    child = undefined;
    if (!proc || proc.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      proc.once('exit', () => resolve());
      proc.kill(signal);
    });
  };

  await launch();
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    client() {
      if (!raw) {
        raw = new Redis(port, '127.0.0.1', { maxRetriesPerRequest: 1 });
        // Tests kill and restart the server under this client: its reconnection errors are expected, not unhandled.
        raw.on('error', () => undefined);
      }
      return raw;
    },
    kill: () => stop('SIGKILL'),
    restart: launch,
    async close() {
      raw?.disconnect();
      await stop('SIGTERM');
    },
  };
}
