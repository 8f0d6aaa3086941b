import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { ServiceUnavailable } from '../common/errors/common.errors';
import { JobQueue } from '../queue/job-queue';
import type { ReconcileReport, ReconcileRun } from './domain/reconcile-run';
import { StorageReconciler } from './jobs/storage-reconciler.service';
import { ReconcileRunRepository } from './ports/reconcile-run.repository';

/**
 * Storage's garbage collection as other modules see it: ask for a reconcile sweep, read how the
 * last one went, and (where jobs run) do a recorded one. The sweep itself stays inside storage.
 */
@Injectable()
export class ReconcileService {
  constructor(
    private readonly runs: ReconcileRunRepository,
    private readonly queue: JobQueue,
    private readonly reconciler: StorageReconciler,
  ) {}

  /** Records a queued run; joins the caller's transaction. Call `enqueue` once that committed. */
  async record(requestedBy: string | null): Promise<ReconcileRun> {
    const run: ReconcileRun = {
      id: randomUUID(),
      requestedBy,
      status: 'queued',
      requestedAt: new Date(),
      startedAt: null,
      finishedAt: null,
      report: null,
      error: null,
    };
    await this.runs.insert(run);
    return run;
  }

  /** A run that could not be queued is marked failed, so it never looks pending forever. */
  async enqueue(run: ReconcileRun): Promise<void> {
    try {
      await this.queue.enqueue('reconcile-storage', { runId: run.id });
    } catch (error) {
      await this.runs.fail(run.id, `not queued: ${error instanceof Error ? error.message : String(error)}`);
      throw new ServiceUnavailable('the job queue is unavailable; try again later');
    }
  }

  latest(): Promise<ReconcileRun | undefined> {
    return this.runs.latest();
  }

  /** Does the recorded run now, in this process; for the job processors, never per request. */
  sweep(runId: string): Promise<ReconcileReport> {
    return this.reconciler.run(runId);
  }
}
