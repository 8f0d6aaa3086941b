import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A save's commit in one statement: `record_map_version` does what the save's transaction did in
 * five round trips (START, head move, settlement, version row, COMMIT), in the same order and under
 * the same locks, so a save pays one round trip to PostgreSQL for it.
 *
 * In order: the map's row lock (missing; If-Match conflict, answering the head in force;
 * If-Envelope-Match), then the reservation's and the usage counter's (the settlement's quota check:
 * usage + other reservations + charge within the limit), then, for a restore, the old version's
 * envelope read under the map's lock (a key rotation re-points versions under that lock). Every
 * refusal is decided before anything is written, so one writes nothing; then the head moves (and
 * the map's thinning falls due), the reservation becomes stored usage, and the version row is
 * inserted with the envelope in force. One statement is one transaction: all or nothing.
 *
 * Answers one row: `outcome` ('recorded', 'missing', 'conflict', 'envelope-changed', 'quota',
 * 'version-missing'), the head in force (conflict), whether the map is now over its maxVersions,
 * the envelope recorded, and the usage counter as found (quota).
 */
export class RecordVersion1765500000000 implements MigrationInterface {
  name = 'RecordVersion1765500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE OR REPLACE FUNCTION record_map_version(
        p_map_id uuid, p_owner_id uuid, p_version_id uuid, p_object_key text, p_size_bytes bigint, p_saved_at timestamptz,
        p_check_head boolean, p_expected_head uuid, p_envelope_dek bytea, p_restore_of uuid,
        p_reservation_id uuid, p_charge bigint, p_limit_bytes bigint,
        OUT outcome text, OUT head_version_id uuid, OUT over_limit boolean,
        OUT env_eph_classical_public bytea, OUT env_eph_pq_ciphertext bytea, OUT env_wrapped_dek bytea, OUT usage_bytes bigint)
      LANGUAGE plpgsql VOLATILE AS $$
      DECLARE
        v_map record;
        v_reserved bigint;
        v_counter record;
        v_found_reservation boolean;
      BEGIN
        SELECT m.head_version_id, m.env_eph_classical_public, m.env_eph_pq_ciphertext, m.env_wrapped_dek
          INTO v_map FROM mind_maps m WHERE m.id = p_map_id AND m.owner_id = p_owner_id FOR UPDATE;
        IF NOT FOUND THEN
          outcome := 'missing';
          RETURN;
        END IF;
        IF p_check_head AND v_map.head_version_id IS DISTINCT FROM p_expected_head THEN
          outcome := 'conflict';
          head_version_id := v_map.head_version_id;
          RETURN;
        END IF;
        IF p_envelope_dek IS NOT NULL AND p_envelope_dek <> v_map.env_wrapped_dek THEN
          outcome := 'envelope-changed';
          RETURN;
        END IF;

        -- The settlement's check, as UsageLedger.settle: the reservation may have expired (and been
        -- dropped) meanwhile; then it gives back nothing and the charge is judged against the rest.
        SELECT r.bytes INTO v_reserved FROM upload_reservations r WHERE r.id = p_reservation_id FOR UPDATE;
        v_found_reservation := FOUND;
        SELECT u.usage_bytes, u.reserved_bytes INTO v_counter FROM user_usage u WHERE u.user_id = p_owner_id FOR UPDATE;
        IF NOT FOUND OR v_counter.usage_bytes + v_counter.reserved_bytes - COALESCE(v_reserved, 0) + p_charge > p_limit_bytes THEN
          outcome := 'quota';
          usage_bytes := COALESCE(v_counter.usage_bytes, 0);
          RETURN;
        END IF;

        IF p_restore_of IS NULL THEN
          env_eph_classical_public := v_map.env_eph_classical_public;
          env_eph_pq_ciphertext := v_map.env_eph_pq_ciphertext;
          env_wrapped_dek := v_map.env_wrapped_dek;
        ELSE
          SELECT v.env_eph_classical_public, v.env_eph_pq_ciphertext, v.env_wrapped_dek
            INTO env_eph_classical_public, env_eph_pq_ciphertext, env_wrapped_dek
            FROM map_versions v WHERE v.id = p_restore_of AND v.map_id = p_map_id;
          IF NOT FOUND THEN
            outcome := 'version-missing';
            env_eph_classical_public := NULL;
            env_eph_pq_ciphertext := NULL;
            env_wrapped_dek := NULL;
            RETURN;
          END IF;
        END IF;

        UPDATE mind_maps m SET head_version_id = p_version_id, size_bytes = p_size_bytes, version_count = m.version_count + 1,
               updated_at = now(), thin_due_at = now()
          WHERE m.id = p_map_id
          RETURNING m.version_count > m.max_versions INTO over_limit;
        IF v_found_reservation THEN
          DELETE FROM upload_reservations r WHERE r.id = p_reservation_id;
        END IF;
        UPDATE user_usage u SET usage_bytes = u.usage_bytes + p_charge,
               reserved_bytes = u.reserved_bytes - COALESCE(v_reserved, 0),
               uploads_in_flight = u.uploads_in_flight - (CASE WHEN v_found_reservation THEN 1 ELSE 0 END)
          WHERE u.user_id = p_owner_id
          RETURNING u.usage_bytes INTO usage_bytes;
        INSERT INTO map_versions (id, map_id, owner_id, object_key, size_bytes, env_eph_classical_public, env_eph_pq_ciphertext,
                                  env_wrapped_dek, saved_at, pinned, encrypted_label)
          VALUES (p_version_id, p_map_id, p_owner_id, p_object_key, p_size_bytes, env_eph_classical_public, env_eph_pq_ciphertext,
                  env_wrapped_dek, p_saved_at, false, NULL);
        outcome := 'recorded';
        head_version_id := p_version_id;
      END
      $$`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP FUNCTION IF EXISTS record_map_version(uuid, uuid, uuid, text, bigint, timestamptz, boolean, uuid, bytea, uuid, uuid, bigint, bigint)');
  }
}
