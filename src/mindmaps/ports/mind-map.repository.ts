import type { MapVersion, MindMap } from '../domain/mind-map';
import type { Envelope } from '../../common/domain/envelope';
import type { KeysetCursor } from '../../common/http/keyset-cursor';

export interface MapPage {
  items: MindMap[];
  /** Position after the last item, or null when the list is complete. */
  next: KeysetCursor | null;
}

/**
 * What a head move did. Once moved, the map's row is locked until the transaction ends, and
 * `envelope` is the one in force under that lock: the envelope the new version must record (a key
 * rotation racing the save either committed before the move or waits for this transaction, and then
 * re-points this version with the others). `overLimit`: the map now holds more versions than its
 * maxVersions (a prune is due).
 */
export type HeadMove =
  | { outcome: 'moved'; overLimit: boolean; envelope: Envelope }
  | { outcome: 'missing' }
  | { outcome: 'conflict' };

/**
 * Mind maps. Every read that serves a request is scoped by owner: another user's map is simply
 * not found. Methods join the caller's UnitOfWork transaction; those that lock rows, or are only
 * correct together with the caller's other statements, refuse to run outside one.
 */
export abstract class MindMapRepository {
  /** Rejects with MapIdTaken when the id is in use. */
  abstract insert(map: MindMap): Promise<void>;
  abstract countOwned(ownerId: string): Promise<number>;
  abstract findOwned(id: string, ownerId: string): Promise<MindMap | undefined>;
  /**
   * findOwned and the row of its head version (null before the first save), in one statement, so
   * the two are one snapshot: the head named is the head returned.
   */
  abstract findOwnedWithHead(id: string, ownerId: string): Promise<{ map: MindMap; head: MapVersion | null } | undefined>;
  /** findOwned that also locks the row until the transaction ends. In a transaction only. */
  abstract lockOwned(id: string, ownerId: string): Promise<MindMap | undefined>;
  /** Locks by id alone: for jobs, which act on behalf of no request. In a transaction only. */
  abstract lockById(id: string): Promise<MindMap | undefined>;
  abstract listOwned(ownerId: string, limit: number, after?: KeysetCursor): Promise<MapPage>;
  /** Every owned map's id and current wrappedDek, rows locked, in id order (the lock order all writers use). In a transaction only. */
  abstract lockAllOwned(ownerId: string): Promise<{ id: string; wrappedDek: Buffer }[]>;
  abstract update(
    id: string,
    patch: Partial<Pick<MindMap, 'encryptedTitle' | 'envelope' | 'maxVersions'>>,
  ): Promise<MindMap>;
  abstract delete(id: string): Promise<void>;
  /** Deletes every map of the owner (their versions and shares go with them); returns how many. */
  abstract deleteAllOwned(ownerId: string): Promise<number>;
  /**
   * Makes `versionId` the head in one conditional statement (and makes the map's thinning due):
   * 'conflict' when `expectedHead` is
   * given (null: "no head yet") and is not the head; 'missing' when the map is gone. In a
   * transaction only: the caller records the version under the lock this takes.
   */
  abstract moveHead(
    id: string,
    ownerId: string,
    head: { versionId: string; sizeBytes: number },
    expectedHead?: string | null,
  ): Promise<HeadMove>;
  /** Maps holding more versions than their maxVersions, oldest first. */
  abstract listOverdueIds(limit: number): Promise<string[]>;
  /**
   * How many maps hold more versions than they may, and since when the longest-waiting one has: the
   * save time of its version that first went past maxVersions (null when none is overdue).
   */
  abstract overdueBacklog(): Promise<{ maps: number; oldestSince: Date | null }>;
  abstract removedVersions(id: string, count: number): Promise<void>;
  /** Maps whose retention may drop a version now (a save, or a kept version changing tier), longest due first. */
  abstract listThinDueIds(limit: number): Promise<string[]>;
  /** When the map's retention may next drop a version without a save; null: not until a save. */
  abstract setThinDue(id: string, at: Date | null): Promise<void>;
  /** Replaces each listed map's envelope, in one statement. In a transaction only (the rows locked). */
  abstract replaceEnvelopes(items: { id: string; envelope: Envelope }[]): Promise<void>;
}
