/**
 * Shutdown with event streams open: the server's close ends every stream and never waits on a
 * reader. A client that stopped reading, with the connection's buffers full, used to hold the
 * HTTP server's close (and the process's exit) open for good: destroySoon waits for a flush that
 * never comes. Now what cannot be flushed within the grace period is cut.
 */
import { connect, type Socket } from 'node:net';
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { AccountEvents } from '../../src/events/account-events.service';
import { createTestApp } from '../utils/create-test-app';
import { Api } from '../utils/api';
import { openEventStream } from '../utils/event-stream';

/** A GET /api/events over a raw socket that stops reading once the stream has started. */
function stalledStream(baseUrl: string, token: string): Promise<Socket> {
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => {
      socket.write(`GET /api/events HTTP/1.1\r\nHost: ${hostname}\r\nAccept: text/event-stream\r\nAuthorization: Bearer ${token}\r\n\r\n`);
    });
    socket.setNoDelay(true);
    socket.once('data', (chunk) => {
      if (!chunk.toString('latin1').startsWith('HTTP/1.1 200')) reject(new Error(chunk.toString('latin1')));
      socket.pause();
      resolve(socket);
    });
    socket.once('error', reject);
  });
}

describe('shutdown with open streams', () => {
  it('finishes closing while a reader has stopped reading with its buffers full, and while a live reader is open', async () => {
    // A high cap, so the stalled stream is not cut for lagging before the shutdown starts.
    const t = await createTestApp({ env: { EVENTS_MAX_BUFFER_BYTES: String(256 * 1024 * 1024) } });
    const api = new Api(t.baseUrl);
    const user = await api.register();
    const stalled = await stalledStream(t.baseUrl, user.accessToken);
    const live = await openEventStream(t.baseUrl, { token: user.accessToken });
    await live.next('ready');
    live.close();
    const reader = await openEventStream(t.baseUrl, { token: user.accessToken });
    await reader.next('ready');
    // ~20 MB of frames: far more than the loopback connection buffers hold, so most of it waits in the server.
    const events = t.app.get(AccountEvents);
    for (let batch = 0; batch < 150; batch++) {
      await Promise.all(Array.from({ length: 1000 }, () => events.publish(user.userId, { type: 'map.deleted', mapId: randomUUID() })));
    }
    const started = Date.now();
    await t.close();
    expect(Date.now() - started).toBeLessThan(15_000);
    await reader.ended;
    stalled.destroy();
  }, 60_000);
});
