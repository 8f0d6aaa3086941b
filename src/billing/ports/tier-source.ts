import type { Tier } from '../../config/app-config';

/** Where a user's effective tier comes from (overrides and subscriptions resolve behind it). */
export abstract class TierSource {
  abstract effectiveTierOf(userId: string): Promise<Tier>;
  /** The same for many users at once (admin listings); every id gets an entry. */
  abstract effectiveTiersOf(userIds: string[]): Promise<Map<string, Tier>>;
}
