import { Injectable } from '@nestjs/common';
import { TransactionHost } from '../../database/transaction-host';
import { AuditEntry, AuditLog } from './audit-log';

@Injectable()
export class TypeOrmAuditLog extends AuditLog {
  constructor(private readonly tx: TransactionHost) {
    super();
  }

  async record(entry: AuditEntry): Promise<void> {
    await this.tx.manager.query(
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
