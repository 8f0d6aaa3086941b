import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { OpsServer } from '../../src/observability/ops/ops-server';
import { WorkerModule } from '../../src/worker.module';
import { makeAdmin } from '../utils/admin';
import { Api, eventually, TestUser } from '../utils/api';
import { createTestApp, TestApp } from '../utils/create-test-app';
import { scrape } from '../utils/metrics';

const UPLOAD_ROUTE = { method: 'PUT', route: '/api/mindmaps/:id/blob' };

describe('metrics', () => {
  let t: TestApp;
  let api: Api;
  let admin: TestUser;

  beforeAll(async () => {
    t = await createTestApp({ env: { FREE_STORAGE_BYTES: '10000' } });
    api = new Api(t.baseUrl);
    admin = await api.register();
    await makeAdmin(t, admin);
  });
  afterAll(() => t?.close());

  it('moves the upload, quota, request, blob-store and job metrics after uploads, a prune and a quota refusal', async () => {
    const user = await api.register();
    const map = await api.createMap(user, { maxVersions: 1 });
    const before = await scrape(t.metricsUrl!);
    expect(before.value('mindvault_uploads_total', { kind: 'upload' })).toBe(0);
    expect(before.value('mindvault_quota_refusals_total', { tier: 'free' })).toBe(0);

    expect((await api.upload(user, map.id, randomBytes(3000))).status).toBe(201);
    expect((await api.upload(user, map.id, randomBytes(3000))).status).toBe(201);
    // Over maxVersions: the in-process queue prunes the first version (rows, then its object).
    const pruned = await eventually(async () => {
      const s = await scrape(t.metricsUrl!);
      return s.value('mindvault_job_duration_seconds_count', { job: 'prune-versions', outcome: 'completed' }) === 1 ? s : undefined;
    });
    expect(pruned.value('mindvault_blob_store_request_duration_seconds_count', { operation: 'delete', outcome: 'ok' })).toBe(1);
    const refused = await api.upload(user, map.id, randomBytes(9000));
    expect(refused.status).toBe(413);
    expect(refused.body).toMatchObject({ code: 'STORAGE_QUOTA_EXCEEDED', tier: 'free' });

    const after = await scrape(t.metricsUrl!);
    expect(after.value('mindvault_uploads_total', { kind: 'upload' })).toBe(2);
    expect(after.value('mindvault_upload_bytes_total', { kind: 'upload' })).toBe(6000);
    expect(after.value('mindvault_quota_refusals_total', { tier: 'free' })).toBe(1);
    expect(after.value('mindvault_quota_refusals_total', { tier: 'pro' })).toBe(0);
    expect(after.value('mindvault_http_request_duration_seconds_count', { ...UPLOAD_ROUTE, status: '201' })).toBe(2);
    expect(after.value('mindvault_http_request_duration_seconds_count', { ...UPLOAD_ROUTE, status: '413' })).toBe(1);
    expect(after.value('mindvault_http_request_duration_seconds_bucket', { ...UPLOAD_ROUTE, status: '201', le: '+Inf' })).toBe(2);
    expect(after.value('mindvault_blob_store_request_duration_seconds_count', { operation: 'put', outcome: 'ok' })).toBe(2);
    expect(after.value('mindvault_prune_overdue_maps')).toBe(0);
    expect(after.value('mindvault_prune_overdue_oldest_seconds')).toBe(0);
    expect(after.value('mindvault_db_pool_connections')).toBeGreaterThan(0);
    expect(after.value('mindvault_db_pool_waiting_requests')).toBe(0);
    expect(after.value('process_cpu_user_seconds_total')).toBeGreaterThan(0);
    // No series per map or user: routes are templates.
    expect(after.text).not.toContain(map.id);
    expect(after.text).not.toContain(user.userId);
  });

  it('reports how long the oldest overdue prune has waited, and the last reconcile sweep', async () => {
    const user = await api.register();
    const map = await api.createMap(user, { maxVersions: 5 });
    for (let i = 0; i < 3; i++) expect((await api.upload(user, map.id, randomBytes(100))).status).toBe(201);
    // Lowered behind the API's back, the versions saved two hours ago: the 2nd one made it overdue.
    await t.db.pool.query(`UPDATE map_versions SET saved_at = now() - interval '2 hours' WHERE map_id = $1`, [map.id]);
    await t.db.pool.query('UPDATE mind_maps SET max_versions = 1 WHERE id = $1', [map.id]);
    const overdue = await scrape(t.metricsUrl!);
    expect(overdue.value('mindvault_prune_overdue_maps')).toBe(1);
    expect(overdue.value('mindvault_prune_overdue_oldest_seconds')).toBeGreaterThanOrEqual(7200);
    expect(overdue.value('mindvault_prune_overdue_oldest_seconds')).toBeLessThan(7260);
    expect(overdue.value('mindvault_reconcile_last_status', { status: 'done' })).toBeUndefined();

    const queued = await api.request<{ runId: string }>('POST', '/api/admin/storage/reconcile', { token: admin.accessToken });
    expect(queued.status).toBe(202);
    // The run's report is stored before the job returns and its duration is observed: both are awaited.
    const done = await eventually(async () => {
      const s = await scrape(t.metricsUrl!);
      const finished = s.value('mindvault_reconcile_last_status', { status: 'done' }) === 1;
      return finished && s.value('mindvault_job_duration_seconds_count', { job: 'reconcile-storage', outcome: 'completed' }) !== undefined ? s : undefined;
    });
    const stats = await api.request<{ lastReconcile: { report: { objectsScanned: number; usersChecked: number } } }>('GET', '/api/admin/stats', {
      token: admin.accessToken,
    });
    expect(done.value('mindvault_reconcile_last_objects_scanned')).toBe(stats.body.lastReconcile.report.objectsScanned);
    expect(done.value('mindvault_reconcile_last_users_checked')).toBe(stats.body.lastReconcile.report.usersChecked);
    expect(done.value('mindvault_reconcile_last_finished_timestamp_seconds')).toBeGreaterThan(Date.now() / 1000 - 60);
    expect(done.value('mindvault_job_duration_seconds_count', { job: 'reconcile-storage', outcome: 'completed' })).toBe(1);
  });

  it('has every Mindvault metric the committed Grafana dashboard plots', async () => {
    const dashboard = readFileSync(resolve('observability/grafana/dashboards/mindvault.json'), 'utf8');
    const plotted = new Set([...dashboard.matchAll(/\b(mindvault_\w+?)(?:_bucket|_count|_sum)?\b/g)].map((m) => m[1]));
    expect(plotted.size).toBeGreaterThan(10);
    const served = (await scrape(t.metricsUrl!)).text;
    for (const name of plotted) expect(served, name).toContain(`# HELP ${name} `);
  });

  it('is served only on the loopback listener, never on the public one, and there is no queue dashboard without Redis', async () => {
    expect(t.metricsUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(t.metricsUrl).not.toBe(t.baseUrl);
    for (const path of ['/metrics', '/queues', '/queues/api/queues']) {
      const res = await api.request('GET', path);
      expect(res.status, path).toBe(404);
      expect(res.body).toMatchObject({ code: 'NOT_FOUND' });
      expect((await api.request('GET', path, { token: admin.accessToken })).status, path).toBe(404);
    }
    expect((await fetch(`${t.metricsUrl}/queues`)).status).toBe(404);
  });
});

describe('the metrics listener with METRICS_TOKEN', () => {
  const token = randomBytes(24).toString('base64url');
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ env: { METRICS_TOKEN: token } });
  });
  afterAll(() => t?.close());

  it('refuses a scrape without the token or with a wrong one, and takes it as Bearer or as a Basic password', async () => {
    const get = (authorization?: string) => fetch(`${t.metricsUrl}/metrics`, authorization ? { headers: { authorization } } : {});
    const missing = await get();
    expect(missing.status).toBe(401);
    expect(missing.headers.get('www-authenticate')).toMatch(/^Basic /);
    expect(await missing.json()).toMatchObject({ code: 'UNAUTHENTICATED' });
    expect((await get(`Bearer ${token}x`)).status).toBe(401);
    expect((await get(`Bearer ${token.slice(1)}`)).status).toBe(401);
    expect((await get(`Basic ${Buffer.from(`prometheus:${token}x`).toString('base64')}`)).status).toBe(401);
    expect((await get(`Bearer ${token}`)).status).toBe(200);
    expect((await get(`Basic ${Buffer.from(`prometheus:${token}`).toString('base64')}`)).status).toBe(200);
    expect((await scrape(t.metricsUrl!, token)).value('mindvault_quota_refusals_total', { tier: 'free' })).toBe(0);
  });
});

