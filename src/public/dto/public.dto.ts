import { ApiProperty } from '@nestjs/swagger';
import { IsString, MaxLength } from 'class-validator';
import { TIERS, Tier } from '../../config/app-config';
import { EnvelopeDto } from '../../common/http/envelope.dto';

export class PlanDto {
  @ApiProperty({ enum: TIERS }) tier: Tier;
  @ApiProperty({ description: 'bytes a user of this tier may keep stored, all versions counted' }) storageLimitBytes: number;
  @ApiProperty({ description: 'highest maxVersions a map of this tier may ask for' }) maxVersionsLimit: number;
  @ApiProperty({ description: 'maps a user of this tier may own' }) maxMaps: number;
  @ApiProperty({ description: 'share links a user of this tier may hold, over all their maps' }) maxShares: number;
  @ApiProperty() priceMonthlyCents: number;
}

export class PlanListDto {
  @ApiProperty({ type: [PlanDto] }) items: PlanDto[];
}

export class SharedMapDto {
  @ApiProperty({ format: 'byte' }) encryptedTitle: string;
  @ApiProperty({ type: EnvelopeDto, description: "the share's envelope: open it with the key in the link's fragment" })
  envelope: EnvelopeDto;
  @ApiProperty({ format: 'uuid', nullable: true, type: String, description: 'the pinned version, else the head; null before the first save' })
  versionId: string | null;
  @ApiProperty() sizeBytes: number;
}

export class ShareTokenParams {
  @ApiProperty({ description: 'the token from the share link' })
  @IsString() @MaxLength(128)
  token: string;
}
