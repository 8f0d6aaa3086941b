import { Column, Entity, PrimaryColumn } from 'typeorm';

@Entity({ name: 'shares' })
export class ShareEntity {
  @PrimaryColumn('uuid') id: string;
  @Column('uuid', { name: 'map_id' }) mapId: string;
  @Column('uuid', { name: 'owner_id' }) ownerId: string;
  @Column('bytea', { name: 'token_hash' }) tokenHash: Buffer;
  @Column('bytea', { name: 'env_eph_classical_public' }) ephClassicalPublic: Buffer;
  @Column('bytea', { name: 'env_eph_pq_ciphertext' }) ephPqCiphertext: Buffer;
  @Column('bytea', { name: 'env_wrapped_dek' }) wrappedDek: Buffer;
  @Column('uuid', { name: 'version_id', nullable: true }) versionId: string | null;
  @Column('timestamptz', { name: 'expires_at', nullable: true }) expiresAt: Date | null;
  @Column('timestamptz', { name: 'created_at' }) createdAt: Date;
}
