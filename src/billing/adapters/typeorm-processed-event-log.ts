import { Injectable } from '@nestjs/common';
import { SqlClient } from '../../database/sql-client';
import { ProcessedEventLog } from '../ports/processed-event-log';

@Injectable()
export class TypeOrmProcessedEventLog extends ProcessedEventLog {
  constructor(private readonly db: SqlClient) {
    super();
  }

  async markProcessed(eventId: string, type: string): Promise<boolean> {
    // NOTE: a concurrent insert of the same id waits here for the other transaction, then finds
    // the conflict (it committed) or inserts (it rolled back): exactly one of them applies the event.
    this.db.assertActive('ProcessedEventLog.markProcessed');
    const rows = await this.db.rows(
      `INSERT INTO processed_billing_events (event_id, type) VALUES ($1, $2)
       ON CONFLICT (event_id) DO NOTHING RETURNING event_id`,
      [eventId, type],
    );
    return rows.length === 1;
  }
}
