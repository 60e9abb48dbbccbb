import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { previstoEmulator } from '../src/previsto/index.js';
import type { Emulator } from '../src/framework/emulator.js';
import { PK, SK, basic, call, listAll, requests, reset } from './previsto/http.js';

const OTHER_SK = 'sk_other_tenant';
const OTHER_PK = 'pk_other_tenant';

// Values fixed by seed 4104 (the default tenant).
const FIRST_CONTACTS: Array<[id: string, name: string]> = [
  ['cont-exlozTk2dRQVZEhOJ', 'Peter Damgaard Mogensen'],
  ['cont-XxgFIGIjLRTCAoWdjskt', 'Magnus Møller'],
  ['cont-oEoF2UxayI9d9kEuwwt', 'Ida Bruun'],
];
const CURRENT_ACCOUNT = 'acct-a2DnGjLc7QNqmaLmPD';
const WORKER_ACCOUNT = 'acct-jQJY0lKrm9dooP3rES';
const ORGANIZATION = 'org-A7OYSerFkctiEHZCc';
const FIRST_AGREEMENT = 'agrmt-YJeloH2UVdqewcLux4';
const FIRST_ASSIGNMENT = 'asgmt-0zsqAh1S1mvzRzCGU';

let emulator: Emulator;
let url = '';
let contacts: any[] = [];
let agreements: any[] = [];
let assignments: any[] = [];

const get = (path: string, key: string | null = SK) => call(url, 'GET', path, { key });
const invalid = (message: string | RegExp, param?: string) =>
  expect.objectContaining({
    type: 'invalid_request_error',
    message: typeof message === 'string' ? message : expect.stringMatching(message),
    ...(param ? { param } : {}),
  });

beforeAll(async () => {
  emulator = previstoEmulator.create({
    tenants: [
      { secretKey: SK, publicKey: PK, seed: 4104 },
      { secretKey: OTHER_SK, publicKey: OTHER_PK, seed: 7 },
    ],
    rateLimitPerMinute: 1_000_000,
    publicRateLimitPerMinute: 1_000_000,
  });
  url = await emulator.listen(0);
  contacts = await listAll(url, '/contacts');
  agreements = await listAll(url, '/agreements');
  assignments = await listAll(url, '/assignments');
});
afterAll(() => emulator.close());
beforeEach(() => reset(url));

describe('previsto emulator: authentication', () => {
  it('answers 401 Bad credentials without a key, with an unknown key, and with the key sent as Bearer', async () => {
    for (const headers of [{}, basic('sk_wrong'), { authorization: `Bearer ${SK}` }, { authorization: 'Basic !!!' }]) {
      const r = await call(url, 'GET', '/contacts', { key: null, headers });
      expect(r.status).toBe(401);
      expect(r.json).toEqual({ type: 'invalid_request_error', message: 'Bad credentials' });
      expect(r.headers.get('www-authenticate')).toBe('Basic realm="Previsto"');
    }
  });

  it('accepts the secret key as Basic username with an empty password (curl -u sk_...:)', async () => {
    const r = await get('/accounts/current');
    expect(r.status).toBe(200);
    expect(r.json.id).toBe(CURRENT_ACCOUNT);
  });

  it('lets a public key create contacts and agreements, and use the 2FA and address helpers only', async () => {
    const denied = { type: 'invalid_request_error', message: 'Access is denied' };
    for (const [method, path] of [
      ['GET', '/contacts'],
      ['GET', `/contacts/${FIRST_CONTACTS[0]![0]}`],
      ['DELETE', `/contacts/${FIRST_CONTACTS[0]![0]}`],
      ['GET', '/agreements'],
      ['GET', '/assignments'],
      ['POST', '/assignments'],
      ['GET', '/accounts/current'],
      ['GET', '/organization'],
    ] as const) {
      const r = await call(url, method, path, method === 'GET' ? { key: PK } : { key: PK, json: {} });
      expect(r.status, `${method} ${path}`).toBe(403);
      expect(r.json).toEqual(denied);
    }
    const c = await call(url, 'POST', '/contacts', {
      key: PK,
      json: { name: 'Web Lead', phone: '+4522123456' },
      headers: { 'x-2fa-token': '123456' },
    });
    expect(c.status).toBe(200);
    const a = await call(url, 'POST', '/agreements', {
      key: PK,
      json: { contactId: c.json.id, description: 'Vinduespudsning', duration: 15 },
    });
    expect(a.status).toBe(200);
    expect(a.json.contactId).toBe(c.json.id);
    expect((await call(url, 'POST', '/accounts/actions/sendTwoFactorToken', { key: PK, json: { phone: '+4522123456' } })).json).toEqual({});
    expect((await call(url, 'GET', '/addresses?q=Vesterbrogade', { key: PK })).status).toBe(200);
    // The secret key sees what the public key created.
    expect((await get(`/contacts/${c.json.id}`)).json.name).toBe('Web Lead');
  });
});

