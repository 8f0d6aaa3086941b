import { AppError } from '../common/errors/app-error';
import type { Tier } from '../config/app-config';

export class MapNotFound extends AppError {
  readonly status = 404;
  readonly code = 'MAP_NOT_FOUND';
  constructor() {
    super('mind map not found');
  }
}

/** A client-chosen map id that is already in use (by anyone: ids are global, and random). */
export class MapIdTaken extends AppError {
  readonly status = 409;
  readonly code = 'MAP_ID_TAKEN';
  constructor() {
    super('a map with this id exists; choose a fresh random id');
  }
}

export class VersionNotFound extends AppError {
  readonly status = 404;
  readonly code = 'VERSION_NOT_FOUND';
  constructor() {
    super('version not found');
  }
}

export class NoContentYet extends AppError {
  readonly status = 404;
  readonly code = 'NO_CONTENT_YET';
  constructor() {
    super('this map has no saved content yet');
  }
}

export class VersionConflict extends AppError {
  readonly status = 412;
  readonly code = 'VERSION_CONFLICT';
  constructor(readonly headVersionId: string | null) {
    super('If-Match is not the current head version');
  }
  override extra() {
    return { headVersionId: this.headVersionId };
  }
}

/**
 * The upload was encrypted under a data key the map no longer has: its envelope changed (a re-key,
 * e.g. after a link was revoked) since the client read it. Recording the version would pair these
 * bytes with an envelope that cannot open them, and leave them readable by the old key's holders.
 */
export class EnvelopeChanged extends AppError {
  readonly status = 412;
  readonly code = 'ENVELOPE_CHANGED';
  constructor() {
    super("If-Envelope-Match is not the map's current envelope: read the map again and encrypt under its key");
  }
}

export class LengthRequired extends AppError {
  readonly status = 411;
  readonly code = 'LENGTH_REQUIRED';
  constructor() {
    super('uploads need a Content-Length');
  }
}

export class BlobRequired extends AppError {
  readonly status = 400;
  readonly code = 'BLOB_REQUIRED';
  constructor() {
    super('the upload body is empty');
  }
}

export class BlobTooLarge extends AppError {
  readonly status = 413;
  readonly code = 'BLOB_TOO_LARGE';
  constructor(readonly maxBytes: number) {
    super(`uploads are limited to ${maxBytes} bytes`);
  }
  override extra() {
    return { maxBytes: this.maxBytes };
  }
}

/** The client disconnected before sending its whole body; nothing was recorded. */
export class UploadAborted extends AppError {
  readonly status = 400;
  readonly code = 'UPLOAD_ABORTED';
  constructor() {
    super('the upload ended before its Content-Length was reached');
  }
}

/** The user has `MAX_CONCURRENT_UPLOADS` uploads streaming already. */
export class TooManyUploads extends AppError {
  readonly status = 429;
  readonly code = 'TOO_MANY_UPLOADS';
  constructor(readonly maxConcurrent: number) {
    super(`at most ${maxConcurrent} uploads at a time; retry when one has finished`);
  }
  override extra() {
    return { maxConcurrent: this.maxConcurrent };
  }
}

/** The upload was still streaming when its reservation ended (UPLOAD_RESERVATION_TTL_S): it is cut. */
export class UploadTooSlow extends AppError {
  readonly status = 408;
  readonly code = 'UPLOAD_TOO_SLOW';
  constructor(seconds: number) {
    super(`an upload must finish within ${seconds} seconds`);
  }
}

export class StorageQuotaExceeded extends AppError {
  readonly status = 413;
  readonly code = 'STORAGE_QUOTA_EXCEEDED';
  constructor(
    readonly tier: Tier,
    readonly projectedBytes: number,
    readonly limitBytes: number,
    message = 'this upload would exceed your storage limit',
  ) {
    super(message);
  }
  override extra() {
    return { tier: this.tier, projectedBytes: this.projectedBytes, limitBytes: this.limitBytes };
  }
}

/** The owner holds as many maps as their plan allows. */
export class MapLimitReached extends AppError {
  readonly status = 403;
  readonly code = 'MAP_LIMIT_REACHED';
  constructor(
    readonly tier: Tier,
    readonly limit: number,
  ) {
    super(`your plan allows ${limit} maps; delete one or upgrade`);
  }
  override extra() {
    return { tier: this.tier, limit: this.limit };
  }
}

export class MaxVersionsOverPlan extends AppError {
  readonly status = 400;
  readonly code = 'VALIDATION_FAILED';
  constructor(readonly limit: number) {
    super(`maxVersions is limited to ${limit} on your plan`);
  }
  override extra() {
    return { details: [{ field: 'maxVersions', messages: [this.message] }] };
  }
}

/** Pinning one more version would pass the plan's pin limit, or leave the head no room under maxVersions. */
export class PinLimitReached extends AppError {
  readonly status = 409;
  readonly code = 'PIN_LIMIT_REACHED';
  constructor(readonly limit: number) {
    super(`this map may hold ${limit} pinned versions (your plan's limit, and fewer than its maxVersions); unpin one first`);
  }
  override extra() {
    return { limit: this.limit };
  }
}

/** A maxVersions that would not hold the map's pinned versions and its head. */
export class MaxVersionsBelowPinned extends AppError {
  readonly status = 409;
  readonly code = 'MAX_VERSIONS_BELOW_PINNED';
  constructor(readonly pinned: number) {
    super(`this map has ${pinned} pinned versions: maxVersions must be at least ${pinned + 1}; unpin some first`);
  }
  override extra() {
    return { pinned: this.pinned };
  }
}
