import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runExamples } from '../../examples/client/index.js';
import { startStack, type TestStack } from '../helpers/stack.js';

const dir = mkdtempSync(join(tmpdir(), 'augur-dev-token-'));
let stack: TestStack;

/** `npm run -s token -- <args>`, as docs/auth.md runs it. */
const mint = (...args: string[]): string =>
  execFileSync(process.execPath, ['scripts/dev-token.mjs', '--dir', dir, ...args], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  }).trim();

beforeAll(async () => {
  mint(); // makes the key pair, so the JWKS file exists when Augur starts
  stack = await startStack({
    emulatorOptions: { previsto: { rateLimitPerMinute: 100_000 } },
    env: {
      PREVISTO_RATE_LIMIT: '100000',
      AUGUR_JWT_JWKS_FILE: join(dir, 'jwks.json'),
      AUGUR_JWT_ISSUER: 'augur-dev',
      AUGUR_JWT_AUDIENCE: 'augur',
      AUGUR_TENANTS_FILE: 'examples/tenants.example.yaml',
      AUGUR_TENANT_CLAIM: 'org',
    },
  });
});
afterAll(async () => {
  await stack?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('scripts/dev-token.mjs with examples/tenants.example.yaml', () => {
  it('mints tokens the example client runs its examples with, each tenant on its own data', async () => {
    const demo = await runExamples(stack.url, { headers: { authorization: `Bearer ${mint('--org', 'demo')}` } });
    expect(demo.scored).toHaveLength(5);
    expect(demo.forecast.length).toBeGreaterThan(0);
    const reader = mint('--org', 'demo-2', '--scope', 'previsto:read');
    const res = await stack.gql(`{ contacts(first: 5) { nodes { name } } civis { me { username } } }`, undefined, {
      authorization: `Bearer ${reader}`,
    });
    expect(res.data!.contacts.nodes.map((n: { name: string }) => n.name)).not.toEqual(demo.scored.map((c) => c.name));
    expect(res.errors).toMatchObject([{ path: ['civis', 'me'], extensions: { code: 'FORBIDDEN' } }]);
  });

  it('refuses a token whose tenant the tenants file does not list', async () => {
    const res = await stack.gql(`{ gateway { version } }`, undefined, { authorization: `Bearer ${mint('--org', 'nobody')}` });
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toContain('error_description="tenant_unknown"');
  });
});