describe('previsto emulator: seed data', () => {
  it('serves 250 contacts, 300 agreements and 1,000 assignments with stable ids', () => {
    expect(contacts).toHaveLength(250);
    expect(agreements).toHaveLength(300);
    expect(assignments).toHaveLength(1000);
    expect(contacts.slice(0, 3).map((c) => [c.id, c.name])).toEqual(FIRST_CONTACTS);
    expect(agreements[0].id).toBe(FIRST_AGREEMENT);
    expect(assignments[0].id).toBe(FIRST_ASSIGNMENT);
    for (const [list, prefix] of [
      [contacts, 'cont-'],
      [agreements, 'agrmt-'],
      [assignments, 'asgmt-'],
    ] as const) {
      for (const r of list) expect(r.id).toMatch(new RegExp(`^${prefix}[0-9A-Za-z]{16,20}$`));
    }
  });

  it("keeps references real: agreements and assignments point at seeded contacts, tasks at that contact's agreements", () => {
    const contactIds = new Set(contacts.map((c) => c.id));
    const agreementsById = new Map(agreements.map((a) => [a.id, a]));
    expect(agreements.every((a) => contactIds.has(a.contactId))).toBe(true);
    expect(assignments.every((a) => contactIds.has(a.contactId))).toBe(true);
    const linked = assignments.flatMap((a) => a.tasks.filter((t: any) => t.agreementId).map((t: any) => [a.contactId, t.agreementId]));
    expect(linked.length).toBeGreaterThan(900);
    expect(linked.every(([cid, aid]) => agreementsById.get(aid)?.contactId === cid)).toBe(true);
    const names = new Map(contacts.map((c) => [c.id, c.name]));
    expect(assignments.every((a) => a.contactName === names.get(a.contactId))).toBe(true);
  });

  it('spreads the first 100 assignments over 84 contacts and execution times over 2025-2026', () => {
    expect(new Set(assignments.slice(0, 100).map((a) => a.contactId)).size).toBe(84);
    const times = assignments.map((a) => a.plan.executionTime).sort();
    expect(times[0]! >= '2025-01-01' && times.at(-1)! < '2027-01-01').toBe(true);
    const count = (f: (a: any) => string) =>
      assignments.reduce((m: Record<string, number>, a) => ({ ...m, [f(a)]: (m[f(a)] ?? 0) + 1 }), {});
    expect(count((a) => a.status)).toEqual({ None: 682, Fulfilled: 77, AppendedToOrder: 143, Invoiced: 98 });
    expect(count((a) => a.action)).toEqual({ None: 676, Completed: 267, Skipped: 57 });
  });

  it('gives contacts a realistic mix of flags, accounting modes, metadata and coordinates', () => {
    expect(contacts.filter((c) => c.archived)).toHaveLength(24);
    expect(contacts.filter((c) => c.accountingMode === null)).toHaveLength(70);
    expect(contacts.filter((c) => c.notifyBeforeWork).length).toBeGreaterThan(50);
    expect(contacts.filter((c) => Object.keys(c.meta).length > 0)).toHaveLength(86);
    expect(new Set(contacts.map((c) => c.accountingMode))).toEqual(new Set([null, 'None', 'AddToDraft', 'AddToInvoice']));
    for (const c of contacts) {
      expect(c.location[0]).toBeGreaterThan(8);
      expect(c.location[1]).toBeGreaterThan(54.5);
    }
    expect(contacts[0]).toEqual({
      id: 'cont-exlozTk2dRQVZEhOJ',
      name: 'Peter Damgaard Mogensen',
      address: 'Vibevej 42',
      appartment: null,
      postalCode: '5000',
      city: 'Odense C',
      countryCode: 'DK',
      location: [10.4118555, 55.3932416],
      number: '10000',
      remoteId: null,
      remoteOrderId: null,
      phone: '+4588986655',
      email: 'peter.mogensen@live.dk',
      registrationNo: null,
      ean: null,
      accountingMode: null,
      accountingTime: null,
      invoiceDelivery: 'Email',
      payingContactId: null,
      note: null,
      notifyBeforeWork: true,
      archived: false,
      agentIds: [],
      meta: {},
    });
  });

  it('gives each tenant its own independent data', async () => {
    const other = await listAll(url, '/contacts', OTHER_SK);
    expect(other).toHaveLength(250);
    const mine = new Set(contacts.map((c) => c.id));
    expect(other.some((c) => mine.has(c.id))).toBe(false);
    expect((await get(`/contacts/${FIRST_CONTACTS[0]![0]}`, OTHER_SK)).status).toBe(404);
    const created = await call(url, 'POST', '/contacts', { key: OTHER_SK, json: { name: 'Only In B' } });
    expect((await get(`/contacts/${created.json.id}`, SK)).status).toBe(404);
    expect((await get('/contacts?name=Only%20In%20B', SK)).headers.get('x-total-count')).toBe('0');
    expect((await get('/contacts?name=Only%20In%20B', OTHER_SK)).headers.get('x-total-count')).toBe('1');
    expect((await get('/accounts/current', OTHER_SK)).json.id).not.toBe(CURRENT_ACCOUNT);
  });

  it('restores the seed on reset, including the ids handed to new records', async () => {
    const a = await call(url, 'POST', '/contacts', { json: { name: 'Temp' } });
    await call(url, 'DELETE', `/contacts/${FIRST_CONTACTS[1]![0]}`);
    expect((await get('/contacts')).headers.get('x-total-count')).toBe('250');
    await reset(url);
    expect((await get(`/contacts/${a.json.id}`)).status).toBe(404);
    expect((await get(`/contacts/${FIRST_CONTACTS[1]![0]}`)).status).toBe(200);
    const b = await call(url, 'POST', '/contacts', { json: { name: 'Temp' } });
    expect(b.json.id).toBe(a.json.id);
  });
});

