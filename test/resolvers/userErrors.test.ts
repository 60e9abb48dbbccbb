import { describe, expect, it } from 'vitest';
import { AugurError, ErrorCode } from '../../src/core/errors.js';
import { inputPath, payload, userErrorOf } from '../../src/resolvers/userErrors.js';

describe('userErrors', () => {
  it('roots a parameter at the input argument, whichever way it was named', () => {
    expect(inputPath('email')).toEqual(['input', 'email']);
    expect(inputPath('input.meta')).toEqual(['input', 'meta']);
    expect(inputPath('meta.tier')).toEqual(['input', 'meta', 'tier']);
    expect(inputPath('rows[2].name', 'history')).toEqual(['history', 'rows', '2', 'name']);
    expect(inputPath(undefined)).toEqual([]);
  });

  it('turns what the caller can fix into a UserError and nothing else', () => {
    const bad = new AugurError(ErrorCode.BAD_USER_INPUT, 'Not an email address.', { param: 'email' });
    expect(userErrorOf(bad)).toEqual({ field: ['input', 'email'], code: 'INVALID', message: 'Not an email address.' });
    expect(userErrorOf(new AugurError(ErrorCode.BAD_USER_INPUT, 'Required.', { param: 'name', reason: 'required' }))?.code).toBe(
      'REQUIRED',
    );
    expect(userErrorOf(new AugurError(ErrorCode.UPSTREAM_ERROR, 'Taken.', { upstreamStatus: 409 }))?.code).toBe('CONFLICT');
    expect(userErrorOf(new AugurError(ErrorCode.UPSTREAM_ERROR, 'Plan.', { upstreamStatus: 402 }))?.code).toBe('LIMIT_REACHED');
    expect(userErrorOf(new AugurError(ErrorCode.UPSTREAM_ERROR, 'Down.', { upstreamStatus: 500 }))).toBeUndefined();
    expect(userErrorOf(new Error('boom'))).toBeUndefined();
  });

  it('answers a payload with its result, or empty with the user error, and rethrows the rest', async () => {
    const make = (name: string): { contact: { name: string } | null } => ({ contact: { name } });
    await expect(payload(async () => 'Ada', make, { contact: null })).resolves.toEqual({ contact: { name: 'Ada' }, userErrors: [] });
    const refused = await payload(
      async () => {
        throw new AugurError(ErrorCode.BAD_USER_INPUT, 'Too long.', { param: 'name' });
      },
      make,
      { contact: null },
    );
    expect(refused).toEqual({ contact: null, userErrors: [{ field: ['input', 'name'], code: 'INVALID', message: 'Too long.' }] });
    const down = new AugurError(ErrorCode.UPSTREAM_UNAVAILABLE, 'Down.');
    await expect(
      payload(
        async () => {
          throw down;
        },
        make,
        { contact: null },
      ),
    ).rejects.toBe(down);
  });
});
