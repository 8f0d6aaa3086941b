import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { ServiceUnavailable } from '../../common/errors/common.errors';
import { JobQueue } from '../../queue/job-queue';
import type { ReconcileRun } from './reconcile-run';
import { ReconcileRunRepository } from './reconcile-run.repository';

/** Requests reconcile sweeps (the worker runs them) and tells how the last one went. */
@Injectable()
export class ReconcileService {
  constructor(
    private readonly runs: ReconcileRunRepository,
    private readonly queue: JobQueue,
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
}
