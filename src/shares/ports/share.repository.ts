import type { KeysetCursor } from '../../common/http/keyset-cursor';
import type { Share } from '../domain/share';

/**
 * The share's map, or its pinned version, no longer existed when the share was inserted: nothing
 * was written. Not an HTTP error: the service answers it in the contract's terms.
 */
export class ShareTargetGone extends Error {
  constructor(readonly target: 'map' | 'version') {
    super(`the share's ${target} is gone`);
  }
}

/**
 * Share links. `findLive` answers only for a share that is neither revoked (deleted) nor expired
 * at `now`, on a map whose owner is not disabled. A pinned version's deletion (pruning) deletes its shares; so does the map's.
 * Joins the caller's UnitOfWork transaction.
 */
export abstract class ShareRepository {
  /** Rejects with ShareTargetGone when the map or the pinned version is gone by the time of the insert. */
  abstract insert(share: Share): Promise<void>;
  /** Shares of all the owner's maps, expired ones included. */
  abstract countOwned(ownerId: string): Promise<number>;
  /** Newest first, at most `limit`, after `after`; `next` is where the page ended, null at the end. */
  abstract listForMap(mapId: string, limit: number, after?: KeysetCursor): Promise<{ items: Share[]; next: KeysetCursor | null }>;
  abstract findLive(tokenHash: Buffer, now: Date): Promise<Share | undefined>;
  /** False when the map has no such share. */
  abstract delete(id: string, mapId: string): Promise<boolean>;
}
