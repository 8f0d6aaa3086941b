import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Server } from 'node:http';
import type { FastifyHttpOptions } from 'fastify';
import { authenticateBeforeBody } from '../auth/guards/authenticate-before-body';
import { RequestAuthenticator } from '../auth/guards/request-authenticator';
import { TierPolicy } from '../billing/tier-policy.service';
import { applyBodyLimits } from '../common/http/body-limit';
import { directRoutes } from '../common/http/direct-route';
import { limitBodiesByCaller } from '../common/http/caller-body-limit';
import { installJsonParser } from '../common/http/json-body';
import { lingerAfterEarlyAnswers } from '../common/http/lingering-close';
import { dropSilentConnectionsOnClose } from '../common/http/silent-connections';
import { installRateLimits } from '../common/http/rate-limit';
import { cutSlowBodies } from '../common/http/slow-clients';
import type { AppConfig } from '../config/app-config';

/**
 * Fastify's server options: the default body limit, the timeouts, and whose X-Forwarded-For is
 * believed. Node checks its header and request timeouts on an interval (30 s by default): 1 s here,
 * so a configured timeout is kept to within a second.
 */
export function serverOptions(config: AppConfig): FastifyHttpOptions<Server> {
  const http = config.http;
  return {
    bodyLimit: http.jsonBodyLimitBytes,
    trustProxy: http.trustProxy.length > 0 ? http.trustProxy : false,
    requestTimeout: http.bodyTimeoutMs,
    connectionTimeout: http.idleTimeoutMs,
    http: { headersTimeout: http.headersTimeoutMs, connectionsCheckingInterval: 1000 },
  };
}

/**
 * What every request meets before its body is read, in this order: the rate limit, then (bearer
 * routes) the access token, then (some bearer routes) the caller's plan's body limit; bodies are
 * bounded by their route's limit and nesting depth, and cut
 * when they trickle. Runs after the app is created (the authenticator is a provider) and before
 * init, when Nest registers the routes these onRoute hooks decorate.
 */
export async function installRequestGuards(app: NestFastifyApplication, config: AppConfig): Promise<void> {
  const instance = app.getHttpAdapter().getInstance();
  installJsonParser(instance);
  instance.addHook('onRoute', applyBodyLimits(config));
  await installRateLimits(app, config);
  instance.addHook('onRoute', authenticateBeforeBody(app.get(RequestAuthenticator)));
  const tiers = app.get(TierPolicy);
  instance.addHook('onRoute', limitBodiesByCaller((userId) => tiers.planFor(userId)));
  instance.addHook('onRoute', directRoutes((type) => app.get(type, { strict: false })));
  cutSlowBodies(instance, { minBytesPerS: config.http.minBodyBytesPerS, graceMs: config.http.bodyRateGraceMs });
  lingerAfterEarlyAnswers(instance, { maxMs: config.http.lingerMs, maxBytes: config.http.lingerBytes });
  dropSilentConnectionsOnClose(instance);
  // Answers under /api are one user's (tokens, keys, metadata): no cache may keep them. A handler
  // that wants other caching (the blob routes' `private, no-store`) sets its own.
  instance.addHook('onRequest', (request, reply, done) => {
    if (request.url.startsWith('/api/')) void reply.header('cache-control', 'no-store');
    done();
  });
}
