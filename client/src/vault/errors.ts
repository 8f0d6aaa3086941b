import type { NodeConflict } from '../model/merge-documents.js';
/** Errors of the account flows, for callers that branch on them (the CLI's messages). */

/**
 * The password did not open the account's private keys. Login catches a wrong password earlier
 * (the server answers INVALID_CREDENTIALS); this is the unlock of a device that still holds a
 * session, or the current password of a password change. On unlock it can also mean the server
 * served a key bundle this password never sealed: the two look the same to AEAD.
 */
export class WrongPasswordError extends Error {
  override readonly name = 'WrongPasswordError';
  readonly code = 'WRONG_PASSWORD';

  constructor(options?: { cause?: unknown }) {
    super('wrong password: it does not open this account\'s keys', options);
  }
}

/** What a TamperingError is about. */
export type TamperedItem = 'envelope' | 'title' | 'content' | 'key-bundle' | 'share';

const TAMPERED_TEXT: Record<TamperedItem, string> = {
  envelope: "this map's key was not set by you",
  title: "this map's title was not written by you",
  content: 'this content was not saved to this map by you',
  'key-bundle': 'the key bundle the server sent was not sealed by you',
  share: "the shared data does not open with this link's key (the owner gave the map a new key after revoking a link, or the server sent other data)",
};

/**
 * Key material, a title or content failed its authentication: it was planted (made by someone
 * without this account's keys, e.g. a malicious server or a stolen access token) or moved from
 * another map, user, version or purpose. Nothing was decrypted with it, nothing encrypted under it.
 */
export class TamperingError extends Error {
  override readonly name = 'TamperingError';
  readonly code = 'TAMPERING_DETECTED';
  /** The plain sentence, without the map id ("this map's key was not set by you"). */
  readonly sentence: string;

  constructor(
    readonly item: TamperedItem,
    /** The map concerned; null for the key bundle. */
    readonly mapId: string | null,
    options?: { cause?: unknown },
  ) {
    super(`${mapId !== null ? `map ${mapId}: ` : ''}${TAMPERED_TEXT[item]}`, options);
    this.sentence = TAMPERED_TEXT[item];
  }
}

/** What a RollbackError is about. */
export type RolledBackItem = 'head' | 'key-bundle' | 'envelope' | 'title';

const ROLLBACK_TEXT: Record<RolledBackItem, string> = {
  head: 'the server presents an older version as the newest',
  'key-bundle': 'the server sent an older key bundle than this device has seen',
  envelope: "the server sent an older key for this map than this device has seen",
  title: 'the server sent an older title than this device has seen',
};

/**
 * The server presented as current something older than what this device has already seen
 * (authenticated sequence numbers: head seq, keyVersion, key epoch, title revision).
 */
export class RollbackError extends Error {
  override readonly name = 'RollbackError';
  readonly code = 'ROLLBACK_DETECTED';
  /** The plain sentence, without the map id. */
  readonly sentence: string;

  constructor(
    readonly item: RolledBackItem,
    readonly mapId: string | null,
    /** The newest value this device has seen. */
    readonly seen: number,
    /** What the server presented as current. */
    readonly served: number,
  ) {
    const sentence = `${ROLLBACK_TEXT[item]} (seen ${seen}, served ${served})`;
    super(`${mapId !== null ? `map ${mapId}: ` : ''}${sentence}`);
    this.sentence = sentence;
  }
}

/**
 * A save over a head that moved could not be merged cleanly: the same field of the same node was
 * changed differently on both sides (or a node deleted on one was changed on the other). Nothing
 * was saved; `conflicts` names each node with both values.
 */
export class MergeConflictError extends Error {
  override readonly name = 'MergeConflictError';
  readonly code = 'MERGE_CONFLICT';

  constructor(
    readonly mapId: string,
    readonly conflicts: NodeConflict[],
    /** The head the merge was attempted against. */
    readonly headVersionId: string,
  ) {
    super(`map ${mapId}: ${conflicts.length} conflicting change${conflicts.length === 1 ? '' : 's'} with version ${headVersionId}`);
  }
}
