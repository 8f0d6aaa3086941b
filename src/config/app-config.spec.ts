import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './app-config';

describe('loadConfig', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'mindvault-config-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('runs on embedded defaults with an empty environment', () => {
    const config = loadConfig({ DATA_DIR: dataDir });
    expect(config.database.url).toBeUndefined();
    expect(config.queue.redisUrl).toBeUndefined();
    expect(config.blob.driver).toBe('fs');
    expect(config.uploads.maxBlobBytes).toBe(32 * 1024 * 1024);
    expect(config.tiers.free.storageLimitBytes).toBe(100 * 1024 * 1024);
    expect(config.tiers.team.storageLimitBytes).toBe(100 * 1024 ** 3);
    expect(config.http).toMatchObject({ port: 3000, host: '127.0.0.1', jsonBodyLimitBytes: 64 * 1024, trustProxy: [], swaggerEnabled: true });
  });

  it('keeps metrics on loopback unless a token guards them, and diagnostics off', () => {
    const config = loadConfig({ DATA_DIR: dataDir });
    expect(config.metrics).toEqual({ enabled: true, host: '127.0.0.1', port: 9464, workerPort: 9465, token: undefined });
    expect(config.diagnostics.enabled).toBe(false);
    expect(() => loadConfig({ DATA_DIR: dataDir, METRICS_HOST: '0.0.0.0' })).toThrow(/METRICS_TOKEN/);
    expect(() => loadConfig({ DATA_DIR: dataDir, METRICS_HOST: '0.0.0.0', METRICS_TOKEN: 'short' })).toThrow(/METRICS_TOKEN/);
    expect(loadConfig({ DATA_DIR: dataDir, METRICS_HOST: '0.0.0.0', METRICS_TOKEN: 'x'.repeat(32) }).metrics.host).toBe('0.0.0.0');
    expect(loadConfig({ DATA_DIR: dataDir, METRICS_HOST: '0.0.0.0', METRICS_ENABLED: 'false' }).metrics.enabled).toBe(false);
  });

  it('logs human-readable lines in development and JSON elsewhere', () => {
    expect(loadConfig({ DATA_DIR: dataDir }).logFormat).toBe('pretty');
    expect(loadConfig({ DATA_DIR: dataDir, NODE_ENV: 'test' }).logFormat).toBe('json');
    expect(loadConfig({ DATA_DIR: dataDir, NODE_ENV: 'test', LOG_FORMAT: 'pretty' }).logFormat).toBe('pretty');
  });

  it('refuses to start in production without its own JWT and prelogin secrets', () => {
    expect(() => loadConfig({ NODE_ENV: 'production', DATA_DIR: dataDir })).toThrow(/JWT_SECRET[\s\S]*PRELOGIN_SECRET[\s\S]*SECOND_FACTOR_SECRET/);
    expect(() => loadConfig({ NODE_ENV: 'production', DATA_DIR: dataDir, JWT_SECRET: 'x'.repeat(40) })).toThrow(ConfigError);
    const config = loadConfig({ NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(40), PRELOGIN_SECRET: 'y'.repeat(40), SECOND_FACTOR_SECRET: 'z'.repeat(40) });
    expect(config.auth).toMatchObject({ jwtSecret: 'x'.repeat(40), preloginSecret: 'y'.repeat(40), secondFactorSecret: 'z'.repeat(40) });
    expect(config.http.swaggerEnabled).toBe(false);
  });

  it('generates each missing secret once, keeps it 0600 in DATA_DIR, and reads it back on the next start', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mindvault-secrets-'));
    try {
      const first = loadConfig({ DATA_DIR: dir });
      const second = loadConfig({ DATA_DIR: dir });
      expect(first.auth.jwtSecret).toHaveLength(64);
      expect(second.auth.jwtSecret).toBe(first.auth.jwtSecret);
      expect(second.auth.preloginSecret).toBe(first.auth.preloginSecret);
      expect(first.auth.preloginSecret).not.toBe(first.auth.jwtSecret);
      expect(second.auth.secondFactorSecret).toBe(first.auth.secondFactorSecret);
      for (const name of ['jwt-secret', 'prelogin-secret', 'second-factor-secret']) expect(statSync(join(dir, 'secrets', name)).mode & 0o777).toBe(0o600);
      expect(statSync(join(dir, 'secrets')).mode & 0o777).toBe(0o700);
      expect(loadConfig({ DATA_DIR: mkdtempSync(join(tmpdir(), 'mindvault-secrets-')) }).auth.jwtSecret).not.toBe(first.auth.jwtSecret);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('takes trusted proxies as addresses and CIDRs, and refuses anything else', () => {
    expect(loadConfig({ DATA_DIR: dataDir, TRUST_PROXY: '10.0.0.0/8, 127.0.0.1,::1,loopback' }).http.trustProxy).toEqual([
      '10.0.0.0/8',
      '127.0.0.1',
      '::1',
      'loopback',
    ]);
    expect(() => loadConfig({ DATA_DIR: dataDir, TRUST_PROXY: '10.0.0.0/33' })).toThrow(/TRUST_PROXY/);
    expect(() => loadConfig({ DATA_DIR: dataDir, TRUST_PROXY: 'proxy.example.com' })).toThrow(/TRUST_PROXY/);
  });

  it('names every bad variable at once', () => {
    try {
      loadConfig({ DATA_DIR: dataDir, PORT: 'eighty', MAX_BLOB_BYTES: String(64 * 1024 * 1024), JWT_SECRET: 'short' });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      const message = (error as Error).message;
      for (const name of ['PORT', 'MAX_BLOB_BYTES', 'JWT_SECRET']) expect(message).toContain(name);
    }
  });

  it('wants all four S3 variables or none', () => {
    expect(() => loadConfig({ DATA_DIR: dataDir, S3_ENDPOINT: 'http://127.0.0.1:9000' })).toThrow(/S3_BUCKET/);
    const config = loadConfig({ DATA_DIR: dataDir, S3_ENDPOINT: 'http://127.0.0.1:9000', S3_ACCESS_KEY: 'a', S3_SECRET_KEY: 'b', S3_BUCKET: 'c' });
    expect(config.blob).toMatchObject({ driver: 's3', bucket: 'c' });
  });

  it('reads tier limits from the environment', () => {
    expect(loadConfig({ DATA_DIR: dataDir, FREE_STORAGE_BYTES: '1000' }).tiers.free.storageLimitBytes).toBe(1000);
  });
});
