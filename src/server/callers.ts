/**
 * Who is calling the gateway: an opaque, stable id per caller, by which callers sharing an upstream key get fair
 * shares of its rate budget. Ids never hold a secret: keys and credentials appear only as fingerprints.
 */
import { createHash } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { BlockList, isIP } from 'node:net';
import { presentedApiKey } from './apiKeys.js';
import type { Config } from './config.js';
import { CREDENTIAL_HEADERS, DATAIKU_BEARER_HEADER } from './context.js';
import type { Principal } from './access.js';

/** What `callerOf` reads of a request (a Node `IncomingMessage` fits). */
export interface CallerRequest {
  headers: IncomingHttpHeaders;
  socket?: { remoteAddress?: string | undefined } | undefined;
}

const CREDENTIAL_NAMES = [...Object.values(CREDENTIAL_HEADERS), DATAIKU_BEARER_HEADER].sort();

/**
 * The caller's id: `tok:<fingerprint>` of its tenant, issuer and subject when it sent a verified token; else `key:<fingerprint>` of its gateway API key when keys are configured and it presents one; else
 * `cred:<fingerprint>` of the upstream credentials it sends in its own headers; else `addr:<ip>` of its address,
 * where `X-Forwarded-For` is believed only as far as it was written by trusted proxies.
 */
export function callerOf(
  req: CallerRequest,
  config: Pick<Config, 'apiKeys' | 'trustedProxies'> & { auth?: Pick<Config['auth'], 'forwardedKeys'> },
  principal?: Principal,
): string {
  if (principal?.kind === 'token')
    return `tok:${fingerprint(`${principal.tenant ?? ''}\n${principal.issuer ?? ''}\n${principal.subject ?? ''}`)}`;
  if (config.apiKeys.length > 0) {
    const key = presentedApiKey(req.headers);
    if (key) return `key:${fingerprint(key)}`;
  }
  // Credentials that are not forwarded (AUGUR_FORWARDED_KEYS=false) do not make a caller either.
  const sent = (config.auth?.forwardedKeys === false ? [] : CREDENTIAL_NAMES).flatMap((name) => {
    const value = first(req.headers[name]);
    return value ? [`${name}=${value}`] : [];
  });
  if (sent.length > 0) return `cred:${fingerprint(sent.join('\n'))}`;
  return `addr:${clientAddress(req, config.trustedProxies)}`;
}

/**
 * Who to slow down when requests are refused (throttle.ts): only what a client cannot change at will, a valid gateway
 * key (`valid` says the key check passed), else its address. Upstream credentials are not checked by Augur, so a
 * client could send a new one with each request to look like a new caller.
 */
export function clientOf(req: CallerRequest, config: Pick<Config, 'apiKeys' | 'trustedProxies'>, valid: boolean): string {
  if (valid && config.apiKeys.length > 0) {
    const key = presentedApiKey(req.headers);
    if (key) return `key:${fingerprint(key)}`;
  }
  return `addr:${clientAddress(req, config.trustedProxies)}`;
}

/** 16 hex digits of SHA-256: enough to tell callers apart, useless for recovering what was hashed. */
function fingerprint(secret: string): string {
  return createHash('sha256').update(secret).digest('hex').slice(0, 16);
}

function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/**
 * The client's address. Each trusted proxy appends the address it received the request from to `X-Forwarded-For`,
 * so the list is read from the right, hop by hop, while the hop is a trusted proxy; anything further left may have
 * been written by the client itself.
 */
function clientAddress(req: CallerRequest, trustedProxies: readonly string[]): string {
  let address = normalize(req.socket?.remoteAddress);
  if (address === undefined) return 'unknown';
  const trusted = blockListOf(trustedProxies);
  if (!trusted) return address;
  const raw = req.headers['x-forwarded-for'];
  const hops = (Array.isArray(raw) ? raw.join(',') : (raw ?? '')).split(',');
  for (let i = hops.length - 1; i >= 0 && isTrusted(trusted, address); i--) {
    const hop = normalize(hops[i]);
    // A malformed entry ends the walk: the last proxy that was believed is the best that is known.
    if (hop === undefined) break;
    address = hop;
  }
  return address;
}

/** An IP address without port, brackets or IPv4-mapped prefix; undefined when the text is not one. */
function normalize(raw: string | undefined): string | undefined {
  let text = raw?.trim() ?? '';
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(text);
  if (bracketed) text = bracketed[1]!;
  else if (/^[\d.]+:\d+$/.test(text)) text = text.slice(0, text.lastIndexOf(':'));
  const family = isIP(text);
  if (family === 0) return undefined;
  if (family === 6) {
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(text);
    return mapped ? mapped[1]! : text.toLowerCase();
  }
  return text;
}

function isTrusted(list: BlockList, address: string): boolean {
  return list.check(address, isIP(address) === 6 ? 'ipv6' : 'ipv4');
}

/** Built once per configured list (entries already validated by `parseTrustedProxies`). */
const blockLists = new WeakMap<readonly string[], BlockList | undefined>();

function blockListOf(entries: readonly string[]): BlockList | undefined {
  if (blockLists.has(entries)) return blockLists.get(entries);
  let list: BlockList | undefined;
  for (const entry of entries) {
    list ??= new BlockList();
    const [address = '', prefix] = entry.split('/');
    const type = isIP(address) === 6 ? 'ipv6' : 'ipv4';
    if (prefix === undefined) list.addAddress(address, type);
    else list.addSubnet(address, Number(prefix), type);
  }
  blockLists.set(entries, list);
  return list;
}
