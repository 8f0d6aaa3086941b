import { Module } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { TypeOrmOrphanLedger } from './adapters/typeorm-orphan-ledger';
import { TypeOrmUsageLedger } from './adapters/typeorm-usage-ledger';
import { createBlobStore } from './blob-store.factory';
import { ObjectJanitor } from './object-janitor.service';
import { BlobStore } from './ports/blob-store';
import { OrphanLedger } from './ports/orphan-ledger';
import { UsageLedger } from './ports/usage-ledger';

/**
 * Where bytes live and what they cost: the blob store (adapter chosen from config), the per-user
 * usage counters and the ledger of objects awaiting deletion.
 */
@Module({
  providers: [
    { provide: BlobStore, inject: [AppConfig], useFactory: (config: AppConfig) => createBlobStore(config.blob) },
    { provide: UsageLedger, useClass: TypeOrmUsageLedger },
    { provide: OrphanLedger, useClass: TypeOrmOrphanLedger },
    ObjectJanitor,
  ],
  exports: [BlobStore, UsageLedger, OrphanLedger, ObjectJanitor],
})
export class StorageModule {}
