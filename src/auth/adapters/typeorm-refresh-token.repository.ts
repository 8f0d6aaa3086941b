import { Injectable } from '@nestjs/common';
import { IsNull } from 'typeorm';
import { TransactionHost } from '../../database/transaction-host';
import type { RefreshToken } from '../domain/refresh-token';
import { RefreshTokenRepository } from '../ports/refresh-token.repository';
import { RefreshTokenEntity } from './entities/refresh-token.entity';

@Injectable()
export class TypeOrmRefreshTokenRepository extends RefreshTokenRepository {
  constructor(private readonly tx: TransactionHost) {
    super();
  }

  private get repo() {
    return this.tx.manager.getRepository(RefreshTokenEntity);
  }

  async insert(token: RefreshToken): Promise<void> {
    await this.repo.insert({ ...token });
  }

  async findById(id: string): Promise<RefreshToken | undefined> {
    const e = await this.repo.findOneBy({ id });
    return e
      ? { id: e.id, userId: e.userId, familyId: e.familyId, secretHash: e.secretHash, expiresAt: e.expiresAt, usedAt: e.usedAt, revokedAt: e.revokedAt }
      : undefined;
  }

  async spend(id: string): Promise<boolean> {
    // NOTE: one conditional UPDATE, so two concurrent refreshes of one token cannot both win.
    const result = await this.repo.update({ id, usedAt: IsNull(), revokedAt: IsNull() }, { usedAt: new Date() });
    return (result.affected ?? 0) === 1;
  }

  async revokeFamily(familyId: string): Promise<void> {
    await this.repo.update({ familyId, revokedAt: IsNull() }, { revokedAt: new Date() });
  }

  async revokeAllForUser(userId: string): Promise<void> {
    await this.repo.update({ userId, revokedAt: IsNull() }, { revokedAt: new Date() });
  }
}
