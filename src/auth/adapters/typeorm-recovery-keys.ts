import { Injectable } from '@nestjs/common';
import { SqlClient } from '../../database/sql-client';
import { RecoveryKey, RecoveryKeys } from '../ports/recovery-keys';

interface RecoveryKeyRow {
  auth_hash: string;
  key_version: number;
  classical_priv_encrypted: Buffer;
  pq_priv_encrypted: Buffer;
  created_at: Date;
}

@Injectable()
export class TypeOrmRecoveryKeys extends RecoveryKeys {
  constructor(private readonly db: SqlClient) {
    super();
  }

  async find(userId: string): Promise<RecoveryKey | undefined> {
    const row = await this.db.row<RecoveryKeyRow>(
      'SELECT auth_hash, key_version, classical_priv_encrypted, pq_priv_encrypted, created_at FROM recovery_keys WHERE user_id = $1',
      [userId],
    );
    return (
      row && {
        authHash: row.auth_hash,
        keyVersion: row.key_version,
        classicalPrivEncrypted: row.classical_priv_encrypted,
        pqPrivEncrypted: row.pq_priv_encrypted,
        createdAt: row.created_at,
      }
    );
  }

  async save(userId: string, key: Omit<RecoveryKey, 'createdAt'>): Promise<void> {
    await this.db.execute(
      `INSERT INTO recovery_keys (user_id, auth_hash, key_version, classical_priv_encrypted, pq_priv_encrypted)
       VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (user_id) DO UPDATE SET auth_hash = EXCLUDED.auth_hash, key_version = EXCLUDED.key_version,
         classical_priv_encrypted = EXCLUDED.classical_priv_encrypted, pq_priv_encrypted = EXCLUDED.pq_priv_encrypted, created_at = now()`,
      [userId, key.authHash, key.keyVersion, key.classicalPrivEncrypted, key.pqPrivEncrypted],
    );
  }

  async remove(userId: string): Promise<void> {
    await this.db.execute('DELETE FROM recovery_keys WHERE user_id = $1', [userId]);
  }
}
