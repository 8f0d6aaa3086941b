import { ApiProperty } from '@nestjs/swagger';
import { IsBase64Bytes } from '../../common/http/base64';

/**
 * Encrypted private keys: the client's versioned formats, opaque to the server. v1 blobs are 62
 * (X25519) and 94 (ML-KEM seed) bytes; v2 adds a header and a MAC; 256 leaves room for both.
 */
const PRIV_MIN = 28;
const PRIV_MAX = 256;

export class KeyBundleInputDto {
  @ApiProperty({ format: 'byte', description: 'X25519 public key, 32 bytes' })
  @IsBase64Bytes(32)
  classicalPublicKey: string;

  @ApiProperty({ format: 'byte', description: 'ML-KEM-768 public key, 1184 bytes' })
  @IsBase64Bytes(1184)
  pqPublicKey: string;

  @ApiProperty({ format: 'byte', description: `encrypted X25519 private key, ${PRIV_MIN}..${PRIV_MAX} bytes` })
  @IsBase64Bytes(PRIV_MIN, PRIV_MAX)
  classicalPrivEncrypted: string;

  @ApiProperty({ format: 'byte', description: `encrypted ML-KEM-768 private key, ${PRIV_MIN}..${PRIV_MAX} bytes` })
  @IsBase64Bytes(PRIV_MIN, PRIV_MAX)
  pqPrivEncrypted: string;
}

export class KeyBundleResponseDto extends KeyBundleInputDto {
  @ApiProperty({ minimum: 1 })
  keyVersion: number;
}

export { PRIV_MAX, PRIV_MIN };
