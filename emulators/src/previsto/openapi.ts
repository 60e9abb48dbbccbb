/**
 * Internal to the Previsto emulator: its OpenAPI 3.1 document (`GET /_emulator/openapi.json`), written from the
 * upstream contract (docs/upstreams.md §8): `api.previsto.io` with HTTP Basic keys, zero-based pages and property
 * filters.
 */
import {
  arrayOf,
  bool,
  dateTime,
  enumOf,
  int,
  json,
  jsonBody,
  mapOf,
  nullable,
  num,
  object,
  openApiDocument,
  query,
  ref,
  responseRef,
  str,
  type OpenApiDocument,
  type Operation,
  type Paths,
  type Schema,
} from '../framework/openapi.js';
import { DEFAULT_SIZE, MAX_SIZE } from './query.js';

const text = (description?: string): Schema => nullable(str(description));
const LOCATION = arrayOf(num(), '`[longitude, latitude]`.');
const META = mapOf(str(undefined, { maxLength: 500 }), 'Up to 20 keys of up to 40 characters; in an update, `null` or `""` deletes a key.');

const CONTACT: Record<string, Schema> = {
  id: str('`cont-` and 16 to 20 base62 characters.'),
  name: str(),
  address: text(),
  appartment: text('Sic.'),
  postalCode: text(),
  city: text(),
  countryCode: text(),
  location: LOCATION,
  number: text(),
  remoteId: text(),
  remoteOrderId: text(),
  phone: text(),
  email: text(),
  registrationNo: text(),
  ean: text(),
  accountingMode: nullable(enumOf(['None', 'AddToDraft', 'AddToInvoice'])),
  accountingTime: nullable(enumOf(['BeforeWork', 'AfterWork'])),
  invoiceDelivery: nullable(enumOf(['None', 'Email'])),
  payingContactId: text(),
  note: text(),
  notifyBeforeWork: bool(),
  archived: bool(),
  agentIds: arrayOf(str()),
  meta: META,
};

const AGREEMENT: Record<string, Schema> = {
  id: str('`agrmt-` and 16 to 20 base62 characters.'),
  description: str(),
  note: text(),
  amount: int('In 1/100 of the currency unit.'),
  currency: str("Defaults to the organization's `baseCurrency`."),
  contactId: str(),
  recurrenceRule: text('An iCal RRULE.'),
  type: enumOf(['Primary', 'Supplementary']),
  workType: str(),
  duration: int('Minutes, at least 3.', { minimum: 3 }),
  planningDateType: enumOf(['Fixed', 'Optimal']),
  planningDate: text('Ignored with `Optimal`.'),
  startDate: text(),
  endDate: text(),
  previousDate: text(),
  nextDate: text(),
  accountId: text(),
  archived: bool(),
  meta: META,
};

const ADDRESS = nullable(object({ street: text(), apartment: text(), postalCode: text(), city: text(), countryCode: text() }));
const ASSIGNMENT: Record<string, Schema> = {
  id: str('`asgmt-` and 16 to 20 base62 characters.'),
  createdDate: dateTime(),
  meta: META,
  contactId: str(),
  contactName: text('Resolved from `contactId` when omitted.'),
  payingContactId: text(),
  accountId: str(),
  action: enumOf(['None', 'Skipped', 'Completed']),
  remoteOrderId: text(),
  location: LOCATION,
  status: enumOf(['None', 'AppendedToOrder', 'Invoiced', 'Fulfilled'], 'The financial status.'),
  plan: object(
    { executionTime: dateTime(), indicativeDate: text(), accountIds: arrayOf(str()), indicativeDateType: enumOf(['Fixed', 'Optimal']) },
    ['executionTime'],
  ),
  tasks: arrayOf(
    object({
      agreementId: text(),
      reference: text(),
      description: text(),
      amount: nullable(int()),
      unitPrice: nullable(int()),
      quantity: num('Default 1.'),
      duration: nullable(int()),
      workType: text(),
    }),
  ),
  handledDate: text(),
  address: ADDRESS,
  deliveryAddress: ADDRESS,
};

