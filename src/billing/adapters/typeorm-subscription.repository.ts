import { Injectable } from '@nestjs/common';
import { SqlClient } from '../../database/sql-client';
import type { Subscription } from '../domain/subscription';
import { SubscriptionRepository } from '../ports/subscription.repository';
import { SUBSCRIPTION_COLUMNS, SubscriptionRow, toSubscription } from './subscription.mapper';

@Injectable()
export class TypeOrmSubscriptionRepository extends SubscriptionRepository {
  constructor(private readonly db: SqlClient) {
    super();
  }

  async lock(providerSubscriptionId: string): Promise<Subscription | undefined> {
    // NOTE: an advisory lock, because the first two events of a subscription may race to insert
    // its row; a row lock cannot serialise writers of a row that does not exist yet.
    this.db.assertActive('SubscriptionRepository.lock');
    await this.db.execute(`SELECT pg_advisory_xact_lock(hashtextextended('subscription:' || $1, 0))`, [providerSubscriptionId]);
    const row = await this.db.row<SubscriptionRow>(
      `SELECT ${SUBSCRIPTION_COLUMNS} FROM subscriptions WHERE provider_subscription_id = $1`,
      [providerSubscriptionId],
    );
    return row && toSubscription(row);
  }

  async save(s: Subscription): Promise<void> {
    await this.db.execute(
      `INSERT INTO subscriptions (provider_subscription_id, user_id, provider_customer_id, tier, status,
                                  current_period_end, past_due_since, last_event_at)
       VALUES ($1, (SELECT id FROM users WHERE id = $2::uuid), $3, $4, $5, $6, $7, $8)
       ON CONFLICT (provider_subscription_id) DO UPDATE SET
         user_id = COALESCE(subscriptions.user_id, EXCLUDED.user_id), provider_customer_id = EXCLUDED.provider_customer_id, tier = EXCLUDED.tier,
         status = EXCLUDED.status, current_period_end = EXCLUDED.current_period_end,
         past_due_since = EXCLUDED.past_due_since, last_event_at = EXCLUDED.last_event_at, updated_at = now()`,
      [
        s.providerSubscriptionId,
        s.userId,
        s.providerCustomerId,
        s.tier,
        s.status,
        s.currentPeriodEnd,
        s.pastDueSince,
        s.lastEventAt,
      ],
    );
  }

  async listForUser(userId: string): Promise<Subscription[]> {
    const rows = await this.db.rows<SubscriptionRow>(`SELECT ${SUBSCRIPTION_COLUMNS} FROM subscriptions WHERE user_id = $1`, [userId]);
    return rows.map(toSubscription);
  }

  async listForUsers(userIds: string[]): Promise<Subscription[]> {
    if (userIds.length === 0) return [];
    const rows = await this.db.rows<SubscriptionRow>(
      `SELECT ${SUBSCRIPTION_COLUMNS} FROM subscriptions WHERE user_id = ANY($1::uuid[])`,
      [userIds],
    );
    return rows.map(toSubscription);
  }

  async claimForUser(customerId: string, userId: string): Promise<void> {
    await this.db.execute(
      `UPDATE subscriptions SET user_id = u.id, updated_at = now() FROM users u
       WHERE u.id = $2 AND subscriptions.provider_customer_id = $1 AND subscriptions.user_id IS NULL`,
      [customerId, userId],
    );
  }

  async linkCustomer(userId: string, customerId: string): Promise<void> {
    // A customer id moving to another user would be a provider-side mix-up; the newest link wins.
    await this.db.execute(
      `DELETE FROM billing_customers WHERE provider_customer_id = $1 AND user_id <> $2
         AND EXISTS (SELECT 1 FROM users WHERE id = $2)`,
      [customerId, userId],
    );
    await this.db.execute(
      `INSERT INTO billing_customers (user_id, provider_customer_id) SELECT id, $2 FROM users WHERE id = $1
       ON CONFLICT (user_id) DO UPDATE SET provider_customer_id = EXCLUDED.provider_customer_id`,
      [userId, customerId],
    );
  }

  async userOfCustomer(customerId: string): Promise<string | undefined> {
    const rows = await this.db.rows<{ user_id: string }>(
      'SELECT user_id FROM billing_customers WHERE provider_customer_id = $1',
      [customerId],
    );
    return rows[0]?.user_id;
  }

  async customerOfUser(userId: string): Promise<string | undefined> {
    const rows = await this.db.rows<{ provider_customer_id: string }>(
      'SELECT provider_customer_id FROM billing_customers WHERE user_id = $1',
      [userId],
    );
    return rows[0]?.provider_customer_id;
  }
}
