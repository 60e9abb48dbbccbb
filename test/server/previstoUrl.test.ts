import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/server/config.js';

describe('parseConfig PREVISTO_URL', () => {
  it('refuses a plain http:// URL to another host, naming the variable and the way out', () => {
    for (const url of ['http://api.previsto.io', 'http://10.0.0.5:4104', 'http://emulators:4104/']) {
      expect(() => parseConfig({ PREVISTO_URL: url }), url).toThrow(
        /PREVISTO_URL is plain http:\/\/.*HTTPS.*AUGUR_PREVISTO_ALLOW_HTTP=true/,
      );
    }
  });

  it('accepts https, loopback http, and http to another host when allowed', () => {
    for (const url of ['https://api.previsto.io', 'http://127.0.0.1:4104', 'http://localhost:4104', 'http://[::1]:4104']) {
      expect(parseConfig({ PREVISTO_URL: url }).platforms.previsto.url, url).toBe(url);
    }
    const allowed = parseConfig({ PREVISTO_URL: 'http://emulators:4104', AUGUR_PREVISTO_ALLOW_HTTP: 'true' });
    expect(allowed.platforms.previsto.url).toBe('http://emulators:4104');
    expect(() => parseConfig({ PREVISTO_URL: 'http://emulators:4104', AUGUR_PREVISTO_ALLOW_HTTP: 'maybe' })).toThrow(
      /AUGUR_PREVISTO_ALLOW_HTTP/,
    );
  });

  it('does not hold the other platforms to it', () => {
    expect(parseConfig({ CIVIS_API_ENDPOINT: 'http://civis.internal' }).platforms.civis.url).toBe('http://civis.internal');
  });
});

describe('parseConfig DATAIKU_BEARER_TOKEN', () => {
  it('reads the deployment bearer token, unset by default', () => {
    expect(parseConfig({}).dataiku.bearerToken).toBeUndefined();
    expect(parseConfig({ DATAIKU_BEARER_TOKEN: 'eyJ.a.b' }).dataiku.bearerToken).toBe('eyJ.a.b');
  });
});
