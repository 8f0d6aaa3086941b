import { Injectable, OnModuleInit } from '@nestjs/common';
import { JobRegistry } from '../../queue/job-registry';
import { StorageReconciler } from '../reconcile/storage-reconciler.service';

/** Binds the reconcile job to its sweep; registered only where jobs run (worker, or inline mode). */
@Injectable()
export class ReconcileStorageProcessor implements OnModuleInit {
  constructor(
    private readonly registry: JobRegistry,
    private readonly reconciler: StorageReconciler,
  ) {}

  onModuleInit(): void {
    this.registry.register('reconcile-storage', async ({ runId }) => {
      await this.reconciler.run(runId);
    });
  }
}
