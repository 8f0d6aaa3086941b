import { AsyncLocalStorage } from 'node:async_hooks';
import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { UnitOfWork } from './unit-of-work';

/** TypeORM side of UnitOfWork: the current transaction's manager lives in async-local storage. */
@Injectable()
export class TransactionHost extends UnitOfWork {
  private readonly store = new AsyncLocalStorage<EntityManager>();

  constructor(private readonly dataSource: DataSource) {
    super();
  }

  /** The manager of the enclosing transaction, or the pool's manager outside one. */
  get manager(): EntityManager {
    return this.store.getStore() ?? this.dataSource.manager;
  }

  /**
   * A read, as rows: on the enclosing transaction's connection, or else straight from pg's pool.
   * NOTE: for the reads every request makes (who is calling, which map): TypeORM's own query()
   * builds and releases a query runner each time, which cost more CPU than the query.
   */
  async read<T>(sql: string, params: unknown[]): Promise<T[]> {
    const transaction = this.store.getStore();
    if (transaction) return transaction.query(sql, params);
    const pool = (this.dataSource.driver as unknown as { master: { query(sql: string, params: unknown[]): Promise<{ rows: T[] }> } }).master;
    return (await pool.query(sql, params)).rows;
  }

  run<T>(work: () => Promise<T>): Promise<T> {
    if (this.store.getStore()) return work();
    return this.dataSource.transaction((manager) => this.store.run(manager, work));
  }
}
