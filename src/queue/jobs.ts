import type { AppConfig } from '../config/app-config';

/** Every background job, by name, with its payload: the one typed map producers and processors share. */
export interface JobPayloads {
  /** Apply the retention policy to one map: thin by age, cap at maxVersions (rows, usage, then objects). */
  'prune-versions': { mapId: string };
  /** Thin every map whose thinning is due: saved since its last thinning, or a kept version changing tier. */
  'thin-due': Record<string, never>;
  /** Prune every map holding more versions than it may (catches prunes that were never queued). */
  'prune-overdue': Record<string, never>;
  /** Delete stored objects no version row references, recompute every user's usage; report on run `runId`. */
  'reconcile-storage': { runId: string };
  /** The reconcile sweep on its schedule: records a run (requested by nobody) and does it. */
  'reconcile-scheduled': Record<string, never>;
  /** Delete refresh tokens and families past their end. */
  'purge-sessions': Record<string, never>;
  /** Ask the payment provider to cancel the subscriptions deleted accounts left waiting. */
  'cancel-subscriptions': Record<string, never>;
}

export interface RecurringJob {
  name: JobName;
  /** 0: not scheduled (a schedule left from an earlier configuration is removed). */
  everyMs: number;
}

/** Jobs the queue runs on a timer, wherever the processors live. */
export function recurringJobs(config: AppConfig): RecurringJob[] {
  return [
    { name: 'prune-overdue', everyMs: 60_000 },
    // A version ages out of its tier with no save to notice it; due maps are found by an index.
    { name: 'thin-due', everyMs: 60_000 },
    { name: 'reconcile-scheduled', everyMs: config.maintenance.reconcileIntervalS * 1000 },
    { name: 'purge-sessions', everyMs: config.maintenance.sessionPurgeIntervalS * 1000 },
    // Catches cancellations a provider outage left waiting after the job's own retries ran out.
    { name: 'cancel-subscriptions', everyMs: CANCEL_SUBSCRIPTIONS_EVERY_MS },
  ];
}

/** In ms: how often waiting subscription cancellations are tried again. */
export const CANCEL_SUBSCRIPTIONS_EVERY_MS = 5 * 60_000;

export type JobName = keyof JobPayloads;

/** The BullMQ queue every job goes through. */
export const QUEUE_NAME = 'mindvault-jobs';

/** Jobs with the same key that are queued within the debounce window run once. */
export function dedupKey<N extends JobName>(name: N, payload: JobPayloads[N]): string {
  switch (name) {
    case 'prune-versions':
      return `${name}-${(payload as JobPayloads['prune-versions']).mapId}`;
    case 'reconcile-storage':
      return `${name}-${(payload as JobPayloads['reconcile-storage']).runId}`;
    default:
      return name;
  }
}

export const JOB_ATTEMPTS = 5;
/** First retry delay in ms; doubles with each attempt. */
export const JOB_BACKOFF_MS = 500;
