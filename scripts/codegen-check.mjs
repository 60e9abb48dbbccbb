// Fails when src/generated, examples/client/generated or examples/web/src/generated drifts from schema/, the example operations and codegen.ts: regenerates, compares, and restores the committed files.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync, existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const dirs = ['src/generated', 'examples/client/generated', 'examples/web/src/generated'];
const snapshot = (d) =>
  existsSync(d)
    ? Object.fromEntries(
        readdirSync(d, { recursive: true, withFileTypes: true })
          .filter((e) => e.isFile())
          .map((e) => {
            const p = join(e.parentPath ?? e.path, e.name);
            return [p, readFileSync(p, 'utf8')];
          }),
      )
    : {};

const snapshotAll = () => Object.assign({}, ...dirs.map(snapshot));

const before = snapshotAll();
execFileSync(process.execPath, ['node_modules/@graphql-codegen/cli/cjs/bin.js', '--config', 'codegen.ts', '--silent'], {
  stdio: 'inherit',
});
const after = snapshotAll();
const drifted = [...new Set([...Object.keys(before), ...Object.keys(after)])].filter((p) => before[p] !== after[p]);
if (drifted.length > 0) {
  for (const p of Object.keys(after)) if (!(p in before)) rmSync(p);
  for (const [p, text] of Object.entries(before)) writeFileSync(p, text);
  console.error(
    `Generated code drifts from schema/, the example operations and codegen.ts in: ${drifted.join(', ')}.\nRun \`npm run codegen\` and commit the result.`,
  );
  process.exit(1);
}
console.log(`codegen: ${dirs.join(' and ')} are up to date.`);
