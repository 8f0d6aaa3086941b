import { Module } from '@nestjs/common';
import { QueueModule } from '../queue/queue.module';
import { TypeOrmReconcileRunRepository } from './adapters/typeorm-reconcile-run.repository';
import { TypeOrmInstallIdentity } from './adapters/typeorm-install-identity';
import { TypeOrmStorageInventory } from './adapters/typeorm-storage-inventory';
import { StorageReconciler } from './jobs/storage-reconciler.service';
import { InstallIdentity } from './ports/install-identity';
import { ReconcileRunRepository } from './ports/reconcile-run.repository';
import { StorageInventory } from './ports/storage-inventory';
import { ReconcileService } from './reconcile.service';
import { StorageModule } from './storage.module';
import { StoreOwnershipService } from './store-ownership.service';

/**
 * Storage's garbage collection (the reconcile sweep). Only ReconcileService leaves the module:
 * admin asks for runs and reads their status through it, the job processors run them.
 */
@Module({
  imports: [StorageModule, QueueModule],
  providers: [
    ReconcileService,
    StorageReconciler,
    { provide: ReconcileRunRepository, useClass: TypeOrmReconcileRunRepository },
    { provide: StorageInventory, useClass: TypeOrmStorageInventory },
    { provide: InstallIdentity, useClass: TypeOrmInstallIdentity },
    StoreOwnershipService,
  ],
  exports: [ReconcileService],
})
export class ReconcileModule {}
