import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { Gauge } from 'prom-client';
import { JobQueue } from '../../queue/job-queue';
import { AppMetrics } from './app-metrics';

/** The queue's jobs by state and job name, asked of the queue at scrape time. */
@Injectable()
export class QueueCollector implements OnModuleInit {
  private readonly logger = new Logger('Metrics');

  constructor(
    private readonly metrics: AppMetrics,
    private readonly queue: JobQueue,
  ) {}

  onModuleInit(): void {
    const queue = this.queue;
    const logger = this.logger;
    new Gauge({
      name: 'mindvault_queue_jobs',
      help: 'Jobs in the queue by state (waiting, active, delayed, failed) and job name',
      labelNames: ['state', 'job'] as const,
      registers: [this.metrics.registry],
      async collect() {
        this.reset();
        try {
          for (const { state, job, count } of await queue.jobCounts()) this.set({ state, job }, count);
        } catch (error) {
          // The scrape goes on without these series; the queue's own health shows in /health/ready.
          logger.debug(`queue counts unavailable: ${error instanceof Error ? error.message : String(error)}`);
        }
      },
    });
  }
}