describe('previsto emulator: account and organization', () => {
  it('serves the current account at /accounts/current and at the /account alias', async () => {
    const a = await get('/accounts/current');
    expect(a.json).toMatchObject({
      id: CURRENT_ACCOUNT,
      login: 'anders',
      name: 'Anders Holm',
      emailValidated: true,
      languageCode: 'da',
      roles: ['ROLE_USER', `ORGROLE_${ORGANIZATION}_ADMIN`],
    });
    expect((await get('/account')).json).toEqual(a.json);
  });

  it('updates the account partially from form fields with meta[key]=value', async () => {
    const r = await call(url, 'POST', '/accounts/current', { form: { email: 'jane@doe.com', 'meta[hairColor]': 'Brown' } });
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({
      name: 'Anders Holm',
      email: 'jane@doe.com',
      emailValidated: false,
      meta: { role: 'owner', hairColor: 'Brown' },
    });
    const bad = await call(url, 'POST', '/account', { json: { email: 'not-an-email' } });
    expect(bad.status).toBe(400);
    expect(bad.json).toEqual(invalid(/'email' must be an e-mail address/, 'email'));
  });

  it('deletes accounts with an empty 200 and answers 404 for unknown ones', async () => {
    const d = await call(url, 'DELETE', `/accounts/${WORKER_ACCOUNT}`);
    expect(d.status).toBe(200);
    expect(d.text).toBe('');
    expect(d.headers.get('content-length')).toBe('0');
    const again = await call(url, 'DELETE', `/accounts/${WORKER_ACCOUNT}`);
    expect(again.status).toBe(404);
    expect(again.json).toEqual(invalid(/No account with id/));
  });

  it('serves the organization, updates it partially, and refuses a second organization with 402', async () => {
    const o = await get('/organization');
    expect(o.json).toMatchObject({
      id: ORGANIZATION,
      name: 'Glasklart Vinduespolering',
      baseCurrency: 'DKK',
      timeZone: 'Europe/Copenhagen',
    });
    const u = await call(url, 'PUT', `/organizations/${ORGANIZATION}`, { form: { phone: '+4522123456' } });
    expect(u.json).toMatchObject({ name: 'Glasklart Vinduespolering', phone: '+4522123456' });
    const dup = await call(url, 'POST', '/organizations', { json: { name: 'Another' } });
    expect(dup.status).toBe(402);
    expect(dup.json.type).toBe('invalid_request_error');
    expect((await call(url, 'POST', '/organizations/org-nope', { json: { name: 'x' } })).status).toBe(404);
  });
});

describe('previsto emulator: list pagination', () => {
  it('returns a plain array of 20 with x-total-count by default', async () => {
    const r = await get('/contacts');
    expect(Array.isArray(r.json)).toBe(true);
    expect(r.json).toHaveLength(20);
    expect(r.headers.get('x-total-count')).toBe('250');
    expect(r.json.slice(0, 3).map((c: any) => [c.id, c.name])).toEqual(FIRST_CONTACTS);
  });

  it('pages zero-based: a partial last page, then 200 [] past the end', async () => {
    const second = await get('/contacts?page=1&size=3');
    expect(second.json.map((c: any) => c.id)).toEqual(contacts.slice(3, 6).map((c) => c.id));
    const last = await get('/contacts?page=2&size=100');
    expect(last.json).toHaveLength(50);
    expect(last.json[49].id).toBe(contacts[249].id);
    for (const page of [3, 999]) {
      const past = await get(`/contacts?page=${page}&size=100`);
      expect(past.status).toBe(200);
      expect(past.json).toEqual([]);
      expect(past.headers.get('x-total-count')).toBe('250');
    }
  });

  it('clamps size above 100 to 100 and rejects size <= 0 or non-numbers with param=size', async () => {
    expect((await get('/assignments?size=1000')).json).toHaveLength(100);
    for (const size of ['0', '-1', 'ten', '2.5']) {
      const r = await get(`/contacts?size=${size}`);
      expect(r.status).toBe(400);
      expect(r.json).toEqual(invalid(/'size' must be/, 'size'));
    }
    const p = await get('/contacts?page=-1');
    expect(p.status).toBe(400);
    expect(p.json.param).toBe('page');
  });
});

