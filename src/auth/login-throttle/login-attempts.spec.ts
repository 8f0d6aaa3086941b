import { describe, expect, it } from 'vitest';
import { lockAfter } from '../ports/login-attempts';
import { MemoryLoginAttempts } from './memory-login-attempts';

const policy = { freeAttempts: 3, maxBackoffS: 10 };

describe('login backoff', () => {
  it('locks 1 s after the last free attempt, then doubles the wait up to the cap', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 50].map((n) => lockAfter(n, policy))).toEqual([0, 0, 1, 2, 4, 8, 10, 10]);
  });

  it('refuses attempts while locked without counting them, and forgets an account after a success', async () => {
    let now = 1_000_000;
    const attempts = new MemoryLoginAttempts(() => now);
    // Exactly the free attempts go ahead at once (docs/api.md: "after 3 attempts each further one must wait").
    for (let i = 0; i < 3; i++) expect(await attempts.take('a', policy)).toBe(0);
    expect(await attempts.take('a', policy)).toBe(1);
    expect(await attempts.take('b', policy)).toBe(0);
    now += 1000;
    expect(await attempts.take('a', policy)).toBe(0);
    expect(await attempts.take('a', policy)).toBe(2);
    now += 2000;
    await attempts.clear('a');
    for (let i = 0; i < 3; i++) expect(await attempts.take('a', policy)).toBe(0);
  });
});
