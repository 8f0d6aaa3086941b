import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Sessions end when they should: a refresh family (one login) is a row of its own, locked by every
 * rotation and revocation of its tokens and carrying the login's absolute end; users carry a token
 * version that every access token names, so logout-all, a password change or disabling stops them.
 */
export class SessionFamilies1764316800000 implements MigrationInterface {
  name = 'SessionFamilies1764316800000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE refresh_families (
        id uuid PRIMARY KEY,
        user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        revoked_at timestamptz
      )`);
    await q.query(`CREATE INDEX refresh_families_user_idx ON refresh_families (user_id)`);
    await q.query(`CREATE INDEX refresh_families_expires_idx ON refresh_families (expires_at)`);
    // A family with any revoked token was revoked as a whole (a token that escaped it did so by the race this fixes).
    await q.query(`
      INSERT INTO refresh_families (id, user_id, created_at, expires_at, revoked_at)
      SELECT family_id, (array_agg(user_id))[1], min(created_at), max(expires_at),
             CASE WHEN bool_or(revoked_at IS NOT NULL) THEN now() END
      FROM refresh_tokens GROUP BY family_id`);
    await q.query(`
      ALTER TABLE refresh_tokens ADD CONSTRAINT refresh_tokens_family_fk
        FOREIGN KEY (family_id) REFERENCES refresh_families(id) ON DELETE CASCADE`);
    await q.query(`ALTER TABLE refresh_tokens DROP COLUMN revoked_at`);
    await q.query(`CREATE INDEX refresh_tokens_expires_idx ON refresh_tokens (expires_at)`);
    await q.query(`ALTER TABLE users ADD COLUMN token_version integer NOT NULL DEFAULT 0`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE users DROP COLUMN token_version`);
    await q.query(`DROP INDEX refresh_tokens_expires_idx`);
    await q.query(`ALTER TABLE refresh_tokens ADD COLUMN revoked_at timestamptz`);
    await q.query(`
      UPDATE refresh_tokens t SET revoked_at = f.revoked_at FROM refresh_families f
      WHERE f.id = t.family_id AND f.revoked_at IS NOT NULL`);
    await q.query(`ALTER TABLE refresh_tokens DROP CONSTRAINT refresh_tokens_family_fk`);
    await q.query(`DROP TABLE refresh_families`);
  }
}
