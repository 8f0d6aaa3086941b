import { MigrationInterface, QueryRunner } from 'typeorm';

export class BillingSharingAdmin1764144000000 implements MigrationInterface {
  name = 'BillingSharingAdmin1764144000000';

  async up(q: QueryRunner): Promise<void> {
    // Billing: the payment provider's customer of each user, its subscriptions, and the webhook
    // events already applied (an event id is applied once, in the transaction that records it).
    await q.query(`
      CREATE TABLE billing_customers (
        user_id uuid PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
        provider_customer_id text NOT NULL UNIQUE,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    // NOTE: user_id stays null while a subscription event arrives before anything names its user
    // (events come in any order); the checkout completion links it later.
    await q.query(`
      CREATE TABLE subscriptions (
        provider_subscription_id text PRIMARY KEY,
        user_id uuid REFERENCES users(id) ON DELETE CASCADE,
        provider_customer_id text NOT NULL,
        tier text NOT NULL CHECK (tier IN ('free', 'pro', 'team')),
        status text NOT NULL,
        current_period_end timestamptz,
        past_due_since timestamptz,
        last_event_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX subscriptions_user_idx ON subscriptions (user_id)`);
    await q.query(`CREATE INDEX subscriptions_customer_idx ON subscriptions (provider_customer_id)`);
    await q.query(`
      CREATE TABLE processed_billing_events (
        event_id text PRIMARY KEY,
        type text NOT NULL,
        processed_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE tier_overrides (
        user_id uuid PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
        tier text NOT NULL CHECK (tier IN ('free', 'pro', 'team')),
        set_at timestamptz NOT NULL DEFAULT now()
      )`);

    // Share links: only sha256(token) is stored. A share pinned to a version lives as long as that
    // version; every share goes with its map.
    await q.query(`
      CREATE TABLE shares (
        id uuid PRIMARY KEY,
        map_id uuid NOT NULL REFERENCES mind_maps(id) ON DELETE CASCADE,
        owner_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        token_hash bytea NOT NULL UNIQUE,
        env_eph_classical_public bytea NOT NULL,
        env_eph_pq_ciphertext bytea NOT NULL,
        env_wrapped_dek bytea NOT NULL,
        version_id uuid REFERENCES map_versions(id) ON DELETE CASCADE,
        expires_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX shares_map_created_idx ON shares (map_id, created_at DESC)`);
    await q.query(`CREATE INDEX shares_version_idx ON shares (version_id) WHERE version_id IS NOT NULL`);

    // Admin: who did what to whom, kept after the people involved are deleted (no foreign keys).
    await q.query(`
      CREATE TABLE audit_log (
        id bigserial PRIMARY KEY,
        actor_id uuid,
        via text NOT NULL CHECK (via IN ('api', 'cli')),
        action text NOT NULL,
        target_id text,
        before jsonb,
        after jsonb,
        at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX audit_log_at_idx ON audit_log (at DESC)`);
    await q.query(`CREATE INDEX audit_log_target_idx ON audit_log (target_id, at DESC)`);
    await q.query(`
      CREATE TABLE reconcile_runs (
        id uuid PRIMARY KEY,
        requested_by uuid,
        status text NOT NULL CHECK (status IN ('queued', 'running', 'done', 'failed')),
        requested_at timestamptz NOT NULL DEFAULT now(),
        started_at timestamptz,
        finished_at timestamptz,
        report jsonb,
        error text
      )`);
    await q.query(`CREATE INDEX reconcile_runs_requested_idx ON reconcile_runs (requested_at DESC)`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of [
      'reconcile_runs',
      'audit_log',
      'shares',
      'tier_overrides',
      'processed_billing_events',
      'subscriptions',
      'billing_customers',
    ]) {
      await q.query(`DROP TABLE IF EXISTS ${table}`);
    }
  }
}
