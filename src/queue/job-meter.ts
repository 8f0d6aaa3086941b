import type { JobName } from './jobs';

/** How job runs show up in the metrics; implemented by the observability module. */
export abstract class JobMeter {
  /** One run of a processor (one attempt): how it ended and how long it took, in seconds. */
  abstract observe(job: JobName, outcome: 'completed' | 'failed', seconds: number): void;
}
