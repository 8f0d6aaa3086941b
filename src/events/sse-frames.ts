import { AccountEvent } from './domain/account-event';

/** Server-Sent Events framing (WHATWG HTML §9.2). Data is one JSON line, so it never needs splitting. */
export function eventFrame(id: string, event: AccountEvent | ControlEvent): string {
  return `id: ${id}\nevent: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`;
}

/** A frame with no id: the client's Last-Event-ID stays where it was. */
export function unnumberedFrame(event: ControlEvent): string {
  return `event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`;
}

export function retryFrame(retryMs: number): string {
  return `retry: ${retryMs}\n\n`;
}

/** A comment: keeps proxies and the idle timeout from closing a quiet stream; clients ignore it. */
export const HEARTBEAT_FRAME = ': heartbeat\n\n';

/**
 * Events of the stream itself. `ready`: the stream is live from the id it carries. `resync`: the
 * Last-Event-ID was past the replay window, so the client must refetch what it shows. `bye`: the
 * server closes the stream (shutdown, a lost subscription); reconnect after the retry hint.
 */
export type ControlEvent = { type: 'ready' } | { type: 'resync' } | { type: 'bye'; reason: 'shutdown' | 'reconnect' };
