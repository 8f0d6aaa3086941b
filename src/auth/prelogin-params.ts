import { createHmac } from 'node:crypto';
import type { KdfParams } from './domain/user';

/** What the reference client uses for new accounts, so fakes look like real accounts. */
export const DEFAULT_KDF = { memoryKiB: 65536, iterations: 3, parallelism: 1 } as const;

/**
 * KDF parameters for an email with no account: stable per email (HMAC under a server secret), so
 * asking twice cannot reveal that an account does not exist.
 */
export function fakeKdfParams(secret: string, email: string): KdfParams {
  const salt = createHmac('sha256', secret).update(`prelogin-salt:${email.toLowerCase()}`).digest().subarray(0, 16);
  return { algorithm: 'argon2id', salt, ...DEFAULT_KDF };
}
