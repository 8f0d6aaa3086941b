import { Readable } from 'node:stream';

/** One stored object as the blob store lists it. */
export interface StoredObject {
  key: string;
  sizeBytes: number;
  lastModified: Date;
}

/**
 * Where ciphertext lives. Contract every adapter honours (test/contract/blob-store.contract.ts):
 * - keys are server-generated (`users/<uuid>/maps/<uuid>/<uuid>`), never user paths; an adapter
 *   refuses any other shape with InvalidBlobKey;
 * - objects are immutable: a key is written once, a new version gets a new key;
 * - `put` reads exactly `sizeBytes` bytes from `body` without buffering the whole stream; a stream
 *   that ends short or runs long rejects with BlobSizeMismatch and leaves nothing stored under the key;
 * - `get` of a missing key rejects with BlobNotFound;
 * - `delete` is idempotent: deleting a missing key succeeds;
 * - a backend that cannot be reached rejects with BlobStoreUnavailable.
 */
export abstract class BlobStore {
  abstract put(key: string, body: Readable, sizeBytes: number): Promise<void>;
  abstract get(key: string): Promise<Readable>;
  abstract delete(key: string): Promise<void>;
  /** Every object under `prefix` ('' for all); used by the orphan sweeper, never per request. */
  abstract list(prefix: string): AsyncIterable<StoredObject>;
  /**
   * Removes what uploads last modified before `olderThan` left behind (a process that died
   * mid-upload); returns how many. The caller picks a time no running upload can predate.
   */
  abstract removeStaleUploads(olderThan: Date): Promise<number>;
  /** Resolves when the backend answers; used by /health/ready. */
  abstract ping(): Promise<void>;
  /**
   * The install id the store was claimed for (StoreOwnership), kept under INSTALL_ID_NAME, a name
   * no object key can have; undefined when the store was never claimed.
   */
  abstract readInstallId(): Promise<string | undefined>;
  /** Writes `installId` unless the store holds one already; answers the one it then holds. */
  abstract claimInstallId(installId: string): Promise<string>;
}
