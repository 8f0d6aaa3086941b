import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The normal form of each account registered before emails were normalised, whose stored address
 * is not in normal form. SQL cannot compute it (NFKC and Unicode lower-casing as the API does), so
 * the API fills it at start-up (LegacyEmailCheck.record); registration refuses an address whose
 * normal form is listed here, so no new account looks like an older one. Goes with the user.
 */
export class LegacyEmailNormalForms1765400000000 implements MigrationInterface {
  name = 'LegacyEmailNormalForms1765400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE legacy_email_normal_forms (
        user_id uuid PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
        normal_email text NOT NULL
      )`);
    await q.query('CREATE INDEX legacy_email_normal_forms_normal_email ON legacy_email_normal_forms (normal_email)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE legacy_email_normal_forms');
  }
}
