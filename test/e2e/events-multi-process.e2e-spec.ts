import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { Api } from '../utils/api';
import { AppProcess, compileApp, startApi } from '../utils/app-process';
import { openEventStream } from '../utils/event-stream';
import { createTestDatabase, TestDatabase } from '../utils/test-database';

/**
 * Two API processes on one PostgreSQL and one Redis: an event published by a change on one
 * reaches a stream held by the other, a ticket issued by one opens a stream on the other, and a
 * stream resumed on the other replays what it missed.
 */
describe.skipIf(!inject('redisUrl'))('event streams across two API processes', () => {
  let db: TestDatabase;
  let blobs: string;
  let apis: (AppProcess & { baseUrl: string })[] = [];
  let env: Record<string, string>;

  beforeAll(async () => {
    await compileApp();
    db = await createTestDatabase();
    blobs = await mkdtemp(join(tmpdir(), 'mindvault-events-'));
    env = {
      NODE_ENV: 'test',
      LOG_LEVEL: 'warn',
      DATABASE_URL: db.url,
      REDIS_URL: inject('redisUrl'),
      QUEUE_PREFIX: `mvevents-${randomBytes(4).toString('hex')}`,
      // One filesystem store shared by both, as one S3 bucket would be.
      DATA_DIR: blobs,
      JWT_SECRET: randomBytes(32).toString('hex'),
      PRELOGIN_SECRET: randomBytes(32).toString('hex'),
      AUTH_RATE_LIMIT_PER_MINUTE: '100000',
    };
    apis = [await startApi(env), await startApi(env)];
  });
  afterAll(async () => {
    for (const api of apis) await api.stop('SIGTERM');
    await db?.drop();
    if (blobs) await rm(blobs, { recursive: true, force: true });
  });

  it('delivers a save made through process A to a device streaming from process B', async () => {
    const [a, b] = apis.map((p) => new Api(p.baseUrl));
    const user = await a.register();
    const onB = await openEventStream(apis[1].baseUrl, { token: user.accessToken });
    await onB.next('ready');
    const map = await a.createMap(user);
    const saved = await a.upload(user, map.id, Buffer.from('ciphertext'));
    expect((await onB.next('map.created')).data).toEqual({ type: 'map.created', mapId: map.id });
    expect((await onB.next('map.saved')).data).toEqual({ type: 'map.saved', mapId: map.id, versionId: saved.body.versionId });

    // A ticket from A opens a stream on B.
    const ticket = await a.request<{ ticket: string }>('POST', '/api/events/ticket', { token: user.accessToken });
    const byTicket = await openEventStream(apis[1].baseUrl, { ticket: ticket.body.ticket });
    await byTicket.next('ready');

    // A device that drops off B and comes back on A replays exactly what it missed.
    const lastSeen = onB.received.at(-1)!.id!;
    onB.close();
    const next = await b.upload(user, map.id, Buffer.from('second'));
    const resumed = await openEventStream(apis[0].baseUrl, { token: user.accessToken, lastEventId: lastSeen });
    await resumed.next('ready');
    expect(resumed.received.filter((e) => e.type !== 'ready').map((e) => e.data)).toEqual([{ type: 'map.saved', mapId: map.id, versionId: next.body.versionId }]);
    expect((await byTicket.next('map.saved')).data).toMatchObject({ versionId: next.body.versionId });
    resumed.close();
    byTicket.close();
  });

  it('ends the streams on SIGTERM with a retry hint, and the process exits cleanly', async () => {
    // A process of its own: this one has served nothing but this stream.
    const third = await startApi(env);
    apis.push(third);
    const user = await new Api(apis[0].baseUrl).register();
    const stream = await openEventStream(third.baseUrl, { token: user.accessToken });
    await stream.next('ready');
    const stopped = third.stop('SIGTERM');
    await stream.ended;
    expect(await stopped).toEqual({ code: 0, signal: null });
    expect(stream.received.at(-1)?.data).toEqual({ type: 'bye', reason: 'shutdown' });
  });
});
