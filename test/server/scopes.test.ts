import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Kind, parse } from 'graphql';
import { startStack, type TestStack } from '../helpers/stack.js';
import { bearer, TestIssuer } from '../helpers/issuer.js';
import { loadTypeDefFiles } from '../../src/server/schema.js';
import { accessTableOf } from '../../src/server/access.js';
import { PLATFORMS } from '../../src/core/upstream.js';

let issuer: TestIssuer;
let stack: TestStack;

beforeAll(async () => {
  issuer = await TestIssuer.start();
  stack = await startStack({
    env: issuer.env({ AUGUR_JWT_SCOPE_CLAIM: 'scp', AUGUR_JWT_SCOPE_MAP: JSON.stringify({ analyst: ['previsto:read', 'dataiku:read'] }) }),
  });
});
afterAll(async () => {
  await stack?.close();
  await issuer?.close();
});
beforeEach(() => stack.reset());

const total = async (): Promise<Record<string, number>> =>
  Object.fromEntries(await Promise.all(PLATFORMS.map(async (p) => [p, (await stack.requests(p)).total] as const)));

describe('@requiresScopes and @authenticated', () => {
  it('lets reads through and fails the fields of a platform without its scope alone, with FORBIDDEN and no call', async () => {
    const token = await issuer.token({ scp: ['previsto:read'] });
    const res = await stack.gql(
      `{ contacts(first: 2) { nodes { name } } civis { me { username } } prevision { projects(first: 1) { totalCount } } gateway { version } }`,
      undefined,
      bearer(token),
    );
    expect(res.status).toBe(200);
    expect(res.data!.contacts.nodes).toHaveLength(2);
    // The namespaces cannot be null: their fields fail instead, each alone.
    expect(res.data!.civis).toEqual({ me: null });
    expect(res.data!.prevision).toEqual({ projects: null });
    expect(res.data!.gateway.version).toEqual(expect.any(String));
    const forbidden = res.errors!.map((e) => [e.path, e.extensions?.['code'], e.extensions?.['requiredScopes']]);
    expect(forbidden).toEqual([
      [['civis', 'me'], 'FORBIDDEN', [['civis:read']]],
      [['prevision', 'projects'], 'FORBIDDEN', [['prevision:read']]],
    ]);
    expect(await total()).toEqual({ prevision: 0, dataiku: 0, civis: 0, previsto: 1 });
  });

  it('refuses writes to a reader before any upstream call', async () => {
    const token = await issuer.token({ scp: 'previsto:read' });
    const res = await stack.gql(
      `mutation { createContact(input: { name: "Ny Kunde" }) { contact { id } userErrors { message } } }`,
      undefined,
      bearer(token),
    );
    expect(res.status).toBe(200);
    expect(res.data).toBeUndefined();
    expect(res.errors).toMatchObject([
      { path: ['createContact'], extensions: { code: 'FORBIDDEN', requiredScopes: [['previsto:write']] } },
    ]);
    expect(await total()).toEqual({ prevision: 0, dataiku: 0, civis: 0, previsto: 0 });
    const writer = await issuer.token({ scp: 'previsto:read previsto:write' });
    const ok = await stack.gql(`mutation { createContact(input: { name: "Ny Kunde" }) { contact { name } } }`, undefined, bearer(writer));
    expect(ok.errors).toBeUndefined();
    expect(ok.data!.createContact.contact.name).toBe('Ny Kunde');
    await stack.reset();
    // A mutation the caller may run is not run either when another field of the operation is refused.
    const mixed = await stack.gql(
      `mutation { createContact(input: { name: "Ny Kunde" }) { contact { name } } runFunction(input: { endpointName: "score", arguments: {} }) { response } }`,
      undefined,
      bearer(writer),
    );
    expect(mixed.errors).toMatchObject([{ path: ['runFunction'], extensions: { code: 'FORBIDDEN', fields: ['runFunction'] } }]);
    expect(await total()).toEqual({ prevision: 0, dataiku: 0, civis: 0, previsto: 0 });
  });

  it('checks the type of an id before loading it through node and nodes', async () => {
    const reader = await issuer.token({ scp: 'previsto:read' });
    const ids = await stack.gql(`{ contacts(first: 2) { nodes { id } } }`, undefined, bearer(reader));
    const [a, b] = ids.data!.contacts.nodes.map((n: { id: string }) => n.id) as [string, string];
    await stack.reset();
    const civisOnly = await issuer.token({ scp: 'civis:read' });
    const res = await stack.gql(
      `query($a: ID!, $ids: [ID!]!) { node(id: $a) { id } nodes(ids: $ids) { id } }`,
      { a, ids: [a, b] },
      bearer(civisOnly),
    );
    expect(res.data).toEqual({ node: null, nodes: [null, null] });
    expect(res.errors!.every((e) => e.extensions?.['code'] === 'FORBIDDEN')).toBe(true);
    expect((await stack.requests('previsto')).total).toBe(0);
  });

  it('maps token scopes through AUGUR_JWT_SCOPE_MAP, and a type scope guards nested fields of another platform', async () => {
    const analyst = await issuer.token({ scp: ['analyst'] });
    const res = await stack.gql(
      `{ contacts(first: 1) { nodes { name predict(endpointName: "churn") { result { __typename } } } } }`,
      undefined,
      bearer(analyst),
    );
    expect(res.errors).toBeUndefined();
    expect(res.data!.contacts.nodes[0].predict.result.__typename).toEqual(expect.any(String));
    await stack.reset();
    // Previsto alone: Contact.predict returns a Dataiku Prediction, which needs dataiku:read.
    const previstoOnly = await issuer.token({ scp: ['previsto:read'] });
    const partial = await stack.gql(
      `{ contacts(first: 1) { nodes { name predict(endpointName: "churn") { result { __typename } } } } }`,
      undefined,
      bearer(previstoOnly),
    );
    expect(partial.data!.contacts.nodes[0]).toEqual({ name: expect.any(String), predict: null });
    expect(partial.errors).toMatchObject([{ extensions: { code: 'FORBIDDEN', requiredScopes: [['dataiku:read']] } }]);
    expect((await stack.requests('dataiku')).total).toBe(0);
  });

  it('serves anonymous callers only the fields without requirements', async () => {
    const res = await stack.gql(`{ gateway { version } contacts(first: 1) { totalCount } }`);
    expect(res.status).toBe(200);
    expect(res.data!.gateway.version).toEqual(expect.any(String));
    expect(res.errors).toMatchObject([{ path: ['contacts'], extensions: { code: 'FORBIDDEN', reason: 'unauthenticated' } }]);
    expect((await stack.requests('previsto')).total).toBe(0);
  });
});

