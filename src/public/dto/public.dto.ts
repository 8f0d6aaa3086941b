import { ApiProperty } from '@nestjs/swagger';
import { IsString, MaxLength } from 'class-validator';
import { TIERS, Tier } from '../../config/app-config';
import { EnvelopeDto } from '../../common/http/envelope.dto';

export class RetentionTierDto {
  @ApiProperty({ enum: ['recent', 'hourly', 'daily', 'weekly'] }) name: string;
  @ApiProperty({ nullable: true, type: Number, description: 'versions younger than this many seconds (and not in an earlier tier) fall in this tier; null: no end' })
  maxAgeS: number | null;
  @ApiProperty({ description: '0: every version is kept; else the newest version of each fixed UTC period of this many seconds (hours, days, weeks from Monday)' })
  bucketS: number;
  @ApiProperty({ nullable: true, type: Number, description: 'most versions the tier keeps, its newest; null: no limit but the map\'s maxVersions' })
  maxVersions: number | null;
}

export class RetentionDto {
  @ApiProperty({ type: [RetentionTierDto], description: 'youngest first; a map keeps at most its maxVersions over all tiers' })
  tiers: RetentionTierDto[];
  @ApiProperty({ description: 'versions an owner may pin in one map (also fewer than the map\'s maxVersions); pinned versions are never thinned' })
  maxPinnedVersions: number;
}

export class PlanDto {
  @ApiProperty({ enum: TIERS }) tier: Tier;
  @ApiProperty({ description: 'bytes a user of this tier may keep stored, all versions counted' }) storageLimitBytes: number;
  @ApiProperty({ description: 'highest maxVersions a map of this tier may ask for' }) maxVersionsLimit: number;
  @ApiProperty({ description: 'maps a user of this tier may own' }) maxMaps: number;
  @ApiProperty({ description: 'share links a user of this tier may hold, over all their maps' }) maxShares: number;
  @ApiProperty() priceMonthlyCents: number;
  @ApiProperty({ type: RetentionDto, description: 'which versions a map keeps as they age (docs/api.md, Version history)' })
  retention: RetentionDto;
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
