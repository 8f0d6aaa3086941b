import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Job, Queue, Worker } from 'bullmq';
import { AppConfig } from '../config/app-config';
import { createRedisConnection } from './bullmq-connection';
import { JobRegistry } from './job-registry';
import { JobName, QUEUE_NAME, recurringJobs } from './jobs';

const CONCURRENCY = 4;

/** How long the attempt ran, from BullMQ's own timestamps (ms). */
function runMs(job: Job): number | undefined {
  return job.processedOn && job.finishedOn ? job.finishedOn - job.processedOn : undefined;
}

/** Consumes the queue in the worker process and dispatches each job to its registered processor. */
@Injectable()
export class BullMqWorker implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('BullMqWorker');
  private worker?: Worker;

  constructor(
    private readonly config: AppConfig,
    private readonly registry: JobRegistry,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const url = this.config.queue.redisUrl;
    if (!url) throw new Error('the worker needs REDIS_URL; without it jobs run inside the API process');
    await this.scheduleRecurring(url);
    const connection = createRedisConnection(url, 'worker');
    // NOTE: Redis may come back empty (restarted without persistence, failed over), its schedules
    // and queued prunes gone. Each reconnect puts the schedules back and runs the recurring jobs
    // once right away, so the overdue sweep catches up on whatever was lost meanwhile.
    let connectedBefore = false;
    connection.on('ready', () => {
      if (connectedBefore) {
        this.scheduleRecurring(url, true).catch((error: unknown) =>
          this.logger.warn(`recurring jobs not rescheduled after a reconnect: ${error instanceof Error ? error.message : String(error)}`),
        );
      }
      connectedBefore = true;
    });
    this.worker = new Worker(QUEUE_NAME, (job) => this.registry.dispatch(job.name as JobName, job.data), {
      connection,
      prefix: this.config.queue.prefix,
      concurrency: CONCURRENCY,
    });
    // One line per attempt: job id, name and outcome (never the payload).
    this.worker.on('completed', (job) =>
      this.logger.log({ jobId: job.id, job: job.name, outcome: 'completed', attempt: job.attemptsMade, ms: runMs(job) }, 'job completed'),
    );
    this.worker.on('failed', (job, error) =>
      this.logger.warn(
        { jobId: job?.id, job: job?.name, outcome: 'failed', attempt: job?.attemptsMade, ms: job ? runMs(job) : undefined, error: error.message },
        'job failed',
      ),
    );
    this.worker.on('error', (error) => this.logger.error(`worker error: ${error.message}`));
  }

  /** Upserted at every start, so several workers share one schedule and a change of period applies. */
  private async scheduleRecurring(url: string, runNow = false): Promise<void> {
    const connection = createRedisConnection(url, 'worker');
    const queue = new Queue(QUEUE_NAME, { connection, prefix: this.config.queue.prefix });
    try {
      for (const { name, everyMs } of recurringJobs(this.config)) {
        if (everyMs === 0) {
          await queue.removeJobScheduler(name);
          continue;
        }
        await queue.upsertJobScheduler(name, { every: everyMs }, { name, data: {} });
        if (runNow) await queue.add(name, {}, { removeOnComplete: true, removeOnFail: { count: 100 } });
      }
    } finally {
      await queue.close();
      connection.disconnect();
    }
  }

  /** Lets running jobs finish before the process exits. */
  async onApplicationShutdown(): Promise<void> {
    await this.worker?.close();
  }
}
