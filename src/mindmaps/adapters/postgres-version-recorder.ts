import { Injectable } from '@nestjs/common';
import { SqlClient } from '../../database/sql-client';
import { RecordOutcome, VersionRecord, VersionRecorder } from '../ports/version-recorder';
import { EnvelopeRow, toEnvelope } from './envelope.columns';

interface RecordRow extends EnvelopeRow {
  outcome: RecordOutcome['outcome'];
  head_version_id: string | null;
  over_limit: boolean | null;
  usage_bytes: string | null;
}

/** One statement: the record_map_version function (migration RecordVersion1765500000000). */
@Injectable()
export class PostgresVersionRecorder extends VersionRecorder {
  constructor(private readonly db: SqlClient) {
    super();
  }

  async record(r: VersionRecord): Promise<RecordOutcome> {
    const row = await this.db.row<RecordRow>('SELECT * FROM record_map_version($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)', [
      r.mapId,
      r.ownerId,
      r.versionId,
      r.objectKey,
      r.sizeBytes,
      r.savedAt,
      r.expectedHead !== undefined,
      r.expectedHead ?? null,
      r.envelopeWrappedDek ?? null,
      r.restoreOf ?? null,
      r.reservationId,
      r.charge,
      r.limitBytes,
    ]);
    if (!row) throw new Error('record_map_version answered no row');
    switch (row.outcome) {
      case 'recorded':
        return { outcome: 'recorded', overLimit: row.over_limit === true, envelope: toEnvelope(row) };
      case 'conflict':
        return { outcome: 'conflict', head: row.head_version_id };
      case 'quota':
        return { outcome: 'quota', usageBytes: Number(row.usage_bytes ?? 0) };
      case 'missing':
      case 'envelope-changed':
      case 'version-missing':
        return { outcome: row.outcome };
      default:
        throw new Error(`record_map_version answered ${String(row.outcome)}`);
    }
  }
}
