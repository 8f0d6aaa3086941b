/**
 * Base of every domain error. Services throw these; the global filter turns them into the
 * contract's body `{ statusCode, error, code, message, ...extra }`.
 */
export abstract class AppError extends Error {
  abstract readonly status: number;
  abstract readonly code: string;

  /** Extra fields merged into the error body (e.g. the quota error's figures). */
  extra(): Record<string, unknown> {
    return {};
  }

  /** Headers the answer carries (e.g. Retry-After). */
  headers(): Record<string, string> {
    return {};
  }
}
