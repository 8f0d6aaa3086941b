import { Module } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { AppMetrics } from '../observability/metrics/app-metrics';
import { MeteredBlobStore } from '../observability/metrics/metered-blob-store';
import { MetricsModule } from '../observability/metrics/metrics.module';
import { PostgresDeletionHold } from './adapters/postgres-deletion-hold';
import { TypeOrmOrphanLedger } from './adapters/typeorm-orphan-ledger';
import { TypeOrmUsageLedger } from './adapters/typeorm-usage-ledger';
import { createBlobStore } from './blob-store.factory';
import { ObjectJanitor } from './object-janitor.service';
import { BlobStore } from './ports/blob-store';
import { DeletionHold } from './ports/deletion-hold';
import { OrphanLedger } from './ports/orphan-ledger';
import { UsageLedger } from './ports/usage-ledger';

/**
 * Where bytes live and what they cost: the blob store (adapter chosen from config), the per-user
 * usage counters and the ledger of objects awaiting deletion.
 */
@Module({
  imports: [MetricsModule],
  providers: [
    {
      provide: BlobStore,
      inject: [AppConfig, AppMetrics],
      useFactory: async (config: AppConfig, metrics: AppMetrics): Promise<BlobStore> => {
        const store = await createBlobStore(config.blob);
        // Leftovers of uploads a crash cut off; younger ones may still be streaming in another process.
        await store.removeStaleUploads(new Date(Date.now() - config.uploads.reservationTtlS * 1000));
        const timeRequests = config.diagnostics.enabled;
        return config.metrics.enabled || timeRequests ? new MeteredBlobStore(store, metrics, timeRequests) : store;
      },
    },
    { provide: UsageLedger, useClass: TypeOrmUsageLedger },
    { provide: OrphanLedger, useClass: TypeOrmOrphanLedger },
    { provide: DeletionHold, useClass: PostgresDeletionHold },
    ObjectJanitor,
  ],
  exports: [BlobStore, UsageLedger, OrphanLedger, ObjectJanitor, DeletionHold],
})
export class StorageModule {}
