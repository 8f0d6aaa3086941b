import { once } from 'node:events';
import http, { ClientRequest, IncomingMessage } from 'node:http';
import https from 'node:https';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Client, S3Error } from 'minio';
import { AppError } from '../../common/errors/app-error';
import { assertBlobKey, INSTALL_ID_NAME } from '../blob-key';
import { S3BlobStoreConfig } from '../blob-store.config';
import { ExactLengthStream } from '../exact-length.stream';
import { BlobStore, StoredObject } from '../ports/blob-store';
import { BlobNotFound, BlobSizeMismatch, BlobStoreUnavailable } from '../storage.errors';

/** In ms: how long a request may wait on a silent server (connecting, or for the response headers). */
const RESPONSE_TIMEOUT_MS = 30_000;
/**
 * In ms: an idle kept-alive socket is dropped after this long. Below the 5 s idle timeout of Node
 * based servers (s3rver, many proxies): with equal timeouts, a request sent on a socket the server
 * is closing at that instant fails with ECONNRESET (Node's global agent uses exactly 5 s).
 */
const IDLE_SOCKET_MS = 4_000;
/** In seconds: the upload URL is only used at once, by the request that asked for it. */
const UPLOAD_URL_TTL_S = 5 * 60;
/** In bytes: an S3 error body is a short XML document; a longer answer is not read further. */
const MAX_ERROR_BODY_BYTES = 64 * 1024;

const NOT_FOUND_CODES = new Set(['NoSuchKey', 'NotFound']);
/** Codes that say the store as configured cannot serve anyone, so readiness should fail. */
const UNAVAILABLE_S3_CODES = new Set(['NoSuchBucket', 'SlowDown', 'ServiceUnavailable', 'InternalError']);
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
]);
/**
 * minio turns a 5xx into a plain Error after its own retry, keeping the status only in the message
 * ("Request failed after 1 retries: Error: Retryable HTTP status: 503").
 */
const RETRIES_EXHAUSTED = /Retryable HTTP status: 5\d\d/;

type Transport = Pick<typeof http, 'request'>;

/**
 * Objects in one bucket of an S3-compatible service.
 *
 * Uploads are single PUTs with a known Content-Length (blobs stay far below S3's 5 GiB single-PUT
 * limit, and no multipart upload is ever left behind). They do not go through `client.putObject`:
 * minio 8 reads the whole stream into one Buffer before any PUT of up to `partSize` (64 MiB), which
 * breaks the port's no-buffering contract. minio signs an upload URL instead and the body streams
 * straight into the request.
 */
export class S3BlobStore extends BlobStore {
  private readonly bucket: string;
  private readonly region: string | undefined;
  private readonly transport: Transport;
  private readonly agent: http.Agent;
  private readonly client: Client;

