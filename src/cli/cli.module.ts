import { DynamicModule, Module } from '@nestjs/common';
import { AuditModule } from '../admin/audit/audit.module';
import { AccountsModule } from '../auth/accounts.module';
import { AppConfig } from '../config/app-config';
import { ConfigModule } from '../config/config.module';
import { DatabaseModule } from '../database/database.module';
import { CreateAdminCommand } from './create-admin.command';
import { PromoteCommand } from './promote.command';

/** What the operator's command line needs: accounts and the audit log; no HTTP, blob store or job queue. */
@Module({})
export class CliModule {
  static forRoot(config: AppConfig, databaseUrl: string): DynamicModule {
    return {
      module: CliModule,
      imports: [ConfigModule.forRoot(config), DatabaseModule.forRoot(databaseUrl), AccountsModule, AuditModule],
      providers: [PromoteCommand, CreateAdminCommand],
    };
  }
}
