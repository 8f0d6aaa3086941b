import fastifyRateLimit from '@fastify/rate-limit';
import { Logger } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { onRouteHookHandler } from 'fastify';
import type { Redis } from 'ioredis';
import type { AppConfig } from '../../config/app-config';
import { createRedisConnection } from '../../queue/bullmq-connection';
import { RateLimited } from '../errors/common.errors';
import { mergeRouteConfig, routeConfigOf } from './route-config';

const RATE_LIMIT = 'mindvaultRateLimit';

/** The budgets: `auth` (AUTH_RATE_LIMIT_PER_MINUTE), `public` (PUBLIC_RATE_LIMIT_PER_MINUTE). */
export type RateLimitBudget = 'auth' | 'public';

/**
 * Requests a minute per client IP on each route of the handler or controller, decided in Fastify's
 * onRequest, before the body is read or the caller authenticated. Over it: 429 RATE_LIMITED with
 * Retry-After.
 */
export const RateLimit = (budget: RateLimitBudget) => mergeRouteConfig({ [RATE_LIMIT]: budget });

const WINDOW_MS = 60_000;

/**
 * @fastify/rate-limit on the marked routes. With REDIS_URL the counters live in Redis, one budget
 * for every API process; without it, in this process. The client IP is Fastify's `request.ip`,
 * which follows X-Forwarded-For only from TRUST_PROXY addresses. If Redis does not answer, requests
 * pass unlimited (logged) rather than fail: an outage of the limiter must not become one of the API.
 */
export async function installRateLimits(app: NestFastifyApplication, config: AppConfig): Promise<void> {
  const instance = app.getHttpAdapter().getInstance();
  const budgets: Record<RateLimitBudget, number> = {
    auth: config.auth.rateLimitPerMinute,
    public: config.publicApi.rateLimitPerMinute,
  };
  // Runs before the plugin's own onRoute hook, which reads `config.rateLimit`.
  const declare: onRouteHookHandler = (route) => {
    const budget = routeConfigOf(route.config)[RATE_LIMIT] as RateLimitBudget | undefined;
    if (budget) route.config = { ...routeConfigOf(route.config), rateLimit: { max: budgets[budget], timeWindow: WINDOW_MS } };
  };
  instance.addHook('onRoute', declare);
  const redis = config.queue.redisUrl ? limiterRedis(config.queue.redisUrl) : undefined;
  await app.register(fastifyRateLimit, {
    global: false,
    hook: 'onRequest',
    ...(redis ? { redis, nameSpace: `${config.queue.prefix}:rate-limit:` } : {}),
    skipOnError: true,
    addHeadersOnExceeding: { 'x-ratelimit-limit': false, 'x-ratelimit-remaining': false, 'x-ratelimit-reset': false },
    addHeaders: { 'x-ratelimit-limit': false, 'x-ratelimit-remaining': false, 'x-ratelimit-reset': false, 'retry-after': true },
    errorResponseBuilder: (_request, context) => new RateLimited(Math.max(1, Math.ceil(context.ttl / 1000))),
  });
  if (redis) instance.addHook('onClose', async () => void (await redis.quit().catch(() => redis.disconnect())));
}

/** Fails fast while Redis is away (a producer connection: no offline queue), so no request waits on the limiter. */
function limiterRedis(url: string): Redis {
  const logger = new Logger('RateLimit');
  const redis = createRedisConnection(url, 'producer');
  let reported = 0;
  redis.on('error', (error: Error) => {
    if (Date.now() - reported < 30_000) return;
    reported = Date.now();
    logger.warn(`Redis unavailable, rate limits not enforced until it answers: ${error.message}`);
  });
  return redis;
}
