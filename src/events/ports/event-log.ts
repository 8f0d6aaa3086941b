import { AccountEvent, Replay, StoredEvent } from '../domain/account-event';

/** Called with every event appended by any process; `gap` when some may have been missed (a lost subscription). */
export interface EventListener {
  event(userId: string, stored: StoredEvent): void;
  gap(): void;
}

/**
 * Each user's recent events, in order, shared by every API process (Redis when configured, else
 * this process). Contract:
 * - `append` gives the event the next id of the user's log (ids only grow) and delivers it to every
 *   subscriber of every process; it keeps the newest `replayLength` events for `replayWindowS`
 *   after the last one;
 * - `replay(userId, lastId)` answers the events after `lastId`, or `gone` when any of them left the
 *   log (trimmed, expired) or `lastId` is not one this log could have issued;
 * - `latest(userId)` is an id from which a replay misses nothing appended afterwards;
 * - events carry ids and counters only: the log may be readable by whoever runs Redis.
 */
export abstract class EventLog {
  abstract append(userId: string, event: AccountEvent): Promise<StoredEvent>;
  abstract replay(userId: string, lastId: string): Promise<Replay>;
  abstract latest(userId: string): Promise<string>;
  /** Starts delivering to `listener`; the returned function stops it. */
  abstract subscribe(listener: EventListener): Promise<() => Promise<void>>;
  abstract close(): Promise<void>;

  /** Nest calls this after the HTTP server closed (the hub ended its streams before). */
  async onApplicationShutdown(): Promise<void> {
    await this.close();
  }
}
