import { describe, expect, it } from 'vitest';
import { loadConfig } from './app-config';
import { describeConfig } from './config-summary';

describe('describeConfig', () => {
  it('shows every secret only as set, and URLs without their passwords', () => {
    const secrets = {
      JWT_SECRET: 'jwt-secret-0123456789-0123456789-abcdef',
      PRELOGIN_SECRET: 'prelogin-secret-0123456789-0123456789',
      S3_SECRET_KEY: 's3-secret-key-value',
      S3_ACCESS_KEY: 's3-access-key-value',
      STRIPE_SECRET_KEY: 'sk_test_secret_value',
      STRIPE_WEBHOOK_SECRET: 'whsec_secret_value',
      METRICS_TOKEN: 'metrics-token-0123456789',
    };
    const config = loadConfig({
      ...secrets,
      DATABASE_URL: 'postgres://app:db-password-value@db:5432/mindvault',
      REDIS_URL: 'redis://:redis-password-value@redis:6379',
      S3_ENDPOINT: 'http://minio:9000',
      S3_BUCKET: 'b',
      STRIPE_PRICE_PRO: 'price_pro',
      STRIPE_PRICE_TEAM: 'price_team',
      CHECKOUT_SUCCESS_URL: 'https://example.com/ok',
      CHECKOUT_CANCEL_URL: 'https://example.com/cancel',
    });
    const text = JSON.stringify(describeConfig(config));
    for (const secret of [...Object.values(secrets), 'db-password-value', 'redis-password-value']) {
      expect(text).not.toContain(secret);
    }
    expect(describeConfig(config)).toMatchObject({
      database: { url: 'postgres://app:***@db:5432/mindvault' },
      blob: { driver: 's3', bucket: 'b', secretKey: 'set' },
      metrics: { token: 'set' },
    });
  });
});
