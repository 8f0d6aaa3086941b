/**
 * What the event stream tells a user's devices: ids and counters, never a title, a size, a key or
 * ciphertext. Each is published after its change committed.
 */
export type AccountEvent =
  | { type: 'map.created'; mapId: string }
  | { type: 'map.saved'; mapId: string; versionId: string }
  /** `changed` names what moved: the encrypted title, the envelope (a re-key), maxVersions. */
  | { type: 'map.updated'; mapId: string; changed: MapField[] }
  | { type: 'map.deleted'; mapId: string }
  | { type: 'share.created'; mapId: string; shareId: string }
  | { type: 'share.revoked'; mapId: string; shareId: string }
  | { type: 'keys.rotated'; keyVersion: number }
  /** Every session of the account ended: its streams close after this event. */
  | { type: 'session.ended'; reason: 'logout-all' | 'password-changed' | 'recovered' | 'disabled' | 'account-deleted' };

export type MapField = 'title' | 'envelope' | 'maxVersions';

/** An event as the log keeps it: `id` orders one user's events and is what Last-Event-ID names. */
export interface StoredEvent {
  id: string;
  event: AccountEvent;
}

/**
 * A replay from a Last-Event-ID: the events after it, or `gone` when some of them already left
 * the log (the device must then refetch what it shows). `latestId` is the newest id the log knows,
 * or a fresh one when it holds none; a client that keeps it resumes from there.
 */
export type Replay = { outcome: 'events'; events: StoredEvent[]; latestId: string } | { outcome: 'gone'; latestId: string };
