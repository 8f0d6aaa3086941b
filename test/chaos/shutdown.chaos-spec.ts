import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FsBlobStore } from '../../src/storage/adapters/fs-blob-store';
import { auditBooks } from '../reliability/invariants';
import { Api } from '../utils/api';
import { startApi } from '../utils/app-process';
import { createTestDatabase, TestDatabase } from '../utils/test-database';

/** Streams `chunks` × `chunk` to `url`, pausing between chunks: an upload that takes a while. */
function slowUpload(url: string, token: string, chunk: Buffer, chunks: number, pauseMs: number): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, {
      method: 'PUT',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/octet-stream', 'content-length': chunk.length * chunks },
    });
    req.on('response', (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    void (async () => {
      for (let i = 0; i < chunks; i++) {
        if (!req.write(chunk)) await new Promise((r) => req.once('drain', r));
        await sleep(pauseMs);
      }
      req.end();
    })();
  });
}

describe('graceful shutdown of the API process', () => {
  let db: TestDatabase;
  let dataDir: string;

  beforeAll(async () => {
    db = await createTestDatabase();
    dataDir = await mkdtemp(join(tmpdir(), 'mindvault-chaos-'));
  });
  afterAll(async () => {
    await db?.drop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('finishes every in-flight upload on SIGTERM, takes no new work, and exits 0', async () => {
    const api = await startApi({
      NODE_ENV: 'test',
      LOG_LEVEL: 'info',
      DATABASE_URL: db.url,
      DATA_DIR: dataDir,
      AUTH_RATE_LIMIT_PER_MINUTE: '100000',
      JOB_DEBOUNCE_MS: '20',
      MAX_CONCURRENT_UPLOADS: '8',
    });
    const client = new Api(api.baseUrl);
    const user = await client.register();
    const map = await client.createMap(user, { maxVersions: 50 });
    const chunk = randomBytes(64 * 1024);
    const chunks = 48; // 3 MiB each, sent over about a second and a half
    const uploads = Array.from({ length: 8 }, () => slowUpload(`${api.baseUrl}/api/mindmaps/${map.id}/blob`, user.accessToken, chunk, chunks, 30));
    await sleep(400);
    const signalled = Date.now();
    const stopping = api.stop('SIGTERM', 60_000);
    await sleep(200);
    // Once the signal is in, new connections are refused.
    const late = await fetch(`${api.baseUrl}/health`).then((r) => r.status, () => 'refused');
    expect(late).toBe('refused');

    const answers = await Promise.all(uploads);
    const answered = Date.now();
    expect(answers.map((a) => a.status), JSON.stringify(answers.map((a) => a.body)).slice(0, 1000)).toEqual(Array(8).fill(201));
    const exit = await stopping;
    expect(exit, api.output().slice(-3000)).toEqual({ code: 0, signal: null });
    // Gone right after the last upload was answered, not once some keep-alive timed out.
    expect(Date.now() - answered).toBeLessThan(3000);
    console.log(`shutdown: last upload answered ${answered - signalled} ms after SIGTERM, exit ${Date.now() - signalled} ms after`);

    const rows = await db.pool.query('SELECT count(*)::int AS n FROM map_versions WHERE map_id = $1', [map.id]);
    expect(rows.rows[0].n).toBe(8);
    const books = await auditBooks(db.pool, new FsBlobStore(join(dataDir, 'blobs')));
    expect(books).toMatchObject({ usageMismatches: [], objectsWithoutRow: [], rowsWithoutObject: [], versions: 8, reservationsLeft: [] });
  });
});
