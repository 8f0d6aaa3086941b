import type { AppConfig } from './app-config';

/**
 * The configuration as an operator may see it (admin diagnostics): every setting, but of each secret
 * only whether it is set, and URLs without their passwords.
 */
export function describeConfig(config: AppConfig): Record<string, unknown> {
  const set = (value: string | undefined) => (value ? 'set' : 'unset');
  const blob =
    config.blob.driver === 's3'
      ? { driver: 's3', endPoint: config.blob.endPoint, bucket: config.blob.bucket, region: config.blob.region ?? null, accessKey: 'set', secretKey: 'set' }
      : { driver: 'fs', rootDir: config.blob.rootDir };
  return {
    env: config.env,
    http: config.http,
    database: config.database.url ? { url: withoutPassword(config.database.url) } : { embedded: true, port: config.database.embeddedPort },
    queue: {
      redisUrl: config.queue.redisUrl ? withoutPassword(config.queue.redisUrl) : null,
      prefix: config.queue.prefix,
      debounceMs: config.queue.debounceMs,
    },
    blob,
    auth: {
      jwtSecret: 'set',
      preloginSecret: 'set',
      secondFactorSecret: 'set',
      accessTtlS: config.auth.accessTtlS,
      refreshTtlS: config.auth.refreshTtlS,
      sessionMaxTtlS: config.auth.sessionMaxTtlS,
      rateLimitPerMinute: config.auth.rateLimitPerMinute,
      loginThrottle: config.auth.loginThrottle,
    },
    uploads: config.uploads,
    tiers: config.tiers,
    maintenance: config.maintenance,
    billing: {
      graceDays: config.billing.graceDays,
      stripe: config.billing.stripe
        ? { secretKey: 'set', webhookSecret: 'set', prices: config.billing.stripe.prices, successUrl: config.billing.stripe.successUrl, cancelUrl: config.billing.stripe.cancelUrl }
        : 'unset',
    },
    publicApi: config.publicApi,
    web: config.web,
    logLevel: config.logLevel,
    logFormat: config.logFormat,
    metrics: { ...config.metrics, token: set(config.metrics.token) },
    diagnostics: config.diagnostics,
    events: config.events,
  };
}

function withoutPassword(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return 'unparseable';
  }
}
