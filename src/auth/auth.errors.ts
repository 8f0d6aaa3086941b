import { AppError } from '../common/errors/app-error';

export class EmailTaken extends AppError {
  readonly status = 409;
  readonly code = 'EMAIL_TAKEN';
  constructor() {
    super('an account with this email exists');
  }
}

/** An email that would look like another account's: invisible characters, mixed scripts, lookalikes. */
export class EmailNotAccepted extends AppError {
  readonly status = 400;
  readonly code = 'EMAIL_NOT_ACCEPTED';
  constructor(reason: string) {
    super(reason);
  }
}

export class InvalidCredentials extends AppError {
  readonly status = 401;
  readonly code = 'INVALID_CREDENTIALS';
  constructor(message = 'email or auth key is wrong') {
    super(message);
  }
}

export class InvalidRefreshToken extends AppError {
  readonly status = 401;
  readonly code = 'INVALID_REFRESH_TOKEN';
  constructor() {
    super('refresh token is invalid, expired or revoked');
  }
}

export class RefreshReused extends AppError {
  readonly status = 401;
  readonly code = 'REFRESH_REUSED';
  constructor() {
    super('refresh token was already used; every session of this login is revoked');
  }
}

export class AccountDisabled extends AppError {
  readonly status = 403;
  readonly code = 'ACCOUNT_DISABLED';
  constructor() {
    super('this account is disabled');
  }
}

/** A version envelope the rotation left out: the map's and its old wrappedDek (base64). */
export interface MissingVersionEnvelope {
  mapId: string;
  wrappedDek: string;
}

export class RotationIncomplete extends AppError {
  readonly status = 400;
  readonly code = 'ROTATION_INCOMPLETE';
  constructor(
    readonly missingMapIds: string[],
    readonly missingVersionEnvelopes: MissingVersionEnvelope[] = [],
  ) {
    super('every owned map, and every distinct envelope of its versions, needs a new envelope');
  }
  override extra() {
    return { missingMapIds: this.missingMapIds, missingVersionEnvelopes: this.missingVersionEnvelopes };
  }
}

export class UserNotFound extends AppError {
  readonly status = 404;
  readonly code = 'USER_NOT_FOUND';
  constructor() {
    super('user not found');
  }
}

/** A per-account backoff said wait: answered the same whether or not the account exists. */
abstract class AccountThrottled extends AppError {
  readonly status = 429;
  constructor(
    readonly retryAfterS: number,
    message: string,
  ) {
    super(message);
  }
  override extra() {
    return { retryAfterS: this.retryAfterS };
  }
  override headers(): Record<string, string> {
    return { 'retry-after': String(this.retryAfterS) };
  }
}

/** Too many login attempts on one account. */
export class LoginThrottled extends AccountThrottled {
  readonly code = 'LOGIN_THROTTLED';
  constructor(retryAfterS: number) {
    super(retryAfterS, 'too many login attempts for this account, retry later');
  }
}

/**
 * The recovery key's proof is wrong, the account has no recovery key, or the email is unknown:
 * one answer for all three. Also a proof already spent: a used recovery key is replaced.
 */
export class InvalidRecoveryKey extends AppError {
  readonly status = 401;
  readonly code = 'INVALID_RECOVERY_KEY';
  constructor() {
    super('the recovery key is wrong, already used, or the account has none');
  }
}

/** Too many recovery attempts on one account. */
export class RecoveryThrottled extends AccountThrottled {
  readonly code = 'RECOVERY_THROTTLED';
  constructor(retryAfterS: number) {
    super(retryAfterS, 'too many recovery attempts for this account, retry later');
  }
}
