import type { Subscription } from '../domain/subscription';

/**
 * Subscriptions as the payment provider's events left them, and which provider customer is which
 * user. Joins the caller's UnitOfWork transaction.
 */
export abstract class SubscriptionRepository {
  /**
   * Serialises writers of one subscription until the transaction ends (the row may not exist
   * yet), then reads it. Call inside a transaction.
   */
  abstract lock(providerSubscriptionId: string): Promise<Subscription | undefined>;
  /**
   * Inserts or replaces. A `userId` that names no user is stored as null, and a stored user is
   * never replaced, by null or by another user (a subscription's user, once known, does not change).
   */
  abstract save(subscription: Subscription): Promise<void>;
  abstract listForUser(userId: string): Promise<Subscription[]>;
  abstract listForUsers(userIds: string[]): Promise<Subscription[]>;
  /** Gives the customer's subscriptions that name no user yet to `userId`. */
  abstract claimForUser(customerId: string, userId: string): Promise<void>;
  /** Records that `customerId` is `userId`'s customer; a user's newer customer replaces the older. */
  abstract linkCustomer(userId: string, customerId: string): Promise<void>;
  abstract userOfCustomer(customerId: string): Promise<string | undefined>;
  abstract customerOfUser(userId: string): Promise<string | undefined>;
}
