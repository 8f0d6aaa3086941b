import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { inject } from 'vitest';
import { createHttpApp, NestAppFactory } from '../../src/bootstrap/create-http-app';
import { AppConfig, loadConfig } from '../../src/config/app-config';
import { OpsServer } from '../../src/observability/ops/ops-server';
import { RunningS3rver, startS3rver } from './s3rver';
import { createTestDatabase, TestDatabase } from './test-database';

export interface TestAppOptions {
  /** Environment on top of the test defaults (e.g. FREE_STORAGE_BYTES). */
  env?: Record<string, string>;
  /** Blob store behind the app; s3 runs a fresh s3rver. */
  blob?: 'fs' | 's3';
  /** Run jobs on BullMQ (real Redis) instead of in-process. */
  queue?: 'inline' | 'bullmq';
  /** The database to serve (a restored one); by default a fresh copy of the migrated template. */
  database?: TestDatabase;
  /** Providers to replace, e.g. `{ provide: PaymentProvider, useValue: fake }`: no test talks to outside services. */
  overrides?: ProviderOverride[];
}

export type ProviderOverride =
  | {
      /** The token, usually a port's abstract class. */
      provide: abstract new (...args: never[]) => unknown;
      useValue: unknown;
    }
  | {
      provide: abstract new (...args: never[]) => unknown;
      /** Built from the app's own providers, e.g. the real blob store wrapped to observe it. */
      useFactory: (...deps: never[]) => unknown;
      inject: (abstract new (...args: never[]) => unknown)[];
    };

export interface TestApp {
  app: NestFastifyApplication;
  baseUrl: string;
  config: AppConfig;
  db: TestDatabase;
  /** The S3 server behind the app, when `blob: 's3'`. */
  s3?: RunningS3rver;
  /** The metrics listener (loopback, its own port), unless METRICS_ENABLED=false. */
  metricsUrl?: string;
  close(): Promise<void>;
}

/** The real app on Fastify, listening on loopback, over a fresh database and blob store. */
export async function createTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const db = options.database ?? (await createTestDatabase());
  const cleanups: (() => Promise<void>)[] = [];
  let s3: RunningS3rver | undefined;
  const env: Record<string, string> = {
    NODE_ENV: 'test',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    AUTH_RATE_LIMIT_PER_MINUTE: '100000',
    PUBLIC_RATE_LIMIT_PER_MINUTE: '100000',
    JOB_DEBOUNCE_MS: '20',
    // Quota charges off by default, so usage is the sum of the version bodies' sizes and the byte
    // accounting the specs check is exact; test/e2e/minimum-charge.e2e-spec.ts runs with the real defaults.
    MIN_VERSION_CHARGE_BYTES: '0',
    MAP_CHARGE_BYTES: '0',
    DATABASE_URL: db.url,
    // Any free port: test apps run side by side.
    METRICS_PORT: '0',
    WORKER_METRICS_PORT: '0',
  };
  if (options.blob === 's3') {
    s3 = await startS3rver();
    cleanups.push(s3.stop);
    Object.assign(env, { S3_ENDPOINT: s3.endPoint, S3_ACCESS_KEY: s3.accessKey, S3_SECRET_KEY: s3.secretKey, S3_BUCKET: s3.bucket });
  } else {
    const dir = await mkdtemp(join(tmpdir(), 'mindvault-blobs-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    env.DATA_DIR = dir;
  }
  if (options.queue === 'bullmq') {
    env.REDIS_URL = inject('redisUrl');
    env.QUEUE_PREFIX = `mvtest-${db.url.split('/').pop()}`;
  }
  const config = loadConfig({ ...env, ...options.env });
  const app = await createHttpApp(config, db.url, options.overrides ? withOverrides(options.overrides) : undefined);
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.getHttpServer().address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    app,
    baseUrl: `http://127.0.0.1:${port}`,
    config,
    db,
    s3,
    metricsUrl: config.metrics.enabled ? app.get(OpsServer).url() : undefined,
    close: async () => {
      await app.close();
      await db.drop();
      for (const cleanup of cleanups.reverse()) await cleanup();
    },
  };
}

/** Builds the app through Nest's testing module, the one place providers can be swapped. */
function withOverrides(overrides: ProviderOverride[]): NestAppFactory {
  return async (root, adapter, options) => {
    let builder = Test.createTestingModule({ imports: [root] });
    for (const override of overrides) {
      const provider = builder.overrideProvider(override.provide);
      builder = 'useValue' in override ? provider.useValue(override.useValue) : provider.useFactory({ factory: override.useFactory, inject: override.inject });
    }
    const moduleRef = await builder.compile();
    return moduleRef.createNestApplication<NestFastifyApplication>(adapter, options);
  };
}
