import type { Tier } from '../../config/app-config';

/** Where a user's effective tier comes from (overrides and subscriptions resolve behind it). */
export abstract class TierSource {
  abstract effectiveTierOf(userId: string): Promise<Tier>;
}
