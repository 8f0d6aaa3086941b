import { Injectable } from '@nestjs/common';
import { SqlClient } from '../../database/sql-client';
import type { RefreshToken } from '../domain/refresh-token';
import { RefreshTokenRepository } from '../ports/refresh-token.repository';
import { REFRESH_TOKEN_COLUMNS, RefreshTokenRow, toRefreshToken } from './refresh-token.mapper';

@Injectable()
export class TypeOrmRefreshTokenRepository extends RefreshTokenRepository {
  constructor(private readonly db: SqlClient) {
    super();
  }

  async insert(t: RefreshToken): Promise<void> {
    await this.db.execute(`INSERT INTO refresh_tokens (${REFRESH_TOKEN_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7)`, [
      t.id,
      t.userId,
      t.familyId,
      t.secretHash,
      t.expiresAt,
      t.usedAt,
      t.revokedAt,
    ]);
  }

  async findById(id: string): Promise<RefreshToken | undefined> {
    const row = await this.db.row<RefreshTokenRow>(`SELECT ${REFRESH_TOKEN_COLUMNS} FROM refresh_tokens WHERE id = $1`, [id]);
    return row && toRefreshToken(row);
  }

  async spend(id: string): Promise<boolean> {
    // NOTE: one conditional UPDATE, so two concurrent refreshes of one token cannot both win.
    const result = await this.db.execute(
      'UPDATE refresh_tokens SET used_at = now() WHERE id = $1 AND used_at IS NULL AND revoked_at IS NULL',
      [id],
    );
    return result.affected === 1;
  }

  async revokeFamily(familyId: string): Promise<void> {
    await this.db.execute('UPDATE refresh_tokens SET revoked_at = now() WHERE family_id = $1 AND revoked_at IS NULL', [familyId]);
  }

  async revokeAllForUser(userId: string): Promise<void> {
    await this.db.execute('UPDATE refresh_tokens SET revoked_at = now() WHERE user_id = $1 AND revoked_at IS NULL', [userId]);
  }
}
