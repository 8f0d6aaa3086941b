import { Readable } from 'node:stream';
import { BlobStore, StoredObject } from '../../src/storage/ports/blob-store';

/**
 * The app's real blob store, passed through unchanged, telling the test when a put began and when
 * every put has settled: the deterministic points a test of a cut-off upload waits for.
 */
export class ObservedBlobStore extends BlobStore {
  private readonly puts: Promise<'stored' | 'failed'>[] = [];
  private started: (() => void)[] = [];

  constructor(private readonly inner: BlobStore) {
    super();
  }

  put(key: string, body: Readable, sizeBytes: number): Promise<void> {
    const put = this.inner.put(key, body, sizeBytes);
    this.puts.push(put.then(() => 'stored' as const, () => 'failed' as const));
    for (const notify of this.started.splice(0)) notify();
    return put;
  }

  /** Resolves at the next put. */
  nextPut(): Promise<void> {
    return new Promise((resolve) => this.started.push(resolve));
  }

  /** Once every put so far has settled: how each ended, in the order they began. */
  settled(): Promise<('stored' | 'failed')[]> {
    return Promise.all(this.puts);
  }

  get(key: string): Promise<Readable> {
    return this.inner.get(key);
  }

  delete(key: string): Promise<void> {
    return this.inner.delete(key);
  }

  list(prefix: string): AsyncIterable<StoredObject> {
    return this.inner.list(prefix);
  }

  ping(): Promise<void> {
    return this.inner.ping();
  }

  readInstallId(): Promise<string | undefined> {
    return this.inner.readInstallId();
  }

  claimInstallId(installId: string): Promise<string> {
    return this.inner.claimInstallId(installId);
  }

  removeStaleUploads(olderThan: Date): Promise<number> {
    return this.inner.removeStaleUploads(olderThan);
  }
}
