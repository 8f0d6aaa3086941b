import { randomBytes } from 'node:crypto';
import { Pool } from 'pg';
import { json } from './http-client';

const b64 = (bytes: number) => randomBytes(bytes).toString('base64');

export interface BenchUser {
  userId: string;
  accessToken: string;
}

/** Registers through the API, as a client would (the argon2 cost is paid once per user). */
export async function register(baseUrl: string): Promise<BenchUser> {
  return json<BenchUser>('POST', `${baseUrl}/api/auth/register`, {
    email: `bench-${randomBytes(6).toString('hex')}@example.com`,
    authKey: b64(32),
    kdf: { algorithm: 'argon2id', salt: b64(16), memoryKiB: 65536, iterations: 3, parallelism: 1 },
    keys: { classicalPublicKey: b64(32), pqPublicKey: b64(1184), classicalPrivEncrypted: b64(62), pqPrivEncrypted: b64(94) },
  });
}

export async function createMap(baseUrl: string, user: BenchUser, maxVersions = 20): Promise<string> {
  const map = await json<{ id: string }>(
    'POST',
    `${baseUrl}/api/mindmaps`,
    {
      encryptedTitle: b64(40),
      envelope: { ephClassicalPublic: b64(32), ephPqCiphertext: b64(1088), wrappedDek: b64(60) },
      keyVersion: 1,
      maxVersions,
    },
    user.accessToken,
  );
  return map.id;
}

/**
 * Gives `ownerId` `maps` extra maps of `perMap` versions each, straight through SQL (the rows
 * only: these objects are never read), and sets the usage counter to match. Returns the map ids.
 */
export async function seedVersions(
  pool: Pool,
  ownerId: string,
  templateMapId: string,
  options: { maps: number; perMap: number; sizeBytes: number; maxVersions: number },
): Promise<{ mapId: string; versions: { id: string; objectKey: string }[] }[]> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const maps = await client.query<{ id: string }>(
      `INSERT INTO mind_maps (id, owner_id, encrypted_title, env_eph_classical_public, env_eph_pq_ciphertext, env_wrapped_dek,
                              max_versions, head_version_id, size_bytes, version_count)
       SELECT gen_random_uuid(), $1::uuid, t.encrypted_title, t.env_eph_classical_public, t.env_eph_pq_ciphertext, t.env_wrapped_dek,
              $3, NULL, $4, $5
       FROM mind_maps t, generate_series(1, $2::int) WHERE t.id = $6::uuid
       RETURNING id`,
      [ownerId, options.maps, options.maxVersions, options.sizeBytes, options.perMap, templateMapId],
    );
    const ids = maps.rows.map((r) => r.id);
    const versions = await client.query<{ id: string; map_id: string; object_key: string }>(
      `INSERT INTO map_versions (id, map_id, owner_id, object_key, size_bytes, env_eph_classical_public, env_eph_pq_ciphertext, env_wrapped_dek)
       SELECT v.id, m.id, $1::uuid, 'users/' || $1::text || '/maps/' || m.id || '/' || v.id, $3,
              m.env_eph_classical_public, m.env_eph_pq_ciphertext, m.env_wrapped_dek
       FROM mind_maps m CROSS JOIN LATERAL (SELECT gen_random_uuid() AS id, g FROM generate_series(1, $4::int) g WHERE m.id IS NOT NULL) v
       WHERE m.id = ANY($2::uuid[])
       ORDER BY m.id, v.g
       RETURNING id, map_id, object_key`,
      [ownerId, ids, options.sizeBytes, options.perMap],
    );
    await client.query(
      `UPDATE mind_maps m SET head_version_id = (SELECT id FROM map_versions v WHERE v.map_id = m.id ORDER BY seq DESC LIMIT 1)
       WHERE m.id = ANY($1::uuid[])`,
      [ids],
    );
    await client.query(
      `INSERT INTO user_usage (user_id, usage_bytes) VALUES ($1::uuid, (SELECT coalesce(sum(size_bytes), 0) FROM map_versions WHERE owner_id = $1::uuid))
       ON CONFLICT (user_id) DO UPDATE SET usage_bytes = EXCLUDED.usage_bytes`,
      [ownerId],
    );
    await client.query('COMMIT');
    const byMap = new Map<string, { id: string; objectKey: string }[]>(ids.map((id) => [id, []]));
    for (const v of versions.rows) byMap.get(v.map_id)!.push({ id: v.id, objectKey: v.object_key });
    return [...byMap].map(([mapId, list]) => ({ mapId, versions: list }));
  } catch (error) {
    await client.query('ROLLBACK');
    throw error;
  } finally {
    client.release();
  }
}