const ACCOUNT: Record<string, Schema> = {
  id: str('`acct-` and 16 to 20 base62 characters.'),
  login: str(),
  name: str(),
  email: str(),
  emailValidated: bool(),
  address: text(),
  appartment: text(),
  postalCode: text(),
  city: text(),
  countryCode: text(),
  location: LOCATION,
  languageCode: str(),
  roles: arrayOf(str(), '`ROLE_...` system-wide, `ORGROLE_<orgId>_...` per organization.'),
  meta: META,
};

const ORGANIZATION: Record<string, Schema> = {
  id: str('`org-` and 16 to 20 base62 characters.'),
  name: str(),
  url: text(),
  address: text(),
  postalCode: text(),
  city: text(),
  countryCode: text(),
  phone: text(),
  email: text(),
  registrationNo: text(),
  terminated: bool(),
  terminationTime: text(),
  createdDate: dateTime(),
  trial: bool(),
  subscriptionPrice: num(),
  subscriptionPeriod: enumOf(['Monthly', 'Quarterly', 'SemiAnnually', 'Annually']),
  subscriptionDiscount: num(),
  subscriptionExpires: text(),
  subscriptionType: enumOf(['Free', 'Micro', 'Small', 'Medium', 'Large']),
  languageCode: str(),
  baseCurrency: str(),
  locked: bool(),
  subjectToVat: bool(),
  timeZone: str(),
  referenceId: text(),
};

/**
 * A record as answered (every key present) and as written: `writable` keys (default: all but `id` and
 * `createdDate`), with `createRequired` required on create (no create schema without it).
 */
function shapes(name: string, props: Record<string, Schema>, createRequired: string[] | null, writable?: string[]): Record<string, Schema> {
  const keys = writable ?? Object.keys(props).filter((k) => k !== 'id' && k !== 'createdDate');
  const input = Object.fromEntries(keys.map((k) => [k, props[k]!]));
  return {
    [name]: object(props, Object.keys(props)),
    ...(createRequired ? { [`${name}Create`]: object(input, createRequired) } : {}),
    [`${name}Update`]: object(input, [], 'A partial update: keys left out stay unchanged.'),
  };
}

const schemas: Record<string, Schema> = {
  Error: object(
    {
      type: enumOf(['invalid_request_error', 'api_error'], '`invalid_request_error` for 4xx, `api_error` for 5xx [OURS]; treat as opaque.'),
      message: str(),
      param: str('The parameter at fault, when one is.'),
    },
    ['type', 'message'],
  ),
  ...shapes('Contact', CONTACT, ['name']),
  ...shapes('Agreement', AGREEMENT, ['contactId', 'description', 'duration']),
  ...shapes('Assignment', ASSIGNMENT, ['contactId', 'accountId', 'location', 'plan']),
  ...shapes('Account', ACCOUNT, null, ['name', 'email', 'languageCode', 'meta']),
  ...shapes(
    'Organization',
    ORGANIZATION,
    ['name'],
    [
      'name',
      'url',
      'address',
      'postalCode',
      'city',
      'countryCode',
      'phone',
      'email',
      'registrationNo',
      'languageCode',
      'baseCurrency',
      'subjectToVat',
      'timeZone',
      'referenceId',
    ],
  ),
  AddressHit: object(
    {
      city: str(),
      countryCode: str(),
      houseNumber: str(),
      latitude: str(),
      longitude: str(),
      postalCode: str(),
      street: str(),
      village: text(),
    },
    ['city', 'countryCode', 'houseNumber', 'latitude', 'longitude', 'postalCode', 'street', 'village'],
  ),
};

const ERRORS = {
  '400': responseRef('BadRequest'),
  '401': responseRef('Unauthorized'),
  '403': responseRef('Forbidden'),
  '429': responseRef('RateLimited'),
};
const NOT_FOUND = { '404': responseRef('NotFound') };
const LIST_PARAMS = [
  query('page', int(undefined, { minimum: 0, default: 0 }), 'Zero-based page number; a page past the end is `[]`.'),
  query('size', int(undefined, { minimum: 1, default: DEFAULT_SIZE }), `Page size; above ${MAX_SIZE} it is clamped to ${MAX_SIZE} [OURS].`),
  {
    ...query('sort', arrayOf(str()), 'Spring style `property,asc|desc` (default `asc`); may be repeated; dot paths reach nested fields.'),
    style: 'form',
    explode: true,
  },
  {
    ...query(
      'filters',
      mapOf({ anyOf: [str(), arrayOf(str())] }),
      'Any property as an equality filter (`status=Invoiced`); dot paths for nested fields and `meta.<key>`; a repeated filter matches any of its values. An unknown property answers 400 naming it.',
    ),
    style: 'form',
    explode: true,
  },
];

