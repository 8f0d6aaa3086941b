import { DataSource } from 'typeorm';
import { DatabasePool } from './database-pool';
import { SqlClient } from './sql-client';

/**
 * SqlClient over a DataSource of its own, outside the Nest app (the backup and restore commands):
 * one pool, ended by `close`.
 */
export async function openStandaloneSql(databaseUrl: string): Promise<{ db: SqlClient; close: () => Promise<void> }> {
  const pool = new DatabasePool();
  const dataSource = new DataSource({ type: 'postgres', url: databaseUrl, driver: pool.driver, migrations: [] });
  await dataSource.initialize();
  return { db: new SqlClient(pool), close: () => dataSource.destroy() };
}
