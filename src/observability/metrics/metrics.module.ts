import { Module } from '@nestjs/common';
import { UploadMeter } from '../../mindmaps/ports/upload-meter';
import { JobMeter } from '../../queue/job-meter';
import { AppMetrics } from './app-metrics';
import { PrometheusJobMeter, PrometheusUploadMeter } from './prometheus-meters';

/** The process's metrics and the meters features record into; served by ObservabilityModule. */
@Module({
  providers: [
    { provide: AppMetrics, useFactory: () => new AppMetrics() },
    { provide: UploadMeter, useClass: PrometheusUploadMeter },
    { provide: JobMeter, useClass: PrometheusJobMeter },
  ],
  exports: [AppMetrics, UploadMeter, JobMeter],
})
export class MetricsModule {}
