import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { Gauge } from 'prom-client';
import { PruneVersionsService } from '../../mindmaps/jobs/prune-versions.service';
import type { ReconcileReport } from '../../storage/domain/reconcile-run';
import { ReconcileService } from '../../storage/reconcile.service';
import { AppMetrics } from './app-metrics';

const REPORT_FIELDS: [keyof ReconcileReport, string, string][] = [
  ['objectsScanned', 'objects_scanned', 'Objects the blob store listed'],
  ['orphansDeleted', 'orphans_deleted', 'Unreferenced objects deleted'],
  ['orphanBytesDeleted', 'orphan_bytes_deleted', 'Bytes of the unreferenced objects deleted'],
  ['orphanDeleteFailures', 'orphan_delete_failures', 'Unreferenced objects that could not be deleted'],
  ['ledgerEntriesSettled', 'ledger_entries_settled', 'Orphan-ledger entries settled'],
  ['deletionsDeferred', 'deletions_deferred', 'Deletions a running backup deferred to the orphan ledger'],
  ['deletionsRefused', 'deletions_refused', "1 when the sweep deleted nothing: the store was not this database's, or too large a share would have gone"],
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
    const registers = [this.metrics.registry];
    // NOTE: a registry collects all its metrics at once, so gauges fed by one query share its answer.
    const backlog = inFlightOnce(() => this.safely('prune backlog', () => this.pruner.overdueBacklog()));
    const lastRun = inFlightOnce(() => this.safely('last reconcile', () => this.reconcile.latest()));

    new Gauge({
      name: 'mindvault_prune_overdue_oldest_seconds',
      help: 'How long the longest-waiting overdue prune has been due (0: none)',
      registers,
      async collect() {
        const b = await backlog();
        if (b) this.set(b.oldestSince ? Math.max(0, (Date.now() - b.oldestSince.getTime()) / 1000) : 0);
      },
    });
    new Gauge({
      name: 'mindvault_prune_overdue_maps',
      help: 'Maps holding more versions than their maxVersions',
      registers,
      async collect() {
        const b = await backlog();
        if (b) this.set(b.maps);
      },
    });

    new Gauge({
      name: 'mindvault_reconcile_last_status',
      help: 'The latest requested reconcile sweep: 1 on its status (queued, running, done, failed)',
      labelNames: ['status'] as const,
      registers,
      async collect() {
        const run = await lastRun();
        this.reset();
        if (run) this.set({ status: run.status }, 1);
      },
    });
    new Gauge({
      name: 'mindvault_reconcile_last_finished_timestamp_seconds',
      help: 'When the latest reconcile sweep finished (Unix time; 0 while none has)',
      registers,
      async collect() {
        const run = await lastRun();
        this.reset();
        if (run?.finishedAt) this.set(run.finishedAt.getTime() / 1000);
      },
    });
    for (const [field, suffix, help] of REPORT_FIELDS) {
      new Gauge({
        name: `mindvault_reconcile_last_${suffix}`,
        help: `Latest reconcile sweep: ${help} (0 until one has finished)`,
        registers,
        async collect() {
          const run = await lastRun();
          this.reset();
          if (run?.report) this.set(Number(run.report[field]));
        },
      });
    }
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

/** Calls `read` once for all callers that arrive while it runs. */
function inFlightOnce<T>(read: () => Promise<T>): () => Promise<T> {
  let pending: Promise<T> | undefined;
  return () => (pending ??= read().finally(() => (pending = undefined)));
}
