import { AppError } from '../common/errors/app-error';

/**
 * The password was right and the account has a second factor: no tokens yet. The login finishes
 * at POST /api/auth/login/second-factor with this challenge token and a code.
 */
export class SecondFactorRequired extends AppError {
  readonly status = 401;
  readonly code = 'SECOND_FACTOR_REQUIRED';
  constructor(
    readonly challengeToken: string,
    readonly expiresInS: number,
    readonly methods: string[],
  ) {
    super('this account needs a second factor: send a TOTP or backup code, or a passkey signature, with the challenge token');
  }
  override extra() {
    return { challengeToken: this.challengeToken, expiresInS: this.expiresInS, methods: this.methods };
  }
}

export class InvalidSecondFactor extends AppError {
  readonly status = 401;
  readonly code = 'INVALID_SECOND_FACTOR';
  constructor() {
    super('the code is wrong, expired or already used');
  }
}

export class InvalidChallenge extends AppError {
  readonly status = 401;
  readonly code = 'INVALID_CHALLENGE';
  constructor() {
    super('the login challenge is unknown, expired, used or closed after too many wrong codes: log in again');
  }
}

export class SecondFactorEnabled extends AppError {
  readonly status = 409;
  readonly code = 'SECOND_FACTOR_ENABLED';
  constructor() {
    super('a second factor is already enabled: disable it first');
  }
}

export class SecondFactorNotEnabled extends AppError {
  readonly status = 409;
  readonly code = 'SECOND_FACTOR_NOT_ENABLED';
  constructor() {
    super('no second factor is enabled on this account');
  }
}

export class NoPendingEnrolment extends AppError {
  readonly status = 409;
  readonly code = 'NO_PENDING_ENROLMENT';
  constructor(message = 'no TOTP enrolment is waiting for confirmation: start one first') {
    super(message);
  }
}

export class PasskeyNotFound extends AppError {
  readonly status = 404;
  readonly code = 'PASSKEY_NOT_FOUND';
  constructor() {
    super('no such passkey on this account');
  }
}
