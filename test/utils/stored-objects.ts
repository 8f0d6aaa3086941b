import type { TestApp } from './create-test-app';
import { isBlobKey } from '../../src/storage/blob-key';
import { BlobStore } from '../../src/storage/ports/blob-store';

/** Every object the app's blob store holds, by key (its install id marker aside: no object). */
export async function storedKeys(t: TestApp): Promise<string[]> {
  const keys: string[] = [];
  for await (const object of t.app.get(BlobStore).list('')) if (isBlobKey(object.key)) keys.push(object.key);
  return keys.sort();
}

/** Version rows and the usage counter of one user, as the database holds them. */
export async function accountState(t: TestApp, userId: string) {
  const versions = await t.db.pool.query(
    'SELECT object_key, size_bytes FROM map_versions WHERE owner_id = $1 ORDER BY object_key',
    [userId],
  );
  const usage = await t.db.pool.query('SELECT usage_bytes FROM user_usage WHERE user_id = $1', [userId]);
  return {
    keys: versions.rows.map((r: { object_key: string }) => r.object_key),
    versionBytes: versions.rows.reduce((sum: number, r: { size_bytes: string }) => sum + Number(r.size_bytes), 0),
    usage: Number(usage.rows[0]?.usage_bytes ?? 0),
  };
}