describe('previsto emulator: filters', () => {
  it('filters by equality on any property, booleans and numbers by meaning', async () => {
    const archived = await get('/contacts?archived=TRUE&size=100');
    expect(archived.headers.get('x-total-count')).toBe('24');
    expect(archived.json.every((c: any) => c.archived === true)).toBe(true);
    const ag = agreements[0];
    const byAmount = await listAll(url, `/agreements?amount=${ag.amount}.0&duration=${ag.duration}`);
    expect(byAmount.map((a) => a.id)).toEqual(
      agreements.filter((a) => a.amount === ag.amount && a.duration === ag.duration).map((a) => a.id),
    );
    const city = await listAll(url, '/contacts?city=Odense%20C');
    expect(city.map((c) => c.id)).toEqual(contacts.filter((c) => c.city === 'Odense C').map((c) => c.id));
    expect((await get('/contacts?accountingMode=null')).headers.get('x-total-count')).toBe('70');
  });

  it('widens the match when a parameter repeats (status=Invoiced&status=Fulfilled)', async () => {
    expect((await get('/assignments?status=Invoiced')).headers.get('x-total-count')).toBe('98');
    expect((await get('/assignments?status=Invoiced&status=Fulfilled')).headers.get('x-total-count')).toBe('175');
  });

  it('follows dot paths into nested objects, lists of objects and meta, with timestamp as an alias', async () => {
    const a = assignments[5];
    const byTime = await listAll(url, `/assignments?plan.executionTime=${a.plan.executionTime}`);
    expect(byTime.map((x) => x.id)).toEqual(assignments.filter((x) => x.plan.executionTime === a.plan.executionTime).map((x) => x.id));
    expect((await listAll(url, `/assignments?timestamp=${a.plan.executionTime}`)).map((x) => x.id)).toEqual(byTime.map((x) => x.id));
    const byCity = await listAll(url, '/assignments?address.city=Aalborg');
    expect(byCity.length).toBe(assignments.filter((x) => x.address.city === 'Aalborg').length);
    expect(byCity.length).toBeGreaterThan(0);
    const agId = agreements.find((g) => assignments.some((x) => x.tasks.some((t: any) => t.agreementId === g.id)))!.id;
    const byTask = await listAll(url, `/assignments?tasks.agreementId=${agId}`);
    expect(byTask.map((x) => x.id)).toEqual(assignments.filter((x) => x.tasks.some((t: any) => t.agreementId === agId)).map((x) => x.id));
    const withGate = contacts.find((c) => c.meta.gateCode);
    const byMeta = await listAll(url, `/contacts?meta.gateCode=${withGate.meta.gateCode}`);
    expect(byMeta.map((c) => c.id)).toContain(withGate.id);
    const agent = contacts.find((c) => c.agentIds.length > 0).agentIds[0];
    const byAgent = await listAll(url, `/contacts?agentIds=${agent}`);
    expect(byAgent.length).toBe(contacts.filter((c) => c.agentIds.includes(agent)).length);
  });

  it('rejects unknown properties, bare objects and search outside contacts with param=<name>', async () => {
    const r = await get('/contacts?colour=blue');
    expect(r.status).toBe(400);
    expect(r.json).toEqual(invalid(/Unknown property 'colour' on contacts/, 'colour'));
    expect((await get('/assignments?plan=x')).json).toEqual(invalid(/'plan' is an object/, 'plan'));
    expect((await get('/assignments?plan.nope=x')).json.param).toBe('plan.nope');
    expect((await get('/assignments?search=x')).json.param).toBe('search');
    expect((await get('/contacts?meta=x')).json.param).toBe('meta');
  });
});

describe('previsto emulator: sorting', () => {
  const ids = (xs: any[]) => xs.map((x) => x.id);
  const by = <T>(xs: T[], key: (x: T) => string, dir = 1) => [...xs].sort((a, b) => (key(a) < key(b) ? -dir : key(a) > key(b) ? dir : 0));

  it('sorts ascending by default, descending on request, ties in creation order', async () => {
    expect(ids(await listAll(url, '/contacts?sort=name'))).toEqual(ids(by(contacts, (c) => c.name)));
    expect(ids(await listAll(url, '/contacts?sort=name,desc'))).toEqual(ids(by(contacts, (c) => c.name, -1)));
  });

  it('accepts sort=timestamp,desc as plan.executionTime and repeated sort parameters', async () => {
    const desc = await listAll(url, '/assignments?sort=timestamp,desc');
    expect(ids(desc)).toEqual(ids(by(assignments, (a) => a.plan.executionTime, -1)));
    expect(ids(await listAll(url, '/assignments?sort=plan.executionTime,DESC'))).toEqual(ids(desc));
    const multi = await listAll(url, '/contacts?sort=city&sort=name,desc');
    const expected = [...contacts].sort((a, b) =>
      a.city !== b.city ? (a.city < b.city ? -1 : 1) : a.name < b.name ? 1 : a.name > b.name ? -1 : 0,
    );
    expect(ids(multi)).toEqual(ids(expected));
  });

  it('rejects unknown or multi-valued sort properties with param=sort', async () => {
    for (const s of ['colour,asc', 'name,sideways', 'location', 'agentIds', ',desc', 'meta']) {
      const r = await get(`/contacts?sort=${s}`);
      expect(r.status, s).toBe(400);
      expect(r.json.param).toBe('sort');
    }
    expect((await get('/assignments?sort=tasks.agreementId')).json).toEqual(invalid(/holds a list of values/, 'sort'));
  });
});

