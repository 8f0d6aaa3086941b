import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { BackoffPolicy, LoginAttempts } from '../../../src/auth/ports/login-attempts';

export interface LoginAttemptsHarness {
  attempts: LoginAttempts;
  /** The same kind of store with its backend unreachable (required when `hasBackend`). */
  unreachable?: () => LoginAttempts;
  cleanup: () => Promise<void>;
}

const policy: BackoffPolicy = { freeAttempts: 3, maxBackoffS: 10 };
const account = () => randomUUID().replaceAll('-', '');

/**
 * The behaviour every LoginAttempts adapter owes the login (the contract in ports/login-attempts.ts).
 * The clock is frozen and moved by hand: adapters read the time from Date.
 */
export function describeLoginAttemptsContract(
  name: string,
  make: () => Promise<LoginAttemptsHarness>,
  options: { hasBackend: boolean; skip?: boolean },
): void {
  // `skip`: the backend is not there (the Redis suite without REDIS_URL, like the other BullMQ-specific tests).
  describe.skipIf(options.skip ?? false)(`LoginAttempts contract: ${name}`, () => {
    let harness: LoginAttemptsHarness | undefined;
    let attempts: LoginAttempts;

    beforeAll(async () => {
      harness = await make();
      attempts = harness.attempts;
    });
    afterAll(() => harness?.cleanup());
    beforeEach(() => {
      vi.useFakeTimers({ toFake: ['Date'] });
      vi.setSystemTime(new Date('2026-03-01T12:00:00.000Z'));
    });
    afterEach(() => {
      vi.useRealTimers();
    });

    const later = (ms: number) => vi.setSystemTime(Date.now() + ms);
    const take = (a: string) => attempts.take(a, policy);
    const takeN = async (a: string, n: number) => {
      const waits: number[] = [];
      for (let i = 0; i < n; i++) waits.push(await take(a));
      return waits;
    };

    it('lets exactly the free attempts go ahead, then answers the seconds to wait (docs/api.md: after 5, each waits)', async () => {
      const a = account();
      expect(await takeN(a, 5)).toEqual([0, 0, 0, 1, 1]);
    });

    it('doubles the wait after each attempt that goes ahead, up to the cap', async () => {
      const a = account();
      await takeN(a, 3);
      const locks: number[] = [];
      for (let i = 0; i < 6; i++) {
        const wait = await take(a);
        locks.push(wait);
        later(wait * 1000);
        expect(await take(a)).toBe(0);
      }
      expect(locks).toEqual([1, 2, 4, 8, 10, 10]);
    });

    it('does not count refused attempts, and answers the wait left in whole seconds, rounded up', async () => {
      const a = account();
      await takeN(a, 4);
      later(1000);
      expect(await take(a)).toBe(0);
      expect(await takeN(a, 10)).toEqual(Array(10).fill(2));
      later(500);
      expect(await take(a)).toBe(2);
      later(1000);
      expect(await take(a)).toBe(1);
      later(500);
      expect(await take(a)).toBe(0);
      // Counted: 3, then 4 and 5; the thirteen refused ones never were.
      expect(await take(a)).toBe(4);
    });

    it("keeps each account's count apart", async () => {
      const [a, b] = [account(), account()];
      await takeN(a, 4);
      expect(await take(a)).toBe(1);
      expect(await takeN(b, 3)).toEqual([0, 0, 0]);
    });

    it('starts the count over after a successful login, and clearing an unknown account does nothing', async () => {
      const a = account();
      await takeN(a, 4);
      await attempts.clear(a);
      expect(await takeN(a, 5)).toEqual([0, 0, 0, 1, 1]);
      await attempts.clear(account());
    });

    it('counts parallel attempts at the start: only as many as a one-by-one run would let through go ahead', async () => {
      const a = account();
      const waits = await Promise.all(Array.from({ length: 20 }, () => take(a)));
      expect(waits.filter((w) => w === 0)).toHaveLength(3);
      expect(waits.filter((w) => w === 1)).toHaveLength(17);
    });

    // Only a store with a backend can lose it: the in-memory one declares no such test.
    if (options.hasBackend) {
      it('lets attempts through while its store is unreachable (the per-IP limit still holds)', async () => {
        const unreachable = harness?.unreachable;
        if (!unreachable) throw new Error(`${name}: a store with a backend must say how to reach none`);
        const down = unreachable();
        expect(await Promise.all(Array.from({ length: 6 }, () => down.take(account(), policy)))).toEqual(Array(6).fill(0));
        await down.clear(account());
      });
    }
  });
}
