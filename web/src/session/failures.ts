import { ApiError, DecryptionError, NetworkError, RollbackError, SessionExpiredError, TamperingError, WrongPasswordError } from '@mindvault/client';

/** What went wrong, in the terms a page shows; every SDK and HTTP error maps onto one of these. */
export type Failure =
  | { kind: 'wrong-password'; message: string }
  | { kind: 'email-taken'; message: string }
  | { kind: 'rate-limited'; message: string }
  | { kind: 'quota-exceeded'; message: string; limitBytes: number; tier: string }
  | { kind: 'plan-limit'; message: string; limit: number; tier: string }
  | { kind: 'conflict'; message: string }
  | { kind: 'session-expired'; message: string }
  | { kind: 'not-found'; message: string }
  | { kind: 'offline'; message: string }
  | { kind: 'tampered'; message: string }
  | { kind: 'other'; message: string };

export function describeFailure(error: unknown): Failure {
  if (error instanceof WrongPasswordError) return { kind: 'wrong-password', message: 'Wrong password.' };
  if (error instanceof SessionExpiredError) return { kind: 'session-expired', message: 'Your session has ended. Log in again.' };
  if (error instanceof ApiError) {
    switch (error.code) {
      case 'INVALID_CREDENTIALS':
        return { kind: 'wrong-password', message: 'Wrong email or password.' };
      case 'SECOND_FACTOR_REQUIRED':
        return { kind: 'session-expired', message: 'This account needs a code from its authenticator app: log in again.' };
      case 'INVALID_SECOND_FACTOR':
        return { kind: 'wrong-password', message: 'Wrong or already used code.' };
      case 'INVALID_CHALLENGE':
        return { kind: 'session-expired', message: 'The login took too long or had too many wrong codes: log in again.' };
      case 'INVALID_RECOVERY_KEY':
        return { kind: 'wrong-password', message: 'These words are not the recovery key of this account, or they were used already.' };
      case 'RECOVERY_THROTTLED':
        return { kind: 'rate-limited', message: 'Too many recovery attempts for this account. Wait a minute, then try again.' };
      case 'EMAIL_TAKEN':
        return { kind: 'email-taken', message: 'An account with this email already exists. Log in instead.' };
      case 'RATE_LIMITED':
        return { kind: 'rate-limited', message: 'Too many attempts. Wait a minute, then try again.' };
      case 'LOGIN_THROTTLED':
        return { kind: 'rate-limited', message: 'Too many failed logins for this account. Wait a minute, then try again.' };
      case 'STORAGE_QUOTA_EXCEEDED': {
        const limitBytes = typeof error.body['limitBytes'] === 'number' ? error.body['limitBytes'] : 0;
        const tier = typeof error.body['tier'] === 'string' ? error.body['tier'] : 'free';
        return { kind: 'quota-exceeded', message: `Storage full: your ${tier} plan holds ${formatBytes(limitBytes)}.`, limitBytes, tier };
      }
      case 'MAP_LIMIT_REACHED':
      case 'SHARE_LIMIT_REACHED': {
        const limit = typeof error.body['limit'] === 'number' ? error.body['limit'] : 0;
        const tier = typeof error.body['tier'] === 'string' ? error.body['tier'] : 'free';
        const what = error.code === 'MAP_LIMIT_REACHED' ? `${limit} maps: delete one` : `${limit} share links: revoke one`;
        return { kind: 'plan-limit', message: `Your ${tier} plan allows ${what}, or upgrade.`, limit, tier };
      }
      case 'PIN_LIMIT_REACHED': {
        const limit = typeof error.body['limit'] === 'number' ? error.body['limit'] : 0;
        return { kind: 'plan-limit', message: `This map already keeps ${limit} named versions, as many as it may: unpin one in History first.`, limit, tier: '' };
      }
      case 'VERSION_CONFLICT':
        return { kind: 'conflict', message: 'Another device saved this map first.' };
      case 'MAP_NOT_FOUND':
        return { kind: 'not-found', message: 'This map does not exist (or is not yours).' };
      case 'SHARE_NOT_FOUND':
        return { kind: 'not-found', message: 'This link was revoked or has expired.' };
      case 'NO_CONTENT_YET':
        return { kind: 'not-found', message: 'Nothing has been saved in this map yet.' };
      default:
        return { kind: 'other', message: `${error.message} (${error.code})` };
    }
  }
  if (error instanceof NetworkError) return { kind: 'offline', message: 'Cannot reach the server. Check the connection and try again.' };
  if (error instanceof TamperingError) {
    return { kind: 'tampered', message: `Refused: ${error.sentence}. The server (or someone with access to it) changed data it cannot read; nothing was decrypted with it.` };
  }
  if (error instanceof RollbackError) {
    return { kind: 'tampered', message: `Refused: the server presents older data than this browser has already seen (${error.item}). Nothing was overwritten.` };
  }
  if (error instanceof DecryptionError) {
    return { kind: 'tampered', message: 'This data does not decrypt: a wrong key, or it was changed on the way.' };
  }
  return { kind: 'other', message: error instanceof Error ? error.message : String(error) };
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value < 10 ? value.toFixed(1) : Math.round(value)} ${units[unit]}`;
}
