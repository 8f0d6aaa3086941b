import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * History thinned by age (docs/api.md, Version history). A version may be pinned (never thinned)
 * and named: the name is the client's ciphertext (crypto.md, Version names), the server sees only that it is
 * there. `thin_due_at` is when the map's retention may next drop a version (a save makes it due at
 * once, a thinning run sets the next moment a kept version changes tier); the sweep reads the
 * partial index, so maps with nothing due cost nothing.
 */
export class VersionRetention1765100000000 implements MigrationInterface {
  name = 'VersionRetention1765100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE map_versions
        ADD COLUMN pinned boolean NOT NULL DEFAULT false,
        ADD COLUMN encrypted_label bytea`);
    await q.query(`CREATE INDEX map_versions_pinned_idx ON map_versions (map_id) WHERE pinned`);
    await q.query(`ALTER TABLE mind_maps ADD COLUMN thin_due_at timestamptz`);
    await q.query(`CREATE INDEX mind_maps_thin_due_idx ON mind_maps (thin_due_at) WHERE thin_due_at IS NOT NULL`);
    // Histories kept before this release are thinned by the first sweep.
    await q.query(`UPDATE mind_maps SET thin_due_at = now() WHERE version_count > 1`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE mind_maps DROP COLUMN thin_due_at`);
    await q.query(`ALTER TABLE map_versions DROP COLUMN encrypted_label, DROP COLUMN pinned`);
  }
}
