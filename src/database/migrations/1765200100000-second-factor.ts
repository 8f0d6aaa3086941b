import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A second factor (TOTP, RFC 6238). The shared secret is sealed with a server key (never stored
 * in clear); `last_step` is the time step of the last accepted code, so a code is used once.
 * Backup codes are stored as keyed hashes and spent once. A login that passed the password waits
 * for its second step as a short-lived challenge, known by the hash of its token.
 */
export class SecondFactor1765200100000 implements MigrationInterface {
  name = 'SecondFactor1765200100000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE totp_factors (
        user_id uuid PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
        secret_sealed bytea NOT NULL,
        enabled_at timestamptz,
        last_step bigint,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE totp_backup_codes (
        user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        code_hash bytea NOT NULL,
        used_at timestamptz,
        PRIMARY KEY (user_id, code_hash)
      )`);
    await q.query(`
      CREATE TABLE login_challenges (
        token_hash bytea PRIMARY KEY,
        user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        failures integer NOT NULL DEFAULT 0,
        expires_at timestamptz NOT NULL
      )`);
    await q.query(`CREATE INDEX login_challenges_user_idx ON login_challenges (user_id)`);
    await q.query(`CREATE INDEX login_challenges_expires_idx ON login_challenges (expires_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of ['login_challenges', 'totp_backup_codes', 'totp_factors']) await q.query(`DROP TABLE ${table}`);
  }
}
