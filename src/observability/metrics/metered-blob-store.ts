import { performance } from 'node:perf_hooks';
import { Readable } from 'node:stream';
import { AppError } from '../../common/errors/app-error';
import { BlobStore, StoredObject } from '../../storage/ports/blob-store';
import { requestTimings } from '../diagnostics/request-timings';
import { AppMetrics } from './app-metrics';

type Operation = 'put' | 'get' | 'delete' | 'list' | 'ping';

/**
 * Any BlobStore, measured: latency by operation and outcome, errors by contract code, and (with
 * diagnostics on) the request's blob-store time for Server-Timing. Adapters stay unaware of it.
 */
export class MeteredBlobStore extends BlobStore {
  constructor(
    private readonly inner: BlobStore,
    private readonly metrics: AppMetrics,
    private readonly timeRequests: boolean,
  ) {
    super();
  }

  put(key: string, body: Readable, sizeBytes: number): Promise<void> {
    return this.measure('put', () => this.inner.put(key, body, sizeBytes));
  }

  get(key: string): Promise<Readable> {
    return this.measure('get', () => this.inner.get(key));
  }

  delete(key: string): Promise<void> {
    return this.measure('delete', () => this.inner.delete(key));
  }

  ping(): Promise<void> {
    return this.measure('ping', () => this.inner.ping());
  }

  /** Maintenance, not traffic: passed through unmeasured. */
  readInstallId(): Promise<string | undefined> {
    return this.inner.readInstallId();
  }

  claimInstallId(installId: string): Promise<string> {
    return this.inner.claimInstallId(installId);
  }

  removeStaleUploads(olderThan: Date): Promise<number> {
    return this.inner.removeStaleUploads(olderThan);
  }

  async *list(prefix: string): AsyncIterable<StoredObject> {
    const started = performance.now();
    try {
      yield* this.inner.list(prefix);
      this.record('list', started, undefined);
    } catch (error) {
      this.record('list', started, error);
      throw error;
    }
  }

  private async measure<T>(operation: Operation, call: () => Promise<T>): Promise<T> {
    const started = performance.now();
    try {
      const result = await call();
      this.record(operation, started, undefined);
      return result;
    } catch (error) {
      this.record(operation, started, error);
      throw error;
    }
  }

  private record(operation: Operation, started: number, error: unknown): void {
    const elapsed = performance.now() - started;
    this.metrics.blobDuration.observe({ operation, outcome: error === undefined ? 'ok' : 'error' }, elapsed / 1000);
    if (error !== undefined) this.metrics.blobErrors.inc({ operation, code: error instanceof AppError ? error.code : 'UNEXPECTED' });
    if (this.timeRequests) {
      const timings = requestTimings.current();
      if (timings) {
        timings.blobMs += elapsed;
        timings.blobCalls++;
      }
    }
  }
}
