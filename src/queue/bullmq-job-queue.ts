import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { AppConfig } from '../config/app-config';
import { createRedisConnection } from './bullmq-connection';
import { JobQueue, QueueCounts } from './job-queue';
import { dedupKey, JOB_ATTEMPTS, JOB_BACKOFF_MS, JobName, JobPayloads, QUEUE_NAME } from './jobs';

/** Producer side on BullMQ; the processors run in the worker process (src/worker.ts). */
@Injectable()
export class BullMqJobQueue extends JobQueue implements OnApplicationShutdown {
  private readonly connection: Redis;
  private readonly queue: Queue;

  constructor(private readonly config: AppConfig) {
    super();
    this.connection = createRedisConnection(config.queue.redisUrl!, 'producer');
    // NOTE: without a listener ioredis prints every reconnect failure as an unhandled error.
    this.connection.on('error', () => {});
    this.queue = new Queue(QUEUE_NAME, { connection: this.connection, prefix: config.queue.prefix });
  }

  async enqueue<N extends JobName>(name: N, payload: JobPayloads[N]): Promise<void> {
    const debounceMs = this.config.queue.debounceMs;
    // Throttle-style dedup: repeats within the window merge into the delayed job; once the window
    // (= the delay) has passed, the job is running and a repeat makes a new one, so none is lost.
    await this.queue.add(name, payload, {
      delay: debounceMs,
      deduplication: { id: dedupKey(name, payload), ttl: Math.max(debounceMs, 1) },
      attempts: JOB_ATTEMPTS,
      backoff: { type: 'exponential', delay: JOB_BACKOFF_MS },
      removeOnComplete: true,
      removeOnFail: { count: 1000 },
    });
  }

  async counts(): Promise<QueueCounts> {
    const c = await this.queue.getJobCounts('waiting', 'delayed', 'prioritized', 'active', 'failed');
    return { waiting: (c.waiting ?? 0) + (c.delayed ?? 0) + (c.prioritized ?? 0), active: c.active ?? 0, failed: c.failed ?? 0 };
  }

  async ping(): Promise<void> {
    await this.connection.ping();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.queue.close();
    this.connection.disconnect();
  }
}
