import type { JobName, JobPayloads } from './jobs';

export interface QueueCounts {
  waiting: number;
  active: number;
  failed: number;
}

export type JobState = 'waiting' | 'active' | 'delayed' | 'failed';

/** How many jobs of one name are in one state; `job` is 'other' for jobs beyond what was inspected. */
export interface JobCount {
  state: JobState;
  job: JobName | 'other';
  count: number;
}

/**
 * Where the API hands work to the background. Jobs are retried with backoff; jobs with the same
 * dedup key that arrive before the first of them starts are merged into one run, and one that
 * arrives while it runs is queued again, so no request for work is lost.
 */
export abstract class JobQueue {
  abstract enqueue<N extends JobName>(name: N, payload: JobPayloads[N]): Promise<void>;
  abstract counts(): Promise<QueueCounts>;
  /** Jobs by state and name, for the metrics; omits zero counts. */
  abstract jobCounts(): Promise<JobCount[]>;
  /** Resolves when the queue's backend answers; used by /health/ready. */
  abstract ping(): Promise<void>;
}
