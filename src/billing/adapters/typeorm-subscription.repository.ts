import { Injectable } from '@nestjs/common';
import { In } from 'typeorm';
import { TransactionHost } from '../../database/transaction-host';
import type { Subscription } from '../domain/subscription';
import { SubscriptionRepository } from '../ports/subscription.repository';
import { SubscriptionEntity } from './entities/subscription.entity';
import { toSubscription } from './subscription.mapper';

@Injectable()
export class TypeOrmSubscriptionRepository extends SubscriptionRepository {
  constructor(private readonly tx: TransactionHost) {
    super();
  }

  private get repo() {
    return this.tx.manager.getRepository(SubscriptionEntity);
  }

  async lock(providerSubscriptionId: string): Promise<Subscription | undefined> {
    // NOTE: an advisory lock, because the first two events of a subscription may race to insert
    // its row; a row lock cannot serialise writers of a row that does not exist yet.
    await this.tx.manager.query(`SELECT pg_advisory_xact_lock(hashtextextended('subscription:' || $1, 0))`, [
      providerSubscriptionId,
    ]);
    const e = await this.repo.findOneBy({ providerSubscriptionId });
    return e ? toSubscription(e) : undefined;
  }

  async save(s: Subscription): Promise<void> {
    await this.tx.manager.query(
      `INSERT INTO subscriptions (provider_subscription_id, user_id, provider_customer_id, tier, status,
                                  current_period_end, past_due_since, last_event_at)
       VALUES ($1, (SELECT id FROM users WHERE id = $2::uuid), $3, $4, $5, $6, $7, $8)
       ON CONFLICT (provider_subscription_id) DO UPDATE SET
         user_id = COALESCE(EXCLUDED.user_id, subscriptions.user_id), provider_customer_id = EXCLUDED.provider_customer_id, tier = EXCLUDED.tier,
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
    return (await this.repo.findBy({ userId })).map(toSubscription);
  }

  async listForUsers(userIds: string[]): Promise<Subscription[]> {
    if (userIds.length === 0) return [];
    return (await this.repo.findBy({ userId: In(userIds) })).map(toSubscription);
  }

  async claimForUser(customerId: string, userId: string): Promise<void> {
    await this.tx.manager.query(
      `UPDATE subscriptions SET user_id = u.id, updated_at = now() FROM users u
       WHERE u.id = $2 AND subscriptions.provider_customer_id = $1 AND subscriptions.user_id IS NULL`,
      [customerId, userId],
    );
  }

  async linkCustomer(userId: string, customerId: string): Promise<void> {
    // A customer id moving to another user would be a provider-side mix-up; the newest link wins.
    await this.tx.manager.query(
      `DELETE FROM billing_customers WHERE provider_customer_id = $1 AND user_id <> $2
         AND EXISTS (SELECT 1 FROM users WHERE id = $2)`,
      [customerId, userId],
    );
    await this.tx.manager.query(
      `INSERT INTO billing_customers (user_id, provider_customer_id) SELECT id, $2 FROM users WHERE id = $1
       ON CONFLICT (user_id) DO UPDATE SET provider_customer_id = EXCLUDED.provider_customer_id`,
      [userId, customerId],
    );
  }

  async userOfCustomer(customerId: string): Promise<string | undefined> {
    const rows: { user_id: string }[] = await this.tx.manager.query(
      'SELECT user_id FROM billing_customers WHERE provider_customer_id = $1',
      [customerId],
    );
    return rows[0]?.user_id;
  }

  async customerOfUser(userId: string): Promise<string | undefined> {
    const rows: { provider_customer_id: string }[] = await this.tx.manager.query(
      'SELECT provider_customer_id FROM billing_customers WHERE user_id = $1',
      [userId],
    );
    return rows[0]?.provider_customer_id;
  }
}
