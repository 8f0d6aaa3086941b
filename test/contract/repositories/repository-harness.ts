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
  newUser(): Promise<string>;
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
    newUser: async () => {
      const id = randomUUID();
      await db.pool.query(
        `INSERT INTO users (id, email, auth_key_hash, kdf_salt, kdf_memory_kib, kdf_iterations, kdf_parallelism,
                            classical_public_key, pq_public_key, classical_priv_encrypted, pq_priv_encrypted)
         VALUES ($1, $2, 'hash', $3, 65536, 3, 1, $3, $3, $3, $3)`,
        [id, `${id}@example.com`, randomBytes(16)],
      );
      return id;
    },
    close: async () => {
      await app.close();
      await db.drop();
    },
  };
}
