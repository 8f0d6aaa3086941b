import { Module } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { MetricsModule } from '../observability/metrics/metrics.module';
import { BullMqJobQueue } from './bullmq-job-queue';
import { InlineJobQueue } from './inline-job-queue';
import { JobQueue } from './job-queue';
import { JobRegistry } from './job-registry';

/** Picks the queue from config: BullMQ when REDIS_URL is set, else in-process. */
@Module({
  imports: [MetricsModule],
  providers: [
    JobRegistry,
    {
      provide: JobQueue,
      inject: [AppConfig, JobRegistry],
      useFactory: (config: AppConfig, registry: JobRegistry): JobQueue =>
        config.queue.redisUrl ? new BullMqJobQueue(config) : new InlineJobQueue(registry, config),
    },
  ],
  exports: [JobQueue, JobRegistry],
})
export class QueueModule {}
