import { AppError } from '../common/errors/app-error';

export class BlobNotFound extends AppError {
  readonly status = 404;
  readonly code = 'BLOB_NOT_FOUND';
  constructor(key: string) {
    super(`stored object not found: ${key}`);
  }
}

export class BlobStoreUnavailable extends AppError {
  readonly status = 503;
  readonly code = 'BLOB_STORE_UNAVAILABLE';
  constructor(cause?: unknown) {
    super('blob store unavailable', { cause });
  }
}

/** The body ended before, or ran past, the length it announced (a client gone mid-stream). */
export class BlobSizeMismatch extends AppError {
  readonly status = 400;
  readonly code = 'BLOB_LENGTH_MISMATCH';
  constructor(expected: number, actual: number) {
    super(`body length ${actual} does not match Content-Length ${expected}`);
  }
}

/** A key not made by `blobKey()`: a programming error, never user input. */
export class InvalidBlobKey extends AppError {
  readonly status = 500;
  readonly code = 'INTERNAL';
  constructor(key: string) {
    super(`invalid blob key: ${JSON.stringify(key)}`);
  }
}
