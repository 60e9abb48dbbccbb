// The container image's build steps, in one place: the Dockerfile's build stage runs this script, and
// test/cluster/image.test.ts runs it into a clean folder and starts what it made, so the image is tested without a
// container engine.
//
//   node scripts/build-image-root.mjs <out> [--in-place]
//
// It copies the build context (this repository less what .dockerignore leaves out, as `docker build` sends it) into a
// staging folder, or with --in-place builds where it stands (the Dockerfile's build stage, whose files are that
// context already); runs `npm ci` and `npm run build` there; then writes to <out> what the runtime stage copies:
// package.json and package-lock.json, the bundle (dist/augur), the files it reads at run time (schema/, the GraphiQL
// assets, examples/ for the default persisted-query allow-list), the reviews subgraph, and the production
// dependencies only (`npm ci --omit=dev`).
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** What the runtime needs besides node_modules, relative to the project root. */
export const RUNTIME_FILES = [
  'package.json',
  'package-lock.json',
  'dist/augur',
  'schema',
  'src/server/graphiql/assets',
  'examples',
  'subgraphs/reviews',
];

/** One .dockerignore pattern as a regular expression on a relative path (`*`, `?` within a segment, `**` across). */
function patternRegExp(pattern) {
  const segments = pattern.split('/');
  let source = '';
  segments.forEach((segment, i) => {
    const last = i === segments.length - 1;
    if (segment === '**') {
      source += last ? '.*' : '(?:[^/]+/)*';
      return;
    }
    source += segment
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '[^/]*')
      .replace(/\?/g, '[^/]');
    if (!last) source += '/';
  });
  // A pattern naming a folder leaves out everything in it.
  return new RegExp(`^${source}(?:/.*)?$`);
}

/** Whether .dockerignore leaves a relative path out of the build context (the last matching line decides; `!` keeps). */
export function dockerignore(root) {
  const file = path.join(root, '.dockerignore');
  const rules = [];
  if (existsSync(file)) {
    for (let line of readFileSync(file, 'utf8').split('\n')) {
      line = line.trim();
      if (!line || line.startsWith('#')) continue;
      const include = line.startsWith('!');
      const pattern = path.posix.normalize((include ? line.slice(1) : line).replace(/^\/+/, '')).replace(/\/+$/, '');
      rules.push({ include, re: patternRegExp(pattern) });
    }
  }
  return (rel) => rules.reduce((excluded, { include, re }) => (re.test(rel) ? !include : excluded), false);
}

function copyContext(from, to) {
  const excluded = dockerignore(from);
  const walk = (rel) => {
    for (const name of readdirSync(path.join(from, rel))) {
      const child = rel ? `${rel}/${name}` : name;
      if (excluded(child)) continue;
      const abs = path.join(from, child);
      if (statSync(abs).isDirectory()) {
        mkdirSync(path.join(to, child), { recursive: true });
        walk(child);
      } else {
        cpSync(abs, path.join(to, child));
      }
    }
  };
  walk('');
}

function run(cwd, command, args) {
  console.log(`[build-image-root] ${path.relative(ROOT, cwd) || '.'}$ ${command} ${args.join(' ')}`);
  execFileSync(command, args, { cwd, stdio: 'inherit', env: { ...process.env, npm_config_update_notifier: 'false' } });
}

function main() {
  const args = process.argv.slice(2);
  const inPlace = args.includes('--in-place');
  const outArg = args.find((a) => !a.startsWith('--'));
  if (!outArg) {
    console.error('Usage: node scripts/build-image-root.mjs <out> [--in-place]');
    process.exit(2);
  }
  const out = path.resolve(outArg);
  if (existsSync(out) && readdirSync(out).length > 0) {
    console.error(`${out} is not empty; give a new or empty folder.`);
    process.exit(2);
  }
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const stage = inPlace ? ROOT : mkdtempSync(path.join(os.tmpdir(), 'augur-image-build-'));
  try {
    if (!inPlace) copyContext(ROOT, stage);
    run(stage, npm, ['ci', '--no-audit', '--no-fund', '--prefer-offline']);
    run(stage, npm, ['run', 'build']);

    mkdirSync(out, { recursive: true });
    for (const rel of RUNTIME_FILES) {
      if (!existsSync(path.join(stage, rel))) throw new Error(`The build did not produce ${rel}.`);
      cpSync(path.join(stage, rel), path.join(out, rel), { recursive: true });
    }
    // npm ci checks the lock against every workspace: each one's package.json must be there (their code is in the
    // bundle already).
    const pkg = JSON.parse(readFileSync(path.join(stage, 'package.json'), 'utf8'));
    for (const workspace of pkg.workspaces ?? []) {
      mkdirSync(path.join(out, workspace), { recursive: true });
      cpSync(path.join(stage, workspace, 'package.json'), path.join(out, workspace, 'package.json'));
    }
    // Production dependencies only; no dependency's install script runs in the image.
    run(out, npm, ['ci', '--omit=dev', '--ignore-scripts', '--no-audit', '--no-fund', '--prefer-offline']);
    writeFileSync(path.join(out, '.image-root'), `Built by scripts/build-image-root.mjs from ${pkg.name}@${pkg.version}\n`);
    console.log(`[build-image-root] wrote ${out}`);
  } finally {
    if (!inPlace) rmSync(stage, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) main();
