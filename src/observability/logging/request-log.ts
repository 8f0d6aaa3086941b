import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { AuthenticatedRequest } from '../../common/auth/auth.decorators';

/**
 * One info line per request: per answered one its id, method, route template, status, duration and
 * caller; per one its client gave up on before the answer, that it did (Fastify's onRequestAbort
 * fires wherever the request was: in the token check, reading the body or in the handler).
 * NOTE: the route template, never the URL: share tokens travel in paths, and query strings could
 * carry anything. Headers and bodies are never logged.
 */
export function logRequests(instance: FastifyInstance, logger: Logger): void {
  const log = logger.child({ context: 'Http' });
  if (!log.isLevelEnabled('info')) return;
  instance.addHook('onResponse', (request, reply, done) => {
    log.info(
      {
        reqId: request.id,
        method: request.method,
        route: request.routeOptions.url ?? null,
        status: reply.statusCode,
        ms: Math.round(reply.elapsedTime * 10) / 10,
        userId: (request as AuthenticatedRequest).principal?.userId ?? null,
      },
      'request',
    );
    done();
  });
  instance.addHook('onRequestAbort', (request, done) => {
    log.info({ reqId: request.id, method: request.method, route: request.routeOptions.url ?? null }, `${request.method} ${request.routeOptions.url ?? '?'} client closed the connection`);
    done();
  });
}
