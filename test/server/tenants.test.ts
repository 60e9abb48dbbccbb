import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { mkdtempSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CIVIS_DEMO_API_KEY, CIVIS_DEMO_API_KEY_2 } from '@augur/emulators/civis';
import { PREVISTO_DEMO_SECRET_KEY, PREVISTO_DEMO_SECRET_KEY_2 } from '@augur/emulators/previsto';
import { DATAIKU_DEMO_API_KEY_2 } from '@augur/emulators/dataiku';
import { startStack, type TestStack } from '../helpers/stack.js';
import { bearer, TestIssuer } from '../helpers/issuer.js';

let issuer: TestIssuer;
let stack: TestStack;
const dir = mkdtempSync(join(tmpdir(), 'augur-tenants-'));
const file = join(dir, 'tenants.yaml');

const ACME = `  acme:
    previsto: ${PREVISTO_DEMO_SECRET_KEY}
    civis: ${CIVIS_DEMO_API_KEY}
    prevision: augur-demo-prevision
    dataiku: augur-demo-dataiku
`;
const GLOBEX = `  globex:
    previsto: ${PREVISTO_DEMO_SECRET_KEY_2}
    civis: ${CIVIS_DEMO_API_KEY_2}
    prevision: not-a-prevision-token
    dataiku: ${DATAIKU_DEMO_API_KEY_2}
  hooli:
    civis: ${CIVIS_DEMO_API_KEY_2}
`;
/** Writes the file as a secret mount would: a new file renamed over the old one. */
function writeTenants(text: string): void {
  writeFileSync(`${file}.tmp`, text);
  renameSync(`${file}.tmp`, file);
}

const EVERYTHING = 'previsto:read previsto:write civis:read prevision:read dataiku:read';
const READ = `query Read { contacts(first: 5, orderBy: [{ field: NAME }]) { totalCount nodes { platformId name } } civis { me { username } } }`;

beforeAll(async () => {
  writeTenants(`tenants:\n${ACME}${GLOBEX}`);
  issuer = await TestIssuer.start();
  // A small Previsto budget per key, and no waiting for it, so each tenant's budget can be spent and seen apart.
  stack = await startStack({
    env: issuer.env({
      AUGUR_TENANTS_FILE: file,
      AUGUR_TENANT_CLAIM: 'org',
      PREVISTO_RATE_LIMIT: '8',
      AUGUR_OPERATION_SHARE_PERCENT: '100',
      AUGUR_REQUEST_BUDGET_MS: '0',
    }),
  });
});
afterAll(async () => {
  await stack?.close();
  await issuer?.close();
});
beforeEach(() => stack.reset());

const token = (org: string | undefined, sub = `user@${org}`) => issuer.token({ ...(org ? { org } : {}), sub, scope: EVERYTHING });