  constructor(options: Omit<S3BlobStoreConfig, 'driver'>) {
    super();
    const url = new URL(options.endPoint);
    if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.pathname !== '/') {
      throw new Error(`S3 endpoint must be an http(s) URL without a path, got ${options.endPoint}`);
    }
    const useSSL = url.protocol === 'https:';
    this.bucket = options.bucket;
    this.region = options.region;
    this.transport = withResponseTimeout(useSSL ? https : http);
    const agentOptions = { keepAlive: true, timeout: IDLE_SOCKET_MS, scheduling: 'lifo' as const };
    this.agent = useSSL ? new https.Agent(agentOptions) : new http.Agent(agentOptions);
    this.client = new Client({
      endPoint: url.hostname,
      port: url.port ? Number(url.port) : undefined,
      useSSL,
      accessKey: options.accessKey,
      secretKey: options.secretKey,
      region: options.region,
      transport: this.transport,
      transportAgent: this.agent,
    });
  }

  /** Creates the bucket if it does not exist yet; run once at start-up. */
  async ensureBucket(): Promise<void> {
    try {
      if (await this.client.bucketExists(this.bucket)) return;
      // Without a region the bucket lands in us-east-1, whatever the client signs for.
      await this.client.makeBucket(this.bucket, this.region ?? '');
    } catch (error) {
      // Another instance starting at the same time may have created it first.
      if (error instanceof S3Error && error.code === 'BucketAlreadyOwnedByYou') return;
      throw toStoreError(error);
    }
  }

  override async put(key: string, body: Readable, sizeBytes: number): Promise<void> {
    assertBlobKey(key);
    try {
      await this.upload(key, body, sizeBytes);
    } catch (error) {
      // NOTE: S3 discards a PUT cut off mid-body, but not every compatible server does (s3rver keeps
      // the torso), so a failed upload is deleted too. A failing delete must not hide the real error.
      await this.client.removeObject(this.bucket, key).catch(() => undefined);
      throw error;
    }
  }

  override async get(key: string): Promise<Readable> {
    assertBlobKey(key);
    try {
      return await this.client.getObject(this.bucket, key);
    } catch (error) {
      throw toStoreError(error, key);
    }
  }

  override async delete(key: string): Promise<void> {
    assertBlobKey(key);
    try {
      await this.client.removeObject(this.bucket, key);
    } catch (error) {
      throw toStoreError(error);
    }
  }

  override async *list(prefix: string): AsyncGenerator<StoredObject> {
    try {
      for await (const item of this.client.listObjectsV2(this.bucket, prefix, true)) {
        // A recursive listing has no common prefixes; the check narrows minio's union type.
        if (item.name !== undefined) {
          yield { key: item.name, sizeBytes: item.size, lastModified: item.lastModified };
        }
      }
    } catch (error) {
      throw toStoreError(error);
    }
  }

  override async readInstallId(): Promise<string | undefined> {
    try {
      const body = await this.client.getObject(this.bucket, INSTALL_ID_NAME);
      const chunks: Buffer[] = [];
      for await (const chunk of body) chunks.push(chunk as Buffer);
      return Buffer.concat(chunks).toString('utf8').trim();
    } catch (error) {
      if (error instanceof S3Error && error.code !== undefined && NOT_FOUND_CODES.has(error.code)) return undefined;
      throw toStoreError(error);
    }
  }

  /**
   * S3 has no portable create-if-absent: read, then write. Processes racing here got `installId`
   * from the same database, so they write the same value.
   */
  override async claimInstallId(installId: string): Promise<string> {
    const found = await this.readInstallId();
    if (found !== undefined) return found;
    try {
      await this.client.putObject(this.bucket, INSTALL_ID_NAME, Buffer.from(`${installId}\n`));
    } catch (error) {
      throw toStoreError(error);
    }
    return (await this.readInstallId())!;
  }

  /** Nothing to remove: uploads are single PUTs, never a multipart upload left behind. */
  override async removeStaleUploads(): Promise<number> {
    return 0;
  }

  override async ping(): Promise<void> {
    let exists: boolean;
    try {
      exists = await this.client.bucketExists(this.bucket);
    } catch (error) {
      throw new BlobStoreUnavailable(error);
    }
    if (!exists) throw new BlobStoreUnavailable(new Error(`bucket ${this.bucket} does not exist`));
  }

  private async upload(key: string, body: Readable, sizeBytes: number): Promise<void> {
    const counter = new ExactLengthStream(sizeBytes);
    let url: string;
    try {
      url = await this.client.presignedPutObject(this.bucket, key, UPLOAD_URL_TTL_S);
    } catch (error) {
      throw toStoreError(error);
    }
    // NOTE: pipeline hands a failure on to every stream in it, so an error on the body does not by
    // itself say the client went away: whichever side failed first is the one to blame.
    let firstFailure: 'body' | 'store' | undefined;
    body.once('error', () => (firstFailure ??= 'body'));
    const request = this.transport.request(url, { method: 'PUT', agent: this.agent, headers: { 'content-length': sizeBytes } });
    request.once('error', () => (firstFailure ??= 'store'));
    const [sent, answered] = await Promise.allSettled([
      pipeline(body, counter, request),
      once(request, 'response').then(
        ([response]: IncomingMessage[]) => checkAnswer(response, request),
        (error: unknown) => Promise.reject(toStoreError(error)),
      ),
    ]);
    if (sent.status === 'rejected') {
      const error: unknown = sent.reason;
      if (error instanceof BlobSizeMismatch || firstFailure === 'body') throw error;
      // The server's own answer says more than the broken pipe it left behind.
      if (answered.status === 'rejected') throw asUnavailable(answered.reason);
      throw asUnavailable(toStoreError(error));
    }
    if (answered.status === 'rejected') throw answered.reason;
  }
}

/** Resolves on 200; otherwise rejects with the mapped S3 error and stops the upload. */
async function checkAnswer(response: IncomingMessage, request: ClientRequest): Promise<void> {
  if (response.statusCode === 200) {
    response.resume();
    return;
  }
  let xml = '';
  try {
    for await (const chunk of response) {
      xml += String(chunk);
      if (xml.length > MAX_ERROR_BODY_BYTES) break;
    }
  } finally {
    // The server stopped listening; don't keep streaming the body at it.
    request.destroy();
  }
  const status = response.statusCode ?? 0;
  const error = new S3Error(`S3 PUT answered ${status}: ${/<Message>([^<]*)<\/Message>/.exec(xml)?.[1] ?? ''}`);
  error.code = /<Code>([^<]*)<\/Code>/.exec(xml)?.[1] ?? `HTTP${status}`;
  throw status >= 500 ? new BlobStoreUnavailable(error) : toStoreError(error);
}

/** A failure of the store's side of an upload that has no better name: the store did not take it. */
function asUnavailable(error: unknown): unknown {
  return error instanceof AppError ? error : new BlobStoreUnavailable(error);
}

function toStoreError(error: unknown, key?: string): unknown {
  if (error instanceof S3Error && error.code !== undefined) {
    if (key !== undefined && NOT_FOUND_CODES.has(error.code)) return new BlobNotFound(key);
    if (UNAVAILABLE_S3_CODES.has(error.code)) return new BlobStoreUnavailable(error);
    return error;
  }
  if (!(error instanceof Error)) return error;
  const code = 'code' in error && typeof error.code === 'string' ? error.code : undefined;
  if ((code !== undefined && NETWORK_CODES.has(code)) || RETRIES_EXHAUSTED.test(error.message)) {
    return new BlobStoreUnavailable(error);
  }
  return error;
}

/**
 * Node's request timeout only emits an event; this one aborts, so a hung server surfaces as
 * ETIMEDOUT. It is lifted once the response starts: a download may then pause for as long as the
 * client reading it does.
 */
function withResponseTimeout(base: Transport): Transport {
  const request = (...args: Parameters<Transport['request']>): ClientRequest => {
    const req = base.request(...args);
    req.setTimeout(RESPONSE_TIMEOUT_MS, () => {
      req.destroy(Object.assign(new Error('S3 request timed out'), { code: 'ETIMEDOUT' }));
    });
    req.once('response', () => req.setTimeout(0));
    return req;
  };
  // NOTE: the cast only restores http.request's overloads; every form is forwarded unchanged.
  return { request: request as Transport['request'] };
}
