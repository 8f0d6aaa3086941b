import { AppError } from '../common/errors/app-error';
import type { Tier } from '../config/app-config';

/** One answer for unknown, revoked and expired links, so a token's history can't be probed. */
export class ShareNotFound extends AppError {
  readonly status = 404;
  readonly code = 'SHARE_NOT_FOUND';
  constructor() {
    super('share link not found');
  }
}

/** The owner holds as many share links as their plan allows. */
export class ShareLimitReached extends AppError {
  readonly status = 403;
  readonly code = 'SHARE_LIMIT_REACHED';
  constructor(
    readonly tier: Tier,
    readonly limit: number,
  ) {
    super(`your plan allows ${limit} share links; revoke one or upgrade`);
  }
  override extra() {
    return { tier: this.tier, limit: this.limit };
  }
}
