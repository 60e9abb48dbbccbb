/**
 * A newcomer's first hour: `npm install` on the oldest Node.js Augur supports prints no engine warning and no
 * question about install scripts, and `npm test` says plainly which system programs it lacks before running anything.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import semver from 'semver';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const PKG = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
  engines: { node: string };
  allowScripts?: Record<string, boolean>;
  workspaces: string[];
};
const INSTALL_SCRIPTS = ['preinstall', 'install', 'postinstall'];

interface Installed {
  dir: string;
  name: string;
  version: string;
  engines?: { node?: string };
  scripts?: Record<string, string>;
}

/** Every package npm installed (node_modules at the root and in the workspaces, nested ones included). */
function installed(): Installed[] {
  const out: Installed[] = [];
  const walk = (modules: string): void => {
    let names: string[];
    try {
      names = readdirSync(modules);
    } catch {
      return;
    }
    for (const name of names) {
      if (name.startsWith('.')) continue;
      if (name.startsWith('@')) {
        walk(path.join(modules, name));
        continue;
      }
      const dir = path.join(modules, name);
      try {
        const pkg = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as Installed;
        if (pkg.name && pkg.version) out.push({ ...pkg, dir });
      } catch {
        continue;
      }
      walk(path.join(dir, 'node_modules'));
    }
  };
  walk(path.join(ROOT, 'node_modules'));
  for (const ws of PKG.workspaces) walk(path.join(ROOT, ws, 'node_modules'));
  return out;
}

describe('the first hour', () => {
  const packages = installed();

  it('installs only packages whose engines accept the oldest Node.js Augur supports', () => {
    const oldest = semver.minVersion(PKG.engines.node)!.version;
    expect(oldest).toBe('20.18.1');
    expect(packages.length).toBeGreaterThan(500);
    const refusing = packages
      .filter((p) => p.engines?.node && !semver.satisfies(oldest, p.engines.node, { includePrerelease: true }))
      .map((p) => `${p.name}@${p.version} (node ${p.engines!.node}) in ${path.relative(ROOT, p.dir)}`);
    expect(refusing).toEqual([]);
  });

  it('settles every install script in allowScripts, so npm asks nothing', () => {
    const allow = PKG.allowScripts ?? {};
    const unsettled = packages
      .filter((p) => INSTALL_SCRIPTS.some((s) => p.scripts?.[s]))
      .filter((p) => !(p.name in allow) && !(`${p.name}@${p.version}` in allow))
      .map((p) => `${p.name}@${p.version}`);
    expect([...new Set(unsettled)]).toEqual([]);
  });

  it('says before npm test runs which system programs are missing, and how to install them', () => {
    const res = spawnSync(process.execPath, ['scripts/test-prerequisites.mjs'], {
      cwd: ROOT,
      env: { PATH: '/nonexistent' },
      encoding: 'utf8',
    });
    expect(res.status).toBe(1);
    expect(res.stderr).toContain('redis-server');
    expect(res.stderr).toMatch(/apt-get install --no-install-recommends .*redis-server/);
    const scripts = (JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
    expect(scripts['pretest']).toBe('node scripts/test-prerequisites.mjs');
  });
});
