/**
 * callerOf: which id a request gets, from its gateway API key, its own upstream credentials or its address, and
 * that no secret ever appears in one.
 */
import { describe, expect, it } from 'vitest';
import { callerOf } from '../../src/server/callers.js';
import { parseConfig } from '../../src/server/config.js';
import { ConfigError } from '../../src/server/config/env.js';

const API_KEY = 'augur-gateway-key-0123456789';
const PREVISTO_KEY = 'sk_live_secret_4242';

function config(env: Record<string, string> = {}) {
  return parseConfig(env);
}

function request(headers: Record<string, string>, remoteAddress = '203.0.113.9') {
  return { headers, socket: { remoteAddress } };
}

describe('callerOf', () => {
  it('names a caller by a fingerprint of its gateway API key, however it sends it, when keys are configured', () => {
    const c = config({ AUGUR_API_KEYS: `${API_KEY},another-gateway-key-000` });
    const bearer = callerOf(request({ authorization: `Bearer ${API_KEY}` }), c);
    expect(bearer).toMatch(/^key:[0-9a-f]{16}$/);
    expect(callerOf(request({ 'x-api-key': API_KEY }, '198.51.100.1'), c)).toBe(bearer);
    expect(callerOf(request({ 'x-api-key': 'another-gateway-key-000' }), c)).not.toBe(bearer);
    expect(bearer).not.toContain(API_KEY.slice(0, 8));
  });

  it('ignores gateway API key headers when no keys are configured', () => {
    expect(callerOf(request({ authorization: `Bearer ${API_KEY}` }), config())).toBe('addr:203.0.113.9');
  });

  it('names a caller by a fingerprint of the upstream credentials it sends, whatever their order', () => {
    const c = config();
    const one = callerOf(request({ 'x-previsto-api-key': PREVISTO_KEY, 'x-civis-api-key': 'civis-secret' }), c);
    expect(one).toMatch(/^cred:[0-9a-f]{16}$/);
    expect(callerOf(request({ 'x-civis-api-key': 'civis-secret', 'x-previsto-api-key': PREVISTO_KEY }, '10.1.1.1'), c)).toBe(one);
    expect(callerOf(request({ 'x-previsto-api-key': PREVISTO_KEY }), c)).not.toBe(one);
    // The same value under another platform's header is another caller.
    expect(callerOf(request({ 'x-dataiku-api-key': PREVISTO_KEY }), c)).not.toBe(
      callerOf(request({ 'x-previsto-api-key': PREVISTO_KEY }), c),
    );
    expect(one).not.toContain('sk_live');
  });

  it('names any other caller by its address, and ignores X-Forwarded-For from peers that are not trusted proxies', () => {
    const c = config();
    expect(callerOf(request({}), c)).toBe('addr:203.0.113.9');
    expect(callerOf(request({ 'x-forwarded-for': '1.2.3.4' }), c)).toBe('addr:203.0.113.9');
    expect(callerOf(request({}, '::ffff:192.0.2.7'), c)).toBe('addr:192.0.2.7');
    expect(callerOf({ headers: {}, socket: {} }, c)).toBe('addr:unknown');
    const proxied = config({ AUGUR_TRUSTED_PROXIES: '10.0.0.0/8' });
    expect(callerOf(request({ 'x-forwarded-for': '1.2.3.4' }, '192.168.1.1'), proxied)).toBe('addr:192.168.1.1');
  });

  it('believes X-Forwarded-For from trusted proxies, read from the right past every trusted hop', () => {
    const c = config({ AUGUR_TRUSTED_PROXIES: '127.0.0.1, 10.0.0.0/8, fd00::/8' });
    expect(callerOf(request({ 'x-forwarded-for': '198.51.100.20' }, '127.0.0.1'), c)).toBe('addr:198.51.100.20');
    // Two proxies in a row; whatever the client wrote further left is not believed.
    expect(callerOf(request({ 'x-forwarded-for': '6.6.6.6, 198.51.100.20, 10.2.3.4' }, '::ffff:127.0.0.1'), c)).toBe('addr:198.51.100.20');
    expect(callerOf(request({ 'x-forwarded-for': '2001:DB8::1, fd00::5' }, '127.0.0.1'), c)).toBe('addr:2001:db8::1');
    expect(callerOf(request({ 'x-forwarded-for': '198.51.100.20:5123' }, '127.0.0.1'), c)).toBe('addr:198.51.100.20');
    // A malformed hop stops the walk at the last proxy believed.
    expect(callerOf(request({ 'x-forwarded-for': 'not-an-ip, 10.9.9.9' }, '127.0.0.1'), c)).toBe('addr:10.9.9.9');
    // Without the header, the proxy itself is the caller.
    expect(callerOf(request({}, '127.0.0.1'), c)).toBe('addr:127.0.0.1');
  });
});

describe('AUGUR_TRUSTED_PROXIES', () => {
  it('accepts IP addresses and CIDR blocks and names the variable for anything else', () => {
    expect(config({ AUGUR_TRUSTED_PROXIES: '10.0.0.1, 10.0.0.0/8,::1,fd00::/8' }).trustedProxies).toEqual([
      '10.0.0.1',
      '10.0.0.0/8',
      '::1',
      'fd00::/8',
    ]);
    expect(config().trustedProxies).toEqual([]);
    for (const bad of ['proxy.internal', '10.0.0.0/33', '10.0.0.0/8/1', 'fd00::/129', '10.0.0.0/']) {
      expect(() => config({ AUGUR_TRUSTED_PROXIES: bad }), bad).toThrow(ConfigError);
      expect(() => config({ AUGUR_TRUSTED_PROXIES: bad }), bad).toThrow(
        /^AUGUR_TRUSTED_PROXIES entries must be IP addresses or CIDR blocks/,
      );
    }
  });
});