describe('previsto emulator: contact search and nearby', () => {
  it('searches case-insensitively over name, address, city, e-mail and phone; every word must match', async () => {
    const hits = await listAll(url, '/contacts?search=ODENSE');
    expect(hits.map((c) => c.id)).toEqual(contacts.filter((c) => c.city.toLowerCase().includes('odense')).map((c) => c.id));
    const c = contacts[10];
    expect((await listAll(url, `/contacts?search=${encodeURIComponent(c.email)}`)).map((x) => x.id)).toContain(c.id);
    expect((await listAll(url, `/contacts?search=${encodeURIComponent(c.phone)}`)).map((x) => x.id)).toContain(c.id);
    const two = await listAll(url, `/contacts?search=${encodeURIComponent(`${c.address.split(' ')[0]} ${c.city}`)}`);
    expect(two.map((x) => x.id)).toContain(c.id);
    expect(two.every((x) => x.address.startsWith(c.address.split(' ')[0]) && x.city === c.city)).toBe(true);
    const archivedHits = await listAll(url, '/contacts?search=odense&archived=false');
    expect(archivedHits.every((x) => !x.archived)).toBe(true);
  });

  it('orders by distance with nearby=<lon>,<lat>', async () => {
    const near = await listAll(url, '/contacts?nearby=9.9217,57.0488');
    expect(near).toHaveLength(250);
    const rad = Math.PI / 180;
    const d = (c: any) => {
      const h =
        Math.sin(((c.location[1] - 57.0488) * rad) / 2) ** 2 +
        Math.cos(57.0488 * rad) * Math.cos(c.location[1] * rad) * Math.sin(((c.location[0] - 9.9217) * rad) / 2) ** 2;
      return 2 * 6371 * Math.asin(Math.sqrt(h));
    };
    for (let i = 1; i < near.length; i++) expect(d(near[i])).toBeGreaterThanOrEqual(d(near[i - 1]) - 1e-9);
    expect(d(near[249])).toBeGreaterThan(200);
    expect(['Aalborg', 'Nørresundby']).toContain(near[0].city);
  });

  it('rejects search together with nearby, and malformed coordinates, with 400', async () => {
    const both = await get('/contacts?search=a&nearby=10,56');
    expect(both.status).toBe(400);
    expect(both.json).toEqual(invalid(/cannot be combined/, 'nearby'));
    for (const n of ['10', 'x,y', '200,56', '10,56,1']) expect((await get(`/contacts?nearby=${n}`)).json.param).toBe('nearby');
  });
});

