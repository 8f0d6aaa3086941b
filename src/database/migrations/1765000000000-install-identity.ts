import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * This database's install id: made once, written into the blob store too (the store's own marker),
 * so a sweep can tell that the store it would delete from belongs to this database. One row only.
 */
export class InstallIdentity1765000000000 implements MigrationInterface {
  name = 'InstallIdentity1765000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE install_identity (
        singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
        install_id uuid NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE IF EXISTS install_identity');
  }
}
