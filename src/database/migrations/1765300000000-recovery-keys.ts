import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Account recovery: the account's private keys wrapped a second time, under a key derived from a
 * recovery key only the client ever held, and a verifier (argon2id hash) of the recovery key's
 * proof. One per account; it names the keyVersion it wraps, and goes with the user.
 */
export class RecoveryKeys1765300000000 implements MigrationInterface {
  name = 'RecoveryKeys1765300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE recovery_keys (
        user_id uuid PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
        auth_hash text NOT NULL,
        key_version integer NOT NULL,
        classical_priv_encrypted bytea NOT NULL,
        pq_priv_encrypted bytea NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE recovery_keys');
  }
}
