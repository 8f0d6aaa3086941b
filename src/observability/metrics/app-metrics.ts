import { Counter, Histogram, Registry } from 'prom-client';
import { TIERS } from '../../config/app-config';

/** Seconds; from a cached GET (~ms) to a slow 32 MiB upload. */
const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const JOB_BUCKETS = [0.01, 0.05, 0.1, 0.5, 1, 5, 15, 60, 300];

/**
 * Every metric the code records as things happen, on one registry per process (never prom-client's
 * global one: a test process builds several apps). Gauges read at scrape time live in collectors.
 */
export class AppMetrics {
  readonly registry = new Registry();

  readonly httpDuration = new Histogram({
    name: 'mindvault_http_request_duration_seconds',
    help: 'HTTP requests by method, route template and status, from arrival to the last byte sent',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });

  readonly uploads = new Counter({
    name: 'mindvault_uploads_total',
    help: 'Versions stored, by kind (upload: PUT …/blob; restore)',
    labelNames: ['kind'] as const,
    registers: [this.registry],
  });

  readonly uploadBytes = new Counter({
    name: 'mindvault_upload_bytes_total',
    help: 'Bytes of the versions stored, by kind',
    labelNames: ['kind'] as const,
    registers: [this.registry],
  });

  readonly quotaRefusals = new Counter({
    name: 'mindvault_quota_refusals_total',
    help: 'Saves refused with STORAGE_QUOTA_EXCEEDED, by the owner’s tier',
    labelNames: ['tier'] as const,
    registers: [this.registry],
  });

  readonly blobDuration = new Histogram({
    name: 'mindvault_blob_store_request_duration_seconds',
    help: 'Blob-store calls by operation and outcome (get: until the stream is open)',
    labelNames: ['operation', 'outcome'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });

  readonly blobErrors = new Counter({
    name: 'mindvault_blob_store_errors_total',
    help: 'Blob-store calls that failed, by operation and error code',
    labelNames: ['operation', 'code'] as const,
    registers: [this.registry],
  });

  readonly jobDuration = new Histogram({
    name: 'mindvault_job_duration_seconds',
    help: 'Job runs (one attempt each) in the process that ran them, by job name and outcome',
    labelNames: ['job', 'outcome'] as const,
    buckets: JOB_BUCKETS,
    registers: [this.registry],
  });

  constructor() {
    // Series that exist before their first event, so rate() and dashboards start from zero.
    for (const kind of ['upload', 'restore'] as const) {
      this.uploads.inc({ kind }, 0);
      this.uploadBytes.inc({ kind }, 0);
    }
    for (const tier of TIERS) this.quotaRefusals.inc({ tier }, 0);
  }
}
