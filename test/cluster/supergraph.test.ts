/**
 * The supergraph (cluster/supergraph.mjs, `npm run cluster:supergraph`): Augur's subgraph and the reviews subgraph
 * composed with @apollo/composition and served by Hive Gateway in front of haproxy and three replicas.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runClusterScript } from './script.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const semver = createRequire(import.meta.url)('semver') as {
  satisfies(version: string, range: string): boolean;
  minVersion(range: string): { version: string };
};

interface PackageJson {
  name: string;
  version: string;
  engines?: { node?: string };
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
}

/** Where Node.js would load `name` from, starting in `dir` (node_modules folders upwards). */
function resolvePackage(dir: string, name: string): string | undefined {
  for (let d = dir; ; d = path.dirname(d)) {
    const candidate = path.join(d, 'node_modules', name, 'package.json');
    if (existsSync(candidate)) return candidate;
    if (path.dirname(d) === d) return undefined;
  }
}

interface SupergraphResult {
  upstreamCalls: { viaRouter: { byRoute: Record<string, number> }; augurAlone: { byRoute: Record<string, number> } };
  contacts: number;
  refusedKey: Array<{ path: string[]; code: string }>;
  checks: Record<string, boolean>;
  pass: boolean;
}

describe('supergraph through Hive Gateway', () => {
  it('runs a Hive Gateway whose every installed dependency supports the oldest Node.js Augur supports', () => {
    const oldest = semver.minVersion(
      (JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as PackageJson).engines!.node!,
    ).version;
    const start = resolvePackage(ROOT, '@graphql-hive/gateway')!;
    const seen = new Set<string>();
    const unsupported: string[] = [];
    for (const queue = [start]; queue.length;) {
      const file = queue.pop()!;
      if (seen.has(file)) continue;
      seen.add(file);
      const pkg = JSON.parse(readFileSync(file, 'utf8')) as PackageJson;
      if (pkg.engines?.node && !semver.satisfies(oldest, pkg.engines.node))
        unsupported.push(`${pkg.name}@${pkg.version} (node ${pkg.engines.node})`);
      for (const dep of Object.keys({ ...pkg.dependencies, ...pkg.optionalDependencies, ...pkg.peerDependencies })) {
        const found = resolvePackage(path.dirname(file), dep);
        if (found) queue.push(found);
      }
    }
    expect(seen.size).toBeGreaterThan(100);
    expect(unsupported).toEqual([]);
  });

  it('joins contacts, their scores and their reviews in one Previsto and one Dataiku call, with the caller’s credentials', async () => {
    const { code, result, output } = await runClusterScript<SupergraphResult>('cluster/supergraph.mjs', {}, 120_000);
    expect(result.upstreamCalls.viaRouter.byRoute, output).toEqual({
      'dataiku POST /public/api/v1/{service}/{endpoint}/predict-multi': 1,
      'previsto GET /contacts': 1,
    });
    expect(result.upstreamCalls.augurAlone.byRoute).toEqual(result.upstreamCalls.viaRouter.byRoute);
    expect(result.contacts).toBe(10);
    expect(result.refusedKey).toEqual([{ path: ['contacts'], code: 'UNAUTHENTICATED' }]);
    expect(result.checks, output).toEqual(Object.fromEntries(Object.keys(result.checks).map((k) => [k, true])));
    expect(code).toBe(0);
  }, 150_000);
});
