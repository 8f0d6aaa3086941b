import { Injectable } from '@nestjs/common';
import { Brackets } from 'typeorm';
import { TransactionHost } from '../../database/transaction-host';
import type { Envelope, MindMap } from '../domain/mind-map';
import { HeadMove, MapPage, MindMapRepository } from '../ports/mind-map.repository';
import { MindMapEntity } from './entities/mind-map.entity';
import {
  MIND_MAP_COLUMNS,
  mindMapFromRow,
  MindMapRow,
  toEnvelopeColumns,
  toMindMap,
  toMindMapEntity,
} from './mind-map.mapper';

/** Every request that names a map runs this; the benchmark's bare baseline runs the same text. */
export const FIND_OWNED_MAP_SQL = `SELECT ${MIND_MAP_COLUMNS} FROM mind_maps WHERE id = $1 AND owner_id = $2`;

@Injectable()
export class TypeOrmMindMapRepository extends MindMapRepository {
  constructor(private readonly tx: TransactionHost) {
    super();
  }

  private get repo() {
    return this.tx.manager.getRepository(MindMapEntity);
  }

  async insert(map: MindMap): Promise<void> {
    await this.repo.insert(toMindMapEntity(map));
  }

  async findOwned(id: string, ownerId: string): Promise<MindMap | undefined> {
    // NOTE: plain SQL on the hottest read: TypeORM's query builder cost more CPU than the query.
    const rows = await this.tx.read<MindMapRow>(FIND_OWNED_MAP_SQL, [id, ownerId]);
    return rows[0] ? mindMapFromRow(rows[0]) : undefined;
  }

  async lockOwned(id: string, ownerId: string): Promise<MindMap | undefined> {
    const e = await this.repo.findOne({ where: { id, ownerId }, lock: { mode: 'pessimistic_write' } });
    return e ? toMindMap(e) : undefined;
  }

  async lockById(id: string): Promise<MindMap | undefined> {
    const e = await this.repo.findOne({ where: { id }, lock: { mode: 'pessimistic_write' } });
    return e ? toMindMap(e) : undefined;
  }

  async listOwned(ownerId: string, limit: number, after?: { createdAt: Date; id: string }): Promise<MapPage> {
    const query = this.repo
      .createQueryBuilder('m')
      .where('m.owner_id = :ownerId', { ownerId })
      .orderBy('m.created_at', 'DESC')
      .addOrderBy('m.id', 'DESC')
      .take(limit + 1);
    if (after) {
      query.andWhere(
        new Brackets((b) =>
          b
            .where('m.created_at < :createdAt', { createdAt: after.createdAt })
            .orWhere('m.created_at = :createdAt AND m.id < :id', { id: after.id }),
        ),
      );
    }
    const rows = await query.getMany();
    const items = rows.slice(0, limit).map(toMindMap);
    const last = items[items.length - 1];
    return { items, next: rows.length > limit && last ? { createdAt: last.createdAt, id: last.id } : null };
  }

  async lockAllOwnedIds(ownerId: string): Promise<string[]> {
    const rows: { id: string }[] = await this.tx.manager.query(
      'SELECT id FROM mind_maps WHERE owner_id = $1 ORDER BY id FOR UPDATE',
      [ownerId],
    );
    return rows.map((r) => r.id);
  }

  async update(
    id: string,
    patch: Partial<Pick<MindMap, 'encryptedTitle' | 'envelope' | 'maxVersions'>>,
  ): Promise<MindMap> {
    const { envelope, ...rest } = patch;
    await this.repo.update(
      { id },
      { ...rest, ...(envelope ? { envelope: toEnvelopeColumns(envelope) } : {}), updatedAt: new Date() },
    );
    return toMindMap(await this.repo.findOneByOrFail({ id }));
  }

  async delete(id: string): Promise<void> {
    await this.repo.delete({ id });
  }

  async moveHead(
    id: string,
    ownerId: string,
    head: { versionId: string; sizeBytes: number },
    expectedHead?: string | null,
  ): Promise<HeadMove> {
    const params: unknown[] = [id, ownerId, head.versionId, head.sizeBytes];
    let condition = '';
    if (expectedHead !== undefined) {
      params.push(expectedHead);
      condition = 'AND head_version_id IS NOT DISTINCT FROM $5::uuid';
    }
    const [rows, affected]: [{ over: boolean }[], number] = await this.tx.manager.query(
      `UPDATE mind_maps SET head_version_id = $3, size_bytes = $4, version_count = version_count + 1, updated_at = now()
       WHERE id = $1 AND owner_id = $2 ${condition}
       RETURNING version_count > max_versions AS over`,
      params,
    );
    if (affected === 1) return rows[0].over ? 'moved-over-limit' : 'moved';
    return (await this.repo.existsBy({ id, ownerId })) ? 'conflict' : 'missing';
  }

  async listOverdueIds(limit: number): Promise<string[]> {
    const rows: { id: string }[] = await this.tx.manager.query(
      'SELECT id FROM mind_maps WHERE version_count > max_versions ORDER BY updated_at LIMIT $1',
      [limit],
    );
    return rows.map((r) => r.id);
  }

  async removedVersions(id: string, count: number): Promise<void> {
    await this.tx.manager.query('UPDATE mind_maps SET version_count = version_count - $2 WHERE id = $1', [id, count]);
  }

  async envelopeOf(id: string): Promise<Envelope> {
    // Plain SQL: every upload runs this inside its transaction.
    const rows = await this.tx.read<EnvelopeRow>(
      'SELECT env_eph_classical_public, env_eph_pq_ciphertext, env_wrapped_dek FROM mind_maps WHERE id = $1',
      [id],
    );
    return envelopeFromRow(id, rows[0]);
  }

  async swapEnvelope(id: string, next: Envelope): Promise<Envelope> {
    // The FROM sub-select reads the row as it was before this UPDATE, so RETURNING gives the old envelope.
    // TypeORM answers an UPDATE as [rows, affected count].
    const [rows]: [EnvelopeRow[], number] = await this.tx.manager.query(
      `UPDATE mind_maps m
       SET env_eph_classical_public = $2, env_eph_pq_ciphertext = $3, env_wrapped_dek = $4, updated_at = now()
       FROM (SELECT id, env_eph_classical_public, env_eph_pq_ciphertext, env_wrapped_dek FROM mind_maps WHERE id = $1) old
       WHERE m.id = old.id
       RETURNING old.env_eph_classical_public, old.env_eph_pq_ciphertext, old.env_wrapped_dek`,
      [id, next.ephClassicalPublic, next.ephPqCiphertext, next.wrappedDek],
    );
    return envelopeFromRow(id, rows[0]);
  }
}

type EnvelopeRow = Pick<MindMapRow, 'env_eph_classical_public' | 'env_eph_pq_ciphertext' | 'env_wrapped_dek'>;

function envelopeFromRow(id: string, row: EnvelopeRow | undefined): Envelope {
  if (!row) throw new Error(`mind map ${id} is gone`);
  return { ephClassicalPublic: row.env_eph_classical_public, ephPqCiphertext: row.env_eph_pq_ciphertext, wrappedDek: row.env_wrapped_dek };
}
