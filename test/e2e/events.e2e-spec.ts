import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { AccountEvents } from '../../src/events/account-events.service';
import { EventStreamHub } from '../../src/events/event-stream-hub.service';
import { Api, envelope, b64 } from '../utils/api';
import { createTestApp, TestApp } from '../utils/create-test-app';
import { openEventStream } from '../utils/event-stream';

/** What an event may carry: ids and counters, never a title, a size, a key or ciphertext. */
const ALLOWED_FIELDS = new Set(['type', 'mapId', 'versionId', 'shareId', 'changed', 'keyVersion', 'reason']);

const backends = [
  { name: 'in-process log', queue: 'inline' as const },
  ...(inject('redisUrl') ? [{ name: 'Redis streams', queue: 'bullmq' as const }] : []),
];

describe.each(backends)('GET /api/events ($name)', ({ queue }) => {
  let t: TestApp;
  let api: Api;

  beforeAll(async () => {
    t = await createTestApp({ queue, env: { EVENTS_REPLAY_LENGTH: '5', EVENTS_MAX_STREAMS_PER_USER: '3', EVENTS_HEARTBEAT_S: '1' } });
    api = new Api(t.baseUrl);
  });
  afterAll(async () => t?.close());

  it('refuses a caller without a token, with a bad token or with an unknown ticket, and a malformed Last-Event-ID', async () => {
    expect((await openEventStream(t.baseUrl)).body).toMatchObject({ statusCode: 401, code: 'UNAUTHENTICATED' });
    expect((await openEventStream(t.baseUrl, { token: 'not.a.jwt' })).status).toBe(401);
    expect((await openEventStream(t.baseUrl, { ticket: 'A'.repeat(43) })).body).toMatchObject({ code: 'UNAUTHENTICATED' });
    expect((await openEventStream(t.baseUrl, { query: '?ticket=short' })).body).toMatchObject({ statusCode: 400, code: 'VALIDATION_FAILED' });
    const user = await api.register();
    expect((await openEventStream(t.baseUrl, { token: user.accessToken, lastEventId: 'zzz' })).body).toMatchObject({ code: 'VALIDATION_FAILED' });
  });

  it("streams the caller's map, share and key events as they commit, ids and counters only, and none of another account's", async () => {
    const user = await api.register();
    const other = await api.register();
    const stream = await openEventStream(t.baseUrl, { token: user.accessToken });
    const otherStream = await openEventStream(t.baseUrl, { token: other.accessToken });
    expect(stream.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    expect(stream.headers.get('cache-control')).toBe('no-store');
    await stream.next('ready');
    await otherStream.next('ready');
    expect(stream.retryMs).toBe(2000);

    const map = await api.createMap(user);
    expect((await stream.next('map.created')).data).toEqual({ type: 'map.created', mapId: map.id });
    const saved = await api.upload(user, map.id, Buffer.from('ciphertext'));
    expect((await stream.next('map.saved')).data).toEqual({ type: 'map.saved', mapId: map.id, versionId: saved.body.versionId });
    await api.request('PATCH', `/api/mindmaps/${map.id}`, { token: user.accessToken, json: { encryptedTitle: b64(40) } });
    expect((await stream.next('map.updated')).data).toEqual({ type: 'map.updated', mapId: map.id, changed: ['title'] });
    await api.request('PATCH', `/api/mindmaps/${map.id}`, { token: user.accessToken, json: { envelope: envelope(), keyVersion: 1 } });
    expect((await stream.next('map.updated')).data).toMatchObject({ changed: ['envelope'] });
    const share = await api.request<{ shareId: string }>('POST', `/api/mindmaps/${map.id}/shares`, { token: user.accessToken, json: { envelope: envelope(), keyVersion: 1 } });
    expect((await stream.next('share.created')).data).toEqual({ type: 'share.created', mapId: map.id, shareId: share.body.shareId });
    await api.request('DELETE', `/api/mindmaps/${map.id}/shares/${share.body.shareId}`, { token: user.accessToken });
    expect((await stream.next('share.revoked')).data).toEqual({ type: 'share.revoked', mapId: map.id, shareId: share.body.shareId });
    await api.request('DELETE', `/api/mindmaps/${map.id}`, { token: user.accessToken });
    expect((await stream.next('map.deleted')).data).toEqual({ type: 'map.deleted', mapId: map.id });

    for (const event of stream.received) for (const field of Object.keys(event.data)) expect(ALLOWED_FIELDS).toContain(field);
    const ids = stream.received.filter((e) => e.type.includes('.')).map((e) => e.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(otherStream.received.map((e) => e.type)).toEqual(['ready']);
    stream.close();
    otherStream.close();
  });

  it('resumes from Last-Event-ID with exactly the events missed, in order', async () => {
    const user = await api.register();
    const first = await openEventStream(t.baseUrl, { token: user.accessToken });
    const map = await api.createMap(user);
    const created = await first.next('map.created');
    first.close();
    await first.ended;
    const versions: string[] = [];
    for (let i = 0; i < 3; i++) versions.push((await api.upload(user, map.id, Buffer.from(`v${i}`))).body.versionId);

    const resumed = await openEventStream(t.baseUrl, { token: user.accessToken, lastEventId: created.id });
    await resumed.next('ready');
    expect(resumed.received.filter((e) => e.type !== 'ready').map((e) => e.data)).toEqual(
      versions.map((versionId) => ({ type: 'map.saved', mapId: map.id, versionId })),
    );
    // The same id again, once more saved: only the newer one follows the three.
    resumed.close();
    const again = await openEventStream(t.baseUrl, { token: user.accessToken, lastEventId: resumed.received[2].id });
    await again.next('ready');
    expect(again.received.filter((e) => e.type !== 'ready')).toEqual([]);
    again.close();
  });

  it('answers one resync event to a device that comes back after its events left the replay window', async () => {
    const user = await api.register();
    const first = await openEventStream(t.baseUrl, { token: user.accessToken });
    const ready = await first.next('ready');
    first.close();
    const map = await api.createMap(user);
    // EVENTS_REPLAY_LENGTH is 5 here: six more events push the oldest missed one out.
    for (let i = 0; i < 6; i++) await api.upload(user, map.id, Buffer.from(`v${i}`));

    const back = await openEventStream(t.baseUrl, { token: user.accessToken, lastEventId: ready.id });
    const resync = await back.next('resync');
    expect(back.received.map((e) => e.type)).toEqual(['resync']);
    back.close();
    // Resuming from the resync's id misses nothing later.
    const after = await openEventStream(t.baseUrl, { token: user.accessToken, lastEventId: resync.id });
    await after.next('ready');
    const saved = await api.upload(user, map.id, Buffer.from('later'));
    expect((await after.next('map.saved')).data).toMatchObject({ versionId: saved.body.versionId });
    after.close();
    // An id from the future (another Redis, a wiped log) is not trusted either.
    const future = await openEventStream(t.baseUrl, { token: user.accessToken, lastEventId: `${Date.now() + 3_600_000}-0` });
    await future.next('resync');
    future.close();
  });

  it('opens a stream with a one-time ticket instead of a header, once', async () => {
    const user = await api.register();
    const issued = await api.request<{ ticket: string; expiresInS: number }>('POST', '/api/events/ticket', { token: user.accessToken });
    expect(issued.status).toBe(201);
    expect(issued.body.expiresInS).toBe(30);
    expect((await api.request('POST', '/api/events/ticket')).status).toBe(401);
    const stream = await openEventStream(t.baseUrl, { ticket: issued.body.ticket });
    await stream.next('ready');
    const map = await api.createMap(user);
    expect((await stream.next('map.created')).data).toMatchObject({ mapId: map.id });
    const replayed = await openEventStream(t.baseUrl, { ticket: issued.body.ticket });
    expect(replayed.body).toMatchObject({ statusCode: 401, code: 'UNAUTHENTICATED' });
    stream.close();
  });

  it('caps the streams one user holds open (429 TOO_MANY_STREAMS), and frees a slot when one closes', async () => {
    const user = await api.register();
    const open = await Promise.all([1, 2, 3].map(() => openEventStream(t.baseUrl, { token: user.accessToken })));
    expect(open.map((s) => s.status)).toEqual([200, 200, 200]);
    const fourth = await openEventStream(t.baseUrl, { token: user.accessToken });
    expect(fourth.status).toBe(429);
    expect(fourth.body).toMatchObject({ code: 'TOO_MANY_STREAMS', maxStreams: 3 });
    // Another account is not affected.
    const other = await openEventStream(t.baseUrl, { token: (await api.register()).accessToken });
    expect(other.status).toBe(200);
    other.close();
    open[0].close();
    await open[0].ended;
    const hub = t.app.get(EventStreamHub);
    const deadline = Date.now() + 5000;
    let replacement = await openEventStream(t.baseUrl, { token: user.accessToken });
    while (replacement.status === 429 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50));
      replacement = await openEventStream(t.baseUrl, { token: user.accessToken });
    }
    expect(replacement.status).toBe(200);
    expect(hub.size).toBeGreaterThanOrEqual(3);
    for (const s of [...open, replacement]) s.close();
  });

  it('sends heartbeats on a quiet stream', async () => {
    const user = await api.register();
    const stream = await openEventStream(t.baseUrl, { token: user.accessToken });
    await stream.next('ready');
    const deadline = Date.now() + 10_000;
    while (stream.heartbeats === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(stream.heartbeats).toBeGreaterThan(0);
    stream.close();
  });

  it('tells every stream of the account when its sessions end (logout-all), then closes them', async () => {
    const user = await api.register();
    const stream = await openEventStream(t.baseUrl, { token: user.accessToken });
    await stream.next('ready');
    expect((await api.request('POST', '/api/auth/logout-all', { token: user.accessToken })).status).toBe(204);
    expect((await stream.next('session.ended')).data).toEqual({ type: 'session.ended', reason: 'logout-all' });
    await stream.ended;
    expect((await openEventStream(t.baseUrl, { token: user.accessToken })).status).toBe(401);
  });

  it('ends the streams of an account that is deleted', async () => {
    const user = await api.register();
    const stream = await openEventStream(t.baseUrl, { token: user.accessToken });
    await stream.next('ready');
    const deleted = await api.request('DELETE', '/api/auth/account', { token: user.accessToken, json: { currentAuthKey: user.authKey } });
    expect(deleted.status).toBe(204);
    expect((await stream.next('session.ended')).data).toEqual({ type: 'session.ended', reason: 'account-deleted' });
    await stream.ended;
  });

  it('closes the stream of a reader that stops reading once its buffer is full, and keeps the others', async () => {
    const user = await api.register();
    const healthy = await openEventStream(t.baseUrl, { token: user.accessToken });
    await healthy.next('ready');
    const hub = t.app.get(EventStreamHub);
    const before = hub.size;
    const { port } = new URL(t.baseUrl);
    const socket = connect(Number(port), '127.0.0.1');
    await new Promise<void>((done) => socket.once('connect', () => done()));
    socket.write(`GET /api/events HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${user.accessToken}\r\n\r\n`);
    // Read the head, then stop reading: the kernel's buffers fill, then the server's.
    await new Promise<void>((done) => socket.once('data', () => done()));
    socket.pause();
    expect(hub.size).toBe(before + 1);
    const events = t.app.get(AccountEvents);
    let published = 0;
    while (hub.size > before && published < 400_000) {
      await Promise.all(Array.from({ length: 100 }, () => events.publish(user.userId, { type: 'map.deleted', mapId: '00000000-0000-4000-8000-000000000000' })));
      published += 100;
      // A turn of the event loop between bursts, so the healthy reader reads (the in-process log delivers synchronously).
      await new Promise((r) => setImmediate(r));
    }
    expect(hub.size).toBe(before);
    socket.destroy();
    // The healthy reader got every one of them.
    const deadline = Date.now() + 30_000;
    while (healthy.received.filter((e) => e.type === 'map.deleted').length < published && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(healthy.received.filter((e) => e.type === 'map.deleted').length).toBe(published);
    healthy.close();
  });
});

describe('shutdown', () => {
  it('ends every open stream with a retry hint and a bye before the server closes', async () => {
    const t = await createTestApp();
    const api = new Api(t.baseUrl);
    const user = await api.register();
    const stream = await openEventStream(t.baseUrl, { token: user.accessToken });
    await stream.next('ready');
    stream.retryMs = undefined;
    const closing = t.close();
    await stream.ended;
    await closing;
    expect(stream.retryMs).toBe(2000);
    expect(stream.received.at(-1)).toEqual({ type: 'bye', data: { type: 'bye', reason: 'shutdown' }, id: undefined });
  });
});
