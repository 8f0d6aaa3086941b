import { DynamicModule, Module, Provider } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { MindMapsModule } from '../mindmaps/mindmaps.module';
import { QueueModule } from '../queue/queue.module';
import { ReconcileModule } from '../storage/reconcile.module';
import { LoggingModule } from './logging/logging.module';
import { DatabasePoolCollector } from './metrics/database-pool.collector';
import { MaintenanceCollector } from './metrics/maintenance.collector';
import { MetricsModule } from './metrics/metrics.module';
import { QueueCollector } from './metrics/queue.collector';
import { OpsServer, PROCESS_ROLE, ProcessRole } from './ops/ops-server';

/**
 * Logs, and (unless METRICS_ENABLED=false) the metrics listener with what it reports. Each process
 * reports its own: process, pool, blob store and the jobs it ran; the API also the queue, the prune
 * backlog and the last reconcile sweep, which live in shared state (Redis, the database).
 */
@Module({})
export class ObservabilityModule {
  static forRoot(config: AppConfig, role: ProcessRole): DynamicModule {
    const metrics: Provider[] = config.metrics.enabled
      ? [
          { provide: PROCESS_ROLE, useValue: role },
          OpsServer,
          DatabasePoolCollector,
          ...(role === 'api' ? [QueueCollector, MaintenanceCollector] : []),
        ]
      : [];
    return {
      module: ObservabilityModule,
      imports: [LoggingModule.forRoot(config), MetricsModule, QueueModule, ...(role === 'api' ? [MindMapsModule, ReconcileModule] : [])],
      providers: metrics,
      exports: [LoggingModule, MetricsModule],
    };
  }
}
