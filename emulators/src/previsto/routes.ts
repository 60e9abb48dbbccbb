/**
 * The Previsto emulator's HTTP surface: HTTP Basic authentication with the API key as username, per-key rate
 * limits, the public-key restrictions, and the routes of `api.previsto.io`.
 */
import { Emulator, type EmulatorReply, type EmulatorRequest, type RouteDef } from '../framework/emulator.js';
import { FixedWindowLimiter, readCredential } from '../framework/util.js';
import { searchAddresses } from './data.js';
import { previstoOpenApi } from './openapi.js';
import { twoFactorPhone } from './models.js';
import { AGREEMENT_LIST, ASSIGNMENT_LIST, CONTACT_LIST, runList, type ListHooks, type ListSpec } from './query.js';
import { PrevistoStore, type Collection } from './store.js';
import type { Contact, PrevistoErrorBody } from './types.js';

/** One organization's API keys and the seed of its independent data store. */
export interface PrevistoTenant {
  /** `sk_...`: full access. */
  secretKey: string;
  /** `pk_...`: may only create contacts and agreements, request 2FA tokens and search addresses. */
  publicKey?: string;
  /** Seed of this tenant's data; different seeds give different ids and records. */
  seed: number;
}

/** Resolved options of the Previsto emulator (see `previstoEmulator` for defaults and environment variables). */
export interface PrevistoOptions {
  tenants: PrevistoTenant[];
  /** Requests per window per secret key (Previsto documents 120 per minute per key). */
  rateLimitPerMinute: number;
  /** Requests per window per public key; stricter, as the browser SDK warns. */
  publicRateLimitPerMinute: number;
  /** Length of the fixed rate-limit window; 60 s unless a test shortens it. */
  rateWindowMs: number;
  /** Clock for rate-limit windows and `createdDate` of created records. */
  now: () => number;
}

/** Route keys a public key may call; everything else answers 403 "Access is denied". */
export const PUBLIC_KEY_ROUTES: ReadonlySet<string> = new Set([
  'POST /contacts',
  'POST /agreements',
  'POST /accounts/actions/sendTwoFactorToken',
  'GET /addresses',
]);

interface Tenant {
  seed: number;
  store: PrevistoStore;
}

interface Principal {
  key: string;
  kind: 'secret' | 'public';
  tenant: Tenant;
}

/** Builds the error envelope: `invalid_request_error` for 4xx, `api_error` for 5xx, `param` when one is at fault. */
export function previstoError(status: number, message: string, extra: Record<string, unknown> = {}): EmulatorReply {
  const body: PrevistoErrorBody = { type: status >= 500 ? 'api_error' : 'invalid_request_error', message };
  if (typeof extra['param'] === 'string') body.param = extra['param'];
  return { status, body };
}

