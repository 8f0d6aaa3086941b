import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import type { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { QueryFailedError } from 'typeorm';
import { UnitOfWork } from './unit-of-work';

/** What one statement returned: its rows (RETURNING or SELECT) and how many rows it touched. */
export interface SqlResult<R> {
  rows: R[];
  affected: number;
}

/**
 * The one way repositories talk to PostgreSQL: parameterised SQL, run on the open transaction's
 * connection when there is one (kept by @nestjs-cls/transactional), else on a pooled connection.
 * Only TypeORM's public API (EntityManager, QueryRunner) is used.
 */
@Injectable()
export class SqlClient extends UnitOfWork {
  constructor(private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>) {
    super();
  }

  run<T>(work: () => Promise<T>): Promise<T> {
    return this.txHost.withTransaction(work);
  }

  isActive(): boolean {
    return this.txHost.isTransactionActive();
  }

  /** The rows of one statement. */
  async rows<R>(sql: string, params: readonly unknown[] = []): Promise<R[]> {
    return (await this.execute<R>(sql, params)).rows;
  }

  /** The first row of one statement, or undefined. */
  async row<R>(sql: string, params: readonly unknown[] = []): Promise<R | undefined> {
    return (await this.execute<R>(sql, params)).rows[0];
  }

  async execute<R = never>(sql: string, params: readonly unknown[] = []): Promise<SqlResult<R>> {
    const manager = this.txHost.tx;
    const runner = manager.queryRunner ?? manager.dataSource.createQueryRunner();
    try {
      const result = await runner.query(sql, [...params], true);
      return { rows: result.records as R[], affected: result.affected ?? 0 };
    } finally {
      if (runner !== manager.queryRunner) await runner.release();
    }
  }
}

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
