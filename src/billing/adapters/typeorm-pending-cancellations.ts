import { Injectable } from '@nestjs/common';
import { SqlClient } from '../../database/sql-client';
import { PendingCancellations } from '../ports/pending-cancellations';

@Injectable()
export class TypeOrmPendingCancellations extends PendingCancellations {
  constructor(private readonly db: SqlClient) {
    super();
  }

  async add(providerSubscriptionIds: string[]): Promise<void> {
    if (providerSubscriptionIds.length === 0) return;
    await this.db.execute(
      `INSERT INTO pending_subscription_cancellations (provider_subscription_id)
       SELECT unnest($1::text[]) ON CONFLICT (provider_subscription_id) DO NOTHING`,
      [providerSubscriptionIds],
    );
  }

  async list(limit: number): Promise<string[]> {
    const rows = await this.db.rows<{ provider_subscription_id: string }>(
      `SELECT provider_subscription_id FROM pending_subscription_cancellations
       ORDER BY requested_at, provider_subscription_id LIMIT $1`,
      [limit],
    );
    return rows.map((r) => r.provider_subscription_id);
  }

  async forget(providerSubscriptionId: string): Promise<void> {
    await this.db.execute('DELETE FROM pending_subscription_cancellations WHERE provider_subscription_id = $1', [providerSubscriptionId]);
  }

  async recordFailure(providerSubscriptionId: string, reason: string): Promise<void> {
    await this.db.execute(
      `UPDATE pending_subscription_cancellations
       SET attempts = attempts + 1, last_error = left($2, 500), last_attempt_at = now()
       WHERE provider_subscription_id = $1`,
      [providerSubscriptionId, reason],
    );
  }
}
