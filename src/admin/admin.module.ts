import { Module } from '@nestjs/common';
import { EventsModule } from '../events/events.module';
import { AuthModule } from '../auth/auth.module';
import { BillingModule } from '../billing/billing.module';
import { QueueModule } from '../queue/queue.module';
import { ReconcileModule } from '../storage/reconcile.module';
import { TypeOrmAdminDirectory } from './adapters/typeorm-admin-directory';
import { AdminController } from './admin.controller';
import { AdminService } from './admin.service';
import { AuditModule } from './audit/audit.module';
import { AdminDirectory } from './ports/admin-directory';

/** The admin API; storage maintenance is asked of ReconcileModule, whose jobs run where jobs run. */
@Module({
  imports: [AuthModule, BillingModule, QueueModule, ReconcileModule, AuditModule, EventsModule],
  controllers: [AdminController],
  providers: [AdminService, { provide: AdminDirectory, useClass: TypeOrmAdminDirectory }],
})
export class AdminModule {}