describe('previsto emulator: contacts CRUD', () => {
  it('creates from JSON with defaults, a generated id and a location resolved from the address', async () => {
    const r = await call(url, 'POST', '/contacts', {
      json: { name: 'Anna Jensen', address: 'Kundevej 2', postalCode: '8000', city: 'Aarhus C' },
    });
    expect(r.status).toBe(200);
    expect(r.json.id).toMatch(/^cont-[0-9A-Za-z]{16,20}$/);
    expect(r.json).toMatchObject({
      name: 'Anna Jensen',
      countryCode: 'DK',
      archived: false,
      notifyBeforeWork: false,
      agentIds: [],
      meta: {},
      accountingMode: null,
    });
    expect(r.json.location[0]).toBeCloseTo(10.2, 0);
    expect(r.json.location[1]).toBeCloseTo(56.16, 0);
    const last = await get('/contacts?size=1&page=250');
    expect(last.headers.get('x-total-count')).toBe('251');
    expect(last.json[0].id).toBe(r.json.id);
    const nowhere = await call(url, 'POST', '/contacts', { json: { name: 'Nowhere' } });
    expect(nowhere.json.location).toEqual([0, 0]);
  });

  it('creates from a form body with meta[key]=value, booleans and location[] as strings', async () => {
    const r = await call(url, 'POST', '/contacts', {
      form: {
        name: 'Anna Jensen',
        'meta[hairColor]': 'Brown',
        notifyBeforeWork: 'true',
        'location[]': ['10.5286863', '56.8039035'],
        number: '42',
      },
    });
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({
      meta: { hairColor: 'Brown' },
      notifyBeforeWork: true,
      location: [10.5286863, 56.8039035],
      number: '42',
    });
  });

  it('answers a missing name with the documented error shape', async () => {
    const r = await call(url, 'POST', '/contacts', { form: { phone: '+4522123456' } });
    expect(r.status).toBe(400);
    expect(r.json).toEqual({ type: 'invalid_request_error', message: "'name' must be specified.", param: 'name' });
    expect((await call(url, 'POST', '/contacts')).json.param).toBe('name');
    const blank = await call(url, 'PATCH', `/contacts/${FIRST_CONTACTS[0]![0]}`, { json: { name: '  ' } });
    expect(blank.json).toEqual({ type: 'invalid_request_error', message: "'name' must be specified.", param: 'name' });
  });

  it('updates partially with POST, PUT and PATCH, keeping position and unsent fields', async () => {
    const [id] = FIRST_CONTACTS[0]!;
    const before = contacts[0];
    const p = await call(url, 'POST', `/contacts/${id}`, { form: { phone: '+4522123456' } });
    expect(p.json).toEqual({ ...before, phone: '+4522123456' });
    const u = await call(url, 'PUT', `/contacts/${id}`, { json: { accountingMode: 'AddToInvoice', meta: { hairColor: 'Brown' } } });
    expect(u.json).toEqual({ ...before, phone: '+4522123456', accountingMode: 'AddToInvoice', meta: { hairColor: 'Brown' } });
    const m = await call(url, 'PATCH', `/contacts/${id}`, { json: { meta: { hairColor: null, gate: '12' }, archived: 'true' } });
    expect(m.json.meta).toEqual({ gate: '12' });
    expect(m.json.archived).toBe(true);
    expect((await get('/contacts?size=1')).json[0].phone).toBe('+4522123456');
  });

  it('rejects invalid enum values and types with param naming the field', async () => {
    const [id] = FIRST_CONTACTS[0]!;
    const e = await call(url, 'POST', `/contacts/${id}`, { json: { accountingMode: 'Sometimes' } });
    expect(e.status).toBe(400);
    expect(e.json).toEqual(invalid(/'accountingMode' must be one of None, AddToDraft, AddToInvoice/, 'accountingMode'));
    expect((await call(url, 'POST', `/contacts/${id}`, { json: { archived: 'maybe' } })).json.param).toBe('archived');
    expect((await call(url, 'POST', `/contacts/${id}`, { json: { location: [200, 1] } })).json.param).toBe('location');
    expect((await call(url, 'POST', `/contacts/${id}`, { json: { payingContactId: 'cont-missing' } })).json.param).toBe('payingContactId');
    expect((await call(url, 'POST', '/contacts', { json: ['not', 'an', 'object'] })).status).toBe(400);
    // Nothing was applied by the failed updates.
    expect((await get(`/contacts/${id}`)).json).toEqual(contacts[0]);
  });

  it('enforces the metadata limits (20 keys, 40-character names, 500-character values) with param=meta', async () => {
    const meta = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, 'v']));
    expect((await call(url, 'POST', '/contacts', { json: { name: 'x', meta: meta(20) } })).status).toBe(200);
    expect((await call(url, 'POST', '/contacts', { json: { name: 'x', meta: { ['k'.repeat(40)]: 'v'.repeat(500) } } })).status).toBe(200);
    for (const m of [meta(21), { ['k'.repeat(41)]: 'v' }, { k: 'v'.repeat(501) }, { k: { nested: 1 } }, 'text']) {
      const r = await call(url, 'POST', '/contacts', { json: { name: 'x', meta: m } });
      expect(r.status).toBe(400);
      expect(r.json).toEqual(invalid(/meta/, 'meta'));
    }
    const form = await call(url, 'POST', '/contacts', {
      form: { name: 'x', ...Object.fromEntries(Array.from({ length: 21 }, (_, i) => [`meta[k${i}]`, 'v'])) },
    });
    expect(form.json.param).toBe('meta');
  });

  it('deletes with 200 and an empty body, then answers 404', async () => {
    const [id] = FIRST_CONTACTS[2]!;
    const d = await call(url, 'DELETE', `/contacts/${id}`);
    expect(d.status).toBe(200);
    expect(d.text).toBe('');
    expect(d.headers.get('content-type')).toBeNull();
    const g = await get(`/contacts/${id}`);
    expect(g.status).toBe(404);
    expect(g.json).toEqual(invalid(`No contact with id '${id}' exists in this organization. List existing ones with GET /contacts.`, 'id'));
    expect((await call(url, 'DELETE', `/contacts/${id}`)).status).toBe(404);
    expect((await get('/contacts')).headers.get('x-total-count')).toBe('249');
  });
});