/** Builds a Previsto emulator (not yet listening) from fully resolved options. */
export function createPrevisto(options: PrevistoOptions): Emulator {
  if (options.tenants.length === 0) throw new Error('The Previsto emulator needs at least one tenant ({secretKey, publicKey?, seed}).');
  const keys = new Map<string, Principal>();
  const tenants: Tenant[] = [];
  for (const t of options.tenants) {
    const tenant: Tenant = { seed: t.seed, store: new PrevistoStore(t.seed, options.now) };
    tenants.push(tenant);
    for (const [key, kind] of [
      [t.secretKey, 'secret'],
      [t.publicKey, 'public'],
    ] as const) {
      if (key === undefined) continue;
      if (!key) throw new Error('Previsto emulator API keys must be non-empty strings.');
      if (keys.has(key)) throw new Error(`The Previsto emulator API key '${key}' is configured twice; every tenant needs its own keys.`);
      keys.set(key, { key, kind, tenant });
    }
  }

  const secretLimiter = new FixedWindowLimiter(options.rateLimitPerMinute, options.rateWindowMs, options.now);
  const publicLimiter = new FixedWindowLimiter(options.publicRateLimitPerMinute, options.rateWindowMs, options.now);

  // Authorization header -> principal, so the hot path skips base64 decoding. Only valid keys are cached.
  const byHeader = new Map<string, Principal>();
  const principalOf = (header: string | undefined): Principal | undefined => {
    if (!header) return undefined;
    const hit = byHeader.get(header);
    if (hit) return hit;
    const cred = readCredential({ authorization: header });
    if (cred.scheme !== 'basic') return undefined;
    const p = keys.get(cred.username);
    if (p) {
      if (byHeader.size > 1000) byHeader.clear();
      byHeader.set(header, p);
    }
    return p;
  };
  const storeOf = (req: EmulatorRequest): PrevistoStore => principalOf(req.headers.authorization)!.tenant.store;

  const before = (req: EmulatorRequest): EmulatorReply | undefined => {
    const p = principalOf(req.headers.authorization);
    if (!p) {
      // The live server's wording for a missing or unknown key.
      const reply = previstoError(401, 'Bad credentials');
      reply.headers = { 'www-authenticate': 'Basic realm="Previsto"' };
      return reply;
    }
    const verdict = (p.kind === 'secret' ? secretLimiter : publicLimiter).take(p.key);
    if (!verdict.allowed) {
      const reply = previstoError(429, 'Rate limit exceeded');
      reply.headers = { 'retry-after': verdict.retryAfterSeconds };
      return reply;
    }
    if (p.kind === 'public' && !PUBLIC_KEY_ROUTES.has(req.routeKey)) return previstoError(403, 'Access is denied');
    return undefined;
  };

  const ok = (body: unknown): EmulatorReply => ({ status: 200, body });
  // DELETE answers 200 with an empty body.
  const deleted = (): EmulatorReply => ({ status: 200 });
  const JSON_TYPE = 'application/json; charset=utf-8';
  const list = <T extends { id: string }>(
    coll: Collection<T>,
    req: EmulatorRequest,
    spec: ListSpec,
    hooks?: ListHooks<T>,
  ): EmulatorReply => {
    const { total, items } = runList(coll.all(), req.query, spec, hooks);
    return { status: 200, headers: { 'x-total-count': total, 'content-type': JSON_TYPE }, body: coll.jsonArray(items) };
  };
  const one = <T extends { id: string }>(coll: Collection<T>, rec: T): EmulatorReply => ({
    status: 200,
    headers: { 'content-type': JSON_TYPE },
    body: coll.json(rec),
  });
  const id = (req: EmulatorRequest): string => req.params['id']!;

  const routes: RouteDef[] = [];
  const add = (method: string, path: string, handler: RouteDef['handler']): void => {
    routes.push({ method, path, handler });
  };
  /** Updates are partial whatever the verb: POST (documented), PUT (assignments, third-party docs) and PATCH. */
  const updates = (path: string, handler: RouteDef['handler']): void => {
    for (const m of ['POST', 'PUT', 'PATCH']) add(m, path, handler);
  };

  // Account. `/account` is the intro's spelling of `/accounts/current`.
  for (const path of ['/accounts/current', '/account']) {
    add('GET', path, (req) => ok(storeOf(req).currentAccount()));
    add('POST', path, (req) => ok(storeOf(req).updateCurrentAccount(req.body())));
  }
  add('POST', '/accounts/actions/sendTwoFactorToken', (req) => {
    twoFactorPhone(req.body());
    return ok({});
  });
  add('DELETE', '/accounts/{id}', (req) => {
    storeOf(req).deleteAccount(id(req));
    return deleted();
  });

  // Organization.
  add('GET', '/organization', (req) => ok(storeOf(req).currentOrganization()));
  add('POST', '/organizations', (req) => ok(storeOf(req).createOrganization(req.body())));
  updates('/organizations/{id}', (req) => ok(storeOf(req).updateOrganization(id(req), req.body())));
  add('DELETE', '/organizations/{id}', (req) => {
    storeOf(req).deleteOrganization(id(req));
    return deleted();
  });

  // Contacts.
  add('GET', '/contacts', (req) => {
    const store = storeOf(req);
    const hooks: ListHooks<Contact> = { haystack: (c) => store.haystack(c), location: (c) => c.location };
    return list(store.contacts, req, CONTACT_LIST, hooks);
  });
  add('POST', '/contacts', (req) => ok(storeOf(req).createContact(req.body())));
  add('GET', '/contacts/{id}', (req) => {
    const store = storeOf(req);
    return one(store.contacts, store.contact(id(req)));
  });
  updates('/contacts/{id}', (req) => ok(storeOf(req).updateContact(id(req), req.body())));
  add('DELETE', '/contacts/{id}', (req) => {
    storeOf(req).deleteContact(id(req));
    return deleted();
  });

  // Agreements.
  add('GET', '/agreements', (req) => list(storeOf(req).agreements, req, AGREEMENT_LIST));
  add('POST', '/agreements', (req) => ok(storeOf(req).createAgreement(req.body())));
  add('GET', '/agreements/{id}', (req) => {
    const store = storeOf(req);
    return one(store.agreements, store.agreement(id(req)));
  });
  updates('/agreements/{id}', (req) => ok(storeOf(req).updateAgreement(id(req), req.body())));
  add('DELETE', '/agreements/{id}', (req) => {
    storeOf(req).deleteAgreement(id(req));
    return deleted();
  });

  // Assignments.
  add('GET', '/assignments', (req) => list(storeOf(req).assignments, req, ASSIGNMENT_LIST));
  add('POST', '/assignments', (req) => ok(storeOf(req).createAssignment(req.body())));
  add('GET', '/assignments/{id}', (req) => {
    const store = storeOf(req);
    return one(store.assignments, store.assignment(id(req)));
  });
  updates('/assignments/{id}', (req) => ok(storeOf(req).updateAssignment(id(req), req.body())));
  add('DELETE', '/assignments/{id}', (req) => {
    storeOf(req).deleteAssignment(id(req));
    return deleted();
  });

  // Address autocomplete, as the browser SDK's `searchAddress` uses it.
  add('GET', '/addresses', (req) => {
    const q = req.query.get('q');
    if (!q || !q.trim())
      return previstoError(400, "'q' must be specified: the address text to complete, e.g. q=Vesterbrogade 3 Aarhus.", { param: 'q' });
    return ok(searchAddresses(q));
  });

  return new Emulator({
    name: 'previsto',
    routes,
    errorReply: previstoError,
    before,
    openapi: () => previstoOpenApi(PUBLIC_KEY_ROUTES),
    reset() {
      for (const t of tenants) t.store = new PrevistoStore(t.seed, options.now);
      secretLimiter.reset();
      publicLimiter.reset();
    },
  });
}