const idOp = (summary: string, responses: Record<string, unknown>, extra: Partial<Operation> = {}): Operation => ({
  summary,
  ...extra,
  responses: { ...responses, ...ERRORS, ...NOT_FOUND },
});

/** List, create, read, update (POST, PUT and PATCH, all partial) and delete of one resource. */
function resource(plural: string, name: string, listParams: unknown[], updateNote: string): Paths {
  const tag = plural[0]!.toUpperCase() + plural.slice(1);
  const update = (verb: string): Operation =>
    idOp(
      `Update a ${name.toLowerCase()} (partial)`,
      { '200': json(`The updated ${name.toLowerCase()}.`, ref(name)) },
      {
        tags: [tag],
        description: verb === 'post' ? updateNote : `[OURS] The emulator also takes ${verb.toUpperCase()}, as a partial update like POST.`,
        requestBody: jsonBody(ref(`${name}Update`), 'JSON, or a form with nested `meta[key]=value`.'),
      },
    );
  return {
    [`/${plural}`]: {
      get: {
        summary: `List ${plural}`,
        tags: [tag],
        parameters: listParams,
        responses: {
          '200': json(`A page of ${plural}, a bare array.`, arrayOf(ref(name)), { 'x-total-count': 'Total matching records.' }),
          ...ERRORS,
        },
      },
      post: {
        summary: `Create a ${name.toLowerCase()}`,
        tags: [tag],
        requestBody: jsonBody(ref(`${name}Create`), 'JSON, or a form with nested `meta[key]=value`.'),
        responses: { '200': json(`The created ${name.toLowerCase()}.`, ref(name)), ...ERRORS },
      },
    },
    [`/${plural}/{id}`]: {
      get: idOp(`Get a ${name.toLowerCase()}`, { '200': json(`The ${name.toLowerCase()}.`, ref(name)) }, { tags: [tag] }),
      post: update('post'),
      put: update('put'),
      patch: update('patch'),
      delete: idOp(`Delete a ${name.toLowerCase()}`, { '200': json('Deleted; the body is empty.') }, { tags: [tag] }),
    },
  };
}

const account = (summary: string, verb: 'get' | 'post'): Operation => ({
  summary,
  tags: ['Account'],
  ...(verb === 'post' ? { requestBody: jsonBody(ref('AccountUpdate')) } : {}),
  responses: { '200': json('The current account.', ref('Account')), ...ERRORS },
});

const organizationUpdate = (verb: string): Operation =>
  idOp(
    'Update an organization (partial)',
    { '200': json('The updated organization.', ref('Organization')) },
    {
      tags: ['Organization'],
      ...(verb === 'post' ? {} : { description: `[OURS] The emulator also takes ${verb.toUpperCase()}, as a partial update like POST.` }),
      requestBody: jsonBody(ref('OrganizationUpdate')),
    },
  );

