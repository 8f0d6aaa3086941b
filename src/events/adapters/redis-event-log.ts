import { Logger } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { AccountEvent, Replay, StoredEvent } from '../domain/account-event';
import { idForNow, LogState, replayIsComplete } from '../domain/event-id';
import { EventListener, EventLog } from '../ports/event-log';

/**
 * Append, cap, refresh the expiry and announce in one step: two processes appending for one user
 * then announce in id order, so a stream never sees an older id after a newer one.
 */
const APPEND = `
local id = redis.call('XADD', KEYS[1], 'MAXLEN', ARGV[1], '*', 'e', ARGV[2])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
redis.call('PUBLISH', ARGV[4], ARGV[5] .. '\\n' .. id .. '\\n' .. ARGV[2])
return id
`;

/**
 * Each user's log is a Redis stream `<prefix>:events:<userId>` capped at `replayLength` entries
 * (exactly: an approximate cap would keep up to a hundred more, and the replay window would lie)
 * and expiring `windowMs` after its last event; every append is announced on one pub/sub channel
 * that each API process subscribes to once. Ids are Redis's own, its clock is the only one used.
 */
export class RedisEventLog extends EventLog {
  private readonly logger = new Logger('RedisEventLog');
  private subscriber?: Redis;
  private readonly listeners = new Set<EventListener>();

  constructor(
    private readonly redis: Redis,
    /** A connection for the subscription, made when the first listener comes (workers never subscribe). */
    private readonly connectSubscriber: () => Redis,
    private readonly prefix: string,
    private readonly replayLength: number,
    private readonly windowMs: number,
  ) {
    super();
  }

  async append(userId: string, event: AccountEvent): Promise<StoredEvent> {
    const data = JSON.stringify(event);
    const id = (await this.redis.eval(APPEND, 1, this.key(userId), this.replayLength, data, this.windowMs, this.channel, userId)) as string;
    return { id, event };
  }

  async replay(userId: string, lastId: string): Promise<Replay> {
    const key = this.key(userId);
    // One MULTI: the range and the log's state are read at the same instant (no trim in between).
    const results = await this.redis.multi().time().xinfo('STREAM', key).xrange(key, `(${safeId(lastId)}`, '+').exec();
    if (!results) throw new Error('replay transaction aborted');
    const [[, time], [infoError, info], [rangeError, range]] = results as [[null, [string, string]], [Error | null, unknown], [Error | null, [string, string[]][]]];
    const now = redisMs(time);
    const state = infoError ? { exists: false } : streamState(info as unknown[]);
    const latestId = state.lastId ?? idForNow(now);
    if (!replayIsComplete(lastId, state, this.windowMs, now)) return { outcome: 'gone', latestId };
    if (rangeError) return { outcome: 'events', events: [], latestId };
    return { outcome: 'events', events: range.map(([id, fields]) => ({ id, event: parseEvent(fields) })), latestId };
  }

  async latest(userId: string): Promise<string> {
    const results = await this.redis.multi().time().xinfo('STREAM', this.key(userId)).exec();
    if (!results) throw new Error('latest transaction aborted');
    const [[, time], [infoError, info]] = results as [[null, [string, string]], [Error | null, unknown]];
    return (infoError ? undefined : streamState(info as unknown[]).lastId) ?? idForNow(redisMs(time));
  }

  async subscribe(listener: EventListener): Promise<() => Promise<void>> {
    this.listeners.add(listener);
    if (!this.subscriber) await this.startSubscriber();
    return async () => void this.listeners.delete(listener);
  }

  async close(): Promise<void> {
    this.listeners.clear();
    const subscriber = this.subscriber;
    this.subscriber = undefined;
    await subscriber?.quit().catch(() => subscriber.disconnect());
    await this.redis.quit().catch(() => this.redis.disconnect());
  }

  private async startSubscriber(): Promise<void> {
    const subscriber = this.connectSubscriber();
    this.subscriber = subscriber;
    let subscribedOnce = false;
    subscriber.on('error', (error: Error) => this.logger.warn(`event subscription: ${error.message}`));
    // After a reconnect ioredis subscribes again by itself, but what was announced meanwhile is
    // lost: the listeners hear of the gap and let their clients replay from the log.
    subscriber.on('ready', () => {
      if (subscribedOnce) for (const listener of this.listeners) listener.gap();
    });
    subscriber.on('message', (channel: string, message: string) => {
      if (channel !== this.channel) return;
      const first = message.indexOf('\n');
      const second = message.indexOf('\n', first + 1);
      if (first < 0 || second < 0) return;
      const userId = message.slice(0, first);
      const stored: StoredEvent = { id: message.slice(first + 1, second), event: JSON.parse(message.slice(second + 1)) as AccountEvent };
      for (const listener of this.listeners) listener.event(userId, stored);
    });
    await subscriber.subscribe(this.channel);
    subscribedOnce = true;
  }

  private get channel(): string {
    return `${this.prefix}:events`;
  }

  private key(userId: string): string {
    return `${this.prefix}:events:${userId}`;
  }
}

/** A malformed Last-Event-ID must not reach XRANGE as syntax; replayIsComplete refuses it anyway. */
function safeId(id: string): string {
  return /^\d{1,15}-\d{1,15}$/.test(id) ? id : '0-0';
}

function redisMs([seconds, micros]: [string, string]): number {
  return Number(seconds) * 1000 + Math.floor(Number(micros) / 1000);
}

/** XINFO STREAM's flat [name, value, …] reply, reduced to what a replay decision needs. */
function streamState(info: unknown[]): LogState {
  const fields = new Map<string, unknown>();
  for (let i = 0; i + 1 < info.length; i += 2) fields.set(String(info[i]), info[i + 1]);
  // NOTE: trimming by MAXLEN does not move max-deleted-entry-id (Redis 7.0 only counts XDEL), so
  // "something was trimmed" is entries-added > length, and everything older than the first entry
  // kept counts as gone. (A client whose last id is exactly the newest trimmed one gets a resync
  // it did not strictly need: harmless.)
  const trimmed = Number(fields.get('entries-added') ?? 0) > Number(fields.get('length') ?? 0);
  const first = fields.get('recorded-first-entry-id');
  const beforeFirst = trimmed && typeof first === 'string' ? idBefore(first) : undefined;
  return {
    exists: true,
    lastId: String(fields.get('last-generated-id')),
    ...(beforeFirst ? { maxDeletedId: beforeFirst } : {}),
  };
}

/** The greatest id below `id` (`<ms>-<seq>` − 1). */
function idBefore(id: string): string | undefined {
  const match = /^(\d+)-(\d+)$/.exec(id);
  if (!match) return undefined;
  const [ms, seq] = [Number(match[1]), Number(match[2])];
  return seq > 0 ? `${ms}-${seq - 1}` : `${ms - 1}-999999999999999`;
}

function parseEvent(fields: string[]): AccountEvent {
  return JSON.parse(fields[fields.indexOf('e') + 1]) as AccountEvent;
}
