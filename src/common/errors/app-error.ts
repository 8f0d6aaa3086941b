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
}
