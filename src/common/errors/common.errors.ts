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
  constructor() {
    super('too many requests, retry later');
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

export class PayloadTooLarge extends AppError {
  readonly status = 413;
  readonly code = 'PAYLOAD_TOO_LARGE';
  constructor() {
    super('request body too large');
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
