import { randomBytes, randomUUID } from 'node:crypto';
import type { INestApplicationContext, Provider } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { loadConfig } from '../../../src/config/app-config';
import { ConfigModule } from '../../../src/config/config.module';
import { DatabaseModule } from '../../../src/database/database.module';
import { UnitOfWork } from '../../../src/database/unit-of-work';
import { createTestDatabase, TestDatabase } from '../../utils/test-database';

export interface RepositoryHarness {
  app: INestApplicationContext;
  db: TestDatabase;
  uow: UnitOfWork;
  /** A users row straight through SQL, for the foreign keys of the rows under test. */
  newUser(fields?: { email?: string; role?: 'user' | 'admin'; disabled?: boolean }): Promise<string>;
  /** A mind_maps row owned by `ownerId`, with no versions yet. */
  newMap(ownerId: string): Promise<string>;
  /** A map_versions row of `mapId` (its owner's), `sizeBytes` long. */
  newVersion(mapId: string, sizeBytes?: number): Promise<string>;
  /**
   * Whether `work` (started on another connection) queues behind a lock: true once some other
   * session of this database waits for a lock, false if `work` settles first.
   */
  waitsForLock(work: Promise<unknown>): Promise<boolean>;
  close(): Promise<void>;
}

/** The repository adapters under test, bound to their ports, over a fresh migrated PostgreSQL database. */
export async function repositoryHarness(providers: Provider[]): Promise<RepositoryHarness> {
  const db = await createTestDatabase();
  const config = loadConfig({ LOG_LEVEL: 'silent', DATABASE_URL: db.url });
  const moduleRef = await Test.createTestingModule({
    imports: [ConfigModule.forRoot(config), DatabaseModule.forRoot(db.url)],
    providers,
  }).compile();
  const app = await moduleRef.init();
  return {
    app,
    db,
    uow: app.get(UnitOfWork),
    newUser: async (fields = {}) => {
      const id = randomUUID();
      await db.pool.query(
        `INSERT INTO users (id, email, auth_key_hash, kdf_salt, kdf_memory_kib, kdf_iterations, kdf_parallelism,
                            classical_public_key, pq_public_key, classical_priv_encrypted, pq_priv_encrypted, role, disabled)
         VALUES ($1, $2, 'hash', $3, 65536, 3, 1, $3, $3, $3, $3, $4, $5)`,
        [id, fields.email ?? `${id}@example.com`, randomBytes(16), fields.role ?? 'user', fields.disabled ?? false],
      );
      return id;
    },
    newMap: async (ownerId) => {
      const id = randomUUID();
      await db.pool.query(
        `INSERT INTO mind_maps (id, owner_id, encrypted_title, env_eph_classical_public, env_eph_pq_ciphertext, env_wrapped_dek, max_versions)
         VALUES ($1, $2, $3, $3, $3, $3, 10)`,
        [id, ownerId, randomBytes(16)],
      );
      return id;
    },
    newVersion: async (mapId, sizeBytes = 100) => {
      const id = randomUUID();
      const inserted = await db.pool.query(
        `INSERT INTO map_versions (id, map_id, owner_id, object_key, size_bytes, env_eph_classical_public, env_eph_pq_ciphertext, env_wrapped_dek)
         SELECT $1::uuid, m.id, m.owner_id, 'users/' || m.owner_id || '/maps/' || m.id || '/' || $1::text, $3, $4, $4, $4
         FROM mind_maps m WHERE m.id = $2`,
        [id, mapId, sizeBytes, randomBytes(16)],
      );
      if (inserted.rowCount !== 1) throw new Error(`no map ${mapId} to add a version to`);
      return id;
    },
    waitsForLock: async (work) => {
      let settled = false;
      const done = work.then(
        () => (settled = true),
        () => (settled = true),
      );
      while (!settled) {
        const waiting = await db.pool.query(
          `SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND wait_event_type = 'Lock'`,
        );
        if (waiting.rowCount) return true;
        await Promise.race([done, new Promise((resolve) => setTimeout(resolve, 10))]);
      }
      return false;
    },
    close: async () => {
      await app.close();
      await db.drop();
    },
  };
}

/** A transaction held open by `holdOpen`: `release` lets it go on to its end, `done` is its outcome. */
export interface HeldTransaction<T> {
  release(): void;
  done: Promise<T>;
}

/**
 * Opens a transaction, runs `lock` in it and keeps it open (its locks held) until `release`; then
 * runs `then` with what `lock` returned, and commits. Resolves once `lock` is done, so whatever
 * starts next meets the locks; rejects if `lock` fails.
 */
export async function holdOpen<L, T = L>(uow: UnitOfWork, lock: () => Promise<L>, then?: (locked: L) => Promise<T>): Promise<HeldTransaction<T>> {
  let locked!: () => void;
  let release!: () => void;
  const lockTaken = new Promise<void>((resolve) => (locked = resolve));
  const released = new Promise<void>((resolve) => (release = resolve));
  const done = uow.run(async () => {
    const value = await lock();
    locked();
    await released;
    return then ? then(value) : (value as unknown as T);
  });
  await Promise.race([lockTaken, done]);
  return { release, done };
}
