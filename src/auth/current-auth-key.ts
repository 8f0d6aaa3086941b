import { Injectable } from '@nestjs/common';
import { Unauthenticated } from '../common/errors/common.errors';
import { raise } from '../common/errors/raise';
import { InvalidCredentials } from './auth.errors';
import { AuthKeyHasher } from './auth-key-hasher';
import { UserRepository } from './ports/user.repository';

/**
 * The password's proof that rotation, password change and account deletion need beside the
 * bearer token: a stolen access token alone must not replace the account's keys or delete it.
 */
@Injectable()
export class CurrentAuthKeyCheck {
  constructor(
    private readonly users: UserRepository,
    private readonly hasher: AuthKeyHasher,
  ) {}

  /**
   * INVALID_CREDENTIALS unless `currentAuthKey` is the account's. Returns the hash it matched, for
   * the caller to confirm under the account lock that no password change slipped in between.
   */
  async verify(userId: string, currentAuthKey: Buffer): Promise<string> {
    const user = (await this.users.findById(userId)) ?? raise(new Unauthenticated());
    if (!(await this.hasher.verify(user.authKeyHash, currentAuthKey))) throw new InvalidCredentials('currentAuthKey is wrong');
    return user.authKeyHash;
  }
}
