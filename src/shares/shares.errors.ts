import { AppError } from '../common/errors/app-error';

/** One answer for unknown, revoked and expired links, so a token's history can't be probed. */
export class ShareNotFound extends AppError {
  readonly status = 404;
  readonly code = 'SHARE_NOT_FOUND';
  constructor() {
    super('share link not found');
  }
}
