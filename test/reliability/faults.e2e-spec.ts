import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client, Pool } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BlobStore } from '../../src/storage/ports/blob-store';
import { Api, TestUser } from '../utils/api';
import { createTestApp, TestApp } from '../utils/create-test-app';
import { streamingRequest } from '../utils/raw-http';
import { auditBooks } from './invariants';

/** Faults that need no second process: the database connection dying, the blob store vanishing. */
describe('faults', () => {
  let t: TestApp;
  let api: Api;
  let user: TestUser;
  let audit: Pool;

  beforeAll(async () => {
    // Six uploads of one user at once: above the per-user default, which is not what this suite tests.
    t = await createTestApp({ blob: 's3', env: { MAX_CONCURRENT_UPLOADS: '16' } });
    api = new Api(t.baseUrl);
    user = await api.register();
    // Its own pool: the fault below kills every connection to the app's database, the test's too.
    audit = new Pool({ connectionString: t.db.url, max: 2 });
    audit.on('error', () => {});
  });
  afterAll(async () => {
    await audit?.end();
    await t?.close();
  });

  it('loses nothing when PostgreSQL connections are killed mid-upload, and recovers at once', async () => {
    const maps = await Promise.all(Array.from({ length: 4 }, () => api.createMap(user, { maxVersions: 50 })));
    const database = new URL(t.db.url).pathname.slice(1);
    const admin = new Client({ connectionString: new URL('/postgres', t.db.url).toString() });
    await admin.connect();
    let killed = 0;
    let uploading = true;
    const killer = (async () => {
      while (uploading) {
        const res = await admin.query(
          'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()',
          [database],
        );
        killed += res.rowCount ?? 0;
        await sleep(15);
      }
    })();
    const results: { status: number; body: unknown; bytes: Buffer; mapId: string }[] = [];
    await Promise.all(
      Array.from({ length: 6 }, async (_, lane) => {
        for (let i = 0; i < 8; i++) {
          const bytes = randomBytes(64 * 1024 + i);
          const mapId = maps[(lane + i) % maps.length].id;
          const res = await api.upload(user, mapId, bytes);
          results.push({ status: res.status, body: res.body, bytes, mapId });
        }
      }),
    );
    uploading = false;
    await killer;
    await admin.end();
    expect(killed).toBeGreaterThan(0);

    // Failures are allowed while the database is being cut off, but only as clean contract errors.
    for (const r of results) {
      expect([201, 503], JSON.stringify(r.body)).toContain(r.status);
      if (r.status !== 503) continue;
      expect(r.body).toMatchObject({ statusCode: 503, error: 'ServiceUnavailable' });
      // s3rver itself now and then answers a 500 under this load: the app says so as it should.
      expect(['SERVICE_UNAVAILABLE', 'BLOB_STORE_UNAVAILABLE']).toContain((r.body as { code: string }).code);
    }
    // Every 201 is a version that exists with exactly its bytes.
    for (const r of results.filter((x) => x.status === 201)) {
      const saved = r.body as { versionId: string };
      const got = await api.request('GET', `/api/mindmaps/${r.mapId}/blob?versionId=${saved.versionId}`, { token: user.accessToken });
      expect(got.status).toBe(200);
      expect(Buffer.compare(got.body as unknown as Buffer, r.bytes)).toBe(0);
    }
    // The pool got rid of its dead connections: the next uploads go through.
    for (let i = 0; i < 5; i++) expect((await api.upload(user, maps[0].id, randomBytes(100))).status).toBe(201);

    const ok = results.filter((r) => r.status === 201).length + 5;
    const rows = await audit.query('SELECT count(*)::int AS n FROM map_versions WHERE owner_id = $1', [user.userId]);
    expect(rows.rows[0].n).toBe(ok);
    const books = await auditBooks(audit, t.app.get(BlobStore));
    expect(books).toMatchObject({ usageMismatches: [], objectsWithoutRow: [], rowsWithoutObject: [] });
  });

  it('answers 503 BLOB_STORE_UNAVAILABLE and records nothing when the blob store dies mid-stream', async () => {
    const owner = await api.register();
    const map = await api.createMap(owner);
    const first = await api.upload(owner, map.id, randomBytes(1000));
    expect(first.status).toBe(201);
    // The body goes in two halves; the store dies once the first half is streaming into it, so the
    // fault lands mid-stream every time. NOTE: `connection: close`, because the answer comes before
    // the whole body was read, and a keep-alive socket in that state would hold app.close() for
    // Fastify's 72 s keep-alive.
    const size = 4 * 1024 * 1024;
    const upload = streamingRequest(`${t.baseUrl}/api/mindmaps/${map.id}/blob`, {
      method: 'PUT',
      headers: {
        authorization: `Bearer ${owner.accessToken}`,
        'content-type': 'application/octet-stream',
        'content-length': size,
        connection: 'close',
      },
    });
    const receiving = t.s3!.nextPutReceiving();
    upload.write(randomBytes(size / 2));
    await receiving;
    await t.s3!.stop();
    upload.write(randomBytes(size / 2));
    upload.end();
    const res = await upload.response;
    expect(res.status, res.body).toBe(503);
    expect(JSON.parse(res.body!)).toMatchObject({ statusCode: 503, error: 'ServiceUnavailable', code: 'BLOB_STORE_UNAVAILABLE' });

    const after = await api.upload(owner, map.id, randomBytes(1000));
    expect(after.status).toBe(503);
    expect(after.body).toMatchObject({ code: 'BLOB_STORE_UNAVAILABLE' });
    const usage = await audit.query('SELECT usage_bytes FROM user_usage WHERE user_id = $1', [owner.userId]);
    const rows = await audit.query('SELECT count(*)::int AS n FROM map_versions WHERE owner_id = $1', [owner.userId]);
    expect(rows.rows[0].n).toBe(1);
    expect(Number(usage.rows[0].usage_bytes)).toBe(1000);
  });
});
