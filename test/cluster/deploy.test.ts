/**
 * The deployment files agree with Augur: compose.yaml, the Kubernetes manifests under deploy/kubernetes, haproxy's
 * configuration and the Dockerfile set only variables Augur reads (parseConfig in src/server/config.ts, the authoritative list) and
 * docs/configuration.md documents, with values it accepts; every probe path they use answers; their ports and grace periods
 * agree with each other.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { parseConfig } from '../../src/server/config.js';
import { startStack, type TestStack } from '../helpers/stack.js';
import { readDockerfile, runtimeStage } from './dockerfile.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const read = (rel: string): string => readFileSync(path.join(ROOT, rel), 'utf8');
const CONFIGURATION_DOC = read('docs/configuration.md');

/** Every variable parseConfig reads, found by handing it an environment that records each name asked for. */
function configVariables(): Set<string> {
  const names = new Set<string>();
  const env = new Proxy({} as Record<string, string | undefined>, {
    get(_target, name) {
      if (typeof name === 'string') names.add(name);
      return undefined;
    },
  });
  parseConfig(env);
  return names;
}
const CONFIG_VARIABLES = configVariables();

/** Variables for Node.js itself, which deployments may set besides Augur's own. */
const NODE_VARIABLES = new Set(['NODE_OPTIONS', 'NODE_ENV']);

function expectAugurVariables(env: Record<string, string>, where: string): void {
  for (const name of Object.keys(env)) {
    if (NODE_VARIABLES.has(name)) continue;
    expect(CONFIG_VARIABLES.has(name), `${where} sets ${name}, which parseConfig never reads`).toBe(true);
    expect(CONFIGURATION_DOC.includes(`\`${name}\``), `${where} sets ${name}, which docs/configuration.md does not document`).toBe(true);
  }
  // And Augur accepts the values as they are.
  expect(() => parseConfig(env), where).not.toThrow();
}

/** Compose's `${VAR:-default}` / `${VAR-default}` interpolation, with nothing set in the environment. */
function interpolate(value: string): string {
  return value.replace(/\$\{(\w+)(?::?-([^}]*))?\}/g, (_m, _name: string, fallback: string | undefined) => fallback ?? '');
}

function ms(duration: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m)$/.exec(duration);
  if (!m) throw new Error(`not a compose duration: ${duration}`);
  return Number(m[1]) * { ms: 1, s: 1000, m: 60_000 }[m[2] as 'ms' | 's' | 'm'];
}

interface ComposeService {
  image?: string;
  build?: unknown;
  command?: string[];
  environment?: Record<string, string>;
  volumes?: string[];
  ports?: string[];
  stop_grace_period?: string;
  profiles?: string[];
  depends_on?: unknown;
}
const compose = parse(read('compose.yaml'), { merge: true }) as { services: Record<string, ComposeService> };
const services = compose.services;
const augurServices = Object.entries(services).filter(([name]) => /^augur-\d+$/.test(name));

type K8sObject = { kind: string; apiVersion: string; metadata: { name: string }; [key: string]: any };
const MANIFEST_DIR = 'deploy/kubernetes';
const manifests: K8sObject[] = readdirSync(path.join(ROOT, MANIFEST_DIR))
  .filter((f) => f.endsWith('.yaml') && f !== 'kustomization.yaml')
  .flatMap((f) => parseAllDocuments(read(`${MANIFEST_DIR}/${f}`)).map((d) => d.toJS() as K8sObject));
const one = (kind: string): K8sObject => {
  const found = manifests.filter((m) => m.kind === kind);
  expect(found, kind).toHaveLength(1);
  return found[0]!;
};

const haproxyCfg = read('deploy/haproxy/haproxy.cfg');
const dockerStage = runtimeStage(readDockerfile(path.join(ROOT, 'Dockerfile')));

let stack: TestStack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack?.close());

