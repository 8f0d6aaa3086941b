import { ApiProperty } from '@nestjs/swagger';
import { IsBase64Bytes } from '../../common/http/base64';

/** How a map's data key is wrapped for one recipient (the owner's key pair, or a share link). */
export class EnvelopeDto {
  @ApiProperty({ format: 'byte', description: 'X25519 ephemeral public key, 32 bytes, base64' })
  @IsBase64Bytes(32)
  ephClassicalPublic: string;

  @ApiProperty({ format: 'byte', description: 'ML-KEM-768 ciphertext, 1088 bytes, base64' })
  @IsBase64Bytes(1088)
  ephPqCiphertext: string;

  @ApiProperty({ format: 'byte', description: 'wrapped data key, 40..64 bytes, base64' })
  @IsBase64Bytes(40, 64)
  wrappedDek: string;
}
