import { Column, Entity, PrimaryColumn } from 'typeorm';
import { EnvelopeColumns } from './envelope.columns';

const bigint = { to: (v: number) => v, from: (v: string) => Number(v) };

@Entity({ name: 'mind_maps' })
export class MindMapEntity {
  @PrimaryColumn('uuid') id: string;
  @Column('uuid', { name: 'owner_id' }) ownerId: string;
  @Column('bytea', { name: 'encrypted_title' }) encryptedTitle: Buffer;
  @Column(() => EnvelopeColumns, { prefix: false }) envelope: EnvelopeColumns;
  @Column('integer', { name: 'max_versions' }) maxVersions: number;
  @Column('uuid', { name: 'head_version_id', nullable: true }) headVersionId: string | null;
  @Column('bigint', { name: 'size_bytes', transformer: bigint }) sizeBytes: number;
  @Column('integer', { name: 'version_count' }) versionCount: number;
  @Column('timestamptz', { name: 'created_at' }) createdAt: Date;
  @Column('timestamptz', { name: 'updated_at' }) updatedAt: Date;
}
