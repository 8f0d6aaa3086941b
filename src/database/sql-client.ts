import { AsyncLocalStorage } from 'node:async_hooks';
import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager, QueryFailedError } from 'typeorm';
import { UnitOfWork } from './unit-of-work';

/** What one statement returned: its rows (RETURNING or SELECT) and how many rows it touched. */
export interface SqlResult<R> {
  rows: R[];
  affected: number;
}

/**
 * The one way repositories talk to PostgreSQL: parameterised SQL, run on the open transaction's
 * connection when there is one, else on a pooled connection. The open transaction is kept in an
 * AsyncLocalStorage of its own, entered only by `run`: a request that opens no transaction pays
 * for no context, and no framework guard or interceptor runs on every request to provide one.
 * Only TypeORM's public API (DataSource.transaction, EntityManager, QueryRunner) is used.
 */
@Injectable()
export class SqlClient extends UnitOfWork {
  private readonly transaction = new AsyncLocalStorage<EntityManager>();

  constructor(private readonly dataSource: DataSource) {
    super();
  }

  /** Opens a transaction, or joins the one already open in this async context. */
  run<T>(work: () => Promise<T>): Promise<T> {
    if (this.isActive()) return work();
    return this.dataSource.transaction((manager) => this.transaction.run(manager, work));
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
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    try {
      return await work(async <R>(sql: string, params: readonly unknown[] = []) => (await runner.query(sql, [...params], true)).records as R[]);
    } finally {
      await runner.query('ROLLBACK').catch(() => undefined);
      await runner.query('SELECT pg_advisory_unlock_all()').catch(() => undefined);
      await runner.release();
    }
  }

  async execute<R = never>(sql: string, params: readonly unknown[] = []): Promise<SqlResult<R>> {
    const open = this.transaction.getStore()?.queryRunner;
    const runner = open ?? this.dataSource.createQueryRunner();
    try {
      const result = await runner.query(sql, [...params], true);
      return { rows: result.records as R[], affected: result.affected ?? 0 };
    } finally {
      if (runner !== open) await runner.release();
    }
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
