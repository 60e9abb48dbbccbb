import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PREVISION_DEMO } from '@augur/emulators/prevision';
import { startStack, type TestStack } from '../helpers/stack.js';

const GATEWAY_KEY = 'gw-key-0123456789abcdef';

describe('hostile input', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startStack({ env: { AUGUR_MAX_DEPTH: '12', AUGUR_MAX_ALIASES: '200', AUGUR_MAX_COST: '5000' } });
  });
  afterAll(() => stack.close());

  async function upstreamTotal(): Promise<number> {
    let total = 0;
    for (const p of ['dataiku', 'previsto', 'civis', 'prevision'] as const) total += (await stack.requests(p)).total;
    return total;
  }

  it('rejects too-deep, too-aliased and too-costly operations before any upstream call, naming the limit', async () => {
    await stack.reset();
    const deep = `{ contacts(first: 1) { edges { node { assignments(first: 1) { edges { node { contact { assignments(first: 1) { edges { node { contact { assignments(first: 1) { edges { node { id } } } } } } } } } } } } } } }`;
    const d = await stack.gql(deep);
    expect(d.errors?.[0]?.message).toMatch(/levels deep; the limit is 12/);
    expect(d.errors?.[0]?.extensions).toMatchObject({ code: 'LIMIT_EXCEEDED', limit: 'maxDepth', max: 12 });

    const aliases = `{ ${Array.from({ length: 201 }, (_, i) => `a${i}: platforms { kind }`).join(' ')} }`;
    const a = await stack.gql(aliases);
    expect(a.errors?.[0]?.message).toMatch(/more than 200 aliases/);

    const costly = `{ contacts(first: 100) { edges { node { assignments(first: 100) { edges { node { id contact { name } } } } } } } }`;
    const c = await stack.gql(costly);
    expect(c.errors?.[0]?.message).toMatch(/estimated cost is \d+; the limit is 5000/);
    expect(await upstreamTotal()).toBe(0);
  });

  it('accepts the documented heavy operations: 100 scored contacts, 50 aliased predicts', async () => {
    const scored = await stack.gql(`{ contacts(first: 100) { edges { node { name predict(endpointName: "churn") { raw } } } } }`);
    expect(scored.errors).toBeUndefined();
    const aliased = await stack.gql(
      `{ ${Array.from({ length: 50 }, (_, i) => `p${i}: predict(endpointName: "churn", features: {n: ${i}}) { raw }`).join(' ')} }`,
    );
    expect(aliased.errors).toBeUndefined();
  });

  it('answers malformed JSON with 400 and oversized bodies with 413, never reaching an upstream', async () => {
    await stack.reset();
    const bad = await fetch(stack.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': 'req-bad-json-1' },
      body: '{"query": "{ platforms { kind } }"',
    });
    expect(bad.status).toBe(400);
    expect(bad.headers.get('x-request-id')).toBe('req-bad-json-1');
    expect(((await bad.json()) as { errors: Array<{ message: string }> }).errors[0]!.message).toMatch(/not valid JSON/);
    const big = await fetch(stack.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: `{ platforms { kind } }`, variables: { pad: 'x'.repeat(1024 * 1024 + 10) } }),
    });
    expect(big.status).toBe(413);
    const batch = await fetch(stack.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify([{ query: '{ platforms { kind } }' }, { query: '{ platforms { kind } }' }]),
    });
    expect(batch.status).toBe(400);
    expect(await upstreamTotal()).toBe(0);
    // Refused before GraphQL: each still gets a log line and a count, by reason.
    expect(stack.logs.filter((l) => l['event'] === 'refused' && l['requestId'] === 'req-bad-json-1')).toEqual([
      expect.objectContaining({ status: 400, reason: 'malformed_json', code: 'BAD_REQUEST' }),
    ]);
    expect(stack.logs.some((l) => l['event'] === 'refused' && l['reason'] === 'body_too_large' && l['status'] === 413)).toBe(true);
    const metrics = await (await fetch(stack.url.replace(/graphql$/, 'metrics'))).text();
    expect(metrics).toMatch(/^augur_http_refused_total\{reason="malformed_json"\} 1$/m);
    expect(metrics).toMatch(/^augur_http_refused_total\{reason="body_too_large"\} 1$/m);
    expect(metrics).toMatch(/^augur_http_refused_total\{reason="unauthenticated"\} 0$/m);
  });

  it('refuses JSON arguments nested past 64 levels as BAD_USER_INPUT, compiled or interpreted, calling no upstream', async () => {
    // Written as text: a value this deep would exhaust the test's own stack in JSON.stringify.
    const nested = (depth: number) => `${'{"a":'.repeat(depth - 1)}{"leaf":1}${'}'.repeat(depth - 1)}`;
    const PREDICT = 'query($f: JSONObject!) { predict(endpointName: \\"churn\\", features: $f) { raw } }';
    const post = async (url: string, features: string) => {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: `{"query":"${PREDICT}","variables":{"f":${features}}}`,
      });
      return {
        status: res.status,
        ...((await res.json()) as {
          data?: Record<string, unknown>;
          errors?: Array<{ message: string; extensions?: Record<string, unknown> }>;
        }),
      };
    };
    const plain = await startStack({ env: { AUGUR_JIT: 'false' } });
    try {
      for (const s of [stack, plain]) {
        await s.reset();
        const deep = await post(s.url, nested(5000));
        expect(deep.status).toBe(400);
        expect(deep.errors?.[0]?.extensions?.['code']).toBe('BAD_USER_INPUT');
        expect(deep.errors?.[0]?.message).toContain('at most 64 levels deep');
        const literal = await s.gql(`{ predict(endpointName: "churn", features: {a: ${'['.repeat(100)}${']'.repeat(100)}}) { raw } }`);
        expect(literal.status).toBe(400);
        expect(literal.errors?.[0]?.message).toContain('at most 64 levels deep');
        expect((await s.requests('dataiku')).total).toBe(0);
        // 64 levels are accepted.
        const ok = await post(s.url, nested(64));
        expect(ok.errors).toBeUndefined();
        expect(ok.data?.['predict']).toEqual({ raw: expect.objectContaining({ prediction: expect.any(String) }) });
        expect((await post(s.url, nested(65))).errors?.[0]?.extensions?.['code']).toBe('BAD_USER_INPUT');
      }
    } finally {
      await plain.close();
    }
  });

  it("answers a subscription, a persisted-query hash not matching its query and an unresolvable operation as the caller's mistakes, compiled or interpreted", async () => {
    const plain = await startStack({ env: { AUGUR_JIT: 'false' } });
    try {
      for (const s of [stack, plain]) await callerMistakes(s);
    } finally {
      await plain.close();
    }
  });

  async function callerMistakes(stack: TestStack): Promise<void> {
    const subscription = await stack.gql(`subscription Watch { civisQuery(platformId: "1") { state } }`);
    expect(subscription.status).toBe(400);
    expect(subscription.errors).toEqual([
      {
        message:
          'Subscriptions are served as event streams: POST them to /graphql/stream with "Accept: text/event-stream" (GraphQL over SSE), or send them over a WebSocket to /graphql (graphql-transport-ws).',
        locations: [{ line: 1, column: 1 }],
        extensions: { code: 'GRAPHQL_VALIDATION_FAILED', requestId: expect.any(String) },
      },
    ]);
    const res = await fetch(stack.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ __typename }', extensions: { persistedQuery: { version: 1, sha256Hash: '0'.repeat(64) } } }),
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({
      errors: [{ message: 'provided sha does not match query', extensions: { code: 'BAD_REQUEST', requestId: expect.any(String) } }],
    });
    // Several operations without operationName, or a name the document does not define.
    for (const [body, message] of [
      [{ query: 'query A { __typename } query B { __typename }' }, 'Must provide operation name if query contains multiple operations.'],
      [{ query: 'query A { __typename }', operationName: 'Z' }, 'Unknown operation named "Z".'],
    ] as const) {
      const r = await fetch(stack.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      expect(r.status).toBe(400);
      expect(await r.json()).toEqual({
        errors: [{ message, extensions: { code: 'OPERATION_RESOLUTION_FAILURE', requestId: expect.any(String) } }],
      });
    }
    expect(stack.logs.some((l) => l['event'] === 'internal_error')).toBe(false);
  }

  it('rejects malformed JSON scalars and oversized pages as BAD_USER_INPUT', async () => {
    const scalar = await stack.gql(`query($f: JSONObject!) { predict(endpointName: "churn", features: $f) { raw } }`, { f: [1, 2] });
    expect(scalar.errors?.[0]?.extensions?.['code']).toBe('BAD_USER_INPUT');
    const page = await stack.gql(`{ contacts(last: 500) { totalCount } }`);
    expect(page.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', limit: 'maxPageSize', max: 100 });
    const nodes = await stack.gql(`query($ids: [ID!]!) { nodes(ids: $ids) { id } }`, { ids: Array.from({ length: 101 }, () => 'x') });
    expect(nodes.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', limit: 'maxIds', max: 100 });
    const rows = Array.from({ length: 10_001 }, (_, i) => ({ date: '2024-01-01', store: 'A', sales: i }));
    const forecast = await stack.gql(`query($r: [JSONObject!]!) { forecast(endpointName: "sales-forecast", records: $r) { value } }`, {
      r: rows,
    });
    expect(forecast.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', param: 'records', limit: 'maxRecords', max: 10_000 });
  });

  it('keeps CSRF prevention on: a simple cross-site request is refused', async () => {
    const r = await fetch(`${stack.url}?query=${encodeURIComponent('{ platforms { kind } }')}`);
    expect(r.status).toBe(400);
    expect(await r.text()).toMatch(/CSRF|preflight/i);
  });
});

describe('gateway API keys and introspection', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startStack({ env: { AUGUR_API_KEYS: `${GATEWAY_KEY},another-key-0123456789`, AUGUR_INTROSPECTION: 'false' } });
  });
  afterAll(() => stack.close());

  it('answers 401 without a valid key and serves with one', async () => {
    const none = await stack.gql(`{ platforms { kind } }`);
    expect(none.status).toBe(401);
    expect(none.errors?.[0]?.extensions?.['code']).toBe('UNAUTHENTICATED');
    expect(none.headers.get('www-authenticate')).toMatch(/Bearer/);
    expect((await stack.gql(`{ platforms { kind } }`, undefined, { authorization: 'Bearer wrong-key-0123456789' })).status).toBe(401);
    const ok = await stack.gql(`{ platforms { kind } }`, undefined, { authorization: `Bearer ${GATEWAY_KEY}` });
    expect(ok.status).toBe(200);
    expect(ok.data!.platforms).toHaveLength(4);
    expect((await stack.gql(`{ platforms { kind } }`, undefined, { 'x-api-key': 'another-key-0123456789' })).status).toBe(200);
    const refused = stack.logs.filter((l) => l['event'] === 'refused');
    expect(refused).toHaveLength(2);
    for (const line of refused)
      expect(line).toMatchObject({ status: 401, reason: 'unauthenticated', code: 'UNAUTHENTICATED', requestId: expect.any(String) });
    expect(JSON.stringify(refused)).not.toContain('wrong-key');
    const metrics = await (await fetch(stack.url.replace(/graphql$/, 'metrics'))).text();
    expect(metrics).toMatch(/^augur_http_refused_total\{reason="unauthenticated"\} 2$/m);
  });

  it('refuses introspection when turned off', async () => {
    const r = await stack.gql(`{ __schema { types { name } } }`, undefined, { authorization: `Bearer ${GATEWAY_KEY}` });
    expect(r.errors?.[0]?.message).toMatch(/introspection/i);
  });
});

