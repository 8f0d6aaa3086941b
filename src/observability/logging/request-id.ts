import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { FastifyInstance } from 'fastify';

export const REQUEST_ID_HEADER = 'x-request-id';
/** What a proxy's id may look like: no spaces, quotes or control characters can reach a log line. */
const ACCEPTED_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * Fastify's `genReqId`: a trusted proxy's X-Request-Id when it sent a well-formed one, else a fresh
 * UUID. Without a trusted proxy the header is ignored: a client must not choose the id that ties
 * its request to the logs.
 */
export function requestIdGenerator(trustProxy: boolean): (request: IncomingMessage) => string {
  if (!trustProxy) return () => randomUUID();
  return (request) => {
    const sent = request.headers[REQUEST_ID_HEADER];
    return typeof sent === 'string' && ACCEPTED_ID.test(sent) ? sent : randomUUID();
  };
}

/** Echoes the request id on every answer, errors included, before any handler runs. */
export function echoRequestId(instance: FastifyInstance): void {
  instance.addHook('onRequest', (request, reply, done) => {
    void reply.header(REQUEST_ID_HEADER, request.id);
    done();
  });
}
