import { Injectable } from '@nestjs/common';
import { SqlClient } from '../../database/sql-client';
import { TotpFactor, TotpFactors } from '../ports/totp-factors';

@Injectable()
export class TypeOrmTotpFactors extends TotpFactors {
  constructor(private readonly db: SqlClient) {
    super();
  }

  async find(userId: string): Promise<TotpFactor | undefined> {
    const row = await this.db.row<{ secret_sealed: Buffer; enabled_at: Date | null; last_step: string | null }>(
      'SELECT secret_sealed, enabled_at, last_step FROM totp_factors WHERE user_id = $1',
      [userId],
    );
    return row && { secretSealed: row.secret_sealed, enabled: row.enabled_at !== null, lastStep: row.last_step === null ? null : Number(row.last_step) };
  }

  async savePending(userId: string, secretSealed: Buffer): Promise<boolean> {
    const result = await this.db.execute(
      `INSERT INTO totp_factors (user_id, secret_sealed) VALUES ($1, $2)
       ON CONFLICT (user_id) DO UPDATE SET secret_sealed = EXCLUDED.secret_sealed, last_step = NULL, created_at = now()
       WHERE totp_factors.enabled_at IS NULL`,
      [userId, secretSealed],
    );
    return result.affected === 1;
  }

  async enable(userId: string, step: number): Promise<boolean> {
    const result = await this.db.execute(
      'UPDATE totp_factors SET enabled_at = now(), last_step = $2 WHERE user_id = $1 AND enabled_at IS NULL',
      [userId, step],
    );
    return result.affected === 1;
  }

  async advanceStep(userId: string, step: number): Promise<boolean> {
    const result = await this.db.execute(
      'UPDATE totp_factors SET last_step = $2 WHERE user_id = $1 AND enabled_at IS NOT NULL AND (last_step IS NULL OR last_step < $2)',
      [userId, step],
    );
    return result.affected === 1;
  }

  async replaceBackupCodes(userId: string, codeHashes: Buffer[]): Promise<void> {
    this.db.assertActive('TotpFactors.replaceBackupCodes');
    await this.db.execute('DELETE FROM totp_backup_codes WHERE user_id = $1', [userId]);
    await this.db.execute('INSERT INTO totp_backup_codes (user_id, code_hash) SELECT $1, unnest($2::bytea[])', [userId, codeHashes]);
  }

  async spendBackupCode(userId: string, codeHash: Buffer): Promise<boolean> {
    // NOTE: found by equality on a keyed hash: timing can tell nothing about a code without the key.
    const result = await this.db.execute(
      'UPDATE totp_backup_codes SET used_at = now() WHERE user_id = $1 AND code_hash = $2 AND used_at IS NULL',
      [userId, codeHash],
    );
    return result.affected === 1;
  }

  async unusedBackupCodes(userId: string): Promise<number> {
    const row = await this.db.row<{ n: number }>('SELECT count(*)::int AS n FROM totp_backup_codes WHERE user_id = $1 AND used_at IS NULL', [userId]);
    return row?.n ?? 0;
  }

  async remove(userId: string): Promise<void> {
    this.db.assertActive('TotpFactors.remove');
    await this.db.execute('DELETE FROM totp_backup_codes WHERE user_id = $1', [userId]);
    await this.db.execute('DELETE FROM totp_factors WHERE user_id = $1', [userId]);
  }
}
