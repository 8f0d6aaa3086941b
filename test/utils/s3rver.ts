import { createHash, randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, rename, rm } from 'node:fs/promises';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
// @ts-expect-error s3rver publishes no types; S3rverServer below declares the part used here.
import S3rver from 's3rver';

/** The slice of s3rver's API this helper uses (s3rver 3.7, its last release). */
interface S3rverServer {
  run(): Promise<AddressInfo>;
  close(): Promise<void>;
  /** The listening node server, set by run(). */
  httpServer: { closeAllConnections(): void };
  store: S3rverStore;
}

/** s3rver's FilesystemStore, as far as the atomic put below relies on it. */
interface S3rverStore {
  putObject(object: S3rverObject): Promise<{ md5: string; size: number }>;
  getResourcePath(bucket: string, key: string, resource: string): string;
  putMetadata(bucket: string, key: string, metadata: Record<string, string>, md5: string): Promise<void>;
}

interface S3rverObject {
  bucket: string;
  key: string;
  /** The request itself for a plain PUT. */
  content: Readable | Buffer;
  metadata: Record<string, string>;
  /** The request's Content-Length; NaN when there was none (a completed multipart upload). */
  readonly size: number;
}

interface S3rverOptions {
  address: string;
  port: number;
  silent: boolean;
  directory: string;
  configureBuckets: { name: string; configs: string[] }[];
}

const S3rverClass = S3rver as new (options: S3rverOptions) => S3rverServer;

export interface RunningS3rver {
  /** Full URL, e.g. `http://127.0.0.1:41234`, the form StorageModule's s3 config takes. */
  endPoint: string;
  accessKey: string;
  secretKey: string;
  /** Already created, and unique to this server. */
  bucket: string;
  /** Resolves when the next streamed PUT has received its first bytes: an upload is mid-stream. */
  nextPutReceiving(): Promise<void>;
  /** Stops the server and removes its files; safe to call twice. */
  stop(): Promise<void>;
}

/**
 * Starts an in-process s3rver on a free port over a fresh temp directory, with one empty bucket.
 * NOTE: s3rver checks only the access key id of a V4-signed request, never the signature, so these
 * tests cannot catch a signing bug.
 */
export async function startS3rver(): Promise<RunningS3rver> {
  const directory = await mkdtemp(join(tmpdir(), 'mindvault-s3rver-'));
  const bucket = `mindvault-${randomUUID()}`;
  const server = new S3rverClass({
    address: '127.0.0.1',
    port: 0,
    silent: true,
    directory,
    configureBuckets: [{ name: bucket, configs: [] }],
  });
  const receiving: (() => void)[] = [];
  makePutsAtomic(server.store, () => {
    for (const notify of receiving.splice(0)) notify();
  });
  let port: number;
  try {
    ({ port } = await server.run());
  } catch (error) {
    await rm(directory, { recursive: true, force: true });
    throw error;
  }

  let stopping: Promise<void> | undefined;
  const stop = async (): Promise<void> => {
    const closed = server.close();
    // Keep-alive and in-flight connections would otherwise hold close() open.
    server.httpServer.closeAllConnections();
    await closed;
    await rm(directory, { recursive: true, force: true });
  };

  return {
    endPoint: `http://127.0.0.1:${port}`,
    // s3rver's built-in account.
    accessKey: 'S3RVER',
    secretKey: 'S3RVER',
    bucket,
    nextPutReceiving: () => new Promise((resolve) => receiving.push(resolve)),
    stop: () => (stopping ??= stop()),
  };
}

/**
 * s3rver writes a PUT straight into the object's file and keeps the torso of a body whose client
 * went away, where S3 stores all of a PUT or nothing. Tests of cut-off uploads need S3's
 * behaviour, so a streamed PUT goes to a temp file that is renamed into place only when complete.
 */
function makePutsAtomic(store: S3rverStore, onFirstBytes: () => void): void {
  const putInPlace = store.putObject.bind(store);
  store.putObject = async (object) => {
    if (Buffer.isBuffer(object.content)) return putInPlace(object);
    const objectPath = store.getResourcePath(object.bucket, object.key, 'object');
    // Does not end in s3rver's object suffix, so no listing shows it.
    const temp = `${objectPath}.${randomUUID()}.uploading`;
    const md5 = createHash('md5');
    let size = 0;
    const measure = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        if (size === 0) onFirstBytes();
        md5.update(chunk);
        size += chunk.length;
        done(null, chunk);
      },
    });
    try {
      await mkdir(dirname(objectPath), { recursive: true });
      await pipeline(object.content, measure, createWriteStream(temp));
      if (!Number.isNaN(object.size) && size !== object.size) {
        throw new Error(`incomplete body: ${size} of ${object.size} bytes`);
      }
      await rename(temp, objectPath);
    } catch (error) {
      await rm(temp, { force: true });
      throw error;
    }
    const digest = md5.digest('hex');
    await store.putMetadata(object.bucket, object.key, object.metadata, digest);
    return { md5: digest, size };
  };
}
