import { MigrationInterface, QueryRunner } from 'typeorm';

export class InitialSchema1764057600000 implements MigrationInterface {
  name = 'InitialSchema1764057600000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE users (
        id uuid PRIMARY KEY,
        email text NOT NULL UNIQUE,
        auth_key_hash text NOT NULL,
        kdf_salt bytea NOT NULL,
        kdf_memory_kib integer NOT NULL,
        kdf_iterations integer NOT NULL,
        kdf_parallelism integer NOT NULL,
        classical_public_key bytea NOT NULL,
        pq_public_key bytea NOT NULL,
        classical_priv_encrypted bytea NOT NULL,
        pq_priv_encrypted bytea NOT NULL,
        key_version integer NOT NULL DEFAULT 1,
        role text NOT NULL DEFAULT 'user' CHECK (role IN ('user', 'admin')),
        disabled boolean NOT NULL DEFAULT false,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE refresh_tokens (
        id uuid PRIMARY KEY,
        user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        family_id uuid NOT NULL,
        secret_hash bytea NOT NULL,
        expires_at timestamptz NOT NULL,
        used_at timestamptz,
        revoked_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX refresh_tokens_family_idx ON refresh_tokens (family_id)`);
    await q.query(`CREATE INDEX refresh_tokens_user_idx ON refresh_tokens (user_id)`);
    await q.query(`
      CREATE TABLE user_usage (
        user_id uuid PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
        usage_bytes bigint NOT NULL DEFAULT 0 CHECK (usage_bytes >= 0)
      )`);
    await q.query(`
      CREATE TABLE mind_maps (
        id uuid PRIMARY KEY,
        owner_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        encrypted_title bytea NOT NULL,
        env_eph_classical_public bytea NOT NULL,
        env_eph_pq_ciphertext bytea NOT NULL,
        env_wrapped_dek bytea NOT NULL,
        max_versions integer NOT NULL CHECK (max_versions BETWEEN 1 AND 1000),
        head_version_id uuid,
        size_bytes bigint NOT NULL DEFAULT 0,
        version_count integer NOT NULL DEFAULT 0,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX mind_maps_owner_created_idx ON mind_maps (owner_id, created_at DESC, id DESC)`);
    await q.query(`
      CREATE TABLE map_versions (
        id uuid PRIMARY KEY,
        seq bigserial NOT NULL UNIQUE,
        map_id uuid NOT NULL REFERENCES mind_maps(id) ON DELETE CASCADE,
        owner_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        object_key text NOT NULL UNIQUE,
        size_bytes bigint NOT NULL CHECK (size_bytes > 0),
        env_eph_classical_public bytea NOT NULL,
        env_eph_pq_ciphertext bytea NOT NULL,
        env_wrapped_dek bytea NOT NULL,
        saved_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX map_versions_map_seq_idx ON map_versions (map_id, seq DESC)`);
    await q.query(`CREATE INDEX map_versions_owner_idx ON map_versions (owner_id)`);
    await q.query(`
      CREATE TABLE orphan_objects (
        object_key text PRIMARY KEY,
        reason text NOT NULL,
        recorded_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of ['orphan_objects', 'map_versions', 'mind_maps', 'user_usage', 'refresh_tokens', 'users']) {
      await q.query(`DROP TABLE IF EXISTS ${table}`);
    }
  }
}
