import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class PoolStateDto {
  @ApiProperty({ description: 'connections open' }) total: number;
  @ApiProperty({ description: 'open and not in use' }) idle: number;
  @ApiProperty({ description: 'queries waiting for a connection' }) waiting: number;
}

export class JobCountDto {
  @ApiProperty({ enum: ['waiting', 'active', 'delayed', 'failed'] }) state: string;
  @ApiProperty({ example: 'prune-versions' }) job: string;
  @ApiProperty() count: number;
}

export class QueueStateDto {
  @ApiProperty({ enum: ['bullmq', 'inline'] }) backend: 'bullmq' | 'inline';
  @ApiProperty({ type: [JobCountDto], description: 'non-zero counts only' }) jobs: JobCountDto[];
}

export class BlobRoundTripDto {
  @ApiProperty({ enum: ['fs', 's3'] }) driver: 'fs' | 's3';
  @ApiProperty({ description: 'a 64-byte object was written, read back equal, and deleted' }) ok: boolean;
  @ApiPropertyOptional({ description: 'ms' }) putMs?: number;
  @ApiPropertyOptional({ description: 'ms, until the bytes were read back' }) getMs?: number;
  @ApiPropertyOptional({ description: 'ms' }) deleteMs?: number;
  @ApiPropertyOptional({ description: 'the error code when not ok' }) error?: string;
}

export class VersionsDto {
  @ApiProperty({ example: '16.4' }) postgres: string;
  @ApiProperty({ nullable: true, type: String, example: '7.2.4', description: 'null without REDIS_URL' }) redis: string | null;
  @ApiProperty({ example: 'v20.20.2' }) node: string;
}

export class DiagnosticsDto {
  @ApiProperty({ type: PoolStateDto }) databasePool: PoolStateDto;
  @ApiProperty({ type: QueueStateDto }) queue: QueueStateDto;
  @ApiProperty({ type: BlobRoundTripDto }) blobStore: BlobRoundTripDto;
  @ApiProperty({ type: VersionsDto }) versions: VersionsDto;
  @ApiProperty({ description: 'process uptime in seconds' }) uptimeS: number;
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'every setting; of secrets only "set"/"unset", URLs without passwords' })
  config: Record<string, unknown>;
}
