import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DiagnosticsDto } from '../../src/observability/diagnostics/dto/diagnostics.dto';
import { makeAdmin } from '../utils/admin';
import { Api, b64, envelope, TestUser } from '../utils/api';
import { createTestApp, TestApp } from '../utils/create-test-app';
import { storedKeys } from '../utils/stored-objects';

const SERVER_TIMING = /^auth;dur=([\d.]+), db;dur=([\d.]+);desc="(\d+) queries", blob;dur=([\d.]+);desc="(\d+) calls", total;dur=([\d.]+)$/;

function phases(header: string | null) {
  const match = SERVER_TIMING.exec(header ?? '');
  if (!match) throw new Error(`not a Server-Timing header of ours: ${header}`);
  const [auth, db, queries, blob, blobCalls, total] = match.slice(1).map(Number);
  return { auth, db, queries, blob, blobCalls, total };
}

async function withAdmin(t: TestApp): Promise<{ api: Api; admin: TestUser; user: TestUser }> {
  const api = new Api(t.baseUrl);
  if (!admins.has(t)) {
    const admin = await api.register();
    await makeAdmin(t, admin);
    admins.set(t, admin);
  }
  return { api, admin: admins.get(t)!, user: await api.register() };
}
const admins = new Map<TestApp, TestUser>();

describe('diagnostics switch off (the default)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({});
  });
  afterAll(() => t?.close());

  it('shows nothing of it: no route, no Server-Timing header, nothing in the OpenAPI document', async () => {
    const { api, admin, user } = await withAdmin(t);
    const route = await api.request('GET', '/api/admin/diagnostics', { token: admin.accessToken });
    expect(route.status).toBe(404);
    expect(route.body).toMatchObject({ code: 'NOT_FOUND' });
    const map = await api.createMap(user);
    const upload = await api.upload(user, map.id, randomBytes(100));
    const read = await api.request('GET', `/api/mindmaps/${map.id}/blob`, { token: user.accessToken });
    for (const res of [route, upload, read]) expect(res.headers.get('server-timing')).toBeNull();
    const doc = (await api.request<{ paths: Record<string, unknown> }>('GET', '/docs-json')).body;
    expect(Object.keys(doc.paths)).not.toContain('/api/admin/diagnostics');
  });
});

describe('diagnostics switch on', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ blob: 's3', env: { DIAGNOSTICS_ENABLED: 'true' } });
  });
  afterAll(() => t?.close());

  it('times auth, database and blob store in a Server-Timing header on API answers', async () => {
    const { api, user } = await withAdmin(t);
    const created = await api.request<{ id: string }>('POST', '/api/mindmaps', {
      token: user.accessToken,
      json: { encryptedTitle: b64(40), envelope: envelope(), keyVersion: 1 },
    });
    expect(created.status).toBe(201);
    // A parsed JSON body: the timings still follow the request into the handler.
    const create = phases(created.headers.get('server-timing'));
    expect(create.queries).toBeGreaterThanOrEqual(2);
    expect(create.blobCalls).toBe(0);

    const upload = await api.upload(user, created.body.id, randomBytes(5000));
    expect(upload.status).toBe(201);
    const save = phases(upload.headers.get('server-timing'));
    expect(save.blobCalls).toBe(1);
    expect(save.blob).toBeGreaterThan(0);
    expect(save.queries).toBeGreaterThanOrEqual(4);

    const read = await api.request('GET', `/api/mindmaps/${created.body.id}/blob`, { token: user.accessToken });
    expect(read.status).toBe(200);
    const get = phases(read.headers.get('server-timing'));
    expect(get).toMatchObject({ blobCalls: 1 });
    expect(get.auth).toBeGreaterThan(0);
    expect(get.total).toBeGreaterThanOrEqual(get.auth);

    const refused = await api.request('GET', '/api/mindmaps');
    expect(refused.status).toBe(401);
    expect(phases(refused.headers.get('server-timing'))).toMatchObject({ queries: 0, blobCalls: 0 });
  });

  it('answers GET /api/admin/diagnostics to administrators only, with no secret in it', async () => {
    const { api, admin, user } = await withAdmin(t);
    expect((await api.request('GET', '/api/admin/diagnostics')).status).toBe(401);
    const forbidden = await api.request('GET', '/api/admin/diagnostics', { token: user.accessToken });
    expect(forbidden.status).toBe(403);
    expect(forbidden.body).toMatchObject({ code: 'FORBIDDEN' });

    const res = await api.request<DiagnosticsDto>('GET', '/api/admin/diagnostics', { token: admin.accessToken });
    expect(res.status).toBe(200);
    expect(res.body.databasePool.total).toBeGreaterThan(0);
    expect(res.body.databasePool.waiting).toBe(0);
    expect(res.body.queue).toEqual({ backend: 'inline', jobs: [] });
    expect(res.body.blobStore).toMatchObject({ driver: 's3', ok: true });
    for (const step of ['putMs', 'getMs', 'deleteMs'] as const) expect(res.body.blobStore[step]).toBeGreaterThan(0);
    expect(res.body.versions.postgres).toMatch(/^\d+(\.\d+)?/);
    expect(res.body.versions.redis).toBeNull();
    expect(res.body.config).toMatchObject({ auth: { jwtSecret: 'set' }, blob: { driver: 's3', secretKey: 'set' }, diagnostics: { enabled: true } });
    const text = JSON.stringify(res.body);
    for (const secret of [t.config.auth.jwtSecret, t.s3!.secretKey]) expect(text).not.toContain(secret);
    // The probe object is gone again.
    expect((await storedKeys(t)).filter((key) => key.startsWith('users/00000000-0000-0000-0000-000000000000/'))).toEqual([]);

    const doc = (await api.request<{ paths: Record<string, unknown> }>('GET', '/docs-json')).body;
    expect(Object.keys(doc.paths)).toContain('/api/admin/diagnostics');
  });
});
