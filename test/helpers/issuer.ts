/**
 * A local identity provider for tests: RSA and EC signing keys, a JWKS served over HTTP (with a count of the reads,
 * and rotation), and tokens built with `jose`, valid or broken in every way a test needs.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK, type JWTPayload } from 'jose';

export const ISSUER = 'https://login.test.augur/';
export const AUDIENCE = 'augur';

export interface SigningKey {
  kid: string;
  alg: 'RS256' | 'ES256';
  privateKey: CryptoKey;
  publicJwk: JWK;
}

export async function signingKey(alg: 'RS256' | 'ES256', kid: string): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  return { kid, alg, privateKey, publicJwk: { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' } };
}

export interface TokenOptions {
  key?: SigningKey;
  /** Seconds from now; negative for an expired token. Default 300. */
  expiresIn?: number;
  /** `nbf`, seconds from now. */
  notBefore?: number;
  issuer?: string;
  audience?: string;
  /** Overrides the `kid` header (for an unknown key). */
  kid?: string;
}

export class TestIssuer {
  /** Keys the JWKS endpoint publishes. */
  published: SigningKey[];
  /** JWKS reads served. */
  reads = 0;

  private constructor(
    private readonly server: http.Server,
    readonly rsa: SigningKey,
    readonly ec: SigningKey,
  ) {
    this.published = [rsa, ec];
  }

  static async start(): Promise<TestIssuer> {
    const [rsa, ec] = await Promise.all([signingKey('RS256', 'rsa-1'), signingKey('ES256', 'ec-1')]);
    const state: { issuer?: TestIssuer } = {};
    const server = http.createServer((req, res) => {
      const issuer = state.issuer;
      if (req.url !== '/.well-known/jwks.json' || !issuer) {
        res.writeHead(404).end();
        return;
      }
      issuer.reads++;
      const body = JSON.stringify(issuer.jwks());
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }).end(body);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    state.issuer = new TestIssuer(server, rsa, ec);
    return state.issuer;
  }

  get jwksUrl(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/.well-known/jwks.json`;
  }

  jwks(): { keys: JWK[] } {
    return { keys: this.published.map((k) => k.publicJwk) };
  }

  /** The gateway configuration that trusts this issuer. */
  env(extra: Record<string, string> = {}): Record<string, string> {
    return { AUGUR_JWT_JWKS_URL: this.jwksUrl, AUGUR_JWT_ISSUER: ISSUER, AUGUR_JWT_AUDIENCE: AUDIENCE, ...extra };
  }

  async token(claims: JWTPayload, options: TokenOptions = {}): Promise<string> {
    const key = options.key ?? this.rsa;
    const now = Math.floor(Date.now() / 1000);
    const jwt = new SignJWT({ sub: 'user-1', ...claims })
      .setProtectedHeader({ alg: key.alg, kid: options.kid ?? key.kid, typ: 'JWT' })
      .setIssuer(options.issuer ?? ISSUER)
      .setAudience(options.audience ?? AUDIENCE)
      .setIssuedAt(now)
      .setExpirationTime(now + (options.expiresIn ?? 300));
    if (options.notBefore !== undefined) jwt.setNotBefore(now + options.notBefore);
    return jwt.sign(key.privateKey);
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

/** base64url of a JSON value or a buffer. */
export function b64url(value: unknown): string {
  return Buffer.from(Buffer.isBuffer(value) ? value : JSON.stringify(value)).toString('base64url');
}

export const bearer = (token: string): Record<string, string> => ({ authorization: `Bearer ${token}` });
