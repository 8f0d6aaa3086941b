import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Deleting an account: its subscriptions must still be cancelled with the payment provider after
 * the user's rows are gone, and a provider outage must not lose that. Each one waits here (no
 * foreign key: the user is already deleted) until the provider confirms it; nothing names the user.
 */
export class AccountDeletion1765200000000 implements MigrationInterface {
  name = 'AccountDeletion1765200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE pending_subscription_cancellations (
        provider_subscription_id text PRIMARY KEY,
        attempts integer NOT NULL DEFAULT 0,
        last_error text,
        requested_at timestamptz NOT NULL DEFAULT now(),
        last_attempt_at timestamptz
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE pending_subscription_cancellations`);
  }
}
