import type { BillingAccount } from '../billing.service';
import type { SubscriptionResponseDto } from './billing.dto';

export function toSubscriptionDto(account: BillingAccount): SubscriptionResponseDto {
  const s = account.subscription;
  return {
    tier: s?.tier ?? 'free',
    effectiveTier: account.effectiveTier,
    status: s?.status ?? 'none',
    currentPeriodEnd: s?.currentPeriodEnd?.toISOString() ?? null,
    usageBytes: account.usageBytes,
    limitBytes: account.limitBytes,
  };
}