describe('with METRICS_ENABLED=false', () => {
  it('opens no metrics listener', async () => {
    const t = await createTestApp({ env: { METRICS_ENABLED: 'false' } });
    try {
      expect(t.metricsUrl).toBeUndefined();
      expect(() => t.app.get(OpsServer)).toThrow();
      expect((await fetch(`${t.baseUrl}/metrics`)).status).toBe(404);
    } finally {
      await t.close();
    }
  });
});

describe.skipIf(!inject('redisUrl'))('metrics and the queue dashboard on BullMQ', () => {
  let t: TestApp;
  let api: Api;
  let worker: INestApplicationContext;

  beforeAll(async () => {
    t = await createTestApp({ queue: 'bullmq' });
    api = new Api(t.baseUrl);
    worker = await NestFactory.createApplicationContext(WorkerModule.forRoot(t.config, t.db.url), { logger: false });
    await worker.init();
  });
  afterAll(async () => {
    await worker?.close();
    await t?.close();
  });

  it('has the worker report its own jobs on its own listener, and the API the queue by state and job', async () => {
    const workerUrl = worker.get(OpsServer).url();
    expect(workerUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(workerUrl).not.toBe(t.metricsUrl);
    const user = await api.register();
    const map = await api.createMap(user, { maxVersions: 1 });
    for (let i = 0; i < 2; i++) expect((await api.upload(user, map.id, randomBytes(100))).status).toBe(201);
    const workerScrape = await eventually(async () => {
      const s = await scrape(workerUrl);
      return s.value('mindvault_job_duration_seconds_count', { job: 'prune-versions', outcome: 'completed' }) === 1 ? s : undefined;
    });
    expect(workerScrape.value('mindvault_blob_store_request_duration_seconds_count', { operation: 'delete', outcome: 'ok' })).toBe(1);
    expect(workerScrape.value('mindvault_db_pool_connections')).toBeGreaterThan(0);
    // The API queued the prune and uploaded; it ran none of it.
    const apiScrape = await scrape(t.metricsUrl!);
    expect(apiScrape.value('mindvault_job_duration_seconds_count', { job: 'prune-versions', outcome: 'completed' })).toBeUndefined();
    expect(apiScrape.value('mindvault_uploads_total', { kind: 'upload' })).toBe(2);
    // The worker schedules the recurring overdue sweep: one delayed job of that name, always.
    expect(apiScrape.value('mindvault_queue_jobs', { state: 'delayed', job: 'prune-overdue' })).toBe(1);
  });

  it('serves Bull Board on the loopback listener only', async () => {
    const page = await fetch(`${t.metricsUrl}/queues`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    await page.arrayBuffer();
    const queues = await fetch(`${t.metricsUrl}/queues/api/queues`);
    expect(queues.status).toBe(200);
    const body = (await queues.json()) as { queues: { name: string; readOnlyMode: boolean }[] };
    expect(body.queues.map((q) => [q.name, q.readOnlyMode])).toEqual([['mindvault-jobs', true]]);
    expect((await fetch(`${t.baseUrl}/queues`)).status).toBe(404);
  });
});
