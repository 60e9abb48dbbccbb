import { describe, expect, it } from 'vitest';
import { AugurError, ErrorCode } from '../../src/core/errors.js';
import { fieldNamedIn, payload, pointing } from '../../src/resolvers/userErrors.js';

const FIELDS = [
  ['input.remoteHostId', 'remoteHostId', 'remote host'],
  ['input.default', 'default'],
  ['input.name', 'name'],
] as const;

describe('pointing', () => {
  it('finds the input field a platform message names, as a whole word in any case', () => {
    expect(fieldNamedIn('remoteHostId is required for a Database credential.', FIELDS)).toBe('input.remoteHostId');
    expect(fieldNamedIn('Only Database credentials can be a DEFAULT.', FIELDS)).toBe('input.default');
    expect(fieldNamedIn('The remote host is gone.', FIELDS)).toBe('input.remoteHostId');
    // "defaults" and "username" are other words.
    expect(fieldNamedIn('No defaults for username.', FIELDS)).toBeUndefined();
  });

  it('points a refusal that names no parameter at the located field, or at the whole input', async () => {
    const refuse = (error: AugurError) => () => Promise.reject(error);
    const badRequest = new AugurError(ErrorCode.BAD_USER_INPUT, 'Civis rejected: default is Database-only.', { upstreamStatus: 400 });
    const made = () => ({ credential: null as string | null });
    await expect(
      payload(() => pointing(refuse(badRequest), (e) => fieldNamedIn(e.message, FIELDS)), made, { credential: null }),
    ).resolves.toEqual({ credential: null, userErrors: [{ field: ['input', 'default'], code: 'INVALID', message: badRequest.message }] });
    const conflict = new AugurError(ErrorCode.UPSTREAM_ERROR, 'Refused (HTTP 409).', { upstreamStatus: 409 });
    await expect(payload(() => pointing(refuse(conflict), () => undefined), made, { credential: null })).resolves.toMatchObject({
      userErrors: [{ field: ['input'], code: 'CONFLICT' }],
    });
    // A parameter the upstream or Augur already named is kept.
    const named = new AugurError(ErrorCode.BAD_USER_INPUT, 'Bad id.', { param: 'input.id' });
    await expect(payload(() => pointing(refuse(named), () => 'input.name'), made, { credential: null })).resolves.toMatchObject({
      userErrors: [{ field: ['input', 'id'] }],
    });
  });

  it('leaves failures the caller cannot fix alone', async () => {
    const down = new AugurError(ErrorCode.UPSTREAM_UNAVAILABLE, 'Down.', { upstreamStatus: 503 });
    await expect(
      pointing(
        () => Promise.reject(down),
        () => 'input.name',
      ),
    ).rejects.toBe(down);
  });
});
