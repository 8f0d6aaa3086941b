import { Injectable } from '@nestjs/common';
import { AccountAdminService } from '../auth/account-admin.service';
import { UnitOfWork } from '../database/unit-of-work';
import { PromoteCommand } from './promote.command';

export type CreateAdminOutcome = 'promoted' | 'admin-exists' | 'not-found';

/**
 * `create-admin EMAIL`: the first administrator of an install. It promotes an account registered
 * through a client, and refuses once any administrator exists (from then on administrators use
 * `PATCH /api/admin/users/:id`, or the operator `promote`), so a provisioning script may run it on
 * every deploy without ever granting a role twice.
 *
 * NOTE: it cannot create the account itself: the server never sees a password, and a usable account
 * needs the key bundle and KDF salt only a client derives from it.
 */
@Injectable()
export class CreateAdminCommand {
  constructor(
    private readonly accounts: AccountAdminService,
    private readonly promote: PromoteCommand,
    private readonly uow: UnitOfWork,
  ) {}

  run(email: string): Promise<CreateAdminOutcome> {
    return this.uow.run(async () => {
      if (await this.accounts.anyAdmin()) return 'admin-exists';
      const outcome = await this.promote.run(email);
      return outcome === 'not-found' ? 'not-found' : 'promoted';
    });
  }
}