describe('previsto emulator: agreements', () => {
  it('requires contactId, description and a duration of at least 3 minutes', async () => {
    const contactId = FIRST_CONTACTS[0]![0];
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ description: 'x', duration: 10 }, 'contactId'],
      [{ contactId, duration: 10 }, 'description'],
      [{ contactId, description: 'x' }, 'duration'],
      [{ contactId, description: 'x', duration: 2 }, 'duration'],
      [{ contactId: 'cont-nope', description: 'x', duration: 10 }, 'contactId'],
      [{ contactId, description: 'x', duration: 10, type: 'Main' }, 'type'],
      [{ contactId, description: 'x', duration: 10, planningDate: '04/12/2017' }, 'planningDate'],
    ];
    for (const [json, param] of cases) {
      const r = await call(url, 'POST', '/agreements', { json });
      expect(r.status, JSON.stringify(json)).toBe(400);
      expect(r.json.param).toBe(param);
    }
  });

  it('creates with documented defaults from form fields and updates partially', async () => {
    const contactId = FIRST_CONTACTS[0]![0];
    const r = await call(url, 'POST', '/agreements', {
      form: {
        contactId,
        description: 'Window Cleaning',
        duration: '15',
        amount: '23900',
        recurrenceRule: 'FREQ=WEEKLY;INTERVAL=4;WKST=MO',
        'meta[note]': 'Good Deal',
      },
    });
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({
      description: 'Window Cleaning',
      amount: 23900,
      currency: 'DKK',
      type: 'Primary',
      workType: 'WindowCleaning',
      duration: 15,
      archived: false,
      meta: { note: 'Good Deal' },
    });
    expect(r.json.id).toMatch(/^agrmt-[0-9A-Za-z]{16,20}$/);
    const u = await call(url, 'PUT', `/agreements/${r.json.id}`, { json: { description: 'Window Cleaning Outside' } });
    expect(u.json).toEqual({ ...r.json, description: 'Window Cleaning Outside' });
    expect((await call(url, 'DELETE', `/agreements/${r.json.id}`)).text).toBe('');
    expect((await get(`/agreements/${r.json.id}`)).status).toBe(404);
  });
});

describe('previsto emulator: assignments', () => {
  const contact = () => contacts.find((c) => agreements.some((a) => a.contactId === c.id))!;

  it('requires contactId, accountId, location and plan.executionTime', async () => {
    const c = contact();
    const full = { contactId: c.id, accountId: WORKER_ACCOUNT, location: c.location, plan: { executionTime: '2026-03-02T08:00' } };
    for (const [drop, param] of [
      ['contactId', 'contactId'],
      ['accountId', 'accountId'],
      ['location', 'location'],
      ['plan', 'plan.executionTime'],
    ] as const) {
      const json: Record<string, unknown> = { ...full };
      delete json[drop];
      const r = await call(url, 'POST', '/assignments', { json });
      expect(r.status).toBe(400);
      expect(r.json).toEqual({ type: 'invalid_request_error', message: `'${param}' must be specified.`, param });
    }
    expect((await call(url, 'POST', '/assignments', { json: { ...full, accountId: 'acct-nope' } })).json.param).toBe('accountId');
    expect((await call(url, 'POST', '/assignments', { json: { ...full, plan: { executionTime: 'tomorrow' } } })).json.param).toBe(
      'plan.executionTime',
    );
    expect((await call(url, 'POST', '/assignments', { json: { ...full, status: 'Paid' } })).json.param).toBe('status');
  });

  it('resolves contactName, payingContactId and address from the contact and fills tasks from agreements', async () => {
    const c = contact();
    const ag = agreements.find((a) => a.contactId === c.id)!;
    const r = await call(url, 'POST', '/assignments', {
      json: {
        contactId: c.id,
        accountId: WORKER_ACCOUNT,
        location: c.location,
        plan: { executionTime: '2026-03-02T08:00' },
        tasks: [{ agreementId: ag.id }],
      },
    });
    expect(r.status).toBe(200);
    expect(r.json.id).toMatch(/^asgmt-[0-9A-Za-z]{16,20}$/);
    expect(r.json).toMatchObject({
      contactName: c.name,
      payingContactId: c.payingContactId ?? c.id,
      action: 'None',
      status: 'None',
      plan: { executionTime: '2026-03-02T08:00', indicativeDate: '2026-03-02', accountIds: [], indicativeDateType: 'Optimal' },
      address: { street: c.address, apartment: c.appartment, postalCode: c.postalCode, city: c.city, countryCode: 'DK' },
      tasks: [
        {
          agreementId: ag.id,
          reference: ag.id,
          description: ag.description,
          amount: ag.amount,
          unitPrice: ag.amount,
          quantity: 1,
          duration: ag.duration,
          workType: 'WindowCleaning',
        },
      ],
      deliveryAddress: null,
    });
    expect(Date.parse(r.json.createdDate)).not.toBeNaN();
  });

  it('accepts the legacy timestamp field and a form body with nested plan[...] fields', async () => {
    const c = contact();
    const legacy = await call(url, 'POST', '/assignments', {
      json: { contactId: c.id, accountId: WORKER_ACCOUNT, location: c.location, timestamp: '2025-05-31T08:05' },
    });
    expect(legacy.json.plan.executionTime).toBe('2025-05-31T08:05');
    const form = await call(url, 'POST', '/assignments', {
      form: {
        contactId: c.id,
        accountId: WORKER_ACCOUNT,
        'location[0]': String(c.location[0]),
        'location[1]': String(c.location[1]),
        'plan[executionTime]': '2025-06-01T09:00',
        'plan[indicativeDateType]': 'Fixed',
        'tasks[0][description]': 'Ekstra',
        'tasks[0][unitPrice]': '15000',
        'tasks[0][duration]': '20',
      },
    });
    expect(form.status).toBe(200);
    expect(form.json.plan).toMatchObject({ executionTime: '2025-06-01T09:00', indicativeDateType: 'Fixed' });
    expect(form.json.tasks).toEqual([
      {
        agreementId: null,
        reference: null,
        description: 'Ekstra',
        amount: 15000,
        unitPrice: 15000,
        quantity: 1,
        duration: 20,
        workType: 'WindowCleaning',
      },
    ]);
  });

  it('updates partially with PUT, merging plan and re-resolving contactName when the contact changes', async () => {
    const a = assignments[0];
    const u = await call(url, 'PUT', `/assignments/${a.id}`, {
      json: { action: 'Completed', plan: { executionTime: '2026-01-05T10:00' } },
    });
    expect(u.json).toEqual({ ...a, action: 'Completed', plan: { ...a.plan, executionTime: '2026-01-05T10:00' } });
    const other = contacts.find((c) => c.id !== a.contactId)!;
    const moved = await call(url, 'PATCH', `/assignments/${a.id}`, { json: { contactId: other.id } });
    expect(moved.json.contactName).toBe(other.name);
    const first = await get('/assignments?size=1');
    expect(first.json[0].id).toBe(a.id);
    expect((await call(url, 'POST', `/assignments/${a.id}`, { json: { status: 'Invoiced' } })).json.status).toBe('Invoiced');
  });

  it('deletes with 200 and an empty body and answers 404 for unknown ids', async () => {
    const d = await call(url, 'DELETE', `/assignments/${FIRST_ASSIGNMENT}`);
    expect([d.status, d.text]).toEqual([200, '']);
    expect((await get(`/assignments/${FIRST_ASSIGNMENT}`)).status).toBe(404);
    expect((await call(url, 'PUT', '/assignments/asgmt-nope', { json: {} })).status).toBe(404);
    expect((await get('/assignments')).headers.get('x-total-count')).toBe('999');
  });
});

