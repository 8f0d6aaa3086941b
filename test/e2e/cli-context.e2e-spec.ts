import { NestFactory } from '@nestjs/core';
import type { INestApplicationContext } from '@nestjs/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CliModule } from '../../src/cli/cli.module';
import { PromoteCommand } from '../../src/cli/promote.command';
import { loadConfig } from '../../src/config/app-config';
import { JobQueue } from '../../src/queue/job-queue';
import { BlobStore } from '../../src/storage/ports/blob-store';
import { createTestDatabase, TestDatabase } from '../utils/test-database';

describe("the command line's application context", () => {
  let db: TestDatabase;
  let app: INestApplicationContext;

  beforeAll(async () => {
    db = await createTestDatabase();
    // Redis and S3 settings that point nowhere: building either would fail or hang the command.
    const config = loadConfig({
      LOG_LEVEL: 'silent',
      DATABASE_URL: db.url,
      REDIS_URL: 'redis://127.0.0.1:1',
      S3_ENDPOINT: 'http://127.0.0.1:1',
      S3_ACCESS_KEY: 'nobody',
      S3_SECRET_KEY: 'nobody',
      S3_BUCKET: 'nowhere',
    });
    app = await NestFactory.createApplicationContext(CliModule.forRoot(config, db.url), { logger: false });
  });
  afterAll(async () => {
    await app?.close();
    await db?.drop();
  });

  it('builds the promote command without a blob store or a job queue', async () => {
    expect(app.get(PromoteCommand)).toBeInstanceOf(PromoteCommand);
    expect(() => app.get(BlobStore, { strict: false })).toThrow(/BlobStore/);
    expect(() => app.get(JobQueue, { strict: false })).toThrow(/JobQueue/);
    expect(await app.get(PromoteCommand).run('nobody@example.com')).toBe('not-found');
  });
});
