import { Injectable } from '@nestjs/common';
import { Unauthenticated } from '../common/errors/common.errors';
import { raise } from '../common/errors/raise';
import { KeyVersionConflict } from './keys.errors';
import { AccountKeyLock, AccountKeyState } from './ports/account-key-lock';

/**
 * Rule: every write of key material names the keyVersion it was made for and is checked under the
 * account's row lock, in the transaction that writes it. A rotation holds the same lock from its
 * check to its commit, so a write lands wholly before it (and the rotation must cover it) or
 * after it (and is refused as stale): nothing is written for retired keys.
 */
@Injectable()
export class KeyVersionGuard {
  constructor(private readonly lock: AccountKeyLock) {}

  /** Locks the account's key state until the enclosing transaction ends. */
  async hold(userId: string): Promise<AccountKeyState> {
    return (await this.lock.lock(userId)) ?? raise(new Unauthenticated());
  }

  /** hold, then KEY_VERSION_CONFLICT unless `keyVersion` is the account's current one. */
  async holdCurrent(userId: string, keyVersion: number): Promise<AccountKeyState> {
    const state = await this.hold(userId);
    if (keyVersion !== state.keyVersion) {
      throw new KeyVersionConflict(state.keyVersion, `keyVersion ${keyVersion} is not the account's current ${state.keyVersion}: fetch the keys again`);
    }
    return state;
  }
}
