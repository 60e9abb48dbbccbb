/**
 * Documentation that runs: every ```graphql block of README.md and docs/*.md is sent to a stack of emulators, each
 * operation with its name and with the variables of the ```json block right after the GraphQL block, in the order the
 * pages give them. Each must answer data without errors, or the error code its page names in a comment right before
 * the block (`<!-- doc-test: expect CODE -->`). Schema blocks (type definitions and extensions) are checked to parse.
 * A block that needs more than Augur (a supergraph's router) says so with `<!-- doc-test: skip <why> -->`.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { Kind, parse, type DocumentNode } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type TestStack } from '../helpers/stack.js';

interface Block {
  file: string;
  line: number;
  text: string;
  variables: Record<string, unknown> | undefined;
  directive: { kind: 'expect'; code: string } | { kind: 'skip'; why: string } | undefined;
}

const FENCE = /^```(\w*)\s*$/;

/** The GraphQL blocks of one Markdown file, with their variables and directives. */
export function graphqlBlocks(file: string, markdown: string): Block[] {
  const lines = markdown.split('\n');
  const fences: Array<{ lang: string; start: number; end: number; text: string }> = [];
  for (let i = 0; i < lines.length; i++) {
    const open = FENCE.exec(lines[i]!);
    if (!open) continue;
    let end = i + 1;
    while (end < lines.length && lines[end] !== '```') end++;
    fences.push({ lang: open[1]!, start: i, end, text: lines.slice(i + 1, end).join('\n') });
    i = end;
  }
  const blocks: Block[] = [];
  fences.forEach((fence, n) => {
    if (fence.lang !== 'graphql') return;
    const next = fences[n + 1];
    const between = next
      ? lines
          .slice(fence.end + 1, next.start)
          .join('')
          .trim()
      : 'text';
    const variables = next?.lang === 'json' && between === '' ? (JSON.parse(next.text) as Record<string, unknown>) : undefined;
    let before = fence.start - 1;
    while (before >= 0 && lines[before]!.trim() === '') before--;
    const comment = /^<!-- doc-test: (expect|skip) (.+?) -->$/.exec(lines[before]?.trim() ?? '');
    const directive =
      comment?.[1] === 'expect'
        ? { kind: 'expect' as const, code: comment[2]! }
        : comment?.[1] === 'skip'
          ? { kind: 'skip' as const, why: comment[2]! }
          : undefined;
    blocks.push({ file, line: fence.start + 1, text: fence.text, variables, directive });
  });
  return blocks;
}

const FILES = ['README.md', ...readdirSync('docs').map((f) => `docs/${f}`)]
  .filter((f) => f.endsWith('.md'))
  .sort((a, b) =>
    // The README first, then the pages in alphabetical order.
    a === 'README.md' ? -1 : b === 'README.md' ? 1 : a.localeCompare(b),
  );
const BLOCKS = FILES.flatMap((file) => graphqlBlocks(file, readFileSync(file, 'utf8')));

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens. */
function slug(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\- _]/gu, '')
    .replace(/ /g, '-');
}

/** The anchors of a Markdown file's headings (outside code blocks). */
function anchorsOf(markdown: string): Set<string> {
  const anchors = new Set<string>();
  let inCode = false;
  for (const line of markdown.split('\n')) {
    if (line.startsWith('```')) inCode = !inCode;
    const heading = !inCode && /^#{1,6} (.+)$/.exec(line);
    if (heading) anchors.add(slug(heading[1]!));
  }
  return anchors;
}

function operationsOf(document: DocumentNode): Array<string | undefined> {
  return document.definitions.flatMap((d) => (d.kind === Kind.OPERATION_DEFINITION ? [d.name?.value] : []));
}

describe('the documentation', { timeout: 60_000 }, () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(async () => {
    await stack?.close();
  });

  it('has GraphQL blocks to run, in the README and in docs/', () => {
    expect(BLOCKS.filter((b) => b.file === 'README.md').length).toBeGreaterThanOrEqual(4);
    expect(BLOCKS.filter((b) => b.file.startsWith('docs/')).length).toBeGreaterThanOrEqual(10);
  });

  it('links every page of docs/ from the README, and every relative link leads to a file and heading that exist', () => {
    const readme = readFileSync('README.md', 'utf8');
    for (const page of FILES.filter((f) => f.startsWith('docs/'))) expect(readme, `README links ${page}`).toContain(`](${page}`);
    const broken: string[] = [];
    for (const file of FILES) {
      const text = readFileSync(file, 'utf8').replace(/```[\s\S]*?```/g, '');
      for (const [, target] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
        if (/^[a-z]+:/.test(target!)) continue;
        const [pathPart, anchor] = target!.split('#') as [string, string | undefined];
        const resolved = pathPart ? normalize(join(dirname(file), pathPart)) : file;
        if (!existsSync(resolved)) broken.push(`${file}: ${target} (no ${resolved})`);
        else if (anchor && resolved.endsWith('.md') && !anchorsOf(readFileSync(resolved, 'utf8')).has(anchor))
          broken.push(`${file}: ${target} (no heading #${anchor})`);
      }
    }
    expect(broken).toEqual([]);
  });

  it('names every operation of a block that holds more than one, so each can be sent as written', () => {
    for (const block of BLOCKS) {
      const ops = operationsOf(parse(block.text));
      if (ops.length > 1) expect(ops.every(Boolean), `${block.file}:${block.line} mixes anonymous and named operations`).toBe(true);
    }
  });

  for (const block of BLOCKS) {
    const where = `${block.file}:${block.line}`;
    const document = parse(block.text);
    const operations = operationsOf(document);
    if (operations.length === 0) {
      it(`${where} is schema text that parses`, () => {
        expect(document.definitions.length).toBeGreaterThan(0);
      });
      continue;
    }
    if (block.directive?.kind === 'skip') {
      it.skip(`${where} (${block.directive.why})`, () => {});
      continue;
    }
    for (const operationName of operations) {
      const expected = block.directive?.kind === 'expect' ? block.directive.code : 'data';
      it(`${where} ${operationName ?? 'anonymous operation'} answers ${expected}`, async () => {
        const res = await fetch(stack.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json, application/json' },
          body: JSON.stringify({ query: block.text, operationName, variables: block.variables ?? {} }),
        });
        const body = (await res.json()) as { data?: unknown; errors?: Array<{ message: string; extensions?: { code?: string } }> };
        if (expected === 'data') {
          expect(body.errors, `${where}: ${JSON.stringify(body.errors)}`).toBeUndefined();
          expect(body.data).toBeTruthy();
        } else {
          expect(
            body.errors?.map((e) => e.extensions?.code),
            `${where} expects ${expected}`,
          ).toContain(expected);
        }
      });
    }
  }
});
