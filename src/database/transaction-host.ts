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

  run<T>(work: () => Promise<T>): Promise<T> {
    if (this.store.getStore()) return work();
    return this.dataSource.transaction((manager) => this.store.run(manager, work));
  }
}
