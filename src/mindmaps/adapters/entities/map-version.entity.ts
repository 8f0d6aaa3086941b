import { Column, Entity, PrimaryColumn } from 'typeorm';
import { EnvelopeColumns } from './envelope.columns';

const bigint = { to: (v: number) => v, from: (v: string) => Number(v) };

@Entity({ name: 'map_versions' })
export class MapVersionEntity {
  @PrimaryColumn('uuid') id: string;
  @Column({ type: 'bigint', insert: false, update: false, select: false }) seq: string;
  @Column('uuid', { name: 'map_id' }) mapId: string;
  @Column('uuid', { name: 'owner_id' }) ownerId: string;
  @Column('text', { name: 'object_key' }) objectKey: string;
  @Column('bigint', { name: 'size_bytes', transformer: bigint }) sizeBytes: number;
  @Column(() => EnvelopeColumns, { prefix: false }) envelope: EnvelopeColumns;
  @Column('timestamptz', { name: 'saved_at' }) savedAt: Date;
}
