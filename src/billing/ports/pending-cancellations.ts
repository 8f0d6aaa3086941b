/**
 * Subscriptions of deleted accounts that the payment provider has not yet confirmed cancelled.
 * Rows name only the provider's subscription id (the user is gone); one is forgotten once the
 * provider confirms, and until then every pass of the cancel job tries it again. `add` joins the
 * caller's UnitOfWork transaction, so the request is recorded with the deletion or not at all.
 */
export abstract class PendingCancellations {
  /** Records each id once; an id already waiting stays as it is. */
  abstract add(providerSubscriptionIds: string[]): Promise<void>;
  /** Up to `limit` waiting ids, longest-waiting first. */
  abstract list(limit: number): Promise<string[]>;
  abstract forget(providerSubscriptionId: string): Promise<void>;
  /** Counts a failed attempt and keeps why (the provider's message, never a secret). */
  abstract recordFailure(providerSubscriptionId: string, reason: string): Promise<void>;
}
