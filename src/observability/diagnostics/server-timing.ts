import { performance } from 'node:perf_hooks';
import type { FastifyInstance, FastifyRequest, onRequestHookHandler } from 'fastify';
import { RequestTimings, requestTimings } from './request-timings';

const TIMINGS = Symbol('request timings');
type TimedRequest = FastifyRequest & { [TIMINGS]?: RequestTimings };

/** The timings of this request, when diagnostics are on. */
export function timingsOf(request: FastifyRequest): RequestTimings | undefined {
  return (request as TimedRequest)[TIMINGS];
}

/**
 * DIAGNOSTICS_ENABLED: each request gets its timings in async-local storage, where the blob store
 * and the database add their time, and the answer a Server-Timing header. `auth` is the route's own
 * onRequest hooks (rate limit, then the access check, which run before the body is read): from a
 * mark put first among them to preParsing, which follows them. NOTE: the store is entered again in
 * preHandler: a parsed body's stream events run outside the context entered on arrival.
 */
export function addServerTiming(instance: FastifyInstance): void {
  instance.addHook('onRequest', (request, _reply, done) => {
    const timings = new RequestTimings();
    (request as TimedRequest)[TIMINGS] = timings;
    requestTimings.run(timings, done);
  });
  const markAuthStart: onRequestHookHandler = (request, _reply, done) => {
    const timings = timingsOf(request);
    if (timings) timings.authStartedAt = performance.now();
    done();
  };
  // Registered before the routes' other onRoute hooks, so the mark goes first of their onRequest hooks.
  instance.addHook('onRoute', (route) => {
    const existing = route.onRequest;
    route.onRequest = [markAuthStart, ...(existing ? (Array.isArray(existing) ? existing : [existing]) : [])];
  });
  instance.addHook('preParsing', (request, _reply, payload, done) => {
    const timings = timingsOf(request);
    if (timings && timings.authStartedAt > 0) timings.authMs = performance.now() - timings.authStartedAt;
    done(null, payload);
  });
  instance.addHook('preHandler', (request, _reply, done) => {
    const timings = timingsOf(request);
    if (!timings) return done();
    requestTimings.run(timings, done);
  });
  instance.addHook('onSend', (request, reply, payload, done) => {
    const timings = timingsOf(request);
    if (timings) void reply.header('server-timing', timings.header());
    done(null, payload);
  });
}