describe('credentials never leak', () => {
  const secrets = {
    DATAIKU_API_KEY: 'augur-demo-dataiku',
    PREVISTO_API_KEY: 'sk_augur_demo',
    PREVISION_MASTER_TOKEN: 'augur-demo-prevision',
    CIVIS_API_KEY: 'augur-demo-civis',
  };
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startStack({ env: { ...secrets, LOG_LEVEL: 'debug' } });
  });
  afterAll(() => stack.close());

  it('keeps every configured and forwarded key, token and client secret out of responses and log lines', async () => {
    const forwarded = ['wrong-dataiku-key-1', 'sk_wrong_previsto_2', 'wrong-prevision-3', 'wrong-civis-key-4'];
    const bodies: string[] = [];
    const run = async (q: string, headers?: Record<string, string>) => {
      const res = await fetch(stack.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify({ query: q }),
      });
      bodies.push(await res.text());
      bodies.push(JSON.stringify([...res.headers]));
    };
    const deployment = stack.augur.services.codec.encode('Endpoint', `prevision:${PREVISION_DEMO.deployments[0]!.id}`);
    const everything = `{ platforms { kind url status { reachable error } } contacts(first: 2) { totalCount } predict(endpointName: "churn", features: {a: 1}) { raw }
      prevision { projects(first: 1) { totalCount } } p: predict(endpoint: "${deployment}", features: {tenure_months: 1, monthly_charges: 50, contract: "month-to-month", support_calls: 0}) { raw } }`;
    await run(everything);
    await run(everything, {
      'x-dataiku-api-key': forwarded[0]!,
      'x-previsto-api-key': forwarded[1]!,
      'x-prevision-token': forwarded[2]!,
      'x-civis-api-key': forwarded[3]!,
    });
    await stack.faults('dataiku', { status: 500 });
    await stack.faults('previsto', { status: 401 });
    await run(everything);
    await stack.reset();
    const haystack = bodies.join('\n') + '\n' + stack.logs.map((l) => JSON.stringify(l)).join('\n');
    const all = [...Object.values(secrets), ...forwarded, ...PREVISION_DEMO.deployments.map((d) => d.clientSecret)];
    for (const secret of all) {
      expect(haystack.includes(secret), secret).toBe(false);
      expect(haystack.includes(Buffer.from(`${secret}:`).toString('base64')), `basic ${secret}`).toBe(false);
    }
    expect(stack.logs.some((l) => l['event'] === 'upstream_failure')).toBe(true);
  });
});
