import { Injectable, OnModuleInit } from '@nestjs/common';
import { JobRegistry } from '../../queue/job-registry';
import { ReconcileService } from '../reconcile.service';

/**
 * Binds the reconcile jobs to the sweep: one an administrator asked for, and the scheduled one,
 * which records its own run so `lastReconcile` shows it too. Registered only where jobs run
 * (worker, or inline mode).
 */
@Injectable()
export class ReconcileStorageProcessor implements OnModuleInit {
  constructor(
    private readonly registry: JobRegistry,
    private readonly reconcile: ReconcileService,
  ) {}

  onModuleInit(): void {
    this.registry.register('reconcile-storage', async ({ runId }) => {
      await this.reconcile.sweep(runId);
    });
    this.registry.register('reconcile-scheduled', async () => {
      const run = await this.reconcile.record(null);
      await this.reconcile.sweep(run.id);
    });
  }
}
