import { Injectable } from '@nestjs/common';
import { raise } from '../common/errors/raise';
import { UnitOfWork } from '../database/unit-of-work';
import { UserNotFound } from './auth.errors';
import type { AccessChange, Role, User } from './domain/user';
import { UserRepository } from './ports/user.repository';
import { TokenService } from './token.service';
import { emailLookupKeys } from './domain/email-address';

/** An account as administrators see it: no key material, no hashes. */
export interface Account {
  id: string;
  email: string;
  role: Role;
  disabled: boolean;
  createdAt: Date;
}

/** What the admin module may do to accounts: look them up and change who may use the API. */
@Injectable()
export class AccountAdminService {
  constructor(
    private readonly users: UserRepository,
    private readonly tokens: TokenService,
    private readonly uow: UnitOfWork,
  ) {}

  async find(userId: string): Promise<Account | undefined> {
    const user = await this.users.findById(userId);
    return user ? toAccount(user) : undefined;
  }

  async findByEmail(email: string): Promise<Account | undefined> {
    // The operator may type the address as the person did: it names the account its normal form
    // does, or an account registered before normalisation by its own address.
    const user = await this.users.findByAnyEmail(emailLookupKeys(email));
    return user ? toAccount(user) : undefined;
  }

  /** Whether any account is an administrator (disabled ones count: they can be re-enabled). */
  anyAdmin(): Promise<boolean> {
    return this.users.anyAdmin();
  }

  /**
   * Changes role and disabled flag; disabling also ends every session (refresh families revoked,
   * token version moved on), and the access guard reads the flag on every request. Joins the
   * caller's transaction; returns the account before and after.
   */
  changeAccess(userId: string, change: AccessChange): Promise<{ before: Account; after: Account }> {
    return this.uow.run(async () => {
      const before = (await this.find(userId)) ?? raise(new UserNotFound());
      await this.users.updateAccess(userId, change);
      if (change.disabled === true) await this.tokens.revokeAllForUser(userId);
      return { before, after: { ...before, ...change } };
    });
  }
}

function toAccount(user: User): Account {
  return { id: user.id, email: user.email, role: user.role, disabled: user.disabled, createdAt: user.createdAt };
}
