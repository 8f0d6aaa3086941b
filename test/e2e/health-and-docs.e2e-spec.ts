import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Api } from '../utils/api';
import { createTestApp, TestApp } from '../utils/create-test-app';

describe('health and docs', () => {
  let t: TestApp;
  let api: Api;

  beforeAll(async () => {
    t = await createTestApp({ blob: 's3' });
    api = new Api(t.baseUrl);
  });
  afterAll(() => t?.close());

  it('serves the Swagger UI and an OpenAPI 3 document with every route, guarded ones marked', async () => {
    const ui = await fetch(`${t.baseUrl}/docs`);
    expect(ui.status).toBe(200);
    expect(await ui.text()).toContain('swagger');
    const doc = await api.request<{ openapi: string; paths: Record<string, Record<string, { security?: unknown[]; responses: Record<string, unknown> }>> }>(
      'GET',
      '/docs-json',
    );
    expect(doc.body.openapi).toMatch(/^3\./);
    for (const path of [
      '/health',
      '/health/ready',
      '/api/auth/prelogin',
      '/api/auth/register',
      '/api/auth/login',
      '/api/auth/refresh',
      '/api/auth/logout',
      '/api/auth/keys',
      '/api/auth/password',
      '/api/mindmaps',
      '/api/mindmaps/{id}',
      '/api/mindmaps/{id}/blob',
      '/api/mindmaps/{id}/versions',
      '/api/mindmaps/{id}/versions/{versionId}/restore',
    ]) {
      expect(doc.body.paths[path], path).toBeDefined();
    }
    expect(doc.body.paths['/api/mindmaps/{id}/blob'].put.security).toEqual([{ bearer: [] }]);
    expect(Object.keys(doc.body.paths['/api/mindmaps/{id}/blob'].put.responses)).toEqual(
      expect.arrayContaining(['201', '400', '401', '404', '411', '412', '413']),
    );
    expect(doc.body.paths['/api/auth/login'].post.security).toBeUndefined();
  });

  it('is live, ready, and names the blob store when it is down', async () => {
    expect((await api.request('GET', '/health')).body).toEqual({ status: 'ok' });
    const ready = await api.request('GET', '/health/ready');
    expect(ready.status).toBe(200);
    expect(ready.body).toEqual({ status: 'ok', checks: { database: 'ok', blobStore: 'ok', queue: 'ok' } });
    await t.s3!.stop();
    const down = await api.request('GET', '/health/ready');
    expect(down.status).toBe(503);
    expect(down.body).toMatchObject({ code: 'NOT_READY', checks: { database: 'ok', blobStore: 'down', queue: 'ok' } });
  });

  it('answers unknown routes with the contract error body', async () => {
    const res = await api.request('GET', '/api/nothing-here');
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ statusCode: 404, error: 'NotFound', code: 'NOT_FOUND', message: expect.any(String) });
  });

  it('sets security headers', async () => {
    const res = await fetch(`${t.baseUrl}/health`);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('strict-transport-security')).toBeTruthy();
  });
});
