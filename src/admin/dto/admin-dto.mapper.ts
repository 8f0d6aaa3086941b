import type { ListedUser, SystemStats, UserDetail } from '../admin.service';
import type { ReconcileRun } from '../../storage/domain/reconcile-run';
import type { AdminStatsDto, AdminUserDetailDto, AdminUserDto, ReconcileRunDto } from './admin-responses.dto';

export function toAdminUserDto(u: ListedUser): AdminUserDto {
  return {
    id: u.id,
    email: u.email,
    role: u.role,
    effectiveTier: u.effectiveTier,
    usageBytes: u.usageBytes,
    mapCount: u.mapCount,
    twoFactor: u.twoFactor,
    disabled: u.disabled,
    createdAt: u.createdAt.toISOString(),
  };
}

export function toAdminUserDetailDto(u: UserDetail): AdminUserDetailDto {
  const s = u.billing.subscription;
  return {
    ...toAdminUserDto(u),
    tierOverride: u.billing.tierOverride,
    limitBytes: u.billing.limitBytes,
    subscription: s && {
      tier: s.tier,
      status: s.status,
      currentPeriodEnd: s.currentPeriodEnd?.toISOString() ?? null,
      pastDueSince: s.pastDueSince?.toISOString() ?? null,
      providerCustomerId: s.providerCustomerId,
      providerSubscriptionId: s.providerSubscriptionId,
    },
  };
}

export function toReconcileRunDto(r: ReconcileRun): ReconcileRunDto {
  return {
    runId: r.id,
    status: r.status,
    requestedAt: r.requestedAt.toISOString(),
    startedAt: r.startedAt?.toISOString() ?? null,
    finishedAt: r.finishedAt?.toISOString() ?? null,
    // Runs recorded before these counts existed (their stored JSON lacks them) report them as 0.
    report: r.report && {
      ...r.report,
      staleUploadsRemoved: r.report.staleUploadsRemoved ?? 0,
      reservationsExpired: r.report.reservationsExpired ?? 0,
      deletionsDeferred: r.report.deletionsDeferred ?? 0,
      deletionsRefused: r.report.deletionsRefused ?? 0,
      refusal: r.report.refusal ?? null,
    },
    error: r.error,
  };
}

export function toAdminStatsDto(s: SystemStats): AdminStatsDto {
  return {
    users: s.users,
    maps: s.maps,
    versions: s.versions,
    storedBytes: s.storedBytes,
    queue: s.queue,
    lastReconcile: s.lastReconcile && toReconcileRunDto(s.lastReconcile),
  };
}
