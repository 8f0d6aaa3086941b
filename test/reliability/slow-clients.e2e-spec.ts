import { connect } from 'node:net';
import { readdir } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Api, eventually, TestUser } from '../utils/api';
import { createTestApp, TestApp } from '../utils/create-test-app';
import { openRequest } from '../utils/raw-http';
import { accountState, storedKeys } from '../utils/stored-objects';

/** Pauses between the trickled bytes: the clients below send 10 bytes a second at most. */
const TRICKLE_MS = 100;
/** Bytes a trickling client sends at most before the test gives up on the server cutting it. */
const MAX_TRICKLE = 150;

/**
 * Slow clients are cut: a body sent a byte at a time, or headers that never end, lose their
 * connection after the configured grace instead of holding it (and, for an upload, a partial
 * object) for as long as they like. Each client below would take 15 s or more to finish; the
 * server must cut it long before that, which the tests see as the connection closing while the
 * client still had bytes to send.
 */
describe('slow clients', () => {
  let t: TestApp;
  let api: Api;
  let user: TestUser;

  beforeAll(async () => {
    t = await createTestApp({
      env: { HTTP_MIN_BODY_BYTES_PER_S: '1000', HTTP_BODY_RATE_GRACE_MS: '400', HTTP_HEADERS_TIMEOUT_MS: '500' },
    });
    api = new Api(t.baseUrl);
    user = await api.register();
  });
  afterAll(() => t?.close());

  /** Sends `body` a byte every TRICKLE_MS until the server answers or cuts; reports how far it got. */
  async function trickle(path: string, method: string, headers: Record<string, string | number>, body: Buffer, head = 0) {
    const req = openRequest(t.baseUrl + path, method, headers);
    let sent = head;
    if (head > 0) await req.write(body.subarray(0, head));
    let answered = false;
    void req.answer.then(() => (answered = true));
    while (!answered && sent < Math.min(body.length, head + MAX_TRICKLE)) {
      if (!(await req.write(body.subarray(sent, sent + 1)))) break;
      sent++;
      await new Promise((done) => setTimeout(done, TRICKLE_MS));
    }
    const answer = await req.answer;
    req.destroy();
    return { sent, answer };
  }

  it('cuts a login body that trickles in, with 408 BODY_TOO_SLOW', async () => {
    const body = Buffer.from(JSON.stringify({ email: user.email, authKey: user.authKey }));
    const { sent, answer } = await trickle('/api/auth/login', 'POST', { 'content-type': 'application/json', 'content-length': body.length }, body);
    expect(sent).toBeLessThan(body.length);
    if ('closed' in answer) throw new Error('cut without an answer');
    expect(answer.status).toBe(408);
    expect(JSON.parse(answer.body)).toEqual({
      statusCode: 408,
      error: 'RequestTimeout',
      code: 'BODY_TOO_SLOW',
      message: 'request body arrived too slowly; connection closed',
    });
    // The server goes on serving everyone else.
    expect((await api.request('POST', '/api/auth/login', { json: { email: user.email, authKey: user.authKey } })).status).toBe(200);
  });

  it('cuts an upload that trickles after a fast start, removes its partial object and charges nothing', async () => {
    const map = await api.createMap(user);
    const body = Buffer.alloc(64 * 1024, 7);
    const { sent } = await trickle(
      `/api/mindmaps/${map.id}/blob`,
      'PUT',
      { 'content-type': 'application/octet-stream', 'content-length': body.length, authorization: `Bearer ${user.accessToken}` },
      body,
      16 * 1024,
    );
    expect(sent).toBeLessThan(16 * 1024 + MAX_TRICKLE);
    // No version, no charge, no object, and no .partial file left on the disk.
    const blob = t.config.blob;
    if (blob.driver !== 'fs') throw new Error('this test reads the filesystem store');
    await eventually(async () => (await partialFiles(blob.rootDir)).length === 0);
    expect(await accountState(t, user.userId)).toEqual({ keys: [], versionBytes: 0, usage: 0 });
    expect(await storedKeys(t)).toEqual([]);
    const detail = await api.request('GET', `/api/mindmaps/${map.id}`, { token: user.accessToken });
    expect(detail.body).toMatchObject({ headVersionId: null, versionCount: 0 });
    // A whole upload at full speed still goes through.
    expect((await api.upload(user, map.id, body)).status).toBe(201);
  });

  it('closes a connection whose headers never end', async () => {
    const socket = connect(Number(new URL(t.baseUrl).port), '127.0.0.1');
    const closed = new Promise<string>((done) => {
      let got = '';
      socket.on('data', (d) => (got += d.toString()));
      socket.on('close', () => done(got));
    });
    socket.write('POST /api/auth/login HTTP/1.1\r\nhost: localhost\r\n');
    let sent = 0;
    let open = true;
    void closed.then(() => (open = false));
    while (open && sent < MAX_TRICKLE) {
      socket.write(`x-slow-${sent}: 1\r\n`);
      sent++;
      await new Promise((done) => setTimeout(done, TRICKLE_MS));
    }
    const answer = await closed;
    expect(sent).toBeLessThan(MAX_TRICKLE);
    expect(answer).toMatch(/^HTTP\/1\.1 408/);
  });
});

/** Every `.partial` file under `dir`, however deep. */
async function partialFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true }).catch(() => [] as string[]);
  return entries.filter((name) => name.endsWith('.partial'));
}
