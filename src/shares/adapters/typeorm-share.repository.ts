import { Injectable } from '@nestjs/common';
import { QueryFailedError } from 'typeorm';
import { TransactionHost } from '../../database/transaction-host';
import { MapNotFound, VersionNotFound } from '../../mindmaps/mindmaps.errors';
import type { Share } from '../domain/share';
import { ShareRepository } from '../ports/share.repository';
import { ShareEntity } from './entities/share.entity';
import { toShare, toShareEntity } from './share.mapper';

const FOREIGN_KEY_VIOLATION = '23503';

@Injectable()
export class TypeOrmShareRepository extends ShareRepository {
  constructor(private readonly tx: TransactionHost) {
    super();
  }

  private get repo() {
    return this.tx.manager.getRepository(ShareEntity);
  }

  async insert(share: Share): Promise<void> {
    try {
      await this.repo.insert(toShareEntity(share));
    } catch (error) {
      // The map or its pinned version went away between the service's check and this insert.
      const driverError = error instanceof QueryFailedError ? (error.driverError as { code?: string; constraint?: string }) : {};
      if (driverError.code === FOREIGN_KEY_VIOLATION) {
        throw driverError.constraint?.includes('version') ? new VersionNotFound() : new MapNotFound();
      }
      throw error;
    }
  }

  async listForMap(mapId: string): Promise<Share[]> {
    const rows = await this.repo.find({ where: { mapId }, order: { createdAt: 'DESC', id: 'DESC' } });
    return rows.map(toShare);
  }

  async findLive(tokenHash: Buffer, now: Date): Promise<Share | undefined> {
    const e = await this.repo
      .createQueryBuilder('s')
      .where('s.token_hash = :tokenHash', { tokenHash })
      .andWhere('(s.expires_at IS NULL OR s.expires_at > :now)', { now })
      // A disabled account's links stop with it, as its tokens do.
      .andWhere('NOT EXISTS (SELECT 1 FROM mind_maps m JOIN users u ON u.id = m.owner_id WHERE m.id = s.map_id AND u.disabled)')
      .getOne();
    return e ? toShare(e) : undefined;
  }

  async delete(id: string, mapId: string): Promise<boolean> {
    const result = await this.repo.delete({ id, mapId });
    return (result.affected ?? 0) === 1;
  }
}
