import { randomBytes } from 'node:crypto';
import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { WorkerModule } from '../../src/worker.module';
import { JobQueue } from '../../src/queue/job-queue';
import { Api, eventually } from '../utils/api';
import { createTestApp, TestApp } from '../utils/create-test-app';
import { accountState, storedKeys } from '../utils/stored-objects';

describe.skipIf(!inject('redisUrl'))('pruning on BullMQ with a worker', () => {
  let t: TestApp;
  let api: Api;
  let worker: INestApplicationContext;

  beforeAll(async () => {
    t = await createTestApp({ blob: 's3', queue: 'bullmq' });
    api = new Api(t.baseUrl);
    worker = await NestFactory.createApplicationContext(WorkerModule.forRoot(t.config, t.db.url), { logger: false });
    await worker.init();
  });
  afterAll(async () => {
    await worker?.close();
    await t?.close();
  });

  it('prunes versions beyond maxVersions in the worker: rows, objects and usage', async () => {
    const user = await api.register();
    const map = await api.createMap(user, { maxVersions: 2 });
    const saved = [];
    for (let i = 0; i < 6; i++) saved.push((await api.upload(user, map.id, randomBytes(100 + i))).body.versionId);
    const state = await eventually(async () => {
      const s = await accountState(t, user.userId);
      return s.keys.length === 2 ? s : undefined;
    });
    expect(state.usage).toBe(104 + 105);
    expect(state.versionBytes).toBe(state.usage);
    // The worker deletes the objects after the rows' transaction commits: give it that moment.
    const kept = await eventually(async () => {
      const keys = (await storedKeys(t)).filter((k) => k.includes(map.id));
      return keys.length === 2 ? keys : undefined;
    });
    expect(kept).toEqual(state.keys);
    const versions = await api.request<{ items: { versionId: string }[] }>('GET', `/api/mindmaps/${map.id}/versions`, {
      token: user.accessToken,
    });
    expect(versions.body.items.map((v) => v.versionId)).toEqual([saved[5], saved[4]]);
    expect(await t.app.get(JobQueue).counts()).toMatchObject({ failed: 0 });
  });

  it('catches up on maps whose prune was never queued', async () => {
    const user = await api.register();
    const map = await api.createMap(user, { maxVersions: 5 });
    for (let i = 0; i < 4; i++) await api.upload(user, map.id, randomBytes(50));
    // Lowered behind the API's back: nothing was queued for this map.
    await t.db.pool.query('UPDATE mind_maps SET max_versions = 1 WHERE id = $1', [map.id]);
    await t.app.get(JobQueue).enqueue('prune-overdue', {});
    const state = await eventually(async () => {
      const s = await accountState(t, user.userId);
      return s.keys.length === 1 ? s : undefined;
    });
    expect(state.usage).toBe(50);
  });
});
