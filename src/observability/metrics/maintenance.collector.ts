import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { Gauge } from 'prom-client';
import type { ReconcileReport } from '../../admin/reconcile/reconcile-run';
import { ReconcileService } from '../../admin/reconcile/reconcile.service';
import { PruneVersionsService } from '../../mindmaps/jobs/prune-versions.service';
import { AppMetrics } from './app-metrics';

const REPORT_FIELDS: [keyof ReconcileReport, string, string][] = [
  ['objectsScanned', 'objects_scanned', 'Objects the blob store listed'],
  ['orphansDeleted', 'orphans_deleted', 'Unreferenced objects deleted'],
  ['orphanBytesDeleted', 'orphan_bytes_deleted', 'Bytes of the unreferenced objects deleted'],
  ['orphanDeleteFailures', 'orphan_delete_failures', 'Unreferenced objects that could not be deleted'],
  ['ledgerEntriesSettled', 'ledger_entries_settled', 'Orphan-ledger entries settled'],
  ['usersChecked', 'users_checked', 'Users whose usage was recomputed'],
  ['usageCorrectionCount', 'usage_corrections', 'Users whose usage counter was corrected'],
];

/** State the database holds, read at scrape time: the prune backlog and the last reconcile sweep. */
@Injectable()
export class MaintenanceCollector implements OnModuleInit {
  private readonly logger = new Logger('Metrics');

  constructor(
    private readonly metrics: AppMetrics,
    private readonly pruner: PruneVersionsService,
    private readonly reconcile: ReconcileService,
  ) {}

  onModuleInit(): void {
    // NOTE: a registry reads its metrics in registration order, so the gauge whose collect() reads
    // the database comes first and sets its companions before they are read.
    const registers = [this.metrics.registry];
    const overdueAge: Gauge = new Gauge({
      name: 'mindvault_prune_overdue_oldest_seconds',
      help: 'How long the longest-waiting overdue prune has been due (0: none)',
      registers,
      collect: async () => {
        const backlog = await this.safely('prune backlog', () => this.pruner.overdueBacklog());
        if (!backlog) return;
        overdueMaps.set(backlog.maps);
        overdueAge.set(backlog.oldestSince ? Math.max(0, (Date.now() - backlog.oldestSince.getTime()) / 1000) : 0);
      },
    });
    const overdueMaps = new Gauge({ name: 'mindvault_prune_overdue_maps', help: 'Maps holding more versions than their maxVersions', registers });

    const status: Gauge<'status'> = new Gauge({
      name: 'mindvault_reconcile_last_status',
      help: 'The latest requested reconcile sweep: 1 on its status (queued, running, done, failed)',
      labelNames: ['status'] as const,
      registers,
      collect: async () => {
        const run = await this.safely('last reconcile', () => this.reconcile.latest());
        status.reset();
        finished.reset();
        for (const { gauge } of report) gauge.reset();
        if (run === undefined) return;
        status.set({ status: run.status }, 1);
        if (run.finishedAt) finished.set(run.finishedAt.getTime() / 1000);
        if (run.report) for (const { field, gauge } of report) gauge.set(Number(run.report[field]));
      },
    });
    const finished = new Gauge({
      name: 'mindvault_reconcile_last_finished_timestamp_seconds',
      help: 'When the latest reconcile sweep finished (Unix time)',
      registers,
    });
    const report = REPORT_FIELDS.map(([field, suffix, help]) => ({
      field,
      gauge: new Gauge({ name: `mindvault_reconcile_last_${suffix}`, help: `Latest reconcile sweep: ${help}`, registers }),
    }));
  }

  private async safely<T>(what: string, read: () => Promise<T>): Promise<T | undefined> {
    try {
      return await read();
    } catch (error) {
      this.logger.debug(`${what} unavailable: ${error instanceof Error ? error.message : String(error)}`);
      return undefined;
    }
  }
}
