import { Injectable, Logger } from '@nestjs/common';
import { AuditLog } from '../admin/audit/audit-log';
import { SubscriptionCancellations } from '../billing/subscription-cancellations.service';
import { UnitOfWork } from '../database/unit-of-work';
import { AccountEvents } from '../events/account-events.service';
import { KeyVersionGuard } from '../keys/key-version-guard.service';
import { MindMapsService } from '../mindmaps/mindmaps.service';
import { InvalidCredentials } from './auth.errors';
import { CurrentAuthKeyCheck } from './current-auth-key';
import { UserRepository } from './ports/user.repository';

/** What a deletion removed, for the caller's log and the audit entry (counts only). */
export interface DeletedAccount {
  maps: number;
  versions: number;
  subscriptionsToCancel: number;
}

/**
 * Erasure: the account and everything it owns. One transaction, under the account's lock (so no
 * password change, rotation or map creation interleaves), deletes the maps with their versions and
 * share links, records the subscriptions still billing for cancellation, writes the audit entry
 * (ids and counts, never the email) and deletes the user, whose row takes sessions, usage,
 * reservations, subscriptions, customer link and tier override with it. After the commit the
 * stored objects are deleted (a failure is ledgered and swept) and the cancellation job is queued
 * (a provider outage is retried until it succeeds): the account is gone for the user at once.
 */
@Injectable()
export class AccountDeletionService {
  private readonly logger = new Logger('AccountDeletion');

  constructor(
    private readonly users: UserRepository,
    private readonly currentAuthKey: CurrentAuthKeyCheck,
    private readonly keyGuard: KeyVersionGuard,
    private readonly mindMaps: MindMapsService,
    private readonly cancellations: SubscriptionCancellations,
    private readonly audit: AuditLog,
    private readonly uow: UnitOfWork,
    private readonly events: AccountEvents,
  ) {}

  async delete(userId: string, currentAuthKey: Buffer): Promise<DeletedAccount> {
    const verified = await this.currentAuthKey.verify(userId, currentAuthKey);
    const { deleted, objectKeys } = await this.uow.run(async () => {
      const state = await this.keyGuard.hold(userId);
      // A password change that landed since the check above made that authKey stale.
      if (state.authKeyHash !== verified) throw new InvalidCredentials('currentAuthKey is wrong');
      const user = await this.users.findById(userId);
      const { maps, objectKeys } = await this.mindMaps.deleteAllOwned(userId);
      const subscriptionsToCancel = await this.cancellations.requestForClosedAccount(userId);
      const deleted: DeletedAccount = { maps, versions: objectKeys.length, subscriptionsToCancel };
      await this.audit.record({
        actorId: userId,
        via: 'api',
        action: 'account.delete',
        targetId: userId,
        before: { role: user?.role ?? null, ...deleted },
        after: null,
      });
      await this.users.delete(userId);
      return { deleted, objectKeys };
    });
    // The account's open streams end now (its devices lock), not at their next request.
    await this.events.publish(userId, { type: 'session.ended', reason: 'account-deleted' });
    await this.mindMaps.discardObjects(userId, objectKeys, 'account deleted');
    if (deleted.subscriptionsToCancel > 0) {
      // The deletion stands whether or not the queue takes the job now: the schedule retries it.
      await this.cancellations.schedule().catch((error: unknown) => {
        this.logger.warn(`cancellation job not queued, the schedule will pick it up: ${error instanceof Error ? error.message : String(error)}`);
      });
    }
    this.logger.log(`account ${userId} deleted: ${deleted.maps} map(s), ${deleted.versions} version(s), ${deleted.subscriptionsToCancel} subscription(s) to cancel`);
    return deleted;
  }
}
