import { BeforeApplicationShutdown, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { AsyncLocalStorage } from 'node:async_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { AppConfig } from '../config/app-config';
import { JobCount, JobQueue, QueueCounts } from './job-queue';
import { JobRegistry } from './job-registry';
import { dedupKey, JOB_ATTEMPTS, JOB_BACKOFF_MS, JobName, JobPayloads, recurringJobs } from './jobs';

/**
 * In-process queue for the embedded set-up (no REDIS_URL): the same processors run in the API
 * process, with the same debounce, retry and backoff as on BullMQ. Pending jobs are flushed and
 * running ones awaited on shutdown, so a clean stop loses no work. Like a worker's, a job runs in
 * none of the enqueuing caller's async context: not in its transaction, whether or not that commits.
 */
@Injectable()
export class InlineJobQueue extends JobQueue implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('InlineJobQueue');
  private readonly pending = new Map<string, { name: JobName; timer: NodeJS.Timeout; run: () => void }>();
  private readonly running = new Map<Promise<void>, JobName>();
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly failedByName = new Map<JobName, number>();
  private failed = 0;
  /** Runs a function in the async context this queue was built in, at start-up: outside any request. */
  private readonly detached = AsyncLocalStorage.snapshot();

  /** Woken whenever a job finishes; see `idle`. */
  private waiters: (() => void)[] = [];

  constructor(
    private readonly registry: JobRegistry,
    private readonly config: AppConfig,
    /** First retry delay in ms, doubling with each attempt. */
    private readonly backoffMs = JOB_BACKOFF_MS,
  ) {
    super();
  }

  async enqueue<N extends JobName>(name: N, payload: JobPayloads[N]): Promise<void> {
    const key = dedupKey(name, payload);
    if (this.pending.has(key)) return;
    const run = () => {
      this.pending.delete(key);
      const job = this.runWithRetries(name, payload).finally(() => {
        this.running.delete(job);
        for (const wake of this.waiters.splice(0)) wake();
      });
      this.running.set(job, name);
    };
    const timer = this.detached(() => setTimeout(run, this.config.queue.debounceMs));
    this.pending.set(key, { name, timer, run: () => this.detached(run) });
  }

  async counts(): Promise<QueueCounts> {
    return { waiting: this.pending.size, active: this.running.size, failed: this.failed };
  }

  /** Jobs in their debounce window count as delayed (as on BullMQ); a retry's backoff counts as active. */
  async jobCounts(): Promise<JobCount[]> {
    const counts: JobCount[] = [];
    const tally = (state: JobCount['state'], names: Iterable<JobName>) => {
      const byName = new Map<JobName, number>();
      for (const name of names) byName.set(name, (byName.get(name) ?? 0) + 1);
      for (const [job, count] of byName) counts.push({ state, job, count });
    };
    tally('delayed', [...this.pending.values()].map((p) => p.name));
    tally('active', this.running.values());
    for (const [job, count] of this.failedByName) counts.push({ state: 'failed', job, count });
    return counts;
  }

  async ping(): Promise<void> {}

  onApplicationBootstrap(): void {
    for (const { name, everyMs } of recurringJobs(this.config)) {
      if (everyMs === 0) continue;
      this.timers.push(setInterval(() => void this.enqueue(name, {} as JobPayloads[typeof name]), everyMs).unref());
    }
  }

  async beforeApplicationShutdown(): Promise<void> {
    for (const timer of this.timers) clearInterval(timer);
    for (const { timer, run } of [...this.pending.values()]) {
      clearTimeout(timer);
      run();
    }
    await this.idle();
  }

  /** Resolves once no job waits or runs, retries included: a deterministic point for tests and shutdown. */
  async idle(): Promise<void> {
    while (this.pending.size > 0 || this.running.size > 0) await new Promise<void>((wake) => this.waiters.push(wake));
  }

  private async runWithRetries<N extends JobName>(name: N, payload: JobPayloads[N]): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.registry.dispatch(name, payload);
        return;
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        if (attempt >= JOB_ATTEMPTS) {
          this.failed++;
          this.failedByName.set(name, (this.failedByName.get(name) ?? 0) + 1);
          this.logger.error(`job ${dedupKey(name, payload)} failed after ${attempt} attempts: ${message}`);
          return;
        }
        this.logger.warn(`job ${dedupKey(name, payload)} attempt ${attempt} failed, retrying: ${message}`);
        await sleep(this.backoffMs * 2 ** (attempt - 1));
      }
    }
  }
}
