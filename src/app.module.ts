import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { AdminModule } from './admin/admin.module';
import { AuthJobsModule } from './auth/jobs/auth-jobs.module';
import { AuthModule } from './auth/auth.module';
import { BillingModule } from './billing/billing.module';
import { BillingJobsModule } from './billing/jobs/billing-jobs.module';
import { AppExceptionFilter } from './common/errors/app-exception.filter';
import { AppConfig } from './config/app-config';
import { ConfigModule } from './config/config.module';
import { DatabaseModule } from './database/database.module';
import { HealthModule } from './health/health.module';
import { MindMapsJobsModule } from './mindmaps/jobs/mindmaps-jobs.module';
import { MindMapsModule } from './mindmaps/mindmaps.module';
import { DiagnosticsModule } from './observability/diagnostics/diagnostics.module';
import { ObservabilityModule } from './observability/observability.module';
import { PublicModule } from './public/public.module';
import { SharesModule } from './shares/shares.module';
import { StorageJobsModule } from './storage/jobs/storage-jobs.module';

/** The HTTP application. Without Redis the job processors run in this process too. */
@Module({})
export class AppModule {
  static forRoot(config: AppConfig, databaseUrl: string): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        DatabaseModule.forRoot(databaseUrl),
        ObservabilityModule.forRoot(config, 'api'),
        HealthModule,
        AuthModule,
        MindMapsModule,
        BillingModule,
        SharesModule,
        PublicModule,
        AdminModule,
        ...(config.queue.redisUrl ? [] : [MindMapsJobsModule, StorageJobsModule, AuthJobsModule, BillingJobsModule]),
        ...(config.diagnostics.enabled ? [DiagnosticsModule] : []),
      ],
      providers: [{ provide: APP_FILTER, useClass: AppExceptionFilter }],
    };
  }
}
