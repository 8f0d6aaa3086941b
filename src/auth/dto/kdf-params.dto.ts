import { ApiProperty } from '@nestjs/swagger';
import { IsIn, IsInt, Max, Min } from 'class-validator';
import { IsBase64Bytes } from '../../common/http/base64';

export class KdfParamsDto {
  @ApiProperty({ enum: ['argon2id'] })
  @IsIn(['argon2id'])
  algorithm: 'argon2id';

  @ApiProperty({ format: 'byte', description: 'random salt, 16..64 bytes, base64' })
  @IsBase64Bytes(16, 64)
  salt: string;

  @ApiProperty({ minimum: 8, maximum: 1048576, description: 'argon2id memory in KiB' })
  @IsInt() @Min(8) @Max(1048576)
  memoryKiB: number;

  @ApiProperty({ minimum: 1, maximum: 64 })
  @IsInt() @Min(1) @Max(64)
  iterations: number;

  @ApiProperty({ minimum: 1, maximum: 16 })
  @IsInt() @Min(1) @Max(16)
  parallelism: number;
}
