import type { FastifyInstance } from 'fastify';
import type { AppMetrics } from './app-metrics';

/**
 * Every answered request into the duration histogram, by method, route template (never the URL:
 * ids and share tokens would make a series per request) and status; unmatched paths as `(none)`.
 */
export function meterHttp(instance: FastifyInstance, metrics: AppMetrics): void {
  const histogram = metrics.httpDuration;
  instance.addHook('onResponse', (request, reply, done) => {
    histogram.observe({ method: request.method, route: request.routeOptions.url ?? '(none)', status: reply.statusCode }, reply.elapsedTime / 1000);
    done();
  });
}
