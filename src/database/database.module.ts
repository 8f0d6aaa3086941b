import { DynamicModule, Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { MIGRATIONS } from './migrations';
import { TransactionHost } from './transaction-host';
import { UnitOfWork } from './unit-of-work';

/** TypeORM on PostgreSQL; the schema comes from migrations only, run at start-up. */
@Global()
@Module({})
export class DatabaseModule {
  static forRoot(url: string): DynamicModule {
    return {
      module: DatabaseModule,
      imports: [
        TypeOrmModule.forRoot({
          type: 'postgres',
          url,
          autoLoadEntities: true,
          synchronize: false,
          migrations: MIGRATIONS,
          migrationsRun: true,
          migrationsTransactionMode: 'each',
          extra: { max: 20, connectionTimeoutMillis: 5000 },
          // NOTE: no query or error logging: TypeORM would print parameters, i.e. ciphertext and hashes.
          logging: ['migration'],
        }),
      ],
      providers: [TransactionHost, { provide: UnitOfWork, useExisting: TransactionHost }],
      exports: [TransactionHost, UnitOfWork],
    };
  }
}