describe('compose.yaml', () => {
  it('sets only variables Augur reads and documents, with values it accepts, the same on every replica', () => {
    expect(augurServices.map(([name]) => name)).toEqual(['augur-1', 'augur-2', 'augur-3']);
    const first = augurServices[0]![1].environment!;
    for (const [name, service] of augurServices) {
      expect(service.environment, name).toEqual(first);
      expectAugurVariables(
        Object.fromEntries(Object.entries(service.environment!).map(([k, v]) => [k, interpolate(String(v))])),
        `compose.yaml ${name}`,
      );
    }
  });

  it('tells the replicas how many they are, and lets each drain before it is killed', () => {
    for (const [name, service] of augurServices) {
      const env = service.environment!;
      expect(Number(env['AUGUR_REPLICAS']), name).toBe(augurServices.length);
      const drainMs = Number(env['AUGUR_SHUTDOWN_DELAY_MS']) + Number(env['AUGUR_SHUTDOWN_GRACE_MS']);
      expect(ms(service.stop_grace_period!), name).toBeGreaterThan(drainMs);
      // The delay outlasts haproxy's detection: `fall` failed checks `inter` apart.
      const check = /default-server check inter (\d+)ms fall (\d+)/.exec(haproxyCfg)!;
      expect(Number(env['AUGUR_SHUTDOWN_DELAY_MS']), name).toBeGreaterThan(Number(check[1]) * Number(check[2]));
    }
  });

  it('puts haproxy in front of exactly these replicas, on the port they listen on', () => {
    // Each backend (the ready replicas, and the live ones when none is ready) lists every replica.
    const backends = haproxyCfg.split(/^backend /m).slice(1);
    expect(backends.map((b) => b.split('\n')[0])).toEqual(['augur', 'augur_alive']);
    for (const backend of backends) {
      const servers = [...backend.matchAll(/^\s*server (\S+) "\$\{\w+-([\w.-]+):(\d+)\}"/gm)].map((m) => ({ host: m[2], port: m[3] }));
      expect(servers.map((s) => s.host)).toEqual(augurServices.map(([name]) => name));
      for (const s of servers) expect(s.port).toBe(augurServices[0]![1].environment!['PORT']);
    }
    expect(services['haproxy']!.volumes).toContain('./deploy/haproxy/haproxy.cfg:/usr/local/etc/haproxy/haproxy.cfg:ro');
    const bind = /bind "\$\{AUGUR_LB_BIND-:(\d+)\}"/.exec(haproxyCfg)![1];
    expect(services['haproxy']!.ports).toContain(`${bind}:${bind}`);
  });

  it('tells callers a keep-alive timeout shorter than the one haproxy keeps idle connections for', () => {
    const hint = Number(/http-response set-header Keep-Alive timeout=(\d+)/.exec(haproxyCfg)![1]);
    const idle = Number(/timeout http-keep-alive (\d+)s/.exec(haproxyCfg)![1]);
    expect(hint).toBeLessThan(idle);
  });

  it('runs files the image holds, and mounts files the repository has', () => {
    expect(services['emulators']!.command).toEqual(['node', 'dist/augur/emulators.js']);
    // The emulators' entry point is what `npm run emulators` runs (built by the suite's global setup).
    expect(JSON.parse(read('package.json')).scripts.emulators).toBe('node dist/augur/emulators.js');
    expect(existsSync(path.join(ROOT, 'dist/augur/emulators.js'))).toBe(true);
    expect(services['reviews']!.command).toEqual(['node', 'subgraphs/reviews/server.mjs']);
    expect(existsSync(path.join(ROOT, 'subgraphs/reviews/server.mjs'))).toBe(true);
    for (const [name, service] of Object.entries(services)) {
      for (const volume of service.volumes ?? []) {
        const source = volume.split(':')[0]!;
        if (!source.startsWith('.')) continue; // a named volume
        expect(existsSync(path.join(ROOT, source)), `${name} mounts ${source}`).toBe(true);
      }
      if (service.image === 'augur:local') expect(service.build, name).toBe('.');
    }
    // Emulator variables are the emulators' own (their sources read them).
    const sources = ['src/emulators', 'emulators/src'].filter((d) => existsSync(path.join(ROOT, d)));
    const grep = spawnSync('grep', ['-rhoE', 'AUGUR_EMULATOR_[A-Z_]+', ...sources], { cwd: ROOT, encoding: 'utf8' });
    const emulatorVariables = new Set(grep.stdout.split('\n'));
    for (const name of Object.keys(services['emulators']!.environment ?? {})) expect(emulatorVariables.has(name), name).toBe(true);
  });

  it('runs the Hive Gateway version the project pins, with the configuration the cluster uses', () => {
    const pinned = JSON.parse(read('package.json')).devDependencies['@graphql-hive/gateway'] as string;
    expect(pinned).toMatch(/^\d+\.\d+\.\d+$/);
    expect(services['router']!.image).toBe(`ghcr.io/graphql-hive/gateway:${pinned}`);
    expect(services['router']!.command).toContain('/gateway/gateway.config.mjs');
    expect(services['router']!.volumes).toContain('./deploy/router:/gateway:ro');
  });

  it('gets a supergraph routing to haproxy and the reviews service from npm run supergraph', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'augur-supergraph-'));
    try {
      const out = path.join(dir, 'supergraph.graphql');
      const run = spawnSync(process.execPath, ['scripts/supergraph.mjs', '--out', out], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
      expect(run.status, run.stderr).toBe(0);
      const supergraph = readFileSync(out, 'utf8');
      const bind = /bind "\$\{AUGUR_LB_BIND-:(\d+)\}"/.exec(haproxyCfg)![1];
      expect(supergraph).toContain(`AUGUR @join__graph(name: "augur", url: "http://haproxy:${bind}/graphql")`);
      expect(supergraph).toContain(
        `REVIEWS @join__graph(name: "reviews", url: "http://reviews:${services['reviews']!.environment!['PORT']}/graphql")`,
      );
      expect(supergraph).toMatch(/type Contact[^{]*@join__type\(graph: REVIEWS, key: "id"\)/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});

describe('Kubernetes manifests', () => {
  const configMap = one('ConfigMap');
  const secret = one('Secret');
  const deployment = one('Deployment');
  const pod = deployment['spec'].template.spec;
  const container = pod.containers[0];
  const env: Record<string, string> = { ...configMap['data'], ...secret['stringData'] };

  it('set only variables Augur reads and documents, with values it accepts', () => {
    expectAugurVariables(env, 'the ConfigMap and Secret');
    expect(container.envFrom).toEqual([{ configMapRef: { name: configMap.metadata.name } }, { secretRef: { name: secret.metadata.name } }]);
    // Secrets stay out of the ConfigMap.
    for (const name of Object.keys(configMap['data'])) expect(name, 'a secret in the ConfigMap').not.toMatch(/KEY|TOKEN|SECRET|REDIS_URL/);
  });

  it('probe the port Augur listens on', () => {
    const port = container.ports.find((p: { name: string }) => p.name === 'http');
    expect(String(port.containerPort)).toBe(env['PORT']);
    for (const probe of ['readinessProbe', 'livenessProbe', 'startupProbe']) expect(container[probe].httpGet.port, probe).toBe('http');
    expect(container.readinessProbe.httpGet.path).toBe('/readyz');
    expect(container.livenessProbe.httpGet.path).toBe('/healthz');
    const service = one('Service');
    expect(service['spec'].ports[0].targetPort).toBe('http');
    expect(service['spec'].selector).toEqual(deployment['spec'].template.metadata.labels);
  });

  it('give a stopping replica time to leave the endpoints and drain', () => {
    const delay = Number(env['AUGUR_SHUTDOWN_DELAY_MS']);
    const grace = Number(env['AUGUR_SHUTDOWN_GRACE_MS']);
    const [sleep, seconds] = container.lifecycle.preStop.exec.command as [string, string];
    expect(sleep).toBe('sleep');
    // preStop sleeps as long as AUGUR_SHUTDOWN_DELAY_MS.
    expect(Number(seconds) * 1000).toBe(delay);
    expect(pod.terminationGracePeriodSeconds * 1000).toBeGreaterThan(Number(seconds) * 1000 + delay + grace);
    // The readiness probe notices the delay's failing /readyz within it.
    expect(container.readinessProbe.periodSeconds * container.readinessProbe.failureThreshold * 1000).toBeLessThanOrEqual(delay);
  });

  it('scale within the replicas AUGUR_REPLICAS budgets for, and disrupt one at a time', () => {
    const hpa = one('HorizontalPodAutoscaler');
    expect(hpa['spec'].scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: deployment.metadata.name });
    expect(hpa['spec'].maxReplicas).toBe(Number(env['AUGUR_REPLICAS']));
    expect(hpa['spec'].minReplicas).toBeLessThanOrEqual(deployment['spec'].replicas);
    const pdb = one('PodDisruptionBudget');
    expect(pdb['spec'].selector.matchLabels).toEqual(deployment['spec'].template.metadata.labels);
    expect(pdb['spec'].maxUnavailable).toBe(1);
  });

  it('run as the image’s unprivileged user', () => {
    expect(dockerStage.user).toBe('node');
    // uid 1000 is the node user of the official Node.js images.
    expect(pod.securityContext.runAsUser).toBe(1000);
    expect(pod.securityContext.runAsNonRoot).toBe(true);
  });

  it('are all listed in the kustomization', () => {
    const kustomization = parse(read(`${MANIFEST_DIR}/kustomization.yaml`)) as { resources: string[] };
    const files = readdirSync(path.join(ROOT, MANIFEST_DIR)).filter((f) => f.endsWith('.yaml') && f !== 'kustomization.yaml');
    expect([...kustomization.resources].sort()).toEqual(files.sort());
  });
});

describe('probe paths', () => {
  it('answer 200 on a running Augur, wherever a deployment file uses them', async () => {
    const paths = new Set<string>();
    paths.add(/\/(\w+)'/.exec(dockerStage.healthcheck!.cmd.join(' '))![0].slice(0, -1));
    for (const m of haproxyCfg.matchAll(/http-check send meth GET uri (\S+)/g)) paths.add(m[1]!);
    const container = one('Deployment')['spec'].template.spec.containers[0];
    for (const probe of ['readinessProbe', 'livenessProbe', 'startupProbe']) paths.add(container[probe].httpGet.path);
    expect([...paths].sort()).toEqual(['/healthz', '/readyz']);
    const origin = stack.url.replace(/\/graphql$/, '');
    for (const p of paths) expect((await fetch(`${origin}${p}`)).status, p).toBe(200);
    // A path Augur does not serve is a 404, so the check above can fail.
    expect((await fetch(`${origin}/livez`)).status).toBe(404);
  });
});
