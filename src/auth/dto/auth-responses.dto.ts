import { ApiProperty } from '@nestjs/swagger';
import { KdfParamsDto } from './kdf-params.dto';

export class PreloginResponseDto {
  @ApiProperty({ type: KdfParamsDto })
  kdf: KdfParamsDto;
}

export class TokenPairDto {
  @ApiProperty({ format: 'uuid' }) userId: string;
  @ApiProperty({ description: 'JWT, HS256' }) accessToken: string;
  @ApiProperty({ description: 'opaque; spent by its first use' }) refreshToken: string;
  @ApiProperty({ description: 'access-token lifetime in seconds' }) expiresIn: number;
}
