import { ApiProperty } from '@nestjs/swagger';
import { IsBase64Bytes } from '../../common/http/base64';

export class DeleteAccountRequestDto {
  @ApiProperty({ format: 'byte', description: 'proof of the current password (32 bytes, as sent to login): a bearer token alone cannot delete the account' })
  @IsBase64Bytes(32)
  currentAuthKey: string;
}
