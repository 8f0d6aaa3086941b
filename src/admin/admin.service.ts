import { Injectable } from '@nestjs/common';
import { AccountAdminService } from '../auth/account-admin.service';
import { UserNotFound } from '../auth/auth.errors';
import type { AccessChange, Role } from '../auth/domain/user';
import { BillingAccount, BillingService } from '../billing/billing.service';
import { TierPolicy } from '../billing/tier-policy.service';
import type { Principal } from '../common/auth/auth.decorators';
import { ValidationFailed } from '../common/errors/common.errors';
import { raise } from '../common/errors/raise';
import type { Tier } from '../config/app-config';
import { UnitOfWork } from '../database/unit-of-work';
import { AccountEvents } from '../events/account-events.service';
import { JobQueue, QueueCounts } from '../queue/job-queue';
import type { ReconcileRun } from '../storage/domain/reconcile-run';
import { ReconcileService } from '../storage/reconcile.service';
import { CannotChangeOwnAccess } from './admin.errors';
import { AuditLog } from './audit/audit-log';
import { AdminDirectory, SystemTotals, UserOverview } from './ports/admin-directory';

export type ListedUser = UserOverview & { effectiveTier: Tier };
export type UserDetail = ListedUser & { billing: BillingAccount };

export interface UserChange {
  /** Null removes the override. */
  tierOverride?: Tier | null;
  disabled?: boolean;
  role?: Role;
}

export interface SystemStats extends SystemTotals {
  queue: QueueCounts;
  lastReconcile: ReconcileRun | null;
}

/**
 * The admin console: metadata about users and the system (there is no plaintext to see), account
 * changes, and storage maintenance. Every change is written to the audit log in its transaction.
 */
@Injectable()
export class AdminService {
  constructor(
    private readonly directory: AdminDirectory,
    private readonly accounts: AccountAdminService,
    private readonly billing: BillingService,
    private readonly tiers: TierPolicy,
    private readonly reconcile: ReconcileService,
    private readonly queue: JobQueue,
    private readonly audit: AuditLog,
    private readonly uow: UnitOfWork,
    private readonly events: AccountEvents,
  ) {}

  async listUsers(query: string, limit: number, cursor?: string): Promise<{ items: ListedUser[]; nextCursor: string | null }> {
    const rows = await this.directory.listUsers(query, limit + 1, cursor === undefined ? undefined : decodeCursor(cursor));
    const page = rows.slice(0, limit);
    const tiers = await this.tiers.tiersOf(page.map((u) => u.id));
    const last = page[page.length - 1];
    return {
      items: page.map((u) => ({ ...u, effectiveTier: tiers.get(u.id) ?? 'free' })),
      nextCursor: rows.length > limit && last ? encodeCursor(last.email) : null,
    };
  }

  async getUser(id: string): Promise<UserDetail> {
    const user = (await this.directory.findUser(id)) ?? raise(new UserNotFound());
    const billing = await this.billing.accountOf(id);
    return { ...user, effectiveTier: billing.effectiveTier, billing };
  }

  /** Applies the change and audits it, atomically; a disabled user's tokens stop working at once. */
  async updateUser(actor: Principal, id: string, change: UserChange): Promise<UserDetail> {
    if (change.tierOverride === undefined && change.disabled === undefined && change.role === undefined) {
      throw new ValidationFailed([{ field: 'body', messages: ['give at least one of tierOverride, disabled, role'] }]);
    }
    if (actor.userId === id && (change.disabled === true || change.role === 'user')) throw new CannotChangeOwnAccess();
    await this.uow.run(async () => {
      const before: Record<string, unknown> = {};
      const after: Record<string, unknown> = {};
      const access: AccessChange = {
        ...(change.role !== undefined ? { role: change.role } : {}),
        ...(change.disabled !== undefined ? { disabled: change.disabled } : {}),
      };
      const changed = await this.accounts.changeAccess(id, access);
      for (const key of Object.keys(access) as (keyof AccessChange)[]) {
        before[key] = changed.before[key];
        after[key] = changed.after[key];
      }
      if (change.tierOverride !== undefined) {
        before.tierOverride = await this.billing.overrideOf(id);
        await this.billing.setOverride(id, change.tierOverride);
        after.tierOverride = change.tierOverride;
      }
      await this.audit.record({ actorId: actor.userId, via: 'api', action: 'user.update', targetId: id, before, after });
    });
    // After the commit: the disabled account's open streams end now, not at their next request.
    if (change.disabled === true) await this.events.publish(id, { type: 'session.ended', reason: 'disabled' });
    return this.getUser(id);
  }

  async stats(): Promise<SystemStats> {
    return {
      ...(await this.directory.totals()),
      queue: await this.queue.counts(),
      lastReconcile: (await this.reconcile.latest()) ?? null,
    };
  }

  /** Queues a reconcile sweep (audited); the worker runs it and stores its report on the run. */
  async requestReconcile(actor: Principal): Promise<ReconcileRun> {
    const run = await this.uow.run(async () => {
      const queued = await this.reconcile.record(actor.userId);
      await this.audit.record({
        actorId: actor.userId,
        via: 'api',
        action: 'storage.reconcile',
        targetId: queued.id,
        before: null,
        after: { runId: queued.id },
      });
      return queued;
    });
    await this.reconcile.enqueue(run);
    return run;
  }
}

/** Opaque to clients: base64url of the last listed email (emails are unique). */
function encodeCursor(email: string): string {
  return Buffer.from(email, 'utf8').toString('base64url');
}

function decodeCursor(cursor: string): string {
  const email = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!email.includes('@') || encodeCursor(email) !== cursor) {
    throw new ValidationFailed([{ field: 'cursor', messages: ['cursor is not one this server issued'] }]);
  }
  return email;
}
