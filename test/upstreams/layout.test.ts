/**
 * The upstream layout the architecture page describes: URL paths live in the platform clients only, and the shared
 * HTTP layer knows no platform (its per-platform rules are the policies).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '../..');

function sources(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts'))
    .map((e) => relative(ROOT, join(e.parentPath, e.name)));
}

/** Lines holding a string or template literal that starts with `/`, as `grep -nE "['\`]/"` finds them. */
function pathLiterals(file: string): string[] {
  return readFileSync(join(ROOT, file), 'utf8')
    .split('\n')
    .flatMap((line, i) => (/['`]\//.test(line) ? [`${file}:${i + 1}: ${line.trim()}`] : []));
}

describe('upstream layout', () => {
  it('keeps URL paths out of resolvers and loaders (they call client methods)', () => {
    const files = [...sources('src/resolvers'), ...sources('src/loaders')];
    expect(files.length).toBeGreaterThan(10);
    expect(files.flatMap(pathLiterals)).toEqual([]);
  });

  it('gives every platform a client and a policy, and names no platform in the shared HTTP layer', () => {
    for (const platform of ['civis', 'dataiku', 'prevision', 'previsto']) {
      const dir = sources(`src/upstreams/${platform}`).map((f) => f.split('/').pop());
      expect(dir).toEqual(expect.arrayContaining(['client.ts', 'policy.ts', 'types.ts']));
    }
    for (const file of ['src/upstreams/http.ts', 'src/upstreams/policy.ts']) {
      expect(readFileSync(join(ROOT, file), 'utf8')).not.toMatch(/['"](civis|dataiku|prevision|previsto)['"]/);
    }
  });
});
