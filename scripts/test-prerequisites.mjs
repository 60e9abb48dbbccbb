#!/usr/bin/env node
/**
 * `npm test`'s first step (its `pretest`): says plainly, before anything runs, which of the system programs the suite
 * needs are missing and how to install them, instead of letting a browser, scale-out or cluster test fail minutes in.
 * `.ci/run` installs them all on a fresh Debian or Ubuntu machine.
 */
import { accessSync, constants } from 'node:fs';
import path from 'node:path';

const PATHS = [...(process.env.PATH ?? '').split(path.delimiter), '/usr/sbin', '/usr/local/sbin'].filter(Boolean);

function found(program) {
  if (program.startsWith('/')) return executable(program) ? program : undefined;
  return PATHS.map((dir) => path.join(dir, program)).find(executable);
}

function executable(file) {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

const NEEDS = [
  {
    program: '/usr/bin/chromium',
    pkg: 'chromium',
    for: 'the browser tests (GraphiQL, examples/web): Debian’s Chromium, never a downloaded one',
  },
  { program: 'redis-server', pkg: 'redis-server', for: 'the scale-out tests (replicas sharing state through Redis)' },
  { program: 'haproxy', pkg: 'haproxy', for: 'the cluster tests (three replicas behind haproxy)' },
];

const missing = NEEDS.filter((n) => !found(n.program));
if (missing.length > 0) {
  console.error('npm test needs programs this machine does not have:');
  for (const m of missing) console.error(`  - ${m.program} (Debian package ${m.pkg}), for ${m.for}`);
  console.error(
    `\nInstall them, then run npm test again:\n  sudo apt-get install --no-install-recommends ${missing.map((m) => m.pkg).join(' ')}`,
  );
  console.error('(bash .ci/run installs them and runs the suite, as CI does.)');
  process.exit(1);
}
console.log(`npm test: ${NEEDS.map((n) => n.pkg).join(', ')} found.`);
