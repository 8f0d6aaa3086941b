import type { Envelope } from '../../common/domain/envelope';

/** The envelope's three columns, as maps and versions both store them. */
export interface EnvelopeRow {
  env_eph_classical_public: Buffer;
  env_eph_pq_ciphertext: Buffer;
  env_wrapped_dek: Buffer;
}

export const ENVELOPE_COLUMNS = 'env_eph_classical_public, env_eph_pq_ciphertext, env_wrapped_dek';

export function toEnvelope(r: EnvelopeRow): Envelope {
  return { ephClassicalPublic: r.env_eph_classical_public, ephPqCiphertext: r.env_eph_pq_ciphertext, wrappedDek: r.env_wrapped_dek };
}

/** The envelope as three statement parameters, in ENVELOPE_COLUMNS order. */
export function envelopeParams(e: Envelope): [Buffer, Buffer, Buffer] {
  return [e.ephClassicalPublic, e.ephPqCiphertext, e.wrappedDek];
}
