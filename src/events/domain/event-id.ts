/**
 * Event ids are Redis stream ids, `<milliseconds>-<sequence>`, in both logs (the in-process one
 * makes its own the same way), so one rule decides what a replay can still give.
 */
const ID = /^(\d{1,15})-(\d{1,15})$/;

export interface ParsedEventId {
  ms: number;
  seq: number;
}

export function parseEventId(id: string): ParsedEventId | undefined {
  const match = ID.exec(id);
  return match ? { ms: Number(match[1]), seq: Number(match[2]) } : undefined;
}

/** Negative when a is older than b. */
export function compareEventIds(a: ParsedEventId, b: ParsedEventId): number {
  return a.ms - b.ms || a.seq - b.seq;
}

/** An id older than every event appended from now on: the "nothing yet" mark a client may resume from. */
export function idForNow(now = Date.now()): string {
  return `${now}-0`;
}

/** What a log knows of one user, enough to decide whether a replay from `lastId` is complete. */
export interface LogState {
  /** False when the user's log expired (no event for the window) or never existed. */
  exists: boolean;
  /** The newest id trimmed away, if any was. */
  maxDeletedId?: string;
  /** The newest id ever appended, while the log exists. */
  lastId?: string;
}

/**
 * Whether every event after `lastId` is still in the log. A log that expired lost nothing a client
 * could have missed only if the client's id is younger than the window (an expired log means no
 * event for a whole window); an id from the future (another server, a wiped Redis) cannot be trusted.
 */
export function replayIsComplete(lastId: string, state: LogState, windowMs: number, now = Date.now()): boolean {
  const last = parseEventId(lastId);
  if (!last) return false;
  if (!state.exists) return last.ms >= now - windowMs && last.ms <= now;
  const newest = state.lastId ? parseEventId(state.lastId) : undefined;
  if (newest && compareEventIds(last, newest) > 0) return false;
  const deleted = state.maxDeletedId ? parseEventId(state.maxDeletedId) : undefined;
  return !deleted || compareEventIds(last, deleted) >= 0;
}
