import { randomBytes } from 'node:crypto';
import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { WorkerModule } from '../../src/worker.module';
import { Api, eventually } from '../utils/api';
import { createTestApp, TestApp } from '../utils/create-test-app';
import { accountState } from '../utils/stored-objects';

const SCHEDULE = { RECONCILE_INTERVAL_S: '1', SESSION_PURGE_INTERVAL_S: '1' };

/** Corrupts a user's usage counter and an expired login, then waits for the schedule to mend both. */
async function housekeepingMendsBooks(t: TestApp, api: Api): Promise<void> {
  const user = await api.register();
  const map = await api.createMap(user);
  await api.upload(user, map.id, randomBytes(321));
  const expected = (await accountState(t, user.userId)).usage;
  await t.db.pool.query('UPDATE user_usage SET usage_bytes = 7 WHERE user_id = $1', [user.userId]);
  await t.db.pool.query(`UPDATE refresh_families SET expires_at = now() - interval '1 second' WHERE user_id = $1`, [user.userId]);

  const run = await eventually(async () => {
    const rows = await t.db.pool.query<{ requested_by: string | null; report: { usageCorrections: { userId: string }[] } }>(
      `SELECT requested_by, report FROM reconcile_runs WHERE status = 'done' ORDER BY finished_at DESC`,
    );
    return rows.rows.find((r) => r.report.usageCorrections.some((c) => c.userId === user.userId));
  });
  expect(run.requested_by).toBeNull();
  expect((await accountState(t, user.userId)).usage).toBe(expected);
  await eventually(async () => {
    const left = await t.db.pool.query('SELECT 1 FROM refresh_tokens WHERE user_id = $1', [user.userId]);
    return left.rowCount === 0;
  });
}

describe('housekeeping on a schedule, jobs in-process', () => {
  let t: TestApp;
  let api: Api;

  beforeAll(async () => {
    t = await createTestApp({ env: SCHEDULE });
    api = new Api(t.baseUrl);
  });
  afterAll(() => t?.close());

  it('reconciles storage and purges ended logins without anyone asking', async () => {
    await housekeepingMendsBooks(t, api);
  });
});

describe.skipIf(!inject('redisUrl'))('housekeeping on a schedule, in the BullMQ worker', () => {
  let t: TestApp;
  let api: Api;
  let worker: INestApplicationContext;

  beforeAll(async () => {
    t = await createTestApp({ queue: 'bullmq', env: SCHEDULE });
    api = new Api(t.baseUrl);
    worker = await NestFactory.createApplicationContext(WorkerModule.forRoot(t.config, t.db.url), { logger: false });
    await worker.init();
  });
  afterAll(async () => {
    await worker?.close();
    await t?.close();
  });

  it('reconciles storage and purges ended logins without anyone asking', async () => {
    await housekeepingMendsBooks(t, api);
  });
});
