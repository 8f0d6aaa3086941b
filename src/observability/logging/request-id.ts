import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { FastifyInstance } from 'fastify';

export const REQUEST_ID_HEADER = 'x-request-id';
/** What a proxy's id may look like: no spaces, quotes or control characters can reach a log line. */
const ACCEPTED_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * Fastify's `genReqId`: the X-Request-Id of a trusted proxy (`trustsPeer` says which peer address
 * is one) when it sent a well-formed one, else a fresh UUID. From anyone else the header is
 * ignored: a client must not choose the id that ties its request to the logs.
 */
export function requestIdGenerator(trustsPeer: (address: string) => boolean): (request: IncomingMessage) => string {
  return (request) => {
    const sent = request.headers[REQUEST_ID_HEADER];
    if (typeof sent === 'string' && ACCEPTED_ID.test(sent) && trustsPeer(request.socket.remoteAddress ?? '')) return sent;
    return randomUUID();
  };
}

/** Echoes the request id on every answer, errors included, before any handler runs. */
export function echoRequestId(instance: FastifyInstance): void {
  instance.addHook('onRequest', (request, reply, done) => {
    void reply.header(REQUEST_ID_HEADER, request.id);
    done();
  });
}
