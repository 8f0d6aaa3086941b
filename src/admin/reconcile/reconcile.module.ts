import { Module } from '@nestjs/common';
import { QueueModule } from '../../queue/queue.module';
import { StorageModule } from '../../storage/storage.module';
import { ReconcileRunRepository } from './reconcile-run.repository';
import { ReconcileService } from './reconcile.service';
import { StorageInventory } from './storage-inventory';
import { StorageReconciler } from './storage-reconciler.service';
import { TypeOrmReconcileRunRepository } from './typeorm-reconcile-run.repository';
import { TypeOrmStorageInventory } from './typeorm-storage-inventory';

/** Storage reconciliation: requesting sweeps (admin API) and running them (jobs). */
@Module({
  imports: [StorageModule, QueueModule],
  providers: [
    ReconcileService,
    StorageReconciler,
    { provide: ReconcileRunRepository, useClass: TypeOrmReconcileRunRepository },
    { provide: StorageInventory, useClass: TypeOrmStorageInventory },
  ],
  exports: [ReconcileService, StorageReconciler],
})
export class ReconcileModule {}
