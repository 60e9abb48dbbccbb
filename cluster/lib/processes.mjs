/**
 * Cluster harness support (not part of Augur's public code): child processes that can be started, stopped, killed and
 * started again on the same ports, each with its output in a log file, and never left behind when the harness ends.
 */
import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import net from 'node:net';

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Every service started and not yet exited, so whatever ends the harness can stop them. */
const running = new Set();
let exitHook = false;

function installExitHook() {
  if (exitHook) return;
  exitHook = true;
  // Last resort: the harness is exiting (normally or from an error) with children still running.
  process.once('exit', () => {
    for (const service of running) service.child?.kill('SIGKILL');
  });
}

/** Calls `probe` every `intervalMs` until it answers something other than undefined/false, or throws after `timeoutMs`. */
export async function waitUntil(probe, { timeoutMs, intervalMs = 50, what, abort }) {
  const deadline = Date.now() + timeoutMs;
  let last;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined && value !== false) return value;
    } catch (err) {
      last = err;
    }
    const aborted = abort?.();
    if (aborted) throw aborted;
    if (Date.now() > deadline) {
      throw new Error(`${what} not within ${timeoutMs} ms${last ? ` (last error: ${last.message ?? last})` : ''}.`);
    }
    await sleep(intervalMs);
  }
}

/**
 * One child process. `start()` spawns it and waits for `ready(service)`; `stop()` sends SIGTERM and waits for the
 * exit (SIGKILL after `graceMs`); `kill()` sends SIGKILL. It can be started again after it exited. Its stdout and
 * stderr go to `logFile` (appended across restarts), and every stdout line to the `onLine` listeners.
 */
export class Service {
  constructor({ name, command, args = [], env, cwd, logFile, ready, readyTimeoutMs = 20_000, stopGraceMs = 15_000 }) {
    Object.assign(this, { name, command, args, env, cwd, logFile, ready, readyTimeoutMs, stopGraceMs });
    this.child = undefined;
    this.lineListeners = new Set();
    this.lastLines = [];
    this.log = logFile ? createWriteStream(logFile, { flags: 'a' }) : undefined;
  }

  get pid() {
    return this.child?.pid;
  }

  get running() {
    return !!this.child && this.child.exitCode === null && this.child.signalCode === null;
  }

  onLine(listener) {
    this.lineListeners.add(listener);
    return () => this.lineListeners.delete(listener);
  }

  async start() {
    if (this.running) throw new Error(`${this.name} is already running (pid ${this.pid}).`);
    installExitHook();
    const child = spawn(this.command, this.args, { cwd: this.cwd, env: this.env, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    running.add(this);
    this.lastLines = [];
    let spawnError;
    child.once('error', (err) => (spawnError = err));
    this.exited = new Promise((resolve) =>
      child.once('close', (code, signal) => {
        running.delete(this);
        resolve({ code, signal });
      }),
    );
    let buffered = '';
    child.stdout.on('data', (chunk) => {
      this.log?.write(chunk);
      buffered += chunk.toString('utf8');
      let nl;
      while ((nl = buffered.indexOf('\n')) !== -1) {
        const line = buffered.slice(0, nl);
        buffered = buffered.slice(nl + 1);
        this.remember(line);
        for (const listener of this.lineListeners) listener(line);
      }
    });
    child.stderr.on('data', (chunk) => {
      this.log?.write(chunk);
      for (const line of chunk.toString('utf8').split('\n')) if (line.trim()) this.remember(line);
    });
    const gone = () => {
      if (spawnError) return new Error(`${this.name} could not start (${this.command}: ${spawnError.message}).`);
      if (!this.running && this.child === child) {
        return new Error(
          `${this.name} exited (code ${child.exitCode}, signal ${child.signalCode}) before it was ready. Last output:\n${this.lastLines.join('\n')}`,
        );
      }
      return undefined;
    };
    try {
      await waitUntil(async () => (await this.ready(this)) ?? false, {
        timeoutMs: this.readyTimeoutMs,
        intervalMs: 25,
        what: `${this.name} ready`,
        abort: gone,
      });
    } catch (err) {
      const early = gone();
      child.kill('SIGKILL');
      await this.exited;
      throw early ?? new Error(`${err.message} Last output:\n${this.lastLines.join('\n')}`);
    }
    return this;
  }

  remember(line) {
    this.lastLines.push(line);
    if (this.lastLines.length > 30) this.lastLines.shift();
  }

  /** Sends `signal` (SIGTERM by default) and waits for the exit; SIGKILL after `graceMs`. Answers `{ code, signal }`. */
  async stop(signal = 'SIGTERM', graceMs = this.stopGraceMs) {
    if (!this.running) return this.exited ?? { code: null, signal: null };
    const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    this.child.kill(signal);
    const result = await this.exited;
    clearTimeout(timer);
    return result;
  }

  /** SIGKILL, as a crash would; waits for the exit. */
  async kill() {
    if (!this.running) return this.exited;
    this.child.kill('SIGKILL');
    return this.exited;
  }

  async close() {
    await this.stop();
    await new Promise((resolve) => (this.log ? this.log.end(resolve) : resolve()));
  }
}

/** Stops every service still running (SIGTERM, then SIGKILL after `graceMs`), in parallel. */
export async function stopAll(graceMs = 15_000) {
  await Promise.all([...running].map((service) => service.stop('SIGTERM', graceMs)));
}

/** `count` distinct loopback ports that were free a moment ago (all held until every one is known, so none repeats). */
export async function freePorts(count) {
  const servers = [];
  try {
    for (let i = 0; i < count; i++) {
      const server = net.createServer();
      servers.push(server);
      await new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(0, '127.0.0.1', resolve);
      });
    }
    return servers.map((s) => s.address().port);
  } finally {
    await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  }
}

/** Whether something accepts TCP connections on a loopback port. */
export function listening(port) {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** Answers true when a Redis server on `port` answers PING with PONG. */
export function redisPing(port) {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    let data = '';
    socket.setTimeout(500, () => socket.destroy());
    socket.on('connect', () => socket.write('PING\r\n'));
    socket.on('data', (d) => {
      data += d.toString();
      if (data.includes('\r\n')) socket.destroy();
    });
    socket.on('error', () => {});
    socket.on('close', () => resolve(data.startsWith('+PONG')));
  });
}

/** The parsed JSON of a line, or undefined when it is not a JSON object. */
export function jsonLine(line) {
  if (!line.startsWith('{')) return undefined;
  try {
    return JSON.parse(line);
  } catch {
    return undefined;
  }
}
