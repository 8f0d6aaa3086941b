import { Module } from '@nestjs/common';
import { AuditLog } from './audit-log';
import { TypeOrmAuditLog } from './typeorm-audit-log';

/** The audit trail, shared by the admin API and the command line. */
@Module({
  providers: [{ provide: AuditLog, useClass: TypeOrmAuditLog }],
  exports: [AuditLog],
})
export class AuditModule {}
