import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The quota counts bytes in flight: an upload reserves its declared length before a byte is
 * streamed. The per-user counters (reserved bytes, uploads in flight) sit beside the usage counter
 * so one conditional UPDATE checks committed + reserved + new <= limit; each reservation is also a
 * row with an end, so one left behind by a process that died is released when it expires.
 */
export class UploadReservations1764320400000 implements MigrationInterface {
  name = 'UploadReservations1764320400000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE user_usage
        ADD COLUMN reserved_bytes bigint NOT NULL DEFAULT 0 CHECK (reserved_bytes >= 0),
        ADD COLUMN uploads_in_flight integer NOT NULL DEFAULT 0 CHECK (uploads_in_flight >= 0)`);
    await q.query(`
      CREATE TABLE upload_reservations (
        id uuid PRIMARY KEY,
        user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        bytes bigint NOT NULL CHECK (bytes > 0),
        expires_at timestamptz NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX upload_reservations_user_idx ON upload_reservations (user_id, expires_at)`);
    await q.query(`CREATE INDEX upload_reservations_expires_idx ON upload_reservations (expires_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE upload_reservations`);
    await q.query(`ALTER TABLE user_usage DROP COLUMN reserved_bytes, DROP COLUMN uploads_in_flight`);
  }
}
