import type { Tier } from '../../config/app-config';

/** Tiers an administrator set by hand; they win over any subscription. Joins the caller's transaction. */
export abstract class TierOverrideRepository {
  abstract find(userId: string): Promise<Tier | null>;
  abstract findMany(userIds: string[]): Promise<Map<string, Tier>>;
  /** Null removes the override. */
  abstract set(userId: string, tier: Tier | null): Promise<void>;
}
