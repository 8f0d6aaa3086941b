import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from './app-error';
import {
  BodyTooLarge,
  FieldError,
  ClientGone,
  InternalError,
  RouteNotFound,
  ServiceUnavailable,
  UnsupportedMediaType,
  ValidationFailed,
} from './common.errors';
import { toErrorBody } from './error-body';

/**
 * The one place errors become HTTP answers. Known errors keep their contract code; anything else
 * is a 500 whose body never echoes internals, while the log gets the stack and the request id.
 */
@Catch()
export class AppExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const reply = http.getResponse<FastifyReply>();
    const request = http.getRequest<FastifyRequest>();
    const error = this.toAppError(exception, request);
    // Not a fault on either side worth a stack, and nobody to answer: the request log says the
    // client went (its onRequestAbort line), once, wherever the request was when it did.
    if (error instanceof ClientGone) return;
    if (error.status >= 500) {
      const detail = exception instanceof Error ? describeWithCauses(exception) : String(exception);
      this.logger.error({ reqId: request.id, method: request.method, route: request.routeOptions?.url ?? null, code: error.code }, detail);
    }
    if (reply.sent) return;
    void reply
      .status(error.status)
      .headers(error.headers())
      .header('content-type', 'application/json; charset=utf-8')
      .send(toErrorBody(error));
  }

  private toAppError(exception: unknown, request: FastifyRequest): AppError {
    // Whatever broke, a request whose client is gone failed because it went: its socket says so.
    if (clientGone(request) && !(exception instanceof AppError && exception.status < 500)) return new ClientGone();
    if (exception instanceof AppError) return exception;
    if (exception instanceof HttpException) return fromHttpException(exception, request);
    const fastify = fastifyError(exception, request);
    if (fastify) return fastify;
    if (isDatabaseConnectionLoss(exception)) return new ServiceUnavailable('database unavailable, retry');
    return new InternalError();
  }
}

/** The stack, then each `cause` (e.g. the socket error behind BLOB_STORE_UNAVAILABLE), never bodies. */
function describeWithCauses(error: Error): string {
  const parts = [error.stack ?? error.message];
  for (let cause = error.cause, depth = 0; cause instanceof Error && depth < 3; cause = cause.cause, depth++) {
    const code = 'code' in cause ? ` (${String(cause.code)})` : '';
    parts.push(`caused by: ${cause.message}${code}`);
  }
  return parts.join('\n');
}

/**
 * The connection is gone, so no answer can be written. NOTE: not `request.raw.aborted`, which is
 * also set when the server itself abandons a body (an upload whose store failed destroys it).
 */
function clientGone(request: FastifyRequest): boolean {
  return request.raw.socket?.destroyed === true;
}

/** SQLSTATE classes and pg messages that say the connection went away, not that the query was wrong. */
const CONNECTION_LOSS_STATES = /^(08|57P0[1-3])/;
const CONNECTION_LOSS_MESSAGES = /Connection terminated|not queryable|timeout exceeded when trying to connect|ECONNREFUSED|ECONNRESET/;

/** A query that failed because PostgreSQL went away mid-request (restart, failover): worth a retry. */
function isDatabaseConnectionLoss(exception: unknown): boolean {
  if (!(exception instanceof Error)) return false;
  // TypeORM wraps pg's error (driverError); a read straight from the pool throws pg's own.
  const driverError = 'driverError' in exception ? (exception.driverError as { code?: unknown } | undefined) : exception;
  const code = driverError && 'code' in driverError ? driverError.code : undefined;
  const state = typeof code === 'string' ? code : '';
  // TypeORM's own word for it: the connection died under the transaction, which released its runner.
  const released = exception.name === 'QueryRunnerAlreadyReleasedError' || exception.name === 'QueryRunnerProviderAlreadyReleasedError';
  return released || CONNECTION_LOSS_STATES.test(state) || CONNECTION_LOSS_MESSAGES.test(exception.message);
}

function fromHttpException(exception: HttpException, request: FastifyRequest): AppError {
  switch (exception.getStatus()) {
    case 404:
      return new RouteNotFound();
    case 413:
      return new BodyTooLarge(request.routeOptions?.bodyLimit);
    case 415:
      return new UnsupportedMediaType();
    case 400:
      return new ValidationFailed([], 'bad request');
    default:
      return new InternalError();
  }
}

/** Fastify's own errors (malformed JSON, unknown content type, oversized body) carry a FST_ code. */
function fastifyError(exception: unknown, request: FastifyRequest): AppError | undefined {
  if (!(exception instanceof Error) || !('code' in exception) || typeof exception.code !== 'string') return undefined;
  const code = exception.code;
  if (code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') return new UnsupportedMediaType();
  if (code === 'FST_ERR_CTP_BODY_TOO_LARGE') return new BodyTooLarge(request.routeOptions?.bodyLimit);
  if (code === 'FST_ERR_VALIDATION' && 'validationContext' in exception && exception.validationContext === 'params') {
    return new ValidationFailed(paramErrors(exception));
  }
  if (code.startsWith('FST_ERR_CTP_') || code === 'FST_ERR_VALIDATION') {
    return new ValidationFailed([], 'malformed request body');
  }
  if (exception instanceof SyntaxError) return new ValidationFailed([], 'malformed JSON body');
  return undefined;
}

/**
 * The path parameters Fastify's compiled schema refused (see UuidParams: each is a UUID), named
 * like class-validator's details. Fastify stops at the first error, so this is one entry.
 */
function paramErrors(exception: Error): FieldError[] {
  type SchemaError = { instancePath?: unknown; params?: { missingProperty?: unknown } };
  const validation = 'validation' in exception && Array.isArray(exception.validation) ? (exception.validation as SchemaError[]) : [];
  return validation.map((entry) => {
    const missing = entry.params?.missingProperty;
    const field = typeof missing === 'string' ? missing : String(entry.instancePath ?? '').replace(/^\//, '');
    return { field, messages: [`${field} must be a UUID`] };
  });
}
