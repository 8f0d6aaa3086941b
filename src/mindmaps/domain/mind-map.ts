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
