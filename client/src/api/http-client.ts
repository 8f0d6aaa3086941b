/**
 * fetch-based transport for the contract (shared/API.md): typed by path and method from the
 * generated OpenAPI types, bearer auth, and one transparent refresh-and-retry on 401. Runs
 * unchanged in browsers and Node ≥ 20 (only fetch, URL, ReadableStream).
 */
import { ApiError, NetworkError, SessionExpiredError } from './api-error.js';
import type { ApiPath, HttpMethod, JsonBody, JsonResponse, MethodOf, PathParams, QueryParams, TokenPair } from './schema.js';
import { MemoryTokenStore, type TokenStore } from './token-store.js';

export type Fetch = (input: string, init: RequestInit) => Promise<Response>;

/** Bytes moved so far and the total when known. */
export type ProgressCallback = (done: number, total: number | undefined) => void;

export interface HttpClientOptions {
  /** The server's origin (and path prefix, if any), e.g. `https://mindvault.example`. */
  baseUrl: string;
  /** Defaults to the global fetch. */
  fetch?: Fetch;
  /** Defaults to a MemoryTokenStore holding nothing (signed out). */
  tokens?: TokenStore;
  /**
   * Send uploads as a stream with an explicit Content-Length, so upload progress reports bytes as
   * they leave. Node's fetch honours the header; browsers refuse to set it (and the server
   * answers a chunked upload with 411), so leave this off there: progress then jumps 0 → 100%.
   */
  streamUploads?: boolean;
}

type IfDefined<K extends string, T, Optional extends boolean = false> = [T] extends [undefined]
  ? { [P in K]?: undefined }
  : Optional extends true
    ? { [P in K]?: T }
    : { [P in K]: T };

interface CommonInit {
  /** Send the bearer token (default true). */
  auth?: boolean;
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

/** What a call to `path` with `method` must carry: its path parameters and its JSON body. */
export type CallInit<P extends ApiPath, M extends MethodOf<P>> = CommonInit &
  IfDefined<'params', PathParams<P, M>> &
  IfDefined<'query', QueryParams<P, M>, true> &
  IfDefined<'body', JsonBody<P, M>>;

/** A raw exchange: bytes up (blob upload), a streamed answer down. */
export type SendInit<P extends ApiPath, M extends MethodOf<P>> = CommonInit &
  IfDefined<'params', PathParams<P, M>> &
  IfDefined<'query', QueryParams<P, M>, true> & {
    body?: JsonBody<P, M>;
    bytes?: Uint8Array;
    onUploadProgress?: ProgressCallback;
  };

/** What one HTTP exchange carries, once the path is filled in. */
interface RawInit extends CommonInit {
  body?: unknown;
  bytes?: Uint8Array;
  onUploadProgress?: ProgressCallback;
}

const UPLOAD_CHUNK_BYTES = 64 * 1024;

export class HttpClient {
  readonly baseUrl: string;
  private readonly fetch: Fetch;
  private readonly store: TokenStore;
  private readonly streamUploads: boolean;
  /** The pair in use; loaded from the store on first need. */
  private current: TokenPair | undefined;
  private loaded = false;
  /** The one refresh in flight, which every 401 of the same access token waits for. */
  private refreshing: Promise<void> | undefined;

  constructor(options: HttpClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.fetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
    this.store = options.tokens ?? new MemoryTokenStore();
    this.streamUploads = options.streamUploads ?? false;
  }

  /** The current pair (after login, register, refresh or password change), if any. */
  async tokens(): Promise<TokenPair | undefined> {
    if (!this.loaded) {
      this.current = await this.store.load();
      this.loaded = true;
    }
    return this.current;
  }

  /** Adopts a pair the server just issued (login, register, password change), or signs out. */
  async setTokens(tokens: TokenPair | undefined): Promise<void> {
    this.current = tokens;
    this.loaded = true;
    await this.store.save(tokens);
  }

  /** A JSON operation: typed body in, typed answer out; non-2xx throws ApiError. */
  async call<P extends ApiPath, M extends MethodOf<P>>(method: M, path: P, init: CallInit<P, M>): Promise<JsonResponse<P, M>> {
    const response = await this.send(method, path, init as SendInit<P, M>);
    if (response.status === 204) return undefined as JsonResponse<P, M>;
    return (await response.json()) as JsonResponse<P, M>;
  }

  /**
   * Any operation; resolves with the 2xx response (its body unread), throws ApiError otherwise.
   * A 401 on a bearer request refreshes the session once (single-flight) and retries once.
   */
  async send<P extends ApiPath, M extends MethodOf<P>>(method: M, path: P, init: SendInit<P, M>): Promise<Response> {
    const url = this.url(path, init.params as Record<string, string> | undefined, init.query as Query | undefined);
    const auth = init.auth ?? true;
    const used = auth ? await this.accessToken() : undefined;
    let response = await this.attempt(method, url, init as RawInit, used);
    if (used !== undefined && response.status === 401) {
      await response.body?.cancel().catch(() => undefined);
      await this.renewAfter(used);
      response = await this.attempt(method, url, init as RawInit, await this.accessToken());
    }
    if (!response.ok) throw await ApiError.fromResponse(response);
    return response;
  }

  private async accessToken(): Promise<string> {
    const tokens = await this.tokens();
    if (tokens === undefined) throw new SessionExpiredError(401, 'NOT_LOGGED_IN', 'not logged in');
    return tokens.accessToken;
  }

