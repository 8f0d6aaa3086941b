import { describe, expect, it } from 'vitest';
import { ConfigError, DEV_JWT_SECRET, loadConfig } from './app-config';

describe('loadConfig', () => {
  it('runs on embedded defaults with an empty environment', () => {
    const config = loadConfig({});
    expect(config.database.url).toBeUndefined();
    expect(config.queue.redisUrl).toBeUndefined();
    expect(config.blob.driver).toBe('fs');
    expect(config.uploads.maxBlobBytes).toBe(32 * 1024 * 1024);
    expect(config.tiers.free.storageLimitBytes).toBe(100 * 1024 * 1024);
    expect(config.tiers.team.storageLimitBytes).toBe(100 * 1024 ** 3);
    expect(config.http).toEqual({ port: 3000, host: '0.0.0.0', trustProxy: false });
  });

  it('keeps metrics on loopback unless a token guards them, and diagnostics off', () => {
    const config = loadConfig({});
    expect(config.metrics).toEqual({ enabled: true, host: '127.0.0.1', port: 9464, workerPort: 9465, token: undefined });
    expect(config.diagnostics.enabled).toBe(false);
    expect(() => loadConfig({ METRICS_HOST: '0.0.0.0' })).toThrow(/METRICS_TOKEN/);
    expect(() => loadConfig({ METRICS_HOST: '0.0.0.0', METRICS_TOKEN: 'short' })).toThrow(/METRICS_TOKEN/);
    expect(loadConfig({ METRICS_HOST: '0.0.0.0', METRICS_TOKEN: 'x'.repeat(32) }).metrics.host).toBe('0.0.0.0');
    expect(loadConfig({ METRICS_HOST: '0.0.0.0', METRICS_ENABLED: 'false' }).metrics.enabled).toBe(false);
  });

  it('logs human-readable lines in development and JSON elsewhere', () => {
    expect(loadConfig({}).logFormat).toBe('pretty');
    expect(loadConfig({ NODE_ENV: 'test' }).logFormat).toBe('json');
    expect(loadConfig({ NODE_ENV: 'test', LOG_FORMAT: 'pretty' }).logFormat).toBe('pretty');
  });

  it('refuses to start in production with the default JWT secret', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/JWT_SECRET/);
    expect(() => loadConfig({ NODE_ENV: 'production', JWT_SECRET: DEV_JWT_SECRET })).toThrow(ConfigError);
    expect(loadConfig({ NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(40) }).auth.jwtSecret).toBe('x'.repeat(40));
  });

  it('names every bad variable at once', () => {
    try {
      loadConfig({ PORT: 'eighty', MAX_BLOB_BYTES: String(64 * 1024 * 1024), JWT_SECRET: 'short' });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      const message = (error as Error).message;
      for (const name of ['PORT', 'MAX_BLOB_BYTES', 'JWT_SECRET']) expect(message).toContain(name);
    }
  });

  it('wants all four S3 variables or none', () => {
    expect(() => loadConfig({ S3_ENDPOINT: 'http://127.0.0.1:9000' })).toThrow(/S3_BUCKET/);
    const config = loadConfig({ S3_ENDPOINT: 'http://127.0.0.1:9000', S3_ACCESS_KEY: 'a', S3_SECRET_KEY: 'b', S3_BUCKET: 'c' });
    expect(config.blob).toMatchObject({ driver: 's3', bucket: 'c' });
  });

  it('reads tier limits from the environment', () => {
    expect(loadConfig({ FREE_STORAGE_BYTES: '1000' }).tiers.free.storageLimitBytes).toBe(1000);
  });
});
