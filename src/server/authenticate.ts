/**
 * Who a request comes from: a signed token (`Authorization: Bearer <JWT>`), a gateway key (`x-api-key`, or a bearer
 * credential that is not a JWT), or nobody. Both kinds can be configured at once: machine callers keep their keys,
 * browsers send their users' tokens. A refused request answers 401 with `WWW-Authenticate` and a reason.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { JWTPayload } from 'jose';
import type { ApiKeyCheck } from './apiKeys.js';
import type { AuthConfig } from './config/auth.js';
import { OPEN, scopesOf, type Principal } from './access.js';
import type { TenantDirectory } from './tenants.js';
import { KeySetUnavailable, looksLikeJwt, TokenError, type TokenRefusal, type TokenVerifier } from './tokens.js';

export type Authentication =
  | {
      principal: Principal;
      /**
       * When a token's credential stops being accepted (epoch ms: its `exp` plus the clock skew tolerance); unset for
       * keys and tokens without `exp`. A connection that outlives its token (WebSocket) is closed then.
       */
      expiresAt?: number;
    }
  | {
      refusal: {
        status: 401 | 503;
        /** `WWW-Authenticate` (401 only). */
        challenge?: string;
        reason: TokenRefusal | 'key_required' | 'keys_unavailable';
        message: string;
      };
    };

const REALM = 'Bearer realm="augur"';

export class Authenticator {
  constructor(
    private readonly config: AuthConfig,
    private readonly apiKeys: ApiKeyCheck,
    private readonly verifier: TokenVerifier | undefined,
    private readonly tenants: TenantDirectory | undefined,
  ) {}

  /** The principal of a request that carries no HTTP headers (executeOperation): anonymous once tokens are on. */
  get defaultPrincipal(): Principal {
    return this.verifier ? { kind: 'anonymous' } : OPEN;
  }

  async authenticate(headers: IncomingHttpHeaders): Promise<Authentication> {
    const auth = headers.authorization;
    const bearer = auth?.startsWith('Bearer ') ? auth.slice(7).trim() : undefined;
    if (this.verifier && bearer !== undefined && headers['x-api-key'] === undefined && looksLikeJwt(bearer)) {
      return this.token(bearer);
    }
    if (this.apiKeys.enabled) {
      if (this.apiKeys.allows(headers)) return { principal: { kind: 'key' } };
      return {
        refusal: {
          status: 401,
          challenge: REALM,
          reason: 'key_required',
          message: this.verifier
            ? 'A valid signed token or Augur API key is required: send "Authorization: Bearer <token or key>" or "x-api-key".'
            : 'A valid Augur API key is required: send it as "Authorization: Bearer <key>" or "x-api-key".',
        },
      };
    }
    if (!this.verifier) return { principal: OPEN };
    if (bearer !== undefined) {
      return {
        refusal: {
          status: 401,
          challenge: `${REALM}, error="invalid_token", error_description="malformed"`,
          reason: 'malformed',
          message: 'The bearer credential is not a signed JWT.',
        },
      };
    }
    return { principal: { kind: 'anonymous' } };
  }

  private async token(token: string): Promise<Authentication> {
    let claims: JWTPayload;
    try {
      claims = await this.verifier!.verify(token);
    } catch (err) {
      if (err instanceof KeySetUnavailable) {
        return { refusal: { status: 503, reason: 'keys_unavailable', message: 'Tokens cannot be checked right now; retry shortly.' } };
      }
      return this.refusal(err as TokenError);
    }
    const jwt = this.config.jwt!;
    const principal: Principal = {
      kind: 'token',
      scopes: scopesOf(claims[jwt.scopeClaim], jwt.scopeMap),
      ...(typeof claims.sub === 'string' ? { subject: claims.sub } : {}),
      ...(typeof claims.iss === 'string' ? { issuer: claims.iss } : {}),
    };
    if (this.tenants?.enabled && this.config.tenantClaim) {
      const tenant = claims[this.config.tenantClaim];
      if (typeof tenant !== 'string' || tenant === '') {
        return this.refusal(new TokenError('tenant_missing', `The token names no tenant (claim "${this.config.tenantClaim}").`));
      }
      if (!this.tenants.get(tenant))
        return this.refusal(new TokenError('tenant_unknown', "The token's tenant is not configured in Augur."));
      principal.tenant = tenant;
    }
    if (typeof claims.exp !== 'number') return { principal };
    return { principal, expiresAt: (claims.exp + jwt.clockSkewSeconds) * 1000 };
  }

  private refusal(err: TokenError): Authentication {
    if (!(err instanceof TokenError)) err = new TokenError('malformed', 'The token is not a well-formed signed JWT.');
    return {
      refusal: {
        status: 401,
        challenge: `${REALM}, error="invalid_token", error_description="${err.reason}"`,
        reason: err.reason,
        message: err.message,
      },
    };
  }
}
