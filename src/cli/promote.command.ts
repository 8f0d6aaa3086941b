import { Injectable } from '@nestjs/common';
import { AuditLog } from '../admin/audit/audit-log';
import { AccountAdminService } from '../auth/account-admin.service';
import { UnitOfWork } from '../database/unit-of-work';

export type PromoteOutcome = 'promoted' | 'already-admin' | 'not-found';

/** `promote EMAIL`: makes an existing account an administrator (any time; the first one may also come from create-admin). */
@Injectable()
export class PromoteCommand {
  constructor(
    private readonly accounts: AccountAdminService,
    private readonly audit: AuditLog,
    private readonly uow: UnitOfWork,
  ) {}

  run(email: string): Promise<PromoteOutcome> {
    return this.uow.run(async () => {
      const account = await this.accounts.findByEmail(email);
      if (!account) return 'not-found';
      if (account.role === 'admin') return 'already-admin';
      const { before, after } = await this.accounts.changeAccess(account.id, { role: 'admin' });
      await this.audit.record({
        actorId: null,
        via: 'cli',
        action: 'user.promote',
        targetId: account.id,
        before: { role: before.role },
        after: { role: after.role },
      });
      return 'promoted';
    });
  }
}
