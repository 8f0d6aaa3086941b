import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BlobStore } from '../../src/storage/ports/blob-store';
import { Api, envelope, eventually, TestUser } from '../utils/api';
import { createTestApp, TestApp } from '../utils/create-test-app';
import { rawRequest } from '../utils/raw-http';
import { checkAnswer } from './fuzzer';
import { auditBooks } from './invariants';

describe('bad input', () => {
  let t: TestApp;
  let api: Api;
  let user: TestUser;

  beforeAll(async () => {
    t = await createTestApp({ blob: 's3' });
    api = new Api(t.baseUrl);
    user = await api.register();
  });
  afterAll(() => t?.close());

  it('never lets a PATCH erase a title or the wrapped key with null or an empty container', async () => {
    const map = await api.createMap(user);
    for (const json of [
      { encryptedTitle: null },
      { envelope: null },
      { envelope: [] },
      { envelope: {} },
      { maxVersions: null },
      { encryptedTitle: '' },
    ]) {
      const res = await api.request('PATCH', `/api/mindmaps/${map.id}`, { token: user.accessToken, json });
      expect(res.status, JSON.stringify(json)).toBe(400);
      expect(res.body).toMatchObject({ code: 'VALIDATION_FAILED' });
    }
    const after = await api.request('GET', `/api/mindmaps/${map.id}`, { token: user.accessToken });
    expect(after.body).toMatchObject({ encryptedTitle: map.encryptedTitle, envelope: map.envelope, maxVersions: map.maxVersions });
  });

  it('refuses a missing or non-object nested body part with VALIDATION_FAILED, not a 500', async () => {
    const map = await api.createMap(user);
    const cases: [string, string, unknown][] = [
      ['POST', '/api/mindmaps', { encryptedTitle: randomBytes(8).toString('base64') }],
      ['POST', '/api/mindmaps', { encryptedTitle: randomBytes(8).toString('base64'), envelope: [] }],
      ['POST', `/api/mindmaps/${map.id}/shares`, {}],
      ['PUT', '/api/auth/keys', { keyVersion: 2, maps: [[]] }],
      ['PUT', '/api/auth/keys', { keyVersion: 2, maps: [null] }],
      ['POST', '/api/auth/register', { email: 'x@example.com', authKey: randomBytes(32).toString('base64') }],
    ];
    for (const [method, path, json] of cases) {
      const res = await api.request(method, path, { token: user.accessToken, json });
      expect(res.status, `${method} ${path} ${JSON.stringify(json)}`).toBe(400);
      expect(res.body).toMatchObject({ code: 'VALIDATION_FAILED' });
    }
  });

  it('answers malformed JSON on every JSON route with the contract error body', async () => {
    const map = await api.createMap(user);
    const routes: [string, string][] = [
      ['POST', '/api/auth/prelogin'],
      ['POST', '/api/auth/register'],
      ['POST', '/api/auth/login'],
      ['POST', '/api/auth/refresh'],
      ['POST', '/api/auth/logout'],
      ['PUT', '/api/auth/keys'],
      ['PUT', '/api/auth/password'],
      ['POST', '/api/mindmaps'],
      ['PATCH', `/api/mindmaps/${map.id}`],
      ['POST', `/api/mindmaps/${map.id}/shares`],
    ];
    for (const [method, path] of routes) {
      for (const body of ['{', '{"a":1,}', "{'a':1}", '[1,', 'nul', '"\\u00"']) {
        const res = await fetch(t.baseUrl + path, {
          method,
          headers: { 'content-type': 'application/json', authorization: `Bearer ${user.accessToken}` },
          body,
        });
        const answer = await res.json();
        expect(res.status, `${method} ${path} ${body}`).toBe(400);
        expect(checkAnswer(res.status, answer)).toBeUndefined();
      }
    }
  });

  it('records nothing, and charges nothing, for uploads cut off at any point of the body', async () => {
    const owner = await api.register();
    const map = await api.createMap(owner);
    const kept = await api.upload(owner, map.id, randomBytes(5000));
    expect(kept.status).toBe(201);
    const size = 256 * 1024;
    for (const sent of [0, 1, 16 * 1024, size / 2, size - 1]) {
      const res = await rawRequest(`${t.baseUrl}/api/mindmaps/${map.id}/blob`, {
        method: 'PUT',
        headers: { authorization: `Bearer ${owner.accessToken}`, 'content-type': 'application/octet-stream', 'content-length': size },
        chunks: sent > 0 ? [randomBytes(sent)] : [],
        abortAfterChunks: true,
      });
      expect(res.aborted).toBe(true);
    }
    // The server notices each hang-up on its own schedule; give the compensations time to run.
    await sleep(500);
    const detail = await api.request('GET', `/api/mindmaps/${map.id}`, { token: owner.accessToken });
    expect(detail.body).toMatchObject({ headVersionId: kept.body.versionId, versionCount: 1, sizeBytes: 5000 });
    const books = await auditBooks(t.db.pool, t.app.get(BlobStore));
    expect(books).toMatchObject({ usageMismatches: [], objectsWithoutRow: [], rowsWithoutObject: [] });
    const usage = await t.db.pool.query('SELECT usage_bytes FROM user_usage WHERE user_id = $1', [owner.userId]);
    expect(Number(usage.rows[0].usage_bytes)).toBe(5000);
  });

  it('keeps serving after a burst of hang-ups: the next upload goes through', async () => {
    const owner = await api.register();
    const map = await api.createMap(owner);
    await Promise.all(
      Array.from({ length: 20 }, () =>
        rawRequest(`${t.baseUrl}/api/mindmaps/${map.id}/blob`, {
          method: 'PUT',
          headers: { authorization: `Bearer ${owner.accessToken}`, 'content-type': 'application/octet-stream', 'content-length': 100_000 },
          chunks: [randomBytes(50_000)],
          abortAfterChunks: true,
        }),
      ),
    );
    // Each hang-up gives its upload slot back as the server notices it, which on a loaded machine
    // may be after the client has long gone (a request still on its way to its reservation holds
    // one then): the next upload goes through once they have, and a slot that leaked never would.
    const res = await eventually(async () => {
      const attempt = await api.upload(owner, map.id, randomBytes(1234));
      return attempt.status === 429 ? undefined : attempt;
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    await eventually(async () => (await t.db.pool.query('SELECT 1 FROM upload_reservations WHERE user_id = $1', [owner.userId])).rowCount === 0);
    const share = await api.request('POST', `/api/mindmaps/${map.id}/shares`, { token: owner.accessToken, json: { envelope: envelope(), keyVersion: 1 } });
    expect(share.status).toBe(201);
  });
});
