/**
 * Benchmark support (not part of Augur's public code): a second build of Augur from a git ref, for measuring the
 * same scenarios against two builds alternately in one run (`npm run bench -- --baseline <ref>`).
 *
 * The ref's files are exported with `git archive` into a folder under the OS's temporary directory named after the
 * commit, which is kept and reused by later runs. Its `node_modules` is this checkout's, linked entry by entry, except
 * that the workspace packages (the emulators, the web example) link to the exported folder's own copies. It is then
 * built with its own `npm run build`, so `dist/augur/main.js` is exactly what that commit's `npm start` runs.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, readdirSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT } from './stack.mjs';

const git = (...args) => execFileSync('git', ['-C', ROOT, ...args], { encoding: 'utf8' }).trim();

/** Links `from/<entry>` into `to/` for every entry; a link into ROOT (a workspace package) is re-pointed into `dir`. */
function linkModules(from, to, dir) {
  mkdirSync(to, { recursive: true });
  for (const entry of readdirSync(from)) {
    const source = path.join(from, entry);
    const target = path.join(to, entry);
    const stat = lstatSync(source);
    if (entry.startsWith('@') && stat.isDirectory()) {
      linkModules(source, target, dir);
    } else if (stat.isSymbolicLink()) {
      const real = path.resolve(from, readlinkSync(source));
      const inside = path.relative(ROOT, real);
      if (!inside.startsWith('..') && !inside.startsWith('node_modules')) symlinkSync(path.join(dir, inside), target);
      else symlinkSync(real, target);
    } else {
      symlinkSync(source, target);
    }
  }
}

/**
 * Builds (or reuses) the ref's build.
 * @returns {{ ref: string, commit: string, root: string }}
 */
export function baselineBuild(ref, log = console.error) {
  let commit;
  try {
    commit = git('rev-parse', '--verify', `${ref}^{commit}`);
  } catch {
    throw new Error(`--baseline ${ref}: not a commit of this repository (git rev-parse failed).`);
  }
  const dir = path.join(os.tmpdir(), `augur-baseline-${commit.slice(0, 12)}`);
  const done = path.join(dir, '.augur-baseline-built');
  if (existsSync(done) && existsSync(path.join(dir, 'dist', 'augur', 'main.js'))) {
    log(`baseline ${ref} (${commit.slice(0, 12)}): reusing the build in ${dir}`);
    return { ref, commit, root: dir };
  }
  log(`baseline ${ref} (${commit.slice(0, 12)}): exporting and building in ${dir}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  execFileSync('sh', ['-c', `git -C "${ROOT}" archive "${commit}" | tar -x -C "${dir}"`], { stdio: ['ignore', 'ignore', 'inherit'] });
  linkModules(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'), dir);
  execFileSync('npm', ['run', '--silent', 'build'], { cwd: dir, stdio: ['ignore', 'ignore', 'inherit'] });
  writeFileSync(done, `${commit}\n`);
  return { ref, commit, root: dir };
}
