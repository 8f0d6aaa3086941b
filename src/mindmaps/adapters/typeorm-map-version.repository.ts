import { Injectable } from '@nestjs/common';
import { In } from 'typeorm';
import { TransactionHost } from '../../database/transaction-host';
import type { Envelope, MapVersion } from '../domain/mind-map';
import { MapVersionRepository } from '../ports/map-version.repository';
import { MapVersionEntity } from './entities/map-version.entity';
import { toMapVersion } from './mind-map.mapper';

@Injectable()
export class TypeOrmMapVersionRepository extends MapVersionRepository {
  constructor(private readonly tx: TransactionHost) {
    super();
  }

  private get repo() {
    return this.tx.manager.getRepository(MapVersionEntity);
  }

  async insert(version: MapVersion): Promise<void> {
    // Plain SQL: every upload runs this inside its transaction.
    const v = version;
    await this.tx.manager.query(
      `INSERT INTO map_versions (id, map_id, owner_id, object_key, size_bytes, env_eph_classical_public, env_eph_pq_ciphertext, env_wrapped_dek, saved_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [v.id, v.mapId, v.ownerId, v.objectKey, v.sizeBytes, v.envelope.ephClassicalPublic, v.envelope.ephPqCiphertext, v.envelope.wrappedDek, v.savedAt],
    );
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
