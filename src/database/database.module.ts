import type { EventEmitter } from 'node:events';
import { DynamicModule, Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DatabasePool, logIdleConnectionError } from './database-pool';
import { MIGRATIONS } from './migrations';
import { SqlClient } from './sql-client';
import { UnitOfWork } from './unit-of-work';

/**
 * TypeORM on PostgreSQL; the schema comes from migrations only, run at start-up. SqlClient is the
 * one way to query and the one transaction mechanism (the UnitOfWork).
 */
@Global()
@Module({})
export class DatabaseModule {
  static forRoot(url: string): DynamicModule {
    const pool = new DatabasePool();
    return {
      module: DatabaseModule,
      imports: [
        TypeOrmModule.forRoot({
          type: 'postgres',
          url,
          driver: pool.driver,
          poolErrorHandler: logIdleConnectionError,
          entities: [],
          synchronize: false,
          migrations: MIGRATIONS,
          migrationsRun: true,
          migrationsTransactionMode: 'each',
          extra: {
            max: 20,
            connectionTimeoutMillis: 5000,
            // NOTE: pg-pool hands a new client out with no 'error' listener until TypeORM adds one a
            // microtask later; a connection killed in that instant (failover, pg_terminate_backend)
            // threw an unhandled 'error' and took the whole process down. The pool and TypeORM still
            // see every error through their own listeners; this one only keeps the process alive.
            onConnect: (client: EventEmitter) => void client.on('error', () => {}),
          },
          // NOTE: no query or error logging: TypeORM would print parameters, i.e. ciphertext and hashes.
          logging: ['migration'],
        }),
      ],
      providers: [SqlClient, { provide: UnitOfWork, useExisting: SqlClient }, { provide: DatabasePool, useValue: pool }],
      exports: [SqlClient, UnitOfWork, DatabasePool],
    };
  }
}
