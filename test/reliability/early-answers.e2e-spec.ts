import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Api, TestUser } from '../utils/api';
import { createTestApp, TestApp } from '../utils/create-test-app';
import { openRequest } from '../utils/raw-http';

const MiB = 1024 * 1024;

/**
 * An answer given before the body was read is readable by the client that is still sending it:
 * the server reads and discards the rest (for a bounded time and size) before it closes, instead
 * of resetting a connection whose client then sees EPIPE in place of the answer.
 */
describe('early answers are readable', () => {
  let t: TestApp;
  let api: Api;
  let user: TestUser;
  const body = Buffer.alloc(40 * MiB, 0x61);

  beforeAll(async () => {
    t = await createTestApp({ env: { FREE_STORAGE_BYTES: String(16 * MiB) } });
    api = new Api(t.baseUrl);
    user = await api.register();
  });
  afterAll(() => t?.close());

  /** Node's fetch, as an SDK user would call it; a network error fails the test with its cause. */
  async function upload(mapId: string, bytes: Buffer): Promise<{ status: number; body: Record<string, unknown> }> {
    const res = await fetch(`${t.baseUrl}/api/mindmaps/${mapId}/blob`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${user.accessToken}`, 'content-type': 'application/octet-stream' },
      body: bytes,
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  }

  it('reads 413 BLOB_TOO_LARGE for a 40 MiB upload 20 times out of 20 with fetch', async () => {
    const map = await api.createMap(user);
    for (let i = 0; i < 20; i++) {
      const res = await upload(map.id, body);
      expect(res, `attempt ${i}`).toMatchObject({ status: 413, body: { code: 'BLOB_TOO_LARGE' } });
    }
  });

  it('reads 413 STORAGE_QUOTA_EXCEEDED for an upload over the quota 20 times out of 20 with fetch', async () => {
    const map = await api.createMap(user);
    const overQuota = body.subarray(0, 20 * MiB);
    for (let i = 0; i < 20; i++) {
      const res = await upload(map.id, overQuota);
      expect(res, `attempt ${i}`).toMatchObject({ status: 413, body: { code: 'STORAGE_QUOTA_EXCEEDED' } });
    }
  });

  /**
   * A client that sends its whole body before it reads (as simple HTTP clients do): the server's
   * answer waits in its receive buffer, and a reset on close would throw it away.
   */
  function sendThenRead(path: string, headers: string, bytes: Buffer): Promise<string> {
    const { hostname, port } = new URL(t.baseUrl);
    return new Promise((resolve) => {
      const socket = connect(Number(port), hostname);
      let answer = '';
      socket.pause();
      socket.on('data', (chunk: Buffer) => (answer += chunk.toString('latin1')));
      socket.on('end', () => resolve(answer));
      socket.on('error', (error) => resolve(`${answer}<${(error as NodeJS.ErrnoException).code}>`));
      socket.write(`PUT ${path} HTTP/1.1\r\nhost: ${hostname}\r\n${headers}content-length: ${bytes.length}\r\n\r\n`);
      socket.write(bytes, () => socket.resume());
    });
  }

  it('keeps the answer for a client that reads only once its 40 MiB are sent, 20 times out of 20', async () => {
    const map = await api.createMap(user);
    for (let i = 0; i < 20; i++) {
      const answer = await sendThenRead(`/api/mindmaps/${map.id}/blob`, `authorization: Bearer ${user.accessToken}\r\ncontent-type: application/octet-stream\r\n`, body);
      expect(answer, `attempt ${i}`).toMatch(/^HTTP\/1\.1 413 [^]*"code":"BLOB_TOO_LARGE"/);
    }
  });

  it('still closes a connection whose client never finishes, once the linger time is over', async () => {
    const req = openRequest(`${t.baseUrl}/api/auth/keys`, 'PUT', { 'content-type': 'application/json', 'content-length': 8 * MiB });
    await req.write(Buffer.alloc(1024, 0x20));
    const answer = await req.answer;
    expect(answer).toMatchObject({ status: 401, headers: { connection: 'close' } });
    await req.closed;
  });
});
