/**
 * The signed token sent to Augur as `Authorization: Bearer …`, for an Augur that requires one (docs/auth.md;
 * `npm run -s token` mints a development token). A pasted token is kept in this browser's localStorage; forgetting it
 * falls back to `VITE_AUGUR_TOKEN`, if the app was started or built with one.
 */
import { useState } from 'react';
import { cleanToken, tokenClaims } from '../client.js';

function describe(token: string): string {
  const claims = tokenClaims(token);
  if (!claims) return 'a token that is not a JWT';
  const who = [claims.sub, claims.org && `tenant ${claims.org}`].filter(Boolean).join(', ');
  const until = claims.exp ? `, expires ${new Date(claims.exp * 1000).toLocaleTimeString()}` : '';
  return `${who || 'a token'}${until}`;
}

export function TokenField({ token, onChange }: { token: string; onChange: (token: string) => void }) {
  const [typed, setTyped] = useState('');
  return (
    <form
      className="token"
      onSubmit={(e) => {
        e.preventDefault();
        onChange(cleanToken(typed));
        setTyped('');
      }}
    >
      <span data-testid="token-status">{token ? `Token: ${describe(token)}` : 'No token'}</span>
      <input
        type="password"
        placeholder="Paste a token (JWT)"
        autoComplete="off"
        value={typed}
        onChange={(e) => setTyped(e.target.value)}
        aria-label="Token"
      />
      <button type="submit" disabled={!cleanToken(typed)}>
        Use token
      </button>
      {token ? (
        <button type="button" onClick={() => onChange('')}>
          Forget token
        </button>
      ) : null}
    </form>
  );
}
