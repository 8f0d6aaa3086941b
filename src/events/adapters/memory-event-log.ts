import { AccountEvent, Replay, StoredEvent } from '../domain/account-event';
import { compareEventIds, idForNow, parseEventId, replayIsComplete } from '../domain/event-id';
import { EventListener, EventLog } from '../ports/event-log';

interface Ring {
  events: StoredEvent[];
  maxDeletedId?: string;
  lastId: string;
  lastAppendMs: number;
}

/**
 * The log without Redis: one bounded ring per user in this process (the only API process there is
 * then). Rings of users silent for the whole window are dropped, as Redis expires their streams.
 */
export class MemoryEventLog extends EventLog {
  private readonly rings = new Map<string, Ring>();
  private readonly listeners = new Set<EventListener>();
  private lastMs = 0;
  private seq = 0;
  private readonly sweeper: NodeJS.Timeout;

  constructor(
    private readonly replayLength: number,
    private readonly windowMs: number,
  ) {
    super();
    this.sweeper = setInterval(() => this.sweep(), Math.min(windowMs, 60_000));
    this.sweeper.unref();
  }

  async append(userId: string, event: AccountEvent): Promise<StoredEvent> {
    const stored: StoredEvent = { id: this.nextId(), event };
    const ring = this.rings.get(userId) ?? { events: [], lastId: stored.id, lastAppendMs: 0 };
    ring.events.push(stored);
    ring.lastId = stored.id;
    ring.lastAppendMs = Date.now();
    if (ring.events.length > this.replayLength) ring.maxDeletedId = ring.events.shift()!.id;
    this.rings.set(userId, ring);
    for (const listener of this.listeners) listener.event(userId, stored);
    return stored;
  }

  async replay(userId: string, lastId: string): Promise<Replay> {
    const ring = this.liveRing(userId);
    const latestId = ring?.lastId ?? idForNow();
    const state = ring ? { exists: true, maxDeletedId: ring.maxDeletedId, lastId: ring.lastId } : { exists: false };
    if (!replayIsComplete(lastId, state, this.windowMs)) return { outcome: 'gone', latestId };
    const after = parseEventId(lastId)!;
    const events = (ring?.events ?? []).filter((e) => compareEventIds(parseEventId(e.id)!, after) > 0);
    return { outcome: 'events', events, latestId };
  }

  async latest(userId: string): Promise<string> {
    return this.liveRing(userId)?.lastId ?? idForNow();
  }

  async subscribe(listener: EventListener): Promise<() => Promise<void>> {
    this.listeners.add(listener);
    return async () => void this.listeners.delete(listener);
  }

  async close(): Promise<void> {
    clearInterval(this.sweeper);
    this.listeners.clear();
  }

  /** Redis-like ids: the clock's milliseconds, and a sequence within one. */
  private nextId(): string {
    const now = Date.now();
    if (now > this.lastMs) {
      this.lastMs = now;
      this.seq = 0;
    } else {
      this.seq += 1;
    }
    return `${this.lastMs}-${this.seq}`;
  }

  private liveRing(userId: string): Ring | undefined {
    const ring = this.rings.get(userId);
    if (ring && Date.now() - ring.lastAppendMs > this.windowMs) {
      this.rings.delete(userId);
      return undefined;
    }
    return ring;
  }

  private sweep(): void {
    for (const userId of this.rings.keys()) this.liveRing(userId);
  }
}
