import type { Envelope } from '../../common/domain/envelope';

export interface MindMap {
  id: string;
  ownerId: string;
  encryptedTitle: Buffer;
  envelope: Envelope;
  maxVersions: number;
  headVersionId: string | null;
  /** Size of the head version's ciphertext. */
  sizeBytes: number;
  versionCount: number;
  createdAt: Date;
  updatedAt: Date;
}

export interface MapVersion {
  id: string;
  mapId: string;
  ownerId: string;
  objectKey: string;
  sizeBytes: number;
  /** The envelope in force when this version was saved. */
  envelope: Envelope;
  savedAt: Date;
  /** Pinned by its owner: never thinned (docs/api.md, Version history). */
  pinned: boolean;
  /** The version's name, encrypted by the client (crypto.md, Version names); null when unnamed. */
  encryptedLabel: Buffer | null;
}

/** What retention needs of a version; `held`: a share link that has not expired pins it. */
export interface VersionForRetention {
  id: string;
  savedAt: Date;
  pinned: boolean;
  held: boolean;
  /** When the earliest expiring link holding it ends (null: no expiring hold). */
  holdEndsAt: Date | null;
}

/**
 * One map's part of a key rotation: its new envelope, which also replaces every version envelope
 * equal to the map's current one, and a new envelope for each other distinct version envelope,
 * named by its old wrappedDek (unique per wrap).
 */
export interface RewrappedMap {
  id: string;
  envelope: Envelope;
  versionEnvelopes: { previousWrappedDek: Buffer; envelope: Envelope }[];
}

export const DEFAULT_MAX_VERSIONS = 20;
