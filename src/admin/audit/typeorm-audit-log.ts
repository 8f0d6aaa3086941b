import { Injectable } from '@nestjs/common';
import { SqlClient } from '../../database/sql-client';
import { AuditEntry, AuditLog } from './audit-log';

@Injectable()
export class TypeOrmAuditLog extends AuditLog {
  constructor(private readonly db: SqlClient) {
    super();
  }

  async record(entry: AuditEntry): Promise<void> {
    await this.db.execute(
      `INSERT INTO audit_log (actor_id, via, action, target_id, before, after) VALUES ($1, $2, $3, $4, $5, $6)`,
      [
        entry.actorId,
        entry.via,
        entry.action,
        entry.targetId,
        entry.before === null ? null : JSON.stringify(entry.before),
        entry.after === null ? null : JSON.stringify(entry.after),
      ],
    );
  }
}
