import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Client } from 'pg';
import type { TestProject } from 'vitest/node';
import { DataSource } from 'typeorm';
import { MIGRATIONS } from '../../src/database/migrations';
import { startEmbeddedPostgres } from '../../src/database/embedded-postgres';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A database URL with rights to CREATE DATABASE. */
    pgAdminUrl: string;
    /** Every test database is a copy of this migrated template. */
    pgTemplate: string;
    /** Empty when no Redis is configured (BullMQ tests are then skipped). */
    redisUrl: string;
  }
}

/**
 * Real PostgreSQL for every suite: DATABASE_URL when set (CI), else an embedded server whose
 * cluster ./data/test records. The schema is migrated once into a template that each test file copies.
 */
export default async function setup(project: TestProject) {
  // The browser specs (web/e2e) serve web/dist: rebuilt here, once, when its sources changed
  // (spec files run in parallel and must not build it themselves).
  const web = spawnSync(process.execPath, [resolve('scripts/build.mjs'), 'web'], { stdio: 'inherit' });
  if (web.status !== 0) throw new Error('building the web app failed');
  let stop = async () => {};
  let adminUrl = process.env.DATABASE_URL;
  if (!adminUrl) {
    const embedded = await startEmbeddedPostgres(resolve('data/test'), 54339);
    adminUrl = embedded.url;
    stop = embedded.stop;
  }
  const template = `mindvault_template_${migrationsFingerprint()}`;
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [template]);
    if (exists.rowCount === 0) {
      await admin.query(`CREATE DATABASE ${template}`);
      const dataSource = new DataSource({ type: 'postgres', url: withDatabase(adminUrl, template), migrations: MIGRATIONS });
      await dataSource.initialize();
      await dataSource.runMigrations({ transaction: 'each' });
      await dataSource.destroy();
    }
  } finally {
    await admin.end();
  }
  project.provide('pgAdminUrl', adminUrl);
  project.provide('pgTemplate', template);
  project.provide('redisUrl', process.env.REDIS_URL ?? '');
  return stop;
}

export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

/** A new template whenever a migration changes, so a stale schema is never copied. */
function migrationsFingerprint(): string {
  const dir = resolve('src/database/migrations');
  const hash = createHash('sha256');
  for (const file of readdirSync(dir).sort()) hash.update(file).update(readFileSync(join(dir, file)));
  return hash.digest('hex').slice(0, 12);
}