describe('tenants', () => {
  it('runs the same operations of two tenants concurrently, each with its own keys and data, nothing crossing', async () => {
    const acme = bearer(await token('acme'));
    const globex = bearer(await token('globex'));
    const runs = await Promise.all(Array.from({ length: 12 }, (_, i) => stack.gql(READ, undefined, i % 2 ? globex : acme)));
    for (const r of runs) expect(r.errors).toBeUndefined();
    const acmeRuns = runs.filter((_, i) => i % 2 === 0).map((r) => r.data);
    const globexRuns = runs.filter((_, i) => i % 2 === 1).map((r) => r.data);
    // Each tenant always sees the same answer, its own.
    for (const d of acmeRuns) expect(d).toEqual(acmeRuns[0]);
    for (const d of globexRuns) expect(d).toEqual(globexRuns[0]);
    expect(acmeRuns[0]!.civis.me.username).toBe('ada.demo');
    expect(globexRuns[0]!.civis.me.username).toBe('bob.analyst');
    const ids = (d: any) => new Set<string>(d.contacts.nodes.map((n: { platformId: string }) => n.platformId));
    const shared = [...ids(acmeRuns[0])].filter((id) => ids(globexRuns[0]).has(id));
    expect(shared).toEqual([]);
    // What the emulator holds for each key, read directly.
    const upstream = async (key: string) => {
      const res = await fetch(`${stack.embedded.emulators.previsto!.url}/contacts?size=1`, {
        headers: { authorization: `Basic ${Buffer.from(`${key}:`).toString('base64')}` },
      });
      return (await res.json()) as { totalElements?: number; total?: number } as Record<string, unknown>;
    };
    expect(await upstream(PREVISTO_DEMO_SECRET_KEY)).not.toEqual(await upstream(PREVISTO_DEMO_SECRET_KEY_2));
  });

  it("ignores forwarded upstream keys once tenants are configured: a browser cannot borrow another tenant's key", async () => {
    const res = await stack.gql(`{ civis { me { username } } }`, undefined, {
      ...bearer(await token('globex')),
      'x-civis-api-key': CIVIS_DEMO_API_KEY,
    });
    expect(res.data!.civis.me.username).toBe('bob.analyst');
  });

  it("uses each tenant's own key on every platform: one with a wrong Prevision token fails alone", async () => {
    const q = `{ prevision { projects(first: 1) { totalCount } } }`;
    const acme = await stack.gql(q, undefined, bearer(await token('acme')));
    expect(acme.errors).toBeUndefined();
    const globex = await stack.gql(q, undefined, bearer(await token('globex')));
    expect(globex.errors?.[0]?.extensions).toMatchObject({ code: 'UNAUTHENTICATED', platform: 'prevision' });
    // Each tenant's Dataiku key reads its own customers.
    const lookup = `{ lookup(endpointName: "customers-lookup", data: { customerId: "C0001" }) { found data } }`;
    const acmeLookup = await stack.gql(lookup, undefined, bearer(await token('acme')));
    const globexLookup = await stack.gql(lookup, undefined, bearer(await token('globex')));
    expect(acmeLookup.errors).toBeUndefined();
    expect(globexLookup.errors).toBeUndefined();
    expect(acmeLookup.data!.lookup.found).toBe(true);
    expect(globexLookup.data!.lookup.data).not.toEqual(acmeLookup.data!.lookup.data);
    // Hooli has no Dataiku key at all: refused without a call.
    await stack.reset();
    const scored = await stack.gql(
      `{ predict(endpointName: "churn", features: { name: "Anna" }) { result { __typename } } }`,
      undefined,
      bearer(await token('hooli')),
    );
    expect(scored.errors?.[0]?.extensions).toMatchObject({ code: 'UNAUTHENTICATED', platform: 'dataiku' });
    expect((await stack.requests('dataiku')).total).toBe(0);
    const text = JSON.stringify([acme, globex, scored]) + JSON.stringify(stack.logs);
    for (const secret of [PREVISTO_DEMO_SECRET_KEY_2, CIVIS_DEMO_API_KEY_2, DATAIKU_DEMO_API_KEY_2, 'not-a-prevision-token'])
      expect(text).not.toContain(secret);
  });

  it('refuses tokens without a tenant or with an unknown one', async () => {
    for (const [org, reason] of [
      [undefined, 'tenant_missing'],
      ['initech', 'tenant_unknown'],
    ] as const) {
      const res = await stack.gql(READ, undefined, bearer(await token(org)));
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toContain(`error_description="${reason}"`);
    }
    expect((await stack.requests('previsto')).total).toBe(0);
  });

  it('reloads the tenants file on reload() and when it changes, keeping the known tenants when it does not parse', async () => {
    const globex = bearer(await token('globex'));
    writeTenants(`tenants:\n${ACME}`);
    expect(stack.augur.reloadTenants()).toBe(true);
    expect((await stack.gql(READ, undefined, globex)).status).toBe(401);
    writeTenants('tenants: [this is: not: valid');
    expect(stack.augur.reloadTenants()).toBe(false);
    expect((await stack.gql(READ, undefined, bearer(await token('acme')))).status).toBe(200);
    expect(stack.logs.some((l) => l['event'] === 'tenants_reload_failed')).toBe(true);
    // Written back with globex: picked up by the watcher, without a reload() call.
    writeTenants(`tenants:\n${ACME}${GLOBEX}`);
    let status = 401;
    for (let i = 0; i < 100 && status !== 200; i++) {
      await new Promise((r) => setTimeout(r, 100));
      status = (await stack.gql(`{ gateway { version } }`, undefined, globex)).status;
    }
    expect(status).toBe(200);
  });

  it('audits each mutation with subject, tenant, operation and outcome, and counts it by tenant in /metrics', async () => {
    const acmeToken = await token('acme', 'alice@acme');
    const res = await stack.gql(
      `mutation AddCustomer { createContact(input: { name: "Ny Kunde" }) { contact { name } userErrors { message } } }`,
      undefined,
      bearer(acmeToken),
    );
    expect(res.errors).toBeUndefined();
    const rejected = await stack.gql(
      `mutation AddNobody { createContact(input: { name: "" }) { contact { name } userErrors { message } } }`,
      undefined,
      bearer(acmeToken),
    );
    expect(rejected.data!.createContact.userErrors.length).toBeGreaterThan(0);
    const audits = stack.logs.filter((l) => l['event'] === 'audit');
    expect(audits.slice(-2)).toMatchObject([
      { subject: 'alice@acme', tenant: 'acme', operationName: 'AddCustomer', fields: ['createContact'], outcome: 'ok', caller: 'token' },
      { subject: 'alice@acme', tenant: 'acme', operationName: 'AddNobody', outcome: 'rejected' },
    ]);
    expect(JSON.stringify(stack.logs)).not.toContain(acmeToken.split('.')[2]);
    const metrics = await (await fetch(stack.url.replace('/graphql', '/metrics'))).text();
    expect(metrics).toMatch(/augur_mutations_total\{tenant="acme",outcome="ok"\} [1-9]/);
    expect(metrics).toMatch(/augur_mutations_total\{tenant="acme",outcome="rejected"\} [1-9]/);
  });

  // Last: it spends acme's budget for the rest of the window.
  it("counts each tenant's Previsto budget apart", async () => {
    const acme = bearer(await token('acme'));
    const globex = bearer(await token('globex'));
    const one = `{ contacts(first: 1) { nodes { platformId } } }`;
    const acmeAnswers = [];
    for (let i = 0; i < 10; i++) acmeAnswers.push(await stack.gql(one, undefined, acme));
    const limited = acmeAnswers.filter((a) => a.errors?.[0]?.extensions?.['code'] === 'RATE_LIMITED');
    // Within one window: 8 calls pass (other tests' calls may already count against acme's key), then acme is limited.
    expect(limited.length).toBeGreaterThanOrEqual(2);
    // Acme's callers share acme's key fairly (each user is a caller of its own), so the refusal may name its share.
    expect(limited[0]!.errors![0]!.extensions).toMatchObject({ code: 'RATE_LIMITED', platform: 'previsto' });
    expect(['rateLimit', 'fairShare']).toContain(limited[0]!.errors![0]!.extensions!['limit']);
    // Globex's key has a budget of its own, untouched by acme's.
    const globexAnswer = await stack.gql(one, undefined, globex);
    expect(globexAnswer.errors).toBeUndefined();
  });
});
