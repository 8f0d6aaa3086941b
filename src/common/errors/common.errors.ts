import { AppError } from './app-error';

export interface FieldError {
  field: string;
  messages: string[];
}

export class ValidationFailed extends AppError {
  readonly status = 400;
  readonly code = 'VALIDATION_FAILED';
  constructor(readonly details: FieldError[], message = 'request validation failed') {
    super(message);
  }
  override extra() {
    return { details: this.details };
  }
}

export class Unauthenticated extends AppError {
  readonly status = 401;
  readonly code = 'UNAUTHENTICATED';
  constructor() {
    super('missing, expired or invalid access token');
  }
}

export class Forbidden extends AppError {
  readonly status = 403;
  readonly code = 'FORBIDDEN';
  constructor(message = 'not allowed') {
    super(message);
  }
}

export class RateLimited extends AppError {
  readonly status = 429;
  readonly code = 'RATE_LIMITED';
  constructor(readonly retryAfterS?: number) {
    super('too many requests, retry later');
  }
  override headers(): Record<string, string> {
    return this.retryAfterS === undefined ? {} : { 'retry-after': String(this.retryAfterS) };
  }
}

export class RouteNotFound extends AppError {
  readonly status = 404;
  readonly code = 'NOT_FOUND';
  constructor() {
    super('no such route');
  }
}

export class UnsupportedMediaType extends AppError {
  readonly status = 415;
  readonly code = 'UNSUPPORTED_MEDIA_TYPE';
  constructor(message = 'unsupported content type') {
    super(message);
  }
}

/** A body over its route's limit, refused from its Content-Length or as soon as it runs over. */
export class BodyTooLarge extends AppError {
  readonly status = 413;
  readonly code = 'BODY_TOO_LARGE';
  constructor(readonly limitBytes?: number) {
    super(limitBytes === undefined ? 'request body too large' : `request body over ${limitBytes} bytes`);
  }
  override extra() {
    return this.limitBytes === undefined ? {} : { limitBytes: this.limitBytes };
  }
}

export class JsonTooDeep extends AppError {
  readonly status = 400;
  readonly code = 'JSON_TOO_DEEP';
  constructor(maxDepth: number) {
    super(`JSON nested deeper than ${maxDepth} levels`);
  }
}

/** Sent (when it still can be) just before the server cuts a client that sends its body too slowly. */
export class BodyTooSlow extends AppError {
  readonly status = 408;
  readonly code = 'BODY_TOO_SLOW';
  constructor() {
    super('request body arrived too slowly; connection closed');
  }
}

/** The client went away before its request was read or answered: nobody to answer, nothing broken. */
export class ClientGone extends AppError {
  readonly status = 400;
  readonly code = 'CLIENT_GONE';
  constructor() {
    super('the client closed the connection');
  }
}

export class ServiceUnavailable extends AppError {
  readonly status = 503;
  readonly code = 'SERVICE_UNAVAILABLE';
  constructor(message = 'service temporarily unavailable') {
    super(message);
  }
}

export class InternalError extends AppError {
  readonly status = 500;
  readonly code = 'INTERNAL';
  constructor() {
    super('internal error');
  }
}
