/**
 * Shutdown with event streams open finishes, and soon: every stream ends with its bye, and the
 * close does not wait on a reader. Before, a connection that never sent a byte (a client's spare
 * connection, seen beside event streams whose reader stalled) held the HTTP server's close, and
 * the exit, for the socket's idle timeout: a minute.
 */
import { randomUUID } from 'node:crypto';
import { connect, type Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { AccountEvents } from '../../src/events/account-events.service';
import { Api } from '../utils/api';
import { createTestApp } from '../utils/create-test-app';
import { openEventStream } from '../utils/event-stream';

function rawSocket(baseUrl: string): Promise<Socket> {
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => resolve(socket));
    socket.once('error', reject);
  });
}

/** A GET /api/events over a raw socket that stops reading once the stream has started. */
async function stalledStream(baseUrl: string, token: string): Promise<Socket> {
  const socket = await rawSocket(baseUrl);
  socket.write(`GET /api/events HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\nAuthorization: Bearer ${token}\r\n\r\n`);
  return new Promise((resolve, reject) => {
    socket.once('data', (chunk) => {
      if (!chunk.toString('latin1').startsWith('HTTP/1.1 200')) reject(new Error(chunk.toString('latin1')));
      socket.pause();
      resolve(socket);
    });
  });
}

describe('shutdown with open streams', () => {
  it('finishes closing within seconds: a live reader, a reader stalled with its buffers full, a connection that never spoke', async () => {
    // A high cap, so the stalled stream is not cut for lagging before the shutdown starts.
    const t = await createTestApp({ env: { EVENTS_MAX_BUFFER_BYTES: String(256 * 1024 * 1024) } });
    const user = await new Api(t.baseUrl).register();
    const stalled = await stalledStream(t.baseUrl, user.accessToken);
    const silent = await rawSocket(t.baseUrl);
    const reader = await openEventStream(t.baseUrl, { token: user.accessToken });
    await reader.next('ready');
    // ~20 MB of frames: far more than the loopback connection holds, so most of it waits in the server.
    const events = t.app.get(AccountEvents);
    for (let batch = 0; batch < 150; batch++) {
      await Promise.all(Array.from({ length: 1000 }, () => events.publish(user.userId, { type: 'map.deleted', mapId: randomUUID() })));
    }
    const started = Date.now();
    await t.close();
    expect(Date.now() - started).toBeLessThan(10_000);
    await reader.ended;
    stalled.destroy();
    silent.destroy();
  }, 90_000);
});
