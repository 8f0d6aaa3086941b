import { Injectable } from '@nestjs/common';
import { SqlClient } from '../../database/sql-client';
import { AccountKeyLock, AccountKeyState } from '../ports/account-key-lock';

@Injectable()
export class TypeOrmAccountKeyLock extends AccountKeyLock {
  constructor(private readonly db: SqlClient) {
    super();
  }

  async lock(userId: string): Promise<AccountKeyState | undefined> {
    this.db.assertActive('AccountKeyLock.lock');
    // NOTE: FOR NO KEY UPDATE, not FOR UPDATE: it conflicts with itself, so key-material writers
    // queue on it, but not with the KEY SHARE lock every insert referencing users takes (versions,
    // shares, refresh tokens). FOR UPDATE would stall a user's uploads behind a rotation and
    // deadlock with an upload holding its map row while it inserts the version.
    const row = await this.db.row<{ key_version: number; auth_key_hash: string }>(
      'SELECT key_version, auth_key_hash FROM users WHERE id = $1 FOR NO KEY UPDATE',
      [userId],
    );
    return row && { keyVersion: row.key_version, authKeyHash: row.auth_key_hash };
  }
}
