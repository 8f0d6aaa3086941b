import { ApiProperty } from '@nestjs/swagger';
import { IsBase64Bytes } from '../../common/http/base64';

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
