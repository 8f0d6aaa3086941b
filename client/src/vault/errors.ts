/** Errors of the account flows, for callers that branch on them (the CLI's messages). */

/**
 * The password did not open the account's private keys. Login catches a wrong password earlier
 * (the server answers INVALID_CREDENTIALS); this is the unlock of a device that still holds a
 * session, or the current password of a password change.
 */
export class WrongPasswordError extends Error {
  override readonly name = 'WrongPasswordError';
  readonly code = 'WRONG_PASSWORD';

  constructor(options?: { cause?: unknown }) {
    super('wrong password: it does not open this account\'s keys', options);
  }
}
