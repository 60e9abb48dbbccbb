/**
 * docs/clients.md, kept true: its codegen configuration generates types for its operations into a fresh consumer, which
 * TypeScript compiles (`strict`, `module: NodeNext`) with its urql, Apollo Client and graphql-request snippets, and
 * each client then sends the documented query to a test stack and gets data.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { makeExecutableSchema } from '@graphql-tools/schema';
import { isScalarType, printSchema, specifiedScalarTypes } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadTypeDefs } from '../../src/server/schema.js';
import { startStack, type TestStack } from '../helpers/stack.js';

const DOC = readFileSync('docs/clients.md', 'utf8');

/** The snippets of docs/clients.md that name their file (`// file: src/urql.ts` as their first line). */
function snippets(): Map<string, string> {
  const files = new Map<string, string>();
  for (const m of DOC.matchAll(/```ts\n\/\/ file: (\S+)\n([\s\S]*?)```/g)) files.set(m[1]!, m[2]!);
  return files;
}

const dir = join('test-results', `consumer-${process.pid}-${Date.now()}`);
let stack: TestStack;

beforeAll(async () => {
  stack = await startStack();
  const files = snippets();
  for (const [path, text] of files) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  writeFileSync(join(dir, 'augur.graphql'), printSchema(makeExecutableSchema({ typeDefs: loadTypeDefs() })));
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'augur-consumer', private: true, type: 'module' }));
  writeFileSync(
    join(dir, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        strict: true,
        module: 'NodeNext',
        moduleResolution: 'NodeNext',
        target: 'ES2022',
        lib: ['ES2022', 'DOM'],
        noEmit: true,
        skipLibCheck: true,
        noUncheckedIndexedAccess: true,
      },
      include: ['src/**/*.ts'],
    }),
  );
  execFileSync(
    process.execPath,
    [join(process.cwd(), 'node_modules/@graphql-codegen/cli/cjs/bin.js'), '--config', 'codegen.ts', '--silent'],
    {
      cwd: dir,
      stdio: 'pipe',
    },
  );
}, 120_000);
afterAll(async () => {
  await stack.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('docs/clients.md', () => {
  it('holds the codegen configuration, the operations and a snippet per client', () => {
    expect([...snippets().keys()].sort()).toEqual([
      'codegen.ts',
      'src/apollo.ts',
      'src/graphql-request.ts',
      'src/operations.ts',
      'src/urql.ts',
    ]);
  });

  it("maps every custom scalar of Augur's schema in its codegen configuration", () => {
    const schema = makeExecutableSchema({ typeDefs: loadTypeDefs() });
    const builtIn = new Set(specifiedScalarTypes.map((t) => t.name));
    const custom = Object.values(schema.getTypeMap())
      .filter((t) => isScalarType(t) && !builtIn.has(t.name))
      .map((t) => t.name);
    const config = snippets().get('codegen.ts')!;
    for (const name of custom) expect(config, `scalar ${name}`).toMatch(new RegExp(`\\n\\s+${name}: '`));
  });

  it('generates operation types without unknown, and the consumer compiles under strict NodeNext', () => {
    const generated = readFileSync(join(dir, 'src/gql/graphql.ts'), 'utf8');
    // Each declaration runs from its `export type` to the next `export` (a union spans several lines).
    const operationTypes = generated.split(/\n(?=export )/).filter((text) => /^export type \w+(Query|Mutation)(Variables)? = /.test(text));
    expect(operationTypes.map((l) => l.slice(12, l.indexOf(' =')))).toEqual([
      'ScoredContactsQueryVariables',
      'ScoredContactsQuery',
      'CreateContactMutationVariables',
      'CreateContactMutation',
    ]);
    for (const line of operationTypes) {
      expect(line).not.toMatch(/\bunknown\b/);
      expect(line).not.toMatch(/\bany\b/);
    }
    const scored = operationTypes.find((l) => l.startsWith('export type ScoredContactsQuery ='))!;
    expect(scored).toContain("__typename: 'ClassificationResult'");
    expect(scored).toContain('raw: { [key: string]: JsonValue }');
    expect(scored).toContain('email: string | null');
    const tsc = join(process.cwd(), 'node_modules/typescript/bin/tsc');
    let output = '';
    try {
      execFileSync(process.execPath, [tsc, '-p', 'tsconfig.json'], { cwd: dir, stdio: 'pipe' });
    } catch (e) {
      output = String((e as { stdout?: Buffer }).stdout ?? e);
    }
    expect(output).toBe('');
  }, 60_000);

  it('sends the documented query with urql, Apollo Client and graphql-request, and gets typed data', async () => {
    const urql = await import(/* @vite-ignore */ join(process.cwd(), dir, 'src/urql.ts'));
    const apollo = await import(/* @vite-ignore */ join(process.cwd(), dir, 'src/apollo.ts'));
    const request = await import(/* @vite-ignore */ join(process.cwd(), dir, 'src/graphql-request.ts'));
    await stack.reset();

    const viaUrql = await urql.scoredContactsWithUrql(urql.urqlClient(stack.url), 3);
    const viaUrqlGet = await urql.scoredContactsWithUrql(urql.urqlGetClient(stack.url), 3);
    const apolloClient = apollo.apolloClient(stack.url);
    const viaApollo = await apollo.scoredContactsWithApollo(apolloClient, 3);
    const viaRequest = await request.scoredContactsWithGraphQLRequest(stack.url, 3);

    const names = (data: { contacts: { nodes: Array<{ name: string }> } }) => data.contacts.nodes.map((n) => n.name);
    expect(names(viaUrql)).toHaveLength(3);
    for (const data of [viaUrqlGet, viaApollo, viaRequest]) expect(names(data)).toEqual(names(viaUrql));
    expect(viaRequest.contacts.nodes[0].predict.result).toEqual({
      __typename: 'ClassificationResult',
      predictedClass: expect.stringMatching(/^(churn|stay)$/),
      probabilities: expect.arrayContaining([{ label: 'churn', probability: expect.any(Number) }]),
    });
    expect(viaApollo.contacts.nodes[0].predict.result.__typename).toBe('ClassificationResult');

    // A form's mistakes come back as userErrors, with no upstream call.
    await stack.reset();
    const refused = await apollo.createContactWithApollo(apolloClient, { name: '', email: 'nope' });
    expect(refused.contact).toBeNull();
    expect(refused.userErrors.map((e: { field: string[] }) => e.field)).toEqual([
      ['input', 'name'],
      ['input', 'email'],
    ]);
    expect((await stack.requests('previsto')).total).toBe(0);
  });

  it("shows why urql's default GET needs the header: Augur refuses a GET query without one", async () => {
    const { Client, fetchExchange } = await import('@urql/core');
    const { ScoredContacts } = await import(/* @vite-ignore */ join(process.cwd(), dir, 'src/operations.ts'));
    const plain = new Client({ url: stack.url, exchanges: [fetchExchange] });
    const result = await plain.query(ScoredContacts, { first: 1 }).toPromise();
    expect(result.data).toBeUndefined();
    expect(result.error?.response?.status).toBe(400);
    expect(result.error?.message).toMatch(/Cross-Site Request Forgery/);
  });
});
