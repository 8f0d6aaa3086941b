import type { Share } from '../domain/share';
import type { ShareSummaryDto } from './share.dto';

export function toShareSummaryDto(s: Share, now: Date): ShareSummaryDto {
  return {
    shareId: s.id,
    versionId: s.versionId,
    expiresAt: s.expiresAt?.toISOString() ?? null,
    expired: s.expiresAt !== null && s.expiresAt.getTime() <= now.getTime(),
    createdAt: s.createdAt.toISOString(),
  };
}
