import { Injectable } from '@nestjs/common';
import { SqlClient } from '../../database/sql-client';
import type { RefreshFamily, RefreshToken } from '../domain/refresh-token';
import { RefreshTokenRepository } from '../ports/refresh-token.repository';
import {
  REFRESH_FAMILY_COLUMNS,
  REFRESH_TOKEN_COLUMNS,
  RefreshFamilyRow,
  RefreshTokenRow,
  toRefreshFamily,
  toRefreshToken,
} from './refresh-token.mapper';

@Injectable()
export class TypeOrmRefreshTokenRepository extends RefreshTokenRepository {
  constructor(private readonly db: SqlClient) {
    super();
  }

  async insertFamily(f: RefreshFamily): Promise<void> {
    await this.db.execute(`INSERT INTO refresh_families (${REFRESH_FAMILY_COLUMNS}) VALUES ($1, $2, $3, $4)`, [
      f.id,
      f.userId,
      f.expiresAt,
      f.revokedAt,
    ]);
  }

  async insert(t: RefreshToken): Promise<void> {
    await this.db.execute(`INSERT INTO refresh_tokens (${REFRESH_TOKEN_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6)`, [
      t.id,
      t.userId,
      t.familyId,
      t.secretHash,
      t.expiresAt,
      t.usedAt,
    ]);
  }

  async lockWithFamily(tokenId: string): Promise<{ token: RefreshToken; family: RefreshFamily } | undefined> {
    this.db.assertActive('RefreshTokenRepository.lockWithFamily');
    // NOTE: two statements on purpose. A join locking only the family would, after waiting for a
    // concurrent rotation, re-read the family but still return the token as the join first saw it
    // (unused); the token read after the lock is granted sees what that rotation committed.
    const family = await this.db.row<RefreshFamilyRow>(
      `SELECT ${REFRESH_FAMILY_COLUMNS} FROM refresh_families
       WHERE id = (SELECT family_id FROM refresh_tokens WHERE id = $1) FOR UPDATE`,
      [tokenId],
    );
    const token = family && (await this.findById(tokenId));
    return token && { token, family: toRefreshFamily(family) };
  }

  async findById(id: string): Promise<RefreshToken | undefined> {
    const row = await this.db.row<RefreshTokenRow>(`SELECT ${REFRESH_TOKEN_COLUMNS} FROM refresh_tokens WHERE id = $1`, [id]);
    return row && toRefreshToken(row);
  }

  async spend(id: string): Promise<void> {
    await this.db.execute('UPDATE refresh_tokens SET used_at = now() WHERE id = $1', [id]);
  }

  async revokeFamily(familyId: string): Promise<void> {
    await this.db.execute('UPDATE refresh_families SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL', [familyId]);
  }

  async revokeAllForUser(userId: string): Promise<void> {
    await this.db.execute('UPDATE refresh_families SET revoked_at = now() WHERE user_id = $1 AND revoked_at IS NULL', [userId]);
  }

  async purgeExpired(limit: number): Promise<number> {
    // Families first (their tokens go with them), then spent or idle tokens of families still live.
    // NOTE: a revoked family is purged at once: its tokens can never work again, and presenting one
    // answers 401 either way.
    const families = await this.db.execute(
      `DELETE FROM refresh_families WHERE id IN (
         SELECT id FROM refresh_families WHERE expires_at <= now() OR revoked_at IS NOT NULL LIMIT $1)`,
      [limit],
    );
    const tokens = await this.db.execute(
      'DELETE FROM refresh_tokens WHERE id IN (SELECT id FROM refresh_tokens WHERE expires_at <= now() LIMIT $1)',
      [limit],
    );
    return families.affected + tokens.affected;
  }
}
