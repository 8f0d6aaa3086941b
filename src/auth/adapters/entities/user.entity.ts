import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

@Entity({ name: 'users' })
export class UserEntity {
  @PrimaryColumn('uuid') id: string;
  @Column('text') email: string;
  @Column('text', { name: 'auth_key_hash' }) authKeyHash: string;
  @Column('bytea', { name: 'kdf_salt' }) kdfSalt: Buffer;
  @Column('integer', { name: 'kdf_memory_kib' }) kdfMemoryKiB: number;
  @Column('integer', { name: 'kdf_iterations' }) kdfIterations: number;
  @Column('integer', { name: 'kdf_parallelism' }) kdfParallelism: number;
  @Column('bytea', { name: 'classical_public_key' }) classicalPublicKey: Buffer;
  @Column('bytea', { name: 'pq_public_key' }) pqPublicKey: Buffer;
  @Column('bytea', { name: 'classical_priv_encrypted' }) classicalPrivEncrypted: Buffer;
  @Column('bytea', { name: 'pq_priv_encrypted' }) pqPrivEncrypted: Buffer;
  @Column('integer', { name: 'key_version' }) keyVersion: number;
  @Column('text') role: string;
  @Column('boolean') disabled: boolean;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt: Date;
}
