import { ApiProperty } from '@nestjs/swagger';
import { EnvelopeDto } from '../../common/http/envelope.dto';

export class MindMapSummaryDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'byte' }) encryptedTitle: string;
  @ApiProperty({ type: EnvelopeDto }) envelope: EnvelopeDto;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) headVersionId: string | null;
  @ApiProperty({ description: 'bytes of the head version' }) sizeBytes: number;
  @ApiProperty() versionCount: number;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time' }) updatedAt: string;
}

export class MindMapDetailDto extends MindMapSummaryDto {
  @ApiProperty({ minimum: 1, maximum: 1000 }) maxVersions: number;
}

export class MindMapPageDto {
  @ApiProperty({ type: [MindMapSummaryDto] }) items: MindMapSummaryDto[];
  @ApiProperty({ nullable: true, type: String, description: 'pass as ?cursor= for the next page' })
  nextCursor: string | null;
}

export class VersionSnapshotDto {
  @ApiProperty({ format: 'uuid' }) versionId: string;
  @ApiProperty() sizeBytes: number;
  @ApiProperty({ format: 'date-time' }) savedAt: string;
  @ApiProperty({ type: EnvelopeDto, description: 'the envelope in force when this version was saved' })
  envelope: EnvelopeDto;
  @ApiProperty({ description: 'pinned by the owner: never thinned' }) pinned: boolean;
  @ApiProperty({ format: 'byte', nullable: true, type: String, description: "the version's encrypted name (crypto.md, Version names); null when unnamed" })
  encryptedLabel: string | null;
}

export class VersionListDto {
  @ApiProperty({ type: [VersionSnapshotDto] }) items: VersionSnapshotDto[];
  @ApiProperty({ nullable: true, type: String, description: 'pass as ?cursor= for the next page' })
  nextCursor: string | null;
}

export class SavedVersionDto {
  @ApiProperty({ format: 'uuid' }) versionId: string;
  @ApiProperty() sizeBytes: number;
  @ApiProperty({ format: 'date-time' }) savedAt: string;
}

export class InlineContentDto extends VersionSnapshotDto {
  @ApiProperty({ format: 'byte', description: "base64 of the head version's exact bytes (what GET …/blob answers)" })
  data: string;
}

export class OpenedMindMapDto extends MindMapDetailDto {
  @ApiProperty({
    type: () => InlineContentDto,
    nullable: true,
    required: false,
    description: 'only with ?include=content: the head version, its recorded envelope and its bytes; null before the first save or when the head is over 256 KiB (then download the blob)',
  })
  content?: InlineContentDto | null;
}
