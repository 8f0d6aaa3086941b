import { DynamicModule, Module } from '@nestjs/common';
import { AuthJobsModule } from './auth/jobs/auth-jobs.module';
import { BillingJobsModule } from './billing/jobs/billing-jobs.module';
import { AppConfig } from './config/app-config';
import { ConfigModule } from './config/config.module';
import { DatabaseModule } from './database/database.module';
import { MindMapsJobsModule } from './mindmaps/jobs/mindmaps-jobs.module';
import { ObservabilityModule } from './observability/observability.module';
import { BullMqWorker } from './queue/bullmq-worker';
import { QueueModule } from './queue/queue.module';
import { StorageJobsModule } from './storage/jobs/storage-jobs.module';

/** The worker process: every processor, fed by BullMQ. No HTTP. */
@Module({})
export class WorkerModule {
  static forRoot(config: AppConfig, databaseUrl: string): DynamicModule {
    return {
      module: WorkerModule,
      imports: [
        ConfigModule.forRoot(config),
        DatabaseModule.forRoot(databaseUrl),
        ObservabilityModule.forRoot(config, 'worker'),
        QueueModule,
        MindMapsJobsModule,
        StorageJobsModule,
        AuthJobsModule,
        BillingJobsModule,
      ],
      providers: [BullMqWorker],
    };
  }
}
