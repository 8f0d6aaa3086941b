/**
 * The account's event stream (GET /api/events, docs/api.md "Events"), read through fetch so the
 * access token travels in a header (never a URL) and a refused token is refreshed like any other
 * call. Frames are parsed by eventsource-parser; reconnects resume from the last event id.
 */
import { createParser } from 'eventsource-parser';
import { ApiError, SessionExpiredError } from './api-error.js';
import type { HttpClient } from './http-client.js';

/** What the server streams: ids and counters only (never a title, a size, a key). */
export type AccountEvent =
  | { type: 'map.created'; mapId: string }
  | { type: 'map.saved'; mapId: string; versionId: string }
  | { type: 'map.updated'; mapId: string; changed: ('title' | 'envelope' | 'maxVersions')[] }
  | { type: 'map.deleted'; mapId: string }
  | { type: 'share.created'; mapId: string; shareId: string }
  | { type: 'share.revoked'; mapId: string; shareId: string }
  | { type: 'keys.rotated'; keyVersion: number }
  | { type: 'session.ended'; reason: 'logout-all' | 'password-changed' | 'recovered' | 'disabled' | 'account-deleted' }
  /** The stream is live (after a replay, or from the id it carries). */
  | { type: 'ready' }
  /** Events were missed beyond the replay window: refetch what you show. */
  | { type: 'resync' }
  /** The server closes the stream; the watcher reconnects by itself. */
  | { type: 'bye'; reason: string };

export type StreamState = 'connecting' | 'live' | 'offline' | 'closed';

export interface WatchOptions {
  /** Resume after this id (e.g. kept from a previous run); absent: from now. */
  lastEventId?: string;
  onEvent(event: AccountEvent, id: string | undefined): void;
  /** Connection state changes (for an indicator). */
  onState?(state: StreamState): void;
  signal?: AbortSignal;
  /** Milliseconds before a reconnect when the server gave no `retry:` (default 2000). */
  retryMs?: number;
}

/** One watch: resolves when it stops for good (aborted, the session ended, or the login is gone). */
export interface Watch {
  /** The newest event id received: resume from it later. */
  readonly lastEventId: string | undefined;
  readonly done: Promise<void>;
}

const MAX_BACKOFF_MS = 30_000;

export class EventsApi {
  constructor(private readonly http: HttpClient) {}

  /** A one-time ticket for `GET /api/events?ticket=` (for an EventSource, which cannot send headers). */
  async ticket(): Promise<{ ticket: string; expiresInS: number }> {
    return this.http.call('post', '/api/events/ticket', {});
  }

  /**
   * Streams the account's events to `onEvent` until aborted. Drops are retried after the server's
   * `retry:` hint (with a growing backoff while the network stays away), resuming with
   * Last-Event-ID so nothing is missed within the replay window (else a `resync` arrives). Stops
   * on `session.ended` and when the login is gone (SessionExpiredError, rethrown by `done`).
   */
  watch(options: WatchOptions): Watch {
    let lastEventId = options.lastEventId;
    let retryMs = options.retryMs ?? 2000;
    const state = (s: StreamState) => options.onState?.(s);
    const run = async (): Promise<void> => {
      let failures = 0;
      while (!options.signal?.aborted) {
        state('connecting');
        let ended = false;
        try {
          const response = await this.http.send('get', '/api/events', {
            headers: { accept: 'text/event-stream', ...(lastEventId ? { 'last-event-id': lastEventId } : {}) },
            signal: options.signal,
          });
          failures = 0;
          state('live');
          const parser = createParser({
            onEvent: (message) => {
              if (message.id) lastEventId = message.id;
              const event = JSON.parse(message.data) as AccountEvent;
              options.onEvent(event, message.id);
              if (event.type === 'session.ended') ended = true;
            },
            onRetry: (ms) => void (retryMs = ms),
          });
          const decoder = new TextDecoder();
          const reader = response.body!.getReader();
          for (;;) {
            const { done, value } = await reader.read();
            if (done) break;
            parser.feed(decoder.decode(value, { stream: true }));
          }
        } catch (error) {
          if (options.signal?.aborted) break;
          if (error instanceof SessionExpiredError) {
            state('closed');
            throw error;
          }
          // 4xx other than 429 will not mend by retrying (a bad Last-Event-ID is dropped once).
          if (error instanceof ApiError && error.status === 400 && lastEventId !== undefined) lastEventId = undefined;
          else if (error instanceof ApiError && error.status >= 400 && error.status < 500 && error.status !== 429) {
            state('closed');
            throw error;
          }
          failures += 1;
        }
        if (ended) break;
        state('offline');
        await sleep(Math.min(retryMs * 2 ** Math.max(0, failures - 1), MAX_BACKOFF_MS), options.signal);
      }
      state('closed');
    };
    const done = run();
    return {
      get lastEventId() {
        return lastEventId;
      },
      done,
    };
  }
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}
