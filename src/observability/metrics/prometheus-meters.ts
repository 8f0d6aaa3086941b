import { Injectable } from '@nestjs/common';
import type { Tier } from '../../config/app-config';
import { UploadMeter } from '../../mindmaps/ports/upload-meter';
import { JobMeter } from '../../queue/job-meter';
import type { JobName } from '../../queue/jobs';
import { AppMetrics } from './app-metrics';

@Injectable()
export class PrometheusUploadMeter extends UploadMeter {
  constructor(private readonly metrics: AppMetrics) {
    super();
  }

  saved(kind: 'upload' | 'restore', bytes: number): void {
    this.metrics.uploads.inc({ kind });
    this.metrics.uploadBytes.inc({ kind }, bytes);
  }

  quotaRefused(tier: Tier): void {
    this.metrics.quotaRefusals.inc({ tier });
  }
}

@Injectable()
export class PrometheusJobMeter extends JobMeter {
  constructor(private readonly metrics: AppMetrics) {
    super();
  }

  observe(job: JobName, outcome: 'completed' | 'failed', seconds: number): void {
    this.metrics.jobDuration.observe({ job, outcome }, seconds);
  }
}
