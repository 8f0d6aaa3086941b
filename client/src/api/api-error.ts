/** Errors of the HTTP layer: the server said no, or the server could not be reached. */
import type { ErrorBody } from './schema.js';

/**
 * A non-2xx answer. `code` is the contract's stable machine code (`MAP_NOT_FOUND`,
 * `VERSION_CONFLICT`, …), `body` the whole error body (the quota error adds `tier`,
 * `projectedBytes`, `limitBytes`). An answer that is not the contract's error shape (a proxy's
 * HTML page) gets code `HTTP_<status>`.
 */
export class ApiError extends Error {
  override readonly name: string = 'ApiError';

  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly body: Partial<ErrorBody> & Record<string, unknown> = {},
  ) {
    super(message);
  }

  /** The contract's `details` of a VALIDATION_FAILED answer. */
  get details(): unknown[] | undefined {
    return Array.isArray(this.body.details) ? this.body.details : undefined;
  }

  static async fromResponse(response: Response): Promise<ApiError> {
    let body: unknown;
    try {
      body = await response.json();
    } catch {
      body = undefined;
    }
    if (isErrorBody(body)) return new ApiError(response.status, body.code, body.message, body);
    return new ApiError(response.status, `HTTP_${response.status}`, `HTTP ${response.status} ${response.statusText}`.trim());
  }
}

/**
 * The refresh token was refused (spent, reused, revoked, or the account signed out elsewhere):
 * the stored tokens are gone and the user must log in again. `code` is the server's
 * (`REFRESH_REUSED`, `INVALID_REFRESH_TOKEN`) or `NOT_LOGGED_IN` when there was no session.
 */
export class SessionExpiredError extends ApiError {
  override readonly name = 'SessionExpiredError';
}

/** fetch itself failed: DNS, refused connection, TLS, or the body was cut off. */
export class NetworkError extends Error {
  override readonly name = 'NetworkError';
}

function isErrorBody(value: unknown): value is ErrorBody & Record<string, unknown> {
  if (value === null || typeof value !== 'object') return false;
  const v = value as Record<string, unknown>;
  return typeof v.code === 'string' && typeof v.message === 'string';
}
