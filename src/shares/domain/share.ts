import type { Envelope } from '../../common/domain/envelope';

/**
 * A link share of one map. The token itself is never stored, only its sha256; the envelope wraps
 * the map's data key under a key that lives only in the link's URL fragment.
 */
export interface Share {
  id: string;
  mapId: string;
  ownerId: string;
  tokenHash: Buffer;
  envelope: Envelope;
  /** The version the link shows; null follows the map's head. */
  versionId: string | null;
  expiresAt: Date | null;
  createdAt: Date;
}

/** What a link opens: the title, the share's envelope, and which version it shows. */
export interface SharedContent {
  encryptedTitle: Buffer;
  envelope: Envelope;
  /** Null while the map has no content yet. */
  versionId: string | null;
  sizeBytes: number;
}