  /**
   * Refreshes unless the token that was refused is no longer current (someone already did).
   * Concurrent callers share one refresh: the server would treat a second use of the same
   * refresh token as theft and revoke the whole family.
   */
  private renewAfter(refused: string): Promise<void> {
    // NOTE: no await before `this.refreshing` is set, or two callers could both start a refresh.
    if (this.refreshing === undefined) {
      if (this.current?.accessToken !== refused) return Promise.resolve();
      this.refreshing = (this.store.exclusive ? this.store.exclusive(() => this.refresh()) : this.refresh()).finally(() => {
        this.refreshing = undefined;
      });
    }
    return this.refreshing;
  }

  private async refresh(): Promise<void> {
    // Another process or tab holding the same store may have refreshed while we waited for it.
    const stored = await this.store.load();
    if (stored !== undefined && stored.accessToken !== this.current?.accessToken) {
      this.current = stored;
      return;
    }
    if (stored === undefined) {
      this.current = undefined;
      throw new SessionExpiredError(401, 'NOT_LOGGED_IN', 'signed out');
    }
    const response = await this.attempt('post', this.url('/api/auth/refresh'), { body: { refreshToken: stored.refreshToken } }, undefined);
    if (response.ok) {
      await this.setTokens((await response.json()) as TokenPair);
      return;
    }
    const error = await ApiError.fromResponse(response);
    if (response.status === 401) {
      // The family is revoked or the token unknown: these tokens are worthless now.
      await this.setTokens(undefined);
      throw new SessionExpiredError(error.status, error.code, `session expired, log in again (${error.message})`, error.body);
    }
    throw error;
  }

  private async attempt(method: HttpMethod, url: string, init: RawInit, token: string | undefined): Promise<Response> {
    const headers = new Headers(init.headers);
    if (token !== undefined) headers.set('authorization', `Bearer ${token}`);
    const request: RequestInit & { duplex?: 'half' } = { method: method.toUpperCase(), headers, signal: init.signal };
    const progress = init.onUploadProgress;
    if (init.bytes !== undefined) {
      const bytes = init.bytes;
      headers.set('content-type', headers.get('content-type') ?? 'application/octet-stream');
      if (this.streamUploads && progress !== undefined) {
        headers.set('content-length', String(bytes.length));
        request.body = uploadStream(bytes, progress);
        request.duplex = 'half';
      } else {
        progress?.(0, bytes.length);
        request.body = bytes as Uint8Array<ArrayBuffer>;
      }
    } else if (init.body !== undefined) {
      headers.set('content-type', 'application/json');
      request.body = JSON.stringify(init.body);
    }
    let response: Response;
    try {
      response = await this.fetch(url, request);
    } catch (cause) {
      if (init.signal?.aborted) throw cause;
      throw new NetworkError(`${method.toUpperCase()} ${url}: ${describe(cause)}`, { cause });
    }
    if (init.bytes !== undefined && !(this.streamUploads && progress !== undefined)) progress?.(init.bytes.length, init.bytes.length);
    return response;
  }

  private url(path: string, params: Record<string, string> = {}, query: Query = {}): string {
    const filled = path.replace(/\{(\w+)\}/g, (_, name: string) => {
      const value = params[name];
      if (value === undefined) throw new TypeError(`missing path parameter ${name} for ${path}`);
      return encodeURIComponent(value);
    });
    const search = new URLSearchParams();
    for (const [key, value] of Object.entries(query)) if (value !== undefined) search.set(key, String(value));
    const qs = search.toString();
    return `${this.baseUrl}${filled}${qs ? `?${qs}` : ''}`;
  }
}

type Query = Record<string, string | number | boolean | undefined>;

function uploadStream(bytes: Uint8Array, progress: ProgressCallback): ReadableStream<Uint8Array> {
  let offset = 0;
  return new ReadableStream<Uint8Array>({
    start() {
      progress(0, bytes.length);
    },
    pull(controller) {
      if (offset >= bytes.length) {
        controller.close();
        return;
      }
      const chunk = bytes.subarray(offset, offset + UPLOAD_CHUNK_BYTES);
      offset += chunk.length;
      controller.enqueue(chunk);
      progress(offset, bytes.length);
    },
  });
}

/** Reads a response body to the end, reporting progress against Content-Length. */
export async function readBytes(response: Response, onProgress?: ProgressCallback): Promise<Uint8Array> {
  const header = response.headers.get('content-length');
  const total = header !== null && /^\d+$/.test(header) ? Number(header) : undefined;
  if (response.body === null) return new Uint8Array(0);
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let received = 0;
  onProgress?.(0, total);
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      received += value.length;
      onProgress?.(received, total);
    }
  } catch (cause) {
    throw new NetworkError(`download cut off after ${received} bytes: ${describe(cause)}`, { cause });
  }
  if (total !== undefined && received !== total) {
    throw new NetworkError(`download cut off: ${received} of ${total} bytes`);
  }
  const out = new Uint8Array(received);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.length;
  }
  return out;
}

function describe(error: unknown): string {
  if (error instanceof Error) {
    const cause = (error as { cause?: unknown }).cause;
    return cause instanceof Error ? `${error.message} (${cause.message})` : error.message;
  }
  return String(error);
}
