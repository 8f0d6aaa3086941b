import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { TIERS, Tier } from '../../config/app-config';
import { ROLES } from './admin-requests.dto';

export class AdminUserDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() email: string;
  @ApiProperty({ enum: ROLES }) role: (typeof ROLES)[number];
  @ApiProperty({ enum: TIERS }) effectiveTier: Tier;
  @ApiProperty({ description: 'bytes stored, all versions counted' }) usageBytes: number;
  @ApiProperty() mapCount: number;
  @ApiProperty({ description: 'a second factor is enabled (its secret is never shown)' }) twoFactor: boolean;
  @ApiProperty() disabled: boolean;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
}

export class AdminUserPageDto {
  @ApiProperty({ type: [AdminUserDto], description: 'in email order' }) items: AdminUserDto[];
  @ApiProperty({ nullable: true, type: String, description: 'pass as ?cursor= for the next page' })
  nextCursor: string | null;
}

export class AdminSubscriptionDto {
  @ApiProperty({ enum: TIERS }) tier: Tier;
  @ApiProperty({ example: 'active' }) status: string;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) currentPeriodEnd: string | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String, description: 'start of the current past-due spell' })
  pastDueSince: string | null;
  @ApiProperty({ description: "the payment provider's customer id" }) providerCustomerId: string;
  @ApiProperty({ description: "the payment provider's subscription id" }) providerSubscriptionId: string;
}

export class AdminUserDetailDto extends AdminUserDto {
  @ApiProperty({ enum: TIERS, nullable: true, type: String }) tierOverride: Tier | null;
  @ApiProperty({ description: "the effective tier's storage limit in bytes" }) limitBytes: number;
  @ApiProperty({ type: AdminSubscriptionDto, nullable: true, description: 'the subscription granting the tier, else the latest' })
  subscription: AdminSubscriptionDto | null;
}

export class QueueCountsDto {
  @ApiProperty({ description: 'queued or delayed' }) waiting: number;
  @ApiProperty() active: number;
  @ApiProperty() failed: number;
}

export class UsageCorrectionDto {
  @ApiProperty({ format: 'uuid' }) userId: string;
  @ApiProperty() fromBytes: number;
  @ApiProperty() toBytes: number;
}

export class ReconcileReportDto {
  @ApiProperty() objectsScanned: number;
  @ApiProperty({ description: 'objects no version row referenced, older than ORPHAN_GRACE_S' }) orphansDeleted: number;
  @ApiProperty() orphanBytesDeleted: number;
  @ApiProperty({ description: 'left in the orphan ledger for the next run' }) orphanDeleteFailures: number;
  @ApiProperty() ledgerEntriesSettled: number;
  @ApiProperty({ description: 'partial files of uploads older than UPLOAD_RESERVATION_TTL_S, removed (filesystem store)' })
  staleUploadsRemoved: number;
  @ApiProperty({ description: 'upload reservations past their end, released' }) reservationsExpired: number;
  @ApiProperty({ description: 'deletions a running backup deferred to the orphan ledger' }) deletionsDeferred: number;
  @ApiProperty({ description: "1 when the sweep deleted nothing because deleting was not safe (see refusal)" }) deletionsRefused: number;
  @ApiProperty({
    nullable: true,
    type: String,
    description: "why the sweep deleted nothing: the store is not this database's, or too large a share of it would have gone",
  })
  refusal: string | null;
  @ApiProperty() usersChecked: number;
  @ApiProperty({ type: [UsageCorrectionDto], description: 'the first 100' }) usageCorrections: UsageCorrectionDto[];
  @ApiProperty() usageCorrectionCount: number;
}

export class ReconcileRunDto {
  @ApiProperty({ format: 'uuid' }) runId: string;
  @ApiProperty({ enum: ['queued', 'running', 'done', 'failed'] }) status: string;
  @ApiProperty({ format: 'date-time' }) requestedAt: string;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) startedAt: string | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) finishedAt: string | null;
  @ApiProperty({ type: ReconcileReportDto, nullable: true }) report: ReconcileReportDto | null;
  @ApiPropertyOptional({ nullable: true, type: String }) error: string | null;
}

export class AdminStatsDto {
  @ApiProperty() users: number;
  @ApiProperty() maps: number;
  @ApiProperty() versions: number;
  @ApiProperty({ description: 'bytes of every stored version' }) storedBytes: number;
  @ApiProperty({ type: QueueCountsDto }) queue: QueueCountsDto;
  @ApiProperty({ type: ReconcileRunDto, nullable: true, description: 'the last reconcile sweep requested, with its report' })
  lastReconcile: ReconcileRunDto | null;
}
