import { randomBytes } from 'node:crypto';
import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Logger as PinoNestLogger } from 'nestjs-pino';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { WorkerModule } from '../../src/worker.module';
import { Api, eventually } from '../utils/api';
import { createTestApp, TestApp } from '../utils/create-test-app';
import { captureProcessOutput } from '../utils/process-output';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
type LogLine = Record<string, unknown> & { level: string; msg: string };

/** Every app of this file logs at info: the process keeps one root logger (nestjs-pino). */
describe('request logs', () => {
  const output: string[] = [];
  let stopCapture: (() => void) | undefined;
  let t: TestApp;
  let proxied: TestApp;

  /** The JSON lines written so far. */
  const lines = (): LogLine[] =>
    output
      .join('')
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as LogLine);

  beforeAll(async () => {
    stopCapture = captureProcessOutput(output);
    t = await createTestApp({ blob: 's3', env: { LOG_LEVEL: 'info' } });
    proxied = await createTestApp({ env: { LOG_LEVEL: 'info', TRUST_PROXY: '127.0.0.1' } });
  });
  afterAll(async () => {
    await t?.close();
    await proxied?.close();
    stopCapture?.();
  });

  it('gives each request a fresh id, echoes it, and logs one line with route, status, duration and user', async () => {
    const api = new Api(t.baseUrl);
    const user = await api.register();
    const map = await api.createMap(user);
    // Not from a trusted proxy: the client's id is ignored.
    const res = await api.request('GET', `/api/mindmaps/${map.id}`, { token: user.accessToken, headers: { 'x-request-id': 'chosen-by-client' } });
    expect(res.status).toBe(200);
    const id = res.headers.get('x-request-id');
    expect(id).toMatch(UUID);
    const line = await eventually(async () => lines().find((l) => l.reqId === id && l.msg === 'request'));
    expect(line).toMatchObject({ level: 'info', context: 'Http', method: 'GET', route: '/api/mindmaps/:id', status: 200, userId: user.userId });
    expect(line.ms).toEqual(expect.any(Number));
    expect(output.join('')).not.toContain('chosen-by-client');

    const unknown = await api.request('GET', '/api/no/such/route');
    expect(unknown.status).toBe(404);
    const unmatched = await eventually(async () => lines().find((l) => l.reqId === unknown.headers.get('x-request-id')));
    expect(unmatched).toMatchObject({ route: null, status: 404, userId: null });
  });

  it("keeps a trusted proxy's well-formed X-Request-Id and replaces a malformed one", async () => {
    const api = new Api(proxied.baseUrl);
    const kept = await api.request('GET', '/health', { headers: { 'x-request-id': 'edge-7f3a.42:1' } });
    expect(kept.headers.get('x-request-id')).toBe('edge-7f3a.42:1');
    await eventually(async () => lines().find((l) => l.reqId === 'edge-7f3a.42:1' && l.route === '/health'));
    const forged = await api.request('GET', '/health', { headers: { 'x-request-id': 'a"b}\\nfake line' } });
    expect(forged.headers.get('x-request-id')).toMatch(UUID);
    const long = await api.request('GET', '/health', { headers: { 'x-request-id': 'x'.repeat(129) } });
    expect(long.headers.get('x-request-id')).toMatch(UUID);
  });

  it('logs a 5xx with the id its answer carries, and never the bytes', async () => {
    const api = new Api(t.baseUrl);
    const user = await api.register();
    const map = await api.createMap(user);
    await t.s3!.stop();
    const bytes = randomBytes(2000);
    const res = await api.upload(user, map.id, bytes);
    expect(res.status).toBe(503);
    const id = res.headers.get('x-request-id');
    expect(id).toMatch(UUID);
    const error = await eventually(async () => lines().find((l) => l.reqId === id && l.level === 'error'));
    expect(error).toMatchObject({ context: 'Errors', route: '/api/mindmaps/:id/blob', code: 'BLOB_STORE_UNAVAILABLE' });
    const request = await eventually(async () => lines().find((l) => l.reqId === id && l.msg === 'request'));
    expect(request).toMatchObject({ status: 503, userId: user.userId });
    expect(output.join('')).not.toContain(bytes.toString('base64'));
  });

  describe.skipIf(!inject('redisUrl'))('in the worker', () => {
    let queued: TestApp;
    let worker: INestApplicationContext;
    beforeAll(async () => {
      queued = await createTestApp({ queue: 'bullmq', env: { LOG_LEVEL: 'info' } });
      // As src/worker.ts builds it.
      worker = await NestFactory.createApplicationContext(WorkerModule.forRoot(queued.config, queued.db.url), { bufferLogs: true });
      worker.useLogger(worker.get(PinoNestLogger));
      await worker.init();
    });
    afterAll(async () => {
      await worker?.close();
      await queued?.close();
    });

    it('logs each job with its id, name and outcome', async () => {
      const api = new Api(queued.baseUrl);
      const user = await api.register();
      const map = await api.createMap(user, { maxVersions: 1 });
      for (let i = 0; i < 2; i++) expect((await api.upload(user, map.id, randomBytes(100))).status).toBe(201);
      const line = await eventually(async () => lines().find((l) => l.msg === 'job completed' && l.job === 'prune-versions'));
      expect(line).toMatchObject({ level: 'info', context: 'BullMqWorker', outcome: 'completed', attempt: 1 });
      expect(line.jobId).toEqual(expect.any(String));
      expect(JSON.stringify(line)).not.toContain(map.id);
    });
  });
});