const paths: Paths = {
  '/accounts/current': { get: account('The account of the key', 'get'), post: account('Update the account of the key', 'post') },
  '/account': {
    get: {
      ...account('The account of the key', 'get'),
      description: "[OURS] An alias of `/accounts/current` (the vendor's intro spells it so).",
    },
    post: { ...account('Update the account of the key', 'post'), description: '[OURS] An alias of `/accounts/current`.' },
  },
  '/accounts/actions/sendTwoFactorToken': {
    post: {
      summary: 'Send a two-factor token by text message',
      tags: ['Account'],
      requestBody: jsonBody(object({ phone: str('A full international number, e.g. `+4522123456`.') }, ['phone'])),
      responses: { '200': json('Sent.', object({})), ...ERRORS },
    },
  },
  '/accounts/{id}': { delete: idOp('Delete an account', { '200': json('Deleted; the body is empty.') }, { tags: ['Account'] }) },
  '/organization': {
    get: {
      summary: 'The organization of the key',
      tags: ['Organization'],
      responses: { '200': json('The organization.', ref('Organization')), ...ERRORS },
    },
  },
  '/organizations': {
    post: {
      summary: 'Create an organization',
      tags: ['Organization'],
      requestBody: jsonBody(ref('OrganizationCreate')),
      responses: {
        '200': json('The created organization.', ref('Organization')),
        '402': json('The account already belongs to an organization.', ref('Error')),
        ...ERRORS,
      },
    },
  },
  '/organizations/{id}': {
    post: organizationUpdate('post'),
    put: organizationUpdate('put'),
    patch: organizationUpdate('patch'),
    delete: idOp('Delete an organization', { '200': json('Deleted; the body is empty.') }, { tags: ['Organization'] }),
  },
  ...resource(
    'contacts',
    'Contact',
    [
      ...LIST_PARAMS,
      query('search', str(), "Free text over the contact's name, address, email, phone...; not with `nearby`."),
      query(
        'nearby',
        str(undefined, { pattern: '^-?[0-9.]+,-?[0-9.]+$' }),
        '`<longitude>,<latitude>`: ordered by distance; not with `search`.',
      ),
    ],
    "The vendor's update verb for contacts.",
  ),
  ...resource('agreements', 'Agreement', LIST_PARAMS, "The vendor's update verb for agreements."),
  ...resource(
    'assignments',
    'Assignment',
    LIST_PARAMS,
    '[OURS] The vendor documents PUT for assignments; the emulator takes POST too. `timestamp`, `planningDate`, `planningDateType` and `planningAccountIds` (the 2018 shape) are accepted as filter and sort aliases.',
  ),
  '/addresses': {
    get: {
      summary: 'Complete an address',
      tags: ['Addresses'],
      parameters: [query('q', str(), 'The address text, e.g. `Vesterbrogade 3 Aarhus`.', true)],
      responses: { '200': json('Up to 10 matches.', arrayOf(ref('AddressHit'))), ...ERRORS },
    },
  },
};

// The vendor's update verb for assignments is PUT.
paths['/assignments/{id}']!.put = { ...paths['/assignments/{id}']!.put!, description: "The vendor's update verb for assignments." };

/** The Previsto emulator's OpenAPI document; `publicKeyRoutes` are the route keys a public key may call. */
export function previstoOpenApi(publicKeyRoutes: ReadonlySet<string>): OpenApiDocument {
  // The operations a public key may call say so; every other one answers a public key 403.
  const marked: Paths = Object.fromEntries(Object.entries(paths).map(([path, item]) => [path, { ...item }]));
  for (const key of publicKeyRoutes) {
    const [method, path] = key.split(' ') as [string, string];
    const item = marked[path]!;
    const verb = method.toLowerCase() as keyof typeof item;
    item[verb] = { ...item[verb]!, 'x-public-key': true };
  }
  const error = (description: string, headers: Record<string, string> = {}) => json(description, ref('Error'), headers);
  return openApiDocument({
    title: 'Previsto API (Augur emulator)',
    version: '1',
    description:
      "Previsto's REST API at `https://api.previsto.io`: HTTP Basic with the API key as username and an empty password. Secret `sk_` keys have full access; " +
      'public `pk_` keys only the operations marked `x-public-key` (others answer 403). 120 requests per minute per secret key, 30 per public key [OURS]. ' +
      "See docs/upstreams.md §8; [OURS] marks the emulator's own choices.",
    tags: ['Account', 'Organization', 'Contacts', 'Agreements', 'Assignments', 'Addresses'].map((name) => ({
      name,
      description: `${name} routes.`,
    })),
    securitySchemes: {
      apiKey: { type: 'http', scheme: 'basic', description: 'The `sk_` or `pk_` key as username, empty password (`curl -u sk_...:`).' },
    },
    security: [{ apiKey: [] }],
    schemas,
    responses: {
      BadRequest: error('A missing or invalid parameter, named in `param`.'),
      Unauthorized: error('"Bad credentials": no valid key.', { 'WWW-Authenticate': '`Basic realm="Previsto"`.' }),
      Forbidden: error('"Access is denied": a public key outside its operations.'),
      NotFound: error('No record with this id (`param: "id"`).'),
      RateLimited: error('"Rate limit exceeded".', { 'Retry-After': 'Seconds to the end of the 60 s window [OURS].' }),
    },
    pathParams: { id: 'The record id.' },
    paths: marked,
  });
}
