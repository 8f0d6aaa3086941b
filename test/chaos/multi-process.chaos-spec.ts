import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { S3BlobStore } from '../../src/storage/adapters/s3-blob-store';
import { auditBooks } from '../reliability/invariants';
import { Api } from '../utils/api';
import { AppProcess, RedisProcess, startApi, startRedisServer, startWorker } from '../utils/app-process';
import { RunningS3rver, startS3rver } from '../utils/s3rver';
import { createTestDatabase, TestDatabase } from '../utils/test-database';
import { runLoadMix } from './load-mix';

const CLIENTS = Number(process.env.LOAD_CLIENTS ?? 200);
const SECONDS = Number(process.env.LOAD_SECONDS ?? 30);
/** The per-IP budget of the public routes in this run: small enough to spend, shared by both APIs. */
const PUBLIC_BUDGET = 40;

/**
 * Many processes, one truth: two API processes and two workers on one PostgreSQL, one Redis and
 * one S3 server. The load's clients alternate between the APIs; the books must still balance, and
 * the rate limits must hold for the pair as they would for one process.
 */
describe('two APIs and two workers', () => {
  let db: TestDatabase;
  let redis: RedisProcess;
  let s3: RunningS3rver;
  const processes: AppProcess[] = [];
  let env: Record<string, string>;
  let apis: (AppProcess & { baseUrl: string })[];
  let workers: AppProcess[];

  beforeAll(async () => {
    db = await createTestDatabase();
    redis = await startRedisServer();
    s3 = await startS3rver();
    env = {
      NODE_ENV: 'test',
      LOG_LEVEL: 'warn',
      DATABASE_URL: db.url,
      REDIS_URL: redis.url,
      QUEUE_PREFIX: 'mvmulti',
      JOB_DEBOUNCE_MS: '200',
      S3_ENDPOINT: s3.endPoint,
      S3_ACCESS_KEY: s3.accessKey,
      S3_SECRET_KEY: s3.secretKey,
      S3_BUCKET: s3.bucket,
      // One install: every process signs and checks with the same keys.
      JWT_SECRET: randomBytes(32).toString('hex'),
      PRELOGIN_SECRET: randomBytes(32).toString('hex'),
      AUTH_RATE_LIMIT_PER_MINUTE: '1000000',
      PUBLIC_RATE_LIMIT_PER_MINUTE: String(PUBLIC_BUDGET),
      FREE_STORAGE_BYTES: String(10 * 1024 ** 3),
      // Ten clients share each user (as in the load spec); the per-user upload cap is not what this run measures.
      MAX_CONCURRENT_UPLOADS: '16',
    };
    apis = [await startApi(env), await startApi(env)];
    workers = [await startWorker(env), await startWorker(env)];
    processes.push(...apis, ...workers);
  });
  afterAll(async () => {
    for (const p of processes) await p.stop('SIGTERM');
    await redis?.stop();
    await s3?.stop();
    await db?.drop();
  });

  it(`serves ${CLIENTS} clients for ${SECONDS} s across both with zero 5xx, and the books balance`, async () => {
    await runLoadMix(apis.map((a) => new Api(a.baseUrl)), db.pool, { clients: CLIENTS, seconds: SECONDS });
    // The books are read once nothing moves: a prune deletes rows, then objects, so a listing beside
    // a live worker can catch an object whose row just went. SIGTERM lets each worker finish the
    // prune it holds and exit.
    for (const worker of workers) expect(await worker.stop('SIGTERM', 60_000)).toEqual({ code: 0, signal: null });

    const books = await auditBooks(db.pool, new S3BlobStore({ endPoint: s3.endPoint, accessKey: s3.accessKey, secretKey: s3.secretKey, bucket: s3.bucket }));
    expect(books).toMatchObject({ usageMismatches: [], objectsWithoutRow: [], ledgeredOrphans: [], rowsWithoutObject: [] });
    const usage = await db.pool.query('SELECT sum(usage_bytes)::bigint AS total FROM user_usage');
    const bytes = await db.pool.query('SELECT coalesce(sum(size_bytes), 0)::bigint AS total FROM map_versions');
    expect(Number(usage.rows[0].total)).toBe(Number(bytes.rows[0].total));
  });

  it('holds one rate limit across both APIs: the pair allows one budget, not two', async () => {
    const [a, b] = apis.map((p) => new Api(p.baseUrl));
    const statuses: number[] = [];
    // Twice the budget, alternating: one budget between them passes, the rest is refused.
    for (let i = 0; i < 2 * PUBLIC_BUDGET; i++) statuses.push((await (i % 2 === 0 ? a : b).request('GET', '/api/public/plans')).status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(PUBLIC_BUDGET);
    expect(statuses.slice(0, PUBLIC_BUDGET).every((s) => s === 200)).toBe(true);
    expect(statuses.slice(PUBLIC_BUDGET).every((s) => s === 429)).toBe(true);
    // The per-account login count is shared as well.
    const email = `nobody-${randomBytes(4).toString('hex')}@example.com`;
    const logins: number[] = [];
    for (let i = 0; i < 10; i++) {
      const res = await (i % 2 === 0 ? a : b).request('POST', '/api/auth/login', { json: { email, authKey: randomBytes(32).toString('base64') } });
      logins.push(res.status);
    }
    // Five free attempts between the two, then the account waits (1 s, 2 s, …) on both.
    expect(logins.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
    expect(logins[5]).toBe(429);
  });
});
