import type { Envelope } from '../../common/domain/envelope';

/** A save's commit: the new version, and what its save checked and settled. */
export interface VersionRecord {
  versionId: string;
  mapId: string;
  ownerId: string;
  objectKey: string;
  sizeBytes: number;
  savedAt: Date;
  /** If-Match: save only over this head (null: "no head yet"); undefined: no check. */
  expectedHead?: string | null;
  /** If-Envelope-Match: save only while the map's envelope has this wrappedDek; undefined: no check. */
  envelopeWrappedDek?: Buffer;
  /** A restore: the new version takes this version's envelope instead of the map's. */
  restoreOf?: string;
  /** The upload's reservation, settled into `charge` bytes of stored usage within `limitBytes`. */
  reservationId: string;
  charge: number;
  limitBytes: number;
}

/**
 * What recording did. `recorded`: the head moved, the reservation became stored usage and the
 * version row exists, with `envelope` (the one in force under the map's lock); `overLimit`: the
 * map holds more than its maxVersions now. Anything else wrote nothing: `missing` (no such map of
 * the owner), `conflict` (If-Match; `head` is the one in force), `envelope-changed`
 * (If-Envelope-Match), `quota` (the charge does not fit; `usageBytes` as found), `version-missing`
 * (the version a restore copies is gone).
 */
export type RecordOutcome =
  | { outcome: 'recorded'; overLimit: boolean; envelope: Envelope }
  | { outcome: 'missing' }
  | { outcome: 'conflict'; head: string | null }
  | { outcome: 'envelope-changed' }
  | { outcome: 'quota'; usageBytes: number }
  | { outcome: 'version-missing' };

/**
 * A save's commit, all or nothing: moves the map's head to the version (If-Match and
 * If-Envelope-Match checked under the map's row lock), settles the upload's reservation (as
 * UsageLedger.settle: usage + other reservations + charge within the limit), and inserts the
 * version row with the envelope in force under that lock (a restore's: the old version's). The
 * rules and the lock order are those of MindMapRepository.moveHead, UsageLedger.settle and
 * MapVersionRepository.insert run in one transaction; an adapter may do it in one round trip.
 */
export abstract class VersionRecorder {
  abstract record(record: VersionRecord): Promise<RecordOutcome>;
}
