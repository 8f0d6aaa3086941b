import { Transform, TransformCallback } from 'node:stream';
import { BlobSizeMismatch } from './storage.errors';

/**
 * Passes a body through only if it is exactly `expectedBytes` long; fails with BlobSizeMismatch
 * as soon as it runs long, or when it ends short.
 *
 * The chunk that completes the count is held back until the source ends: a sink that commits once
 * it has the announced length (an S3 PUT with Content-Length) must never get a whole body from a
 * source that then turns out to be longer.
 */
export class ExactLengthStream extends Transform {
  private receivedBytes = 0;
  private lastChunk: Buffer | undefined;

  constructor(private readonly expectedBytes: number) {
    super();
    if (!Number.isSafeInteger(expectedBytes) || expectedBytes < 0) {
      throw new RangeError(`sizeBytes must be a non-negative integer, got ${expectedBytes}`);
    }
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.receivedBytes += chunk.length;
    if (chunk.length === 0) {
      // An empty chunk after the held one must not replace it.
      callback();
    } else if (this.receivedBytes > this.expectedBytes) {
      callback(new BlobSizeMismatch(this.expectedBytes, this.receivedBytes));
    } else if (this.receivedBytes === this.expectedBytes) {
      this.lastChunk = chunk;
      callback();
    } else {
      callback(null, chunk);
    }
  }

  override _flush(callback: TransformCallback): void {
    if (this.receivedBytes !== this.expectedBytes) {
      callback(new BlobSizeMismatch(this.expectedBytes, this.receivedBytes));
    } else {
      callback(null, this.lastChunk);
    }
  }
}
