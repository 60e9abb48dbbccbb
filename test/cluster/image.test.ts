/**
 * The container image without a container engine: scripts/build-image-root.mjs (the Dockerfile's build stage) runs
 * into a clean folder, and what it wrote is started the way the Dockerfile's runtime stage starts it (its CMD, ENV
 * and HEALTHCHECK, read from the Dockerfile) against emulators started separately.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../helpers/ports.js';
import { startUpstreams, type SharedUpstreams } from '../scaleout/processes.js';
import { readDockerfile, runtimeStage, type RuntimeStage } from './dockerfile.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
  scripts: Record<string, string>;
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};
const stage: RuntimeStage = runtimeStage(readDockerfile(path.join(ROOT, 'Dockerfile')));

let imageRoot: string;
let buildOutput = '';
let upstreams: SharedUpstreams;
const children: ChildProcess[] = [];

beforeAll(async () => {
  imageRoot = path.join(mkdtempSync(path.join(os.tmpdir(), 'augur-image-')), 'app');
  const build = spawnSync(process.execPath, ['scripts/build-image-root.mjs', imageRoot], { cwd: ROOT, encoding: 'utf8', timeout: 540_000 });
  buildOutput = `${build.stdout}\n${build.stderr}`;
  if (build.status !== 0)
    throw new Error(`scripts/build-image-root.mjs failed (${build.status ?? build.signal}):\n${buildOutput.slice(-4000)}`);
  upstreams = await startUpstreams({});
}, 600_000);

afterAll(async () => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await upstreams?.close();
  if (imageRoot) rmSync(path.dirname(imageRoot), { recursive: true, force: true });
});

/** Starts a command of the image (the Dockerfile's argv, `node` being this Node.js) in the image root. */
function startInImage(argv: string[], env: Record<string, string>): ChildProcess {
  expect(argv[0]).toBe('node');
  const child = spawn(process.execPath, argv.slice(1), {
    cwd: imageRoot,
    env: { PATH: process.env['PATH'] ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  return child;
}

function waitForLine(child: ChildProcess, match: (line: string) => boolean, what: string): Promise<string> {
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${what}: no matching line within 20 s; stderr: ${stderr}`)), 20_000);
    child.once('exit', (code) => reject(new Error(`${what} exited with ${code}: ${stderr}`)));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      if (match(line)) {
        clearTimeout(timer);
        resolve(line);
      }
    });
  });
}

describe('container image', () => {
  it('runs node itself as the command, with the start script’s flags, as a user other than root', () => {
    // No shell or npm between the container runtime and Node.js, so SIGTERM reaches Augur's handler.
    expect(stage.entrypoint).toBeUndefined();
    expect(stage.cmd).toEqual(pkg.scripts['start']!.replace(/^exec /, '').split(' '));
    expect(stage.stopSignal).toBe('SIGTERM');
    expect(stage.user).toBeDefined();
    expect(['root', '0', '0:0']).not.toContain(stage.user);
    expect(stage.env['PORT']).toBeDefined();
    expect(stage.expose).toEqual([stage.env['PORT']]);
    expect(stage.healthcheck?.cmd.join(' ')).toContain('/healthz');
  });

  it('holds the production dependencies and none of the development-only ones', () => {
    const lock = JSON.parse(readFileSync(path.join(ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, { dev?: boolean }> };
    const installed = JSON.parse(readFileSync(path.join(imageRoot, 'node_modules', '.package-lock.json'), 'utf8')) as {
      packages: Record<string, unknown>;
    };
    const devOnly = Object.keys(installed.packages).filter((p) => lock.packages[p]?.dev === true);
    expect(devOnly).toEqual([]);
    for (const name of Object.keys(pkg.dependencies))
      expect(existsSync(path.join(imageRoot, 'node_modules', name, 'package.json')), name).toBe(true);
    for (const name of ['typescript', 'vitest', 'esbuild', '@graphql-hive/gateway', '@apollo/composition']) {
      expect(existsSync(path.join(imageRoot, 'node_modules', name)), name).toBe(false);
    }
    // Nothing of the build stage's sources or tests.
    const workspaces = (JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { workspaces?: string[] }).workspaces ?? [];
    expect(readdirSync(imageRoot).sort()).toEqual(
      [
        '.image-root',
        'dist',
        'examples',
        'node_modules',
        'package-lock.json',
        'package.json',
        'schema',
        'src',
        'subgraphs',
        ...workspaces.map((w) => w.split('/')[0]!),
      ]
        .filter((name, i, all) => all.indexOf(name) === i)
        .sort(),
    );
    // Of a workspace, only its package.json (npm ci checks the lock against it): its code is in the bundle. The web
    // example is the exception: it lies under examples/, whose operations the default persisted-query manifest reads.
    for (const workspace of workspaces.filter((w) => !w.startsWith('examples/')))
      expect(readdirSync(path.join(imageRoot, workspace))).toEqual(['package.json']);
    expect(existsSync(path.join(imageRoot, 'examples/web/package.json'))).toBe(true);
    expect(existsSync(path.join(imageRoot, 'examples/web/node_modules'))).toBe(false);
    expect(readdirSync(path.join(imageRoot, 'dist'))).toEqual(['augur']);
  });

  it('boots from its CMD and ENV, passes its HEALTHCHECK, answers GraphQL against separately started emulators, and stops on SIGTERM', async () => {
    const port = await freePort();
    const env = { ...stage.env, HOST: '127.0.0.1', PORT: String(port), ...upstreams.env('A') };
    const child = startInImage(stage.cmd, env);
    const listening = JSON.parse(await waitForLine(child, (l) => l.includes('"event":"listening"'), 'the image’s CMD')) as Record<
      string,
      any
    >;
    expect(Object.values(listening['platforms']).every((p) => (p as { emulated: boolean }).emulated === false)).toBe(true);

    const origin = `http://127.0.0.1:${port}`;
    const health = await fetch(`${origin}/healthz`);
    expect(health.status).toBe(200);
    // The HEALTHCHECK command itself, as the container runtime would run it inside the container.
    const check = spawnSync(process.execPath, stage.healthcheck!.cmd.slice(1), {
      env: { PATH: process.env['PATH'] ?? '', ...env },
      timeout: 10_000,
    });
    expect(check.status).toBe(0);

    const post = (query: string, variables?: Record<string, unknown>): Promise<Response> =>
      fetch(`${origin}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query, variables }),
      });
    // The churn model by its global id, the form every version of the schema accepts.
    const endpoints = (await (await post('{ endpoints(first: 100) { nodes { id name } } }')).json()) as {
      data: { endpoints: { nodes: Array<{ id: string; name: string }> } };
    };
    const churn = endpoints.data.endpoints.nodes.find((n) => n.name === 'churn')!.id;
    await Promise.all([upstreams.previsto, upstreams.dataikuA].map((e) => fetch(`${e.url}/_emulator/reset`, { method: 'POST' })));
    const res = await post(
      'query($churn: ID!) { contacts(first: 3) { edges { node { name predict(endpoint: $churn, explanations: { enabled: true }) { explanations { feature value } } } } } }',
      { churn },
    );
    const body = (await res.json()) as {
      data?: {
        contacts: { edges: Array<{ node: { name: string; predict: { explanations: Array<{ feature: string; value: number }> } } }> };
      };
      errors?: unknown;
    };
    expect(body.errors).toBeUndefined();
    expect(body.data!.contacts.edges).toHaveLength(3);
    expect(body.data!.contacts.edges.every((e) => e.node.predict.explanations.length > 0)).toBe(true);
    const total = async (url: string): Promise<number> =>
      ((await (await fetch(`${url}/_emulator/requests`)).json()) as { total: number }).total;
    expect(await total(upstreams.previsto.url)).toBe(1);
    expect(await total(upstreams.dataikuA.url)).toBe(1);

    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    const failed = spawnSync(process.execPath, stage.healthcheck!.cmd.slice(1), {
      env: { PATH: process.env['PATH'] ?? '', ...env },
      timeout: 10_000,
    });
    expect(failed.status).toBe(1);
  });

  it('runs the reviews subgraph compose.yaml starts from the same image', async () => {
    const port = await freePort();
    const child = startInImage(['node', 'subgraphs/reviews/server.mjs'], { ...stage.env, HOST: '127.0.0.1', PORT: String(port) });
    await waitForLine(child, (l) => l.startsWith('reviews subgraph listening'), 'the reviews subgraph');
    const res = await fetch(`http://127.0.0.1:${port}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ _service { sdl } latestReviews(first: 2) { stars } }' }),
    });
    const body = (await res.json()) as { data: { _service: { sdl: string }; latestReviews: unknown[] } };
    expect(body.data._service.sdl).toMatch(/type Contact[^{]*@key\(fields: "id"\)/);
    expect(body.data.latestReviews).toHaveLength(2);
    child.kill('SIGTERM');
  });
});
