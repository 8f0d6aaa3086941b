import { Logger } from '@nestjs/common';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { BodyTooSlow } from '../errors/common.errors';
import { toErrorBody } from '../errors/error-body';

export interface BodyRateRule {
  /** Slowest accepted body, bytes a second, over the time the server was waiting on the client. */
  minBytesPerS: number;
  /** Milliseconds of waiting before the rate is judged. */
  graceMs: number;
}

/**
 * Cuts a client that sends its body slower than `minBytesPerS`: Node's timeouts only bound the
 * whole request and silence, so one byte every few seconds would hold a connection (and, on an
 * upload, a partial object) for as long as the request timeout. Time counts only while the
 * server is waiting on the client: the body is being read (flowing) and nothing it sent is left
 * unread. While the handler has not started reading, has paused (its sink is slow), or has
 * abandoned the body (its store failed), the client is not to blame. The client gets
 * 408 BODY_TOO_SLOW when it can still be written, then the socket closes; whatever was reading
 * the body fails as on a client hang-up (an upload removes its partial object and charges nothing).
 */
export function cutSlowBodies(instance: FastifyInstance, rule: BodyRateRule): void {
  const logger = new Logger('SlowClients');
  const tickMs = Math.min(1000, Math.max(20, Math.floor(rule.graceMs / 4)));
  instance.addHook('onRequest', (request, reply, done) => {
    if (hasBody(request)) watch(request, () => reply.raw.headersSent, rule, tickMs, logger);
    done();
  });
}

function hasBody(request: FastifyRequest): boolean {
  const length = request.headers['content-length'];
  return (length !== undefined && length !== '0') || request.headers['transfer-encoding'] !== undefined;
}

function watch(request: FastifyRequest, answered: () => boolean, rule: BodyRateRule, tickMs: number, logger: Logger): void {
  const raw = request.raw;
  const socket = raw.socket;
  const startBytes = socket.bytesRead;
  let waitedMs = 0;
  const tick = () => {
    if (raw.complete || raw.destroyed || socket.destroyed || answered()) return;
    if (raw.readableFlowing === true && raw.readableLength === 0) waitedMs += tickMs;
    const received = socket.bytesRead - startBytes;
    if (waitedMs >= rule.graceMs && received < (rule.minBytesPerS * waitedMs) / 1000) {
      logger.warn(`${request.method} ${request.url.split('?')[0]} [${request.id}] cut: ${received} bytes in ${waitedMs} ms of waiting, under ${rule.minBytesPerS} bytes/s`);
      const body = JSON.stringify(toErrorBody(new BodyTooSlow()));
      const head = `HTTP/1.1 408 Request Timeout\r\nconnection: close\r\ncontent-type: application/json; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n`;
      socket.end(head + body, () => socket.destroy());
      // If the client never reads its answer, the socket still goes.
      setTimeout(() => socket.destroy(), 1000).unref();
      return;
    }
    setTimeout(tick, tickMs).unref();
  };
  setTimeout(tick, tickMs).unref();
}
