import { Column } from 'typeorm';

/** Embedded in maps and versions; the env_ names are spelled out because TypeORM camel-cases prefixes. */
export class EnvelopeColumns {
  @Column('bytea', { name: 'env_eph_classical_public' }) ephClassicalPublic: Buffer;
  @Column('bytea', { name: 'env_eph_pq_ciphertext' }) ephPqCiphertext: Buffer;
  @Column('bytea', { name: 'env_wrapped_dek' }) wrappedDek: Buffer;
}