describe('the SDL', () => {
  it('puts a requirement on every root field and every Node type a platform file declares', () => {
    const files = loadTypeDefFiles();
    const table = accessTableOf(files);
    const missing: string[] = [];
    for (const file of files) {
      if (!PLATFORMS.some((p) => file.name === `${p}.graphql`)) continue;
      for (const def of parse(file.sdl).definitions) {
        if (def.kind !== Kind.OBJECT_TYPE_DEFINITION && def.kind !== Kind.OBJECT_TYPE_EXTENSION) continue;
        const isNode = def.kind === Kind.OBJECT_TYPE_DEFINITION && def.interfaces?.some((i) => i.name.value === 'Node');
        if (isNode && table.type(def.name.value).length === 0) missing.push(def.name.value);
        if (def.name.value !== 'Query' && def.name.value !== 'Mutation') continue;
        for (const field of def.fields ?? []) {
          if (table.field(def.name.value, field.name.value).length === 0) missing.push(`${def.name.value}.${field.name.value}`);
        }
      }
    }
    expect(missing, 'add @requiresScopes (see schema/auth.graphql)').toEqual([]);
  });
});

describe('subscriptions over SSE', () => {
  const watch = async (token: string): Promise<string> => {
    const res = await fetch(`${stack.url}/stream`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream', ...bearer(token) },
      body: JSON.stringify({ query: 'subscription W { civisQuery(platformId: "999999") { state } }', operationName: 'W' }),
      signal: AbortSignal.timeout(10_000),
    });
    expect(res.status).toBe(200);
    return res.text();
  };

  it('refuses a subscription whose type the token may not read before any poll, and lets one it may read through', async () => {
    const refused = await watch(await issuer.token({ scp: ['previsto:read'] }));
    expect(refused).toContain('"FORBIDDEN"');
    expect(refused).toContain('civis:read');
    expect((await total()).civis).toBe(0);

    // With the scope, the subscription reaches Civis: the unknown query is reported as such, not as forbidden.
    const allowed = await watch(await issuer.token({ scp: ['civis:read'] }));
    expect(allowed).not.toContain('FORBIDDEN');
    expect(allowed).toContain('"NOT_FOUND"');
    expect((await total()).civis).toBeGreaterThan(0);
  });
});
