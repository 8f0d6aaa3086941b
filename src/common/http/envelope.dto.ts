import { ApiProperty } from '@nestjs/swagger';
import type { Envelope } from '../domain/envelope';
import { fromBase64, IsBase64Bytes } from './base64';

/**
 * Wrapped data key, v1 and v2 formats: v1 is 60 bytes (nonce, DEK, tag); v2 adds a header and a
 * MAC. The client's bounds (client/src/contract.ts) are these.
 */
export const WRAPPED_DEK_MIN = 40;
export const WRAPPED_DEK_MAX = 160;

/** How a map's data key is wrapped for one recipient (the owner's key pair, or a share link). */
export class EnvelopeDto {
  @ApiProperty({ format: 'byte', description: 'X25519 ephemeral public key, 32 bytes, base64' })
  @IsBase64Bytes(32)
  ephClassicalPublic: string;

  @ApiProperty({ format: 'byte', description: 'ML-KEM-768 ciphertext, 1088 bytes, base64' })
  @IsBase64Bytes(1088)
  ephPqCiphertext: string;

  @ApiProperty({ format: 'byte', description: `wrapped data key, ${WRAPPED_DEK_MIN}..${WRAPPED_DEK_MAX} bytes, base64` })
  @IsBase64Bytes(WRAPPED_DEK_MIN, WRAPPED_DEK_MAX)
  wrappedDek: string;
}

export function fromEnvelopeDto(dto: EnvelopeDto): Envelope {
  return {
    ephClassicalPublic: fromBase64(dto.ephClassicalPublic),
    ephPqCiphertext: fromBase64(dto.ephPqCiphertext),
    wrappedDek: fromBase64(dto.wrappedDek),
  };
}

export function toEnvelopeDto(e: Envelope): EnvelopeDto {
  return {
    ephClassicalPublic: e.ephClassicalPublic.toString('base64'),
    ephPqCiphertext: e.ephPqCiphertext.toString('base64'),
    wrappedDek: e.wrappedDek.toString('base64'),
  };
}
