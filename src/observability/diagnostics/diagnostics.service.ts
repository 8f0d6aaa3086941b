import { randomBytes, randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { Readable } from 'node:stream';
import { Injectable } from '@nestjs/common';
import { AppError } from '../../common/errors/app-error';
import { AppConfig } from '../../config/app-config';
import { describeConfig } from '../../config/config-summary';
import { DatabasePool } from '../../database/database-pool';
import { SqlClient } from '../../database/sql-client';
import { createRedisConnection } from '../../queue/bullmq-connection';
import { JobQueue } from '../../queue/job-queue';
import { blobKey } from '../../storage/blob-key';
import { BlobStore } from '../../storage/ports/blob-store';
import type { BlobRoundTripDto, DiagnosticsDto } from './dto/diagnostics.dto';

/** Probe objects live under this user id, which no account has; one left behind is swept as an orphan. */
const PROBE_OWNER = '00000000-0000-0000-0000-000000000000';
const PROBE_BYTES = 64;

/** What an operator asks first when something is slow or down; nothing in it is a secret. */
@Injectable()
export class DiagnosticsService {
  constructor(
    private readonly config: AppConfig,
    private readonly db: SqlClient,
    private readonly database: DatabasePool,
    private readonly queue: JobQueue,
    private readonly blobs: BlobStore,
  ) {}

  async report(): Promise<DiagnosticsDto> {
    const pool = this.database.pool;
    const [jobs, blobStore, postgres, redis] = await Promise.all([
      this.queue.jobCounts(),
      this.blobRoundTrip(),
      this.db.rows<{ server_version: string }>('SHOW server_version'),
      this.redisVersion(),
    ]);
    return {
      databasePool: { total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount },
      queue: { backend: this.config.queue.redisUrl ? 'bullmq' : 'inline', jobs },
      blobStore,
      versions: { postgres: postgres[0].server_version, redis, node: process.version },
      uptimeS: Math.round(process.uptime()),
      config: describeConfig(this.config),
    };
  }

  /** Writes, reads back and deletes a small random object, timing each step. */
  private async blobRoundTrip(): Promise<BlobRoundTripDto> {
    const driver = this.config.blob.driver;
    const key = blobKey(PROBE_OWNER, randomUUID(), randomUUID());
    const bytes = randomBytes(PROBE_BYTES);
    const timings: Omit<BlobRoundTripDto, 'driver' | 'ok'> = {};
    const step = async <T>(name: 'putMs' | 'getMs' | 'deleteMs', work: () => Promise<T>): Promise<T> => {
      const started = performance.now();
      const result = await work();
      timings[name] = Math.round((performance.now() - started) * 100) / 100;
      return result;
    };
    try {
      await step('putMs', () => this.blobs.put(key, Readable.from([bytes]), PROBE_BYTES));
      const read = await step('getMs', async () => Buffer.concat(await (await this.blobs.get(key)).toArray()));
      await step('deleteMs', () => this.blobs.delete(key));
      return read.equals(bytes) ? { driver, ok: true, ...timings } : { driver, ok: false, ...timings, error: 'READ_BACK_DIFFERS' };
    } catch (error) {
      return { driver, ok: false, ...timings, error: error instanceof AppError ? error.code : 'UNEXPECTED' };
    }
  }

  private async redisVersion(): Promise<string | null> {
    const url = this.config.queue.redisUrl;
    if (!url) return null;
    const connection = createRedisConnection(url, 'producer');
    connection.on('error', () => {});
    try {
      const info = await connection.info('server');
      return /^redis_version:(\S+)/m.exec(info)?.[1] ?? 'unknown';
    } catch {
      return 'unreachable';
    } finally {
      connection.disconnect();
    }
  }
}
