/**
 * Signed tokens (`AUGUR_JWT_*`): verification with `jose` against a key set fetched from a JWKS URL or read from a
 * local file. The key set is cached; a token naming an unknown `kid` prompts a fresh read at most once per
 * `jwksRefreshMs` (a minute by default), so a stream of forged `kid`s cannot make Augur hammer the identity provider.
 * Only the configured asymmetric algorithms are accepted (never `none`, never HMAC), and `exp`/`nbf` are checked with
 * the configured clock skew. A refusal says why with a stable reason, never which key was tried.
 */
import { readFile } from 'node:fs/promises';
import { createLocalJWKSet, errors as joseErrors, jwtVerify, type JSONWebKeySet, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import type { JwtConfig } from './config/auth.js';

/** Why a token was refused: sent in `WWW-Authenticate` and `extensions.reason`. */
export type TokenRefusal =
  | 'malformed'
  | 'algorithm_not_allowed'
  | 'unknown_key'
  | 'bad_signature'
  | 'expired'
  | 'not_yet_valid'
  | 'wrong_issuer'
  | 'wrong_audience'
  | 'invalid_claims'
  | 'tenant_missing'
  | 'tenant_unknown';

/** A token Augur will not accept; `reason` is safe to show. */
export class TokenError extends Error {
  constructor(
    readonly reason: TokenRefusal,
    message: string,
  ) {
    super(message);
    this.name = 'TokenError';
  }
}

/** The key set could not be read (the identity provider is down, the file is gone): Augur's problem, not the caller's. */
export class KeySetUnavailable extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'KeySetUnavailable';
  }
}

export interface KeySetOptions {
  /** Shortest time between two reads prompted by an unknown `kid`, in ms. */
  refreshMs: number;
  /** A key set older than this is read again before use, in ms (keys retired by the provider stop working). */
  maxAgeMs?: number;
  now?: () => number;
  /** How long a JWKS URL may take to answer, in ms. */
  timeoutMs?: number;
}

/**
 * A cached JWKS read from a URL or a file. Reads are shared: concurrent tokens with an unknown `kid` wait for the same
 * read. `reads` counts them (tests and metrics).
 */
export class KeySet {
  private keys: JWTVerifyGetKey | undefined;
  private readAt = Number.NEGATIVE_INFINITY;
  private reading: Promise<void> | undefined;
  reads = 0;

  constructor(
    private readonly source: { url: string } | { file: string },
    private readonly options: KeySetOptions,
  ) {}

  /** The key for a token's protected header, re-reading the set (within the refresh interval) for an unknown `kid`. */
  readonly getKey: JWTVerifyGetKey = async (header, token) => {
    const now = this.now();
    if (!this.keys || now - this.readAt > (this.options.maxAgeMs ?? 600_000)) await this.read();
    try {
      return await this.keys!(header, token);
    } catch (err) {
      if (!(err instanceof joseErrors.JWKSNoMatchingKey) || this.now() - this.readAt < this.options.refreshMs) throw err;
      await this.read();
      return await this.keys!(header, token);
    }
  };

  private now(): number {
    return (this.options.now ?? Date.now)();
  }

  private read(): Promise<void> {
    this.reading ??= this.load().finally(() => {
      this.reading = undefined;
    });
    return this.reading;
  }

  private async load(): Promise<void> {
    this.reads++;
    // Counted as read even when it fails, so an unreachable provider is not asked again for every token.
    this.readAt = this.now();
    let text: string;
    try {
      if ('url' in this.source) {
        const res = await fetch(this.source.url, {
          headers: { accept: 'application/jwk-set+json, application/json' },
          signal: AbortSignal.timeout(this.options.timeoutMs ?? 5000),
        });
        if (!res.ok) throw new Error(`HTTP ${res.status}`);
        text = await res.text();
      } else {
        text = await readFile(this.source.file, 'utf8');
      }
    } catch (err) {
      if (this.keys) return; // keep the keys already known
      throw new KeySetUnavailable(`The token signing keys could not be read: ${(err as Error).message}.`);
    }
    let jwks: JSONWebKeySet;
    try {
      jwks = JSON.parse(text) as JSONWebKeySet;
      this.keys = createLocalJWKSet(jwks);
    } catch (err) {
      if (this.keys) return;
      throw new KeySetUnavailable(`The token signing keys are not a JSON Web Key Set: ${(err as Error).message}.`);
    }
  }
}

/** Whether a bearer credential has the shape of a JWT (three base64url parts), as opposed to a gateway key. */
export function looksLikeJwt(credential: string): boolean {
  return /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*$/.test(credential);
}

/** Verifies tokens against the configured key set, issuer, audience and algorithms. */
export class TokenVerifier {
  readonly keys: KeySet;

  constructor(
    private readonly config: JwtConfig,
    options: { now?: () => number } = {},
  ) {
    this.keys = new KeySet(config.jwksUrl ? { url: config.jwksUrl } : { file: config.jwksFile! }, {
      refreshMs: config.jwksRefreshMs,
      ...(options.now ? { now: options.now } : {}),
    });
  }

  /** The token's claims, or a TokenError saying why it is refused (KeySetUnavailable when the keys cannot be read). */
  async verify(token: string): Promise<JWTPayload> {
    try {
      const { payload } = await jwtVerify(token, this.keys.getKey, {
        issuer: this.config.issuers,
        audience: this.config.audiences,
        algorithms: this.config.algorithms,
        clockTolerance: this.config.clockSkewSeconds,
      });
      return payload;
    } catch (err) {
      throw refusalOf(err);
    }
  }
}

function refusalOf(err: unknown): Error {
  if (err instanceof KeySetUnavailable) return err;
  if (err instanceof joseErrors.JWTExpired) return new TokenError('expired', 'The token has expired; get a new one.');
  if (err instanceof joseErrors.JWTClaimValidationFailed) {
    switch (err.claim) {
      case 'nbf':
        return new TokenError('not_yet_valid', 'The token is not valid yet (nbf); check the clocks or wait.');
      case 'iss':
        return new TokenError('wrong_issuer', 'The token was issued by an issuer Augur does not accept (iss).');
      case 'aud':
        return new TokenError('wrong_audience', 'The token is meant for another audience (aud); request one for Augur.');
      default:
        return new TokenError('invalid_claims', `The token's "${err.claim}" claim is not acceptable.`);
    }
  }
  if (err instanceof joseErrors.JOSEAlgNotAllowed)
    return new TokenError('algorithm_not_allowed', 'The token is signed with an algorithm Augur does not accept.');
  if (err instanceof joseErrors.JWKSNoMatchingKey || err instanceof joseErrors.JWKSMultipleMatchingKeys) {
    return new TokenError('unknown_key', 'The token is signed with a key Augur does not know.');
  }
  if (err instanceof joseErrors.JWSSignatureVerificationFailed)
    return new TokenError('bad_signature', 'The token signature does not verify.');
  return new TokenError('malformed', 'The token is not a well-formed signed JWT.');
}
