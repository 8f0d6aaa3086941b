import type { ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { BeforeApplicationShutdown, Injectable, Logger } from '@nestjs/common';
import { AppConfig, EventsConfig } from '../config/app-config';
import { StoredEvent } from './domain/account-event';
import { compareEventIds, parseEventId } from './domain/event-id';
import { EventsUnavailable, TooManyStreams } from './events.errors';
import { EventLog } from './ports/event-log';
import { eventFrame, HEARTBEAT_FRAME, retryFrame, unnumberedFrame } from './sse-frames';

/** One open stream: its user, its socket, and the newest id it was sent (nothing older is sent after). */
interface OpenStream {
  userId: string;
  response?: ServerResponse;
  lastSentId?: string;
  /** Live events that arrived while the replay was being read; sent after it. */
  pending?: StoredEvent[];
}

/** Starts writing an accepted stream: the caller hands over its raw response here. */
export type StreamStarter = (start: (response: ServerResponse) => void) => void;

/**
 * Every event stream open on this process. One subscription to the event log feeds them all; one
 * timer beats their hearts. A stream whose reader lags more than `maxBufferBytes` is closed (the
 * client reconnects and replays), and on shutdown every stream is told to come back after the
 * retry hint, then ended, before the HTTP server closes.
 */
@Injectable()
export class EventStreamHub implements BeforeApplicationShutdown {
  private readonly logger = new Logger('EventStreamHub');
  private readonly settings: EventsConfig;
  private readonly byUser = new Map<string, Set<OpenStream>>();
  private subscribing?: Promise<() => Promise<void>>;
  private heartbeat?: NodeJS.Timeout;
  private closing = false;
  /** Every stream's connection until it closes, including one whose stream was already forgotten. */
  private readonly sockets = new Set<Socket>();

  constructor(
    private readonly log: EventLog,
    config: AppConfig,
  ) {
    this.settings = config.events;
  }

  /** Open streams on this process (all users). */
  get size(): number {
    let total = 0;
    for (const streams of this.byUser.values()) total += streams.size;
    return total;
  }

  /**
   * Accepts a stream for `userId` (429 past the per-user cap, 503 while shutting down or when the
   * log does not answer), reads what it must replay, then calls `begin` to take over the response
   * and writes the replay and whatever arrived meanwhile.
   */
  async open(userId: string, lastEventId: string | undefined, begin: StreamStarter): Promise<void> {
    if (this.closing) throw new EventsUnavailable('the server is shutting down');
    await this.subscribe();
    const streams = this.byUser.get(userId) ?? new Set<OpenStream>();
    if (streams.size >= this.settings.maxStreamsPerUser) throw new TooManyStreams(this.settings.maxStreamsPerUser);
    // Registered before the replay is read, so no event published meanwhile is missed.
    const stream: OpenStream = { userId, pending: [] };
    streams.add(stream);
    this.byUser.set(userId, streams);
    let first: string[];
    try {
      first = await this.openingFrames(stream, lastEventId);
    } catch (error) {
      this.forget(stream);
      this.logger.warn(`stream for user ${userId} not opened: ${error instanceof Error ? error.message : String(error)}`);
      throw new EventsUnavailable();
    }
    begin((response) => {
      stream.response = response;
      response.on('close', () => this.forget(stream));
      const socket = response.socket;
      if (socket) {
        this.sockets.add(socket);
        socket.once('close', () => this.sockets.delete(socket));
      }
      if (this.closing) {
        response.end(retryFrame(this.settings.retryMs) + unnumberedFrame({ type: 'bye', reason: 'shutdown' }));
        return;
      }
      this.write(stream, retryFrame(this.settings.retryMs) + first.join(''));
      const pending = stream.pending ?? [];
      stream.pending = undefined;
      for (const stored of pending) this.deliver(stream, stored);
      this.startHeartbeat();
    });
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.closing = true;
    clearInterval(this.heartbeat);
    if (this.size > 0) this.logger.log(`shutdown: closing ${this.size} event streams`);
    this.endAll('shutdown');
    // NOTE: a connection whose client went away without the server noticing would hold the HTTP
    // server's close (and the exit) open: each is ended once what is queued on it is flushed.
    for (const socket of this.sockets) socket.destroySoon();
    const unsubscribe = await this.subscribing?.catch(() => undefined);
    await unsubscribe?.();
  }

  private async openingFrames(stream: OpenStream, lastEventId: string | undefined): Promise<string[]> {
    if (lastEventId === undefined) {
      stream.lastSentId = await this.log.latest(stream.userId);
      return [eventFrame(stream.lastSentId, { type: 'ready' })];
    }
    const replay = await this.log.replay(stream.userId, lastEventId);
    stream.lastSentId = replay.latestId;
    if (replay.outcome === 'gone') return [eventFrame(replay.latestId, { type: 'resync' })];
    const frames = replay.events.map((e) => eventFrame(e.id, e.event));
    const last = replay.events.at(-1);
    stream.lastSentId = last ? last.id : lastEventId;
    return [...frames, unnumberedFrame({ type: 'ready' })];
  }

  private subscribe(): Promise<() => Promise<void>> {
    this.subscribing ??= this.log
      .subscribe({
        event: (userId, stored) => {
          for (const stream of this.byUser.get(userId) ?? []) {
            if (stream.pending) stream.pending.push(stored);
            else this.deliver(stream, stored);
          }
        },
        gap: () => {
          this.logger.warn('event subscription was interrupted: every stream reconnects and replays');
          this.endAll('reconnect');
        },
      })
      .catch((error: unknown) => {
        this.subscribing = undefined;
        throw error;
      });
    return this.subscribing;
  }

  private deliver(stream: OpenStream, stored: StoredEvent): void {
    const id = parseEventId(stored.id);
    const sent = stream.lastSentId ? parseEventId(stream.lastSentId) : undefined;
    if (!id || (sent && compareEventIds(id, sent) <= 0)) return;
    stream.lastSentId = stored.id;
    this.write(stream, eventFrame(stored.id, stored.event));
    // The account's sessions are over: the stream ends with them (a reconnect would be refused).
    if (stored.event.type === 'session.ended') stream.response?.end();
  }

  /** Writes, or closes a stream whose reader has fallen `maxBufferBytes` behind. */
  private write(stream: OpenStream, frame: string): void {
    const response = stream.response;
    if (!response || response.writableEnded || response.destroyed) return;
    if (response.writableLength + Buffer.byteLength(frame) > this.settings.maxBufferBytes) {
      this.logger.warn(`stream for user ${stream.userId} closed: its reader fell ${response.writableLength} bytes behind`);
      response.destroy();
      this.forget(stream);
      return;
    }
    response.write(frame);
  }

  private endAll(reason: 'shutdown' | 'reconnect'): void {
    const goodbye = retryFrame(this.settings.retryMs) + unnumberedFrame({ type: 'bye', reason });
    for (const streams of [...this.byUser.values()]) {
      for (const stream of [...streams]) {
        this.write(stream, goodbye);
        stream.response?.end();
        this.forget(stream);
      }
    }
  }

  private startHeartbeat(): void {
    if (this.heartbeat) return;
    this.heartbeat = setInterval(() => {
      for (const streams of [...this.byUser.values()]) for (const stream of [...streams]) this.write(stream, HEARTBEAT_FRAME);
    }, this.settings.heartbeatS * 1000);
    this.heartbeat.unref();
  }

  private forget(stream: OpenStream): void {
    const streams = this.byUser.get(stream.userId);
    if (!streams) return;
    streams.delete(stream);
    if (streams.size === 0) this.byUser.delete(stream.userId);
  }
}
