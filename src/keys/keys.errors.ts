import { AppError } from '../common/errors/app-error';

/** A write of key material made for a key version that is not the account's (stale or skipped). */
export class KeyVersionConflict extends AppError {
  readonly status = 409;
  readonly code = 'KEY_VERSION_CONFLICT';
  constructor(
    readonly currentKeyVersion: number,
    message = `keyVersion must be ${currentKeyVersion}: the account's keys changed`,
  ) {
    super(message);
  }
  override extra() {
    return { currentKeyVersion: this.currentKeyVersion };
  }
}
