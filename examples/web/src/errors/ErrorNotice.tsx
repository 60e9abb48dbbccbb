/**
 * Shows what went wrong the way Augur says it: each error's `extensions.code`, and what the user can do about it.
 * `RATE_LIMITED` counts its `retryAfter` down and offers the retry when it reaches zero.
 */
import { useEffect, useState } from 'react';
import type { CombinedError } from 'urql';

interface AugurError {
  message: string;
  code: string;
  extensions: Record<string, unknown>;
}

/** A string extension (`platform`, `limit`), or `fallback` when it is absent or not a string. */
function text(e: AugurError, key: string, fallback: string): string {
  const value = e.extensions[key];
  return typeof value === 'string' ? value : fallback;
}

/** What to do about each code Augur answers (see docs/errors-and-limits.md). */
const ADVICE: Record<string, (e: AugurError) => string> = {
  RATE_LIMITED: () => 'The platform is rate limiting these requests; retry once the countdown ends.',
  SERVER_BUSY: () => 'Augur is busy; retry in a moment.',
  UNAUTHENTICATED: (e) =>
    e.extensions['platform']
      ? `Check the ${text(e, 'platform', '')} credentials Augur uses.`
      : e.extensions['reason'] === 'key_required'
        ? 'Augur requires a key or a token: paste a token above.'
        : e.extensions['reason']
          ? `Augur did not accept the token (${text(e, 'reason', '')}): paste a valid one above.`
          : 'Send a valid Augur API key.',
  FORBIDDEN: (e) =>
    e.extensions['reason'] === 'unauthenticated'
      ? 'Augur requires a token for this: paste one above.'
      : e.extensions['reason'] === 'missing_scope'
        ? `The token lacks the scope for this (${JSON.stringify(e.extensions['requiredScopes'])}).`
        : 'This key may not do that.',
  NOT_FOUND: () => 'It no longer exists; reload the list.',
  BAD_USER_INPUT: (e) => (e.extensions['field'] ? `Fix the input ${JSON.stringify(e.extensions['field'])}.` : 'Fix the input.'),
  LIMIT_EXCEEDED: (e) => `Ask for less: the operation is past Augur's ${text(e, 'limit', '')} limit.`,
  UPSTREAM_UNAVAILABLE: (e) => `${text(e, 'platform', 'A platform')} is unavailable; retry later.`,
  UPSTREAM_TIMEOUT: (e) => `${text(e, 'platform', 'A platform')} did not answer in time; retry later.`,
  UPSTREAM_ERROR: (e) => `${text(e, 'platform', 'A platform')} failed; retry, and report the request id if it persists.`,
  OPERATION_TIMEOUT: () => 'The operation took too long; ask for less or retry.',
  NETWORK_ERROR: () => 'Augur did not answer: is it running (npm start), and does AUGUR_CORS_ORIGINS allow this page?',
};

function errorsOf(error: CombinedError): AugurError[] {
  if (error.graphQLErrors.length > 0)
    return error.graphQLErrors.map((e) => ({
      message: e.message,
      code: typeof e.extensions['code'] === 'string' ? e.extensions['code'] : 'INTERNAL_SERVER_ERROR',
      extensions: e.extensions,
    }));
  return [{ message: error.networkError?.message ?? error.message, code: 'NETWORK_ERROR', extensions: {} }];
}

function Countdown({ seconds, onDone }: { seconds: number; onDone?: () => void }) {
  const [left, setLeft] = useState(seconds);
  useEffect(() => {
    if (left <= 0) return undefined;
    const timer = setTimeout(() => setLeft((s) => s - 1), 1000);
    return () => clearTimeout(timer);
  }, [left]);
  if (left > 0) return <span data-testid="retry-countdown"> Retry in {left} s.</span>;
  return onDone ? (
    <button type="button" onClick={onDone}>
      Retry
    </button>
  ) : null;
}

export function ErrorNotice({ error, onRetry }: { error: CombinedError; onRetry?: () => void }) {
  return (
    <>
      {errorsOf(error).map((e, i) => (
        <div className="error" role="alert" key={i} data-code={e.code}>
          <code>{e.code}</code> {e.message} <em>{(ADVICE[e.code] ?? (() => 'Retry, and report the request id if it persists.'))(e)}</em>
          {e.code === 'RATE_LIMITED' && typeof e.extensions['retryAfter'] === 'number' ? (
            <Countdown seconds={e.extensions['retryAfter']} onDone={onRetry} />
          ) : null}
          {typeof e.extensions['requestId'] === 'string' ? <small> (request {e.extensions['requestId']})</small> : null}
        </div>
      ))}
    </>
  );
}
