import { Injectable } from '@nestjs/common';
import { In } from 'typeorm';
import { TransactionHost } from '../../database/transaction-host';
import type { Envelope, MapVersion } from '../domain/mind-map';
import { MapVersionRepository } from '../ports/map-version.repository';
import { MapVersionEntity } from './entities/map-version.entity';
import { toMapVersion, toMapVersionEntity } from './mind-map.mapper';

@Injectable()
export class TypeOrmMapVersionRepository extends MapVersionRepository {
  constructor(private readonly tx: TransactionHost) {
    super();
  }

  private get repo() {
    return this.tx.manager.getRepository(MapVersionEntity);
  }

  async insert(version: MapVersion): Promise<void> {
    await this.repo.insert(toMapVersionEntity(version));
  }

  async findInMap(id: string, mapId: string): Promise<MapVersion | undefined> {
    const e = await this.repo.findOneBy({ id, mapId });
    return e ? toMapVersion(e) : undefined;
  }

  async listForMap(mapId: string): Promise<MapVersion[]> {
    const rows = await this.repo
      .createQueryBuilder('v')
      .where('v.map_id = :mapId', { mapId })
      .orderBy('v.seq', 'DESC')
      .getMany();
    return rows.map(toMapVersion);
  }

  async lockBeyond(mapId: string, keep: number): Promise<MapVersion[]> {
    const rows = await this.repo
      .createQueryBuilder('v')
      .where('v.map_id = :mapId', { mapId })
      .orderBy('v.seq', 'DESC')
      .offset(keep)
      .setLock('pessimistic_write')
      .getMany();
    return rows.map(toMapVersion);
  }

  async deleteByIds(ids: string[]): Promise<void> {
    if (ids.length > 0) await this.repo.delete({ id: In(ids) });
  }

  async replaceEnvelope(mapId: string, from: Envelope, to: Envelope): Promise<void> {
    await this.tx.manager.query(
      `UPDATE map_versions SET env_eph_classical_public = $4, env_eph_pq_ciphertext = $5, env_wrapped_dek = $6
       WHERE map_id = $1 AND env_eph_classical_public = $2 AND env_wrapped_dek = $3`,
      [mapId, from.ephClassicalPublic, from.wrappedDek, to.ephClassicalPublic, to.ephPqCiphertext, to.wrappedDek],
    );
  }
}
