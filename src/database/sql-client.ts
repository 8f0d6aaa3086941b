import { AsyncLocalStorage } from 'node:async_hooks';
import { Injectable } from '@nestjs/common';
import type { Pool, PoolClient, QueryResult } from 'pg';
import { QueryFailedError } from 'typeorm';
import { DatabasePool } from './database-pool';
import { UnitOfWork } from './unit-of-work';

/** What one statement returned: its rows (RETURNING or SELECT) and how many rows it touched. */
export interface SqlResult<R> {
  rows: R[];
  affected: number;
}

/** The open transaction: its connection. */
interface Transaction {
  client: PoolClient;
}

/**
 * The one way repositories talk to PostgreSQL: parameterised SQL, run on the open transaction's
 * connection when there is one, else on a pooled connection. The open transaction is kept in an
 * AsyncLocalStorage of its own, entered only by `run`: a request that opens no transaction pays
 * for no context, and no framework guard or interceptor runs on every request to provide one.
 *
 * Statements go to pg's pool, the one TypeORM built for the DataSource (DatabasePool: its
 * migrations and connection settings stay TypeORM's), straight: TypeORM's QueryRunner around each
 * statement (a runner, a broadcaster and a result object a statement, the runner listed and
 * unlisted on the driver) was a tenth of an authenticated GET's CPU and its garbage. Failures are
 * still TypeORM's QueryFailedError with pg's error as `driverError`, as before.
 */
@Injectable()
export class SqlClient extends UnitOfWork {
  private readonly transaction = new AsyncLocalStorage<Transaction>();

  constructor(private readonly database: DatabasePool) {
    super();
  }

  private get pool(): Pool {
    return this.database.pool;
  }

  /** Opens a transaction, or joins the one already open in this async context. */
  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.isActive()) return work();
    const client = await this.connect();
    // A connection whose ROLLBACK failed is in an unknown state: destroyed, not pooled again.
    let broken: Error | undefined;
    try {
      await statement(client, 'START TRANSACTION');
      const result = await this.transaction.run({ client }, work);
      await statement(client, 'COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch((rollbackError: unknown) => {
        broken = rollbackError instanceof Error ? rollbackError : new Error(String(rollbackError));
      });
      throw error;
    } finally {
      client.release(broken);
    }
  }

  isActive(): boolean {
    return this.transaction.getStore() !== undefined;
  }

  /** The rows of one statement. */
  async rows<R>(sql: string, params: readonly unknown[] = []): Promise<R[]> {
    return (await this.execute<R>(sql, params)).rows;
  }

  /** The first row of one statement, or undefined. */
  async row<R>(sql: string, params: readonly unknown[] = []): Promise<R | undefined> {
    return (await this.execute<R>(sql, params)).rows[0];
  }

  /**
   * A connection of `work`'s own, for what spans several statements outside one UnitOfWork
   * transaction: session locks, snapshots, cursors. Whatever `work` leaves open (a transaction,
   * session locks) is ended before the connection goes back to the pool.
   */
  async session<T>(work: (query: SessionQuery) => Promise<T>): Promise<T> {
    const client = await this.connect();
    let broken: Error | undefined;
    try {
      return await work(async <R>(sql: string, params: readonly unknown[] = []) => (await statement<R>(client, sql, params)).rows);
    } finally {
      await client.query('ROLLBACK').catch((error: unknown) => (broken = error instanceof Error ? error : new Error(String(error))));
      if (!broken) await client.query('SELECT pg_advisory_unlock_all()').catch((error: unknown) => (broken = error instanceof Error ? error : new Error(String(error))));
      client.release(broken);
    }
  }

  async execute<R = never>(sql: string, params: readonly unknown[] = []): Promise<SqlResult<R>> {
    const open = this.transaction.getStore();
    // Outside a transaction, pg's pool takes a connection for the statement and gives it back.
    const result = await statement<R>(open ? open.client : this.pool, sql, params);
    return { rows: result.rows, affected: result.rowCount ?? 0 };
  }

  /**
   * A connection of the caller's until it calls `release`. While out of the pool it listens for
   * errors itself: a connection that dies between two statements of a transaction emits 'error',
   * which with no listener would end the process; the statement after it fails instead.
   */
  private async connect(): Promise<PoolClient> {
    const client = await this.pool.connect();
    client.on('error', ignore);
    const release = client.release.bind(client);
    client.release = (error?: Error | boolean) => {
      client.removeListener('error', ignore);
      client.release = release;
      release(error);
    };
    return client;
  }
}

function ignore(): void {}

/** One statement on `on`; pg's failure as TypeORM's QueryFailedError, as TypeORM's runner threw it. */
async function statement<R>(on: Pool | PoolClient, sql: string, params: readonly unknown[] = []): Promise<QueryResult<R & object>> {
  try {
    const result = (await on.query(sql, params as unknown[])) as QueryResult<R & object> | QueryResult<R & object>[];
    // A text of several statements answers one result each: the last one is the answer.
    return Array.isArray(result) ? result[result.length - 1] : result;
  } catch (error) {
    throw new QueryFailedError(sql, [...params], error as Error);
  }
}

/** One statement on a session's connection (SqlClient.session): its rows. */
export type SessionQuery = <R>(sql: string, params?: readonly unknown[]) => Promise<R[]>;

/** SQLSTATEs repositories translate into domain errors. */
export const PG_UNIQUE_VIOLATION = '23505';
export const PG_FOREIGN_KEY_VIOLATION = '23503';

/** PostgreSQL's error behind a failed statement, when it carries `code` (and, for constraints, `constraint`). */
export function pgErrorOf(error: unknown, code: string): { code: string; constraint?: string } | undefined {
  if (!(error instanceof QueryFailedError)) return undefined;
  const driverError = error.driverError as { code?: unknown; constraint?: unknown } | undefined;
  if (driverError?.code !== code) return undefined;
  return { code, constraint: typeof driverError.constraint === 'string' ? driverError.constraint : undefined };
}
