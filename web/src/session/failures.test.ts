import { ApiError, NetworkError, WrongPasswordError } from '@mindvault/client';
import { describe, expect, it } from 'vitest';
import { describeFailure, formatBytes } from './failures';

describe('describeFailure', () => {
  it('turns the contract codes a person can meet into plain sentences', () => {
    expect(describeFailure(new ApiError(401, 'INVALID_CREDENTIALS', 'x'))).toEqual({ kind: 'wrong-password', message: 'Wrong email or password.' });
    expect(describeFailure(new WrongPasswordError()).kind).toBe('wrong-password');
    expect(describeFailure(new ApiError(409, 'EMAIL_TAKEN', 'x')).message).toBe('An account with this email already exists. Log in instead.');
    expect(describeFailure(new ApiError(429, 'RATE_LIMITED', 'x')).kind).toBe('rate-limited');
    expect(describeFailure(new ApiError(412, 'VERSION_CONFLICT', 'x')).kind).toBe('conflict');
    expect(describeFailure(new NetworkError('down')).kind).toBe('offline');
  });

  it('names the limit and the plan of a quota or plan refusal', () => {
    expect(describeFailure(new ApiError(413, 'STORAGE_QUOTA_EXCEEDED', 'x', { tier: 'free', limitBytes: 100 * 1024 * 1024, projectedBytes: 1 }))).toEqual({
      kind: 'quota-exceeded',
      message: 'Storage full: your free plan holds 100 MiB.',
      limitBytes: 100 * 1024 * 1024,
      tier: 'free',
    });
    expect(describeFailure(new ApiError(403, 'MAP_LIMIT_REACHED', 'x', { tier: 'free', limit: 50 })).message).toBe('Your free plan allows 50 maps: delete one, or upgrade.');
    expect(describeFailure(new ApiError(403, 'SHARE_LIMIT_REACHED', 'x', { tier: 'pro', limit: 200 })).message).toBe('Your pro plan allows 200 share links: revoke one, or upgrade.');
  });

  it('keeps an unknown code visible instead of hiding it', () => {
    expect(describeFailure(new ApiError(500, 'INTERNAL', 'boom')).message).toBe('boom (INTERNAL)');
  });
});

describe('formatBytes', () => {
  it('uses binary units', () => {
    expect([formatBytes(512), formatBytes(1536), formatBytes(100 * 1024 * 1024), formatBytes(10 * 1024 ** 3)]).toEqual(['512 B', '1.5 KiB', '100 MiB', '10 GiB']);
  });
});
