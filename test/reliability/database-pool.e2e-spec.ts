import { setTimeout as sleep } from 'node:timers/promises';
import type { INestApplicationContext, LoggerService } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { DataSource } from 'typeorm';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DatabaseModule } from '../../src/database/database.module';
import { DatabasePool } from '../../src/database/database-pool';
import { SqlClient } from '../../src/database/sql-client';
import { createTestDatabase, TestDatabase } from '../utils/test-database';

/** Nest's warnings, kept; the rest dropped. */
class WarningLog implements LoggerService {
  readonly warnings: string[] = [];
  log(): void {}
  error(): void {}
  warn(message: unknown): void {
    this.warnings.push(String(message));
  }
}

/** The pool SqlClient queries through, as a process holds it: idle connections dying under it, the app closing. */
describe('database pool', () => {
  const APP = 'mindvault-pool-spec';
  // The test server trusts local connections, so the password is never checked; the client still carries it.
  const PASSWORD = 'pool-spec-password';
  let db: TestDatabase;
  let app: INestApplicationContext;
  let closed: boolean;
  let log: WarningLog;
  let uncaught: unknown[];
  const recordUncaught = (error: unknown) => uncaught.push(error);

  beforeAll(async () => (db = await createTestDatabase()));
  afterAll(() => db?.drop());
  beforeEach(async () => {
    uncaught = [];
    process.on('uncaughtException', recordUncaught);
    const url = new URL(db.url);
    url.password = PASSWORD;
    url.searchParams.set('application_name', APP);
    const moduleRef = await Test.createTestingModule({ imports: [DatabaseModule.forRoot(url.toString())] }).compile();
    log = new WarningLog();
    moduleRef.useLogger(log);
    app = await moduleRef.init();
    closed = false;
  });
  afterEach(async () => {
    if (!closed) await app?.close();
    process.off('uncaughtException', recordUncaught);
  });

  /** The app's connections the server has open. */
  const serverConnections = async () =>
    (await db.pool.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE application_name = $1', [APP])).rows.map((r) => r.pid);

  async function eventually(check: () => Promise<boolean> | boolean, what: string): Promise<void> {
    const deadline = Date.now() + 5000;
    while (!(await check())) {
      if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
      await sleep(20);
    }
  }

  it('drops idle connections the server kills, logs each without its parameters, and queries on', async () => {
    const sql = app.get(SqlClient);
    const pool = app.get(DatabasePool).pool;
    // Several connections at once, all idle in the pool afterwards.
    await Promise.all(Array.from({ length: 3 }, () => sql.run(() => sql.execute('SELECT pg_sleep(0.05)'))));
    const idle = await serverConnections();
    expect(pool.idleCount).toBe(pool.totalCount);
    expect(idle.length).toBe(pool.totalCount);
    expect(idle.length).toBeGreaterThanOrEqual(3);

    await db.pool.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1', [APP]);
    await eventually(() => pool.totalCount === 0, 'the pool has dropped every killed connection');

    expect(log.warnings).toHaveLength(idle.length);
    for (const warning of log.warnings) {
      expect(warning).toBe('an idle database connection failed and was dropped: terminating connection due to administrator command (57P01)');
      expect(warning).not.toContain(PASSWORD);
    }
    expect(uncaught).toEqual([]);
    expect(await sql.row('SELECT 1 AS one')).toEqual({ one: 1 });
    expect(await sql.run(() => sql.rows('SELECT 2 AS two'))).toEqual([{ two: 2 }]);
  });

  it('closes its connections when the app closes, after the transaction in flight commits', async () => {
    const sql = app.get(SqlClient);
    const pool = app.get(DatabasePool).pool;
    const inFlight = sql.run(() => sql.rows<{ done: boolean }>('SELECT pg_sleep(0.2) IS NOT NULL AS done'));
    await eventually(() => pool.totalCount - pool.idleCount > 0, 'the transaction holds a connection');
    expect((await serverConnections()).length).toBeGreaterThan(0);

    await app.close();
    closed = true;
    await expect(inFlight).resolves.toEqual([{ done: true }]);
    expect(pool.ended).toBe(true);
    expect(pool.totalCount).toBe(0);
    await eventually(async () => (await serverConnections()).length === 0, 'the server has no connection of the app left');
  });

  it('serves one DataSource: a second on its driver is refused and the first keeps its pool', async () => {
    const database = app.get(DatabasePool);
    const pool = database.pool;
    const second = new DataSource({ type: 'postgres', url: db.url, driver: database.driver });
    await expect(second.initialize()).rejects.toThrow('a DatabasePool serves one DataSource');
    expect(database.pool).toBe(pool);
    expect(await app.get(SqlClient).row('SELECT 1 AS one')).toEqual({ one: 1 });
  });
});