describe('previsto emulator: helpers and errors', () => {
  it('completes addresses with the SDK IAddress shape', async () => {
    const r = await get('/addresses?preferredCountryCode=DK&q=Vesterbrogade%2012%20Aarhus');
    expect(r.json).toEqual([
      expect.objectContaining({
        street: 'Vesterbrogade',
        houseNumber: '12',
        postalCode: '8000',
        city: 'Aarhus C',
        countryCode: 'DK',
        village: null,
      }),
    ]);
    expect(typeof r.json[0].latitude).toBe('string');
    expect((await get('/addresses')).json).toEqual(invalid(/'q' must be specified/, 'q'));
  });

  it('validates the 2FA phone number', async () => {
    expect((await call(url, 'POST', '/accounts/actions/sendTwoFactorToken', { json: {} })).json.param).toBe('phone');
    expect((await call(url, 'POST', '/accounts/actions/sendTwoFactorToken', { form: { phone: '1234' } })).json.param).toBe('phone');
  });

  it('uses invalid_request_error for unknown routes, wrong verbs and malformed JSON', async () => {
    const nope = await get('/widgets');
    expect([nope.status, nope.json.type]).toEqual([404, 'invalid_request_error']);
    const verb = await call(url, 'PUT', '/contacts');
    expect([verb.status, verb.json.type]).toEqual([405, 'invalid_request_error']);
    const bad = await fetch(`${url}/contacts`, {
      method: 'POST',
      headers: { ...basic(SK), 'content-type': 'application/json' },
      body: '{"name":',
    });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as any).type).toBe('invalid_request_error');
  });

  it('counts requests per documented route template', async () => {
    await get('/contacts');
    await get(`/contacts/${FIRST_CONTACTS[0]![0]}`);
    await get('/account');
    await call(url, 'PATCH', `/contacts/${FIRST_CONTACTS[0]![0]}`, { json: {} });
    expect(await requests(url)).toEqual({
      total: 4,
      byRoute: { 'GET /contacts': 1, 'GET /contacts/{id}': 1, 'GET /account': 1, 'PATCH /contacts/{id}': 1 },
    });
  });
});
