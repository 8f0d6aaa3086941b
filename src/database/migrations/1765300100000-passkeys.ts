import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Passkeys (WebAuthn) as a second factor: each credential's public key and signature counter, the
 * challenge of an enrolment in progress, and the challenge a login's second step must sign.
 */
export class Passkeys1765300100000 implements MigrationInterface {
  name = 'Passkeys1765300100000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE passkeys (
        credential_id text PRIMARY KEY,
        user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        public_key bytea NOT NULL,
        counter bigint NOT NULL,
        transports text[] NOT NULL DEFAULT '{}',
        name text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query('CREATE INDEX passkeys_user_idx ON passkeys (user_id)');
    await q.query(`
      CREATE TABLE passkey_enrolments (
        user_id uuid PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
        challenge text NOT NULL,
        expires_at timestamptz NOT NULL
      )`);
    await q.query('ALTER TABLE login_challenges ADD COLUMN passkey_challenge text');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE login_challenges DROP COLUMN passkey_challenge');
    await q.query('DROP TABLE passkey_enrolments');
    await q.query('DROP TABLE passkeys');
  }
}
