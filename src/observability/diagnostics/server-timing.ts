import { performance } from 'node:perf_hooks';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { RequestTimings, requestTimings } from './request-timings';

const TIMINGS = Symbol('request timings');
type TimedRequest = FastifyRequest & { [TIMINGS]?: RequestTimings };

/** The timings of this request, when diagnostics are on. */
export function timingsOf(request: FastifyRequest): RequestTimings | undefined {
  return (request as TimedRequest)[TIMINGS];
}

/**
 * DIAGNOSTICS_ENABLED: each request gets its timings in async-local storage, where the blob store
 * and the database add their time, and the answer a Server-Timing header. NOTE: the store is entered
 * again in preHandler: a parsed body's stream events run outside the context entered on arrival.
 */
export function addServerTiming(instance: FastifyInstance): void {
  instance.addHook('onRequest', (request, _reply, done) => {
    const timings = new RequestTimings();
    (request as TimedRequest)[TIMINGS] = timings;
    requestTimings.run(timings, done);
  });
  instance.addHook('preHandler', (request, _reply, done) => {
    const timings = timingsOf(request);
    if (!timings) return done();
    timings.handlerAt = performance.now();
    requestTimings.run(timings, done);
  });
  instance.addHook('onSend', (request, reply, payload, done) => {
    const timings = timingsOf(request);
    if (timings) void reply.header('server-timing', timings.header());
    done(null, payload);
  });
}
