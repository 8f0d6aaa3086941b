import { describe, expect, it } from 'vitest';
import { ApiError, NetworkError, SessionExpiredError } from '../src/api/api-error.js';
import { HttpClient, readBytes } from '../src/api/http-client.js';
import { MindvaultApi } from '../src/api/mindvault-api.js';
import type { TokenPair } from '../src/api/schema.js';
import { MemoryTokenStore, type TokenStore } from '../src/api/token-store.js';

const BASE = 'https://mindvault.test';
const MAP_ID = '5b3c0a1e-8d4f-4a7b-9c2d-1e0f3a4b5c6d';

interface Seen {
  method: string;
  path: string;
  headers: Headers;
  body: Uint8Array | undefined;
}

/**
 * Just enough of the server's auth: access tokens it accepts, refresh tokens spent on first use,
 * and a reuse revoking the whole family (as the real one does).
 */
class FakeServer {
  private access = new Set<string>();
  private refresh = new Map<string, 'live' | 'spent'>();
  private issued = 0;
  revoked = false;
  refreshCalls = 0;
  seen: Seen[] = [];
  /** Delays the refresh answer, to let concurrent requests pile up behind it. */
  refreshDelayMs = 0;

  issue(): TokenPair {
    this.issued++;
    const pair = { userId: 'u1', accessToken: `access-${this.issued}`, refreshToken: `refresh-${this.issued}`, expiresIn: 900 };
    this.access.add(pair.accessToken);
    this.refresh.set(pair.refreshToken, 'live');
    return pair;
  }

  /** Access tokens expire; refresh tokens stay valid. */
  expireAccessTokens(): void {
    this.access.clear();
  }

  fetch = async (input: string, init: RequestInit): Promise<Response> => {
    const url = new URL(input);
    const headers = new Headers(init.headers);
    const body = await bodyBytes(init.body);
    this.seen.push({ method: init.method ?? 'GET', path: url.pathname + url.search, headers, body });
    if (url.pathname === '/api/auth/refresh') {
      this.refreshCalls++;
      await new Promise((r) => setTimeout(r, this.refreshDelayMs));
      const { refreshToken } = JSON.parse(new TextDecoder().decode(body)) as { refreshToken: string };
      const state = this.refresh.get(refreshToken);
      if (state === 'spent' || this.revoked) {
        this.revoked = true;
        return json(401, { statusCode: 401, error: 'Unauthorized', code: 'REFRESH_REUSED', message: 'refresh token reused' });
      }
      if (state === undefined) return json(401, { statusCode: 401, error: 'Unauthorized', code: 'INVALID_REFRESH_TOKEN', message: 'unknown' });
      this.refresh.set(refreshToken, 'spent');
      return json(200, this.issue());
    }
    if (url.pathname === '/api/auth/prelogin') {
      return json(200, { kdf: { algorithm: 'argon2id', salt: 'AAAAAAAAAAAAAAAAAAAAAA==', memoryKiB: 65536, iterations: 3, parallelism: 1 } });
    }
    const auth = headers.get('authorization');
    if (auth === null || !this.access.has(auth.replace(/^Bearer /, ''))) {
      return json(401, { statusCode: 401, error: 'Unauthorized', code: 'UNAUTHENTICATED', message: 'missing or invalid token' });
    }
    if (url.pathname === `/api/mindmaps/${MAP_ID}/blob` && init.method === 'PUT') {
      return json(201, { versionId: 'v1', sizeBytes: body?.length ?? 0, savedAt: '2026-01-01T00:00:00.000Z' });
    }
    if (url.pathname === `/api/mindmaps/${MAP_ID}/blob`) {
      return new Response(Uint8Array.of(1, 2, 3), { status: 200, headers: { etag: '"v7"', 'content-type': 'application/octet-stream' } });
    }
    if (url.pathname === '/api/auth/keys') return json(200, { keyVersion: 1 });
    if (url.pathname === '/api/mindmaps/missing') {
      return json(404, { statusCode: 404, error: 'NotFound', code: 'MAP_NOT_FOUND', message: 'mind map not found' });
    }
    return new Response('<html>bad gateway</html>', { status: 502, statusText: 'Bad Gateway' });
  };
}

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
}

async function bodyBytes(body: RequestInit['body']): Promise<Uint8Array | undefined> {
  if (body === undefined || body === null) return undefined;
  return new Uint8Array(await new Response(body).arrayBuffer());
}

async function signedIn(server: FakeServer, store: TokenStore = new MemoryTokenStore()) {
  await store.save(server.issue());
  return { store, api: new MindvaultApi({ baseUrl: BASE, fetch: server.fetch, tokens: store }) };
}

describe('HttpClient', () => {
  it('sends the bearer token on bearer routes and none on public ones', async () => {
    const server = new FakeServer();
    const { api } = await signedIn(server);
    await api.auth.keys();
    await api.auth.prelogin('ada@example.com');
    expect(server.seen[0]!.headers.get('authorization')).toBe('Bearer access-1');
    expect(server.seen[1]!.headers.get('authorization')).toBeNull();
    expect(server.seen[1]!.headers.get('content-type')).toBe('application/json');
  });

  it('refreshes once on a 401, saves the new pair, and retries the request once', async () => {
    const server = new FakeServer();
    const { api, store } = await signedIn(server);
    server.expireAccessTokens();
    expect(await api.auth.keys()).toEqual({ keyVersion: 1 });
    expect(server.refreshCalls).toBe(1);
    expect((await store.load())?.refreshToken).toBe('refresh-2');
    expect(server.seen.map((s) => s.path)).toEqual(['/api/auth/keys', '/api/auth/refresh', '/api/auth/keys']);
  });

  it('shares one refresh among concurrent requests (the server would treat a second use as theft)', async () => {
    const server = new FakeServer();
    server.refreshDelayMs = 20;
    const { api, store } = await signedIn(server);
    server.expireAccessTokens();
    const answers = await Promise.all(Array.from({ length: 8 }, () => api.auth.keys()));
    expect(answers).toHaveLength(8);
    expect(server.refreshCalls).toBe(1);
    expect(server.revoked).toBe(false);
    expect((await store.load())?.accessToken).toBe('access-2');
  });

  it('does not refresh again for a 401 that answers a token already replaced', async () => {
    const server = new FakeServer();
    const { api } = await signedIn(server);
    server.expireAccessTokens();
    await api.auth.keys();
    // A request still carrying the old token (sent before the refresh) comes back 401 late.
    const slow = new MindvaultApi({ baseUrl: BASE, fetch: server.fetch, tokens: new MemoryTokenStore({ ...(await api.http.tokens())! }) });
    await slow.auth.keys();
    expect(server.refreshCalls).toBe(1);
  });

  it('two clients on one store with a lock: the second adopts the pair the first refreshed', async () => {
    const server = new FakeServer();
    const shared = new LockedStore();
    await shared.save(server.issue());
    const a = new MindvaultApi({ baseUrl: BASE, fetch: server.fetch, tokens: shared });
    const b = new MindvaultApi({ baseUrl: BASE, fetch: server.fetch, tokens: shared });
    await Promise.all([a.auth.keys(), b.auth.keys()]);
    server.expireAccessTokens();
    await Promise.all([a.auth.keys(), b.auth.keys()]);
    expect(server.refreshCalls).toBe(1);
    expect(server.revoked).toBe(false);
  });

  it('gives up after one retry when the fresh token is refused too', async () => {
    const server = new FakeServer();
    const { api } = await signedIn(server);
    const refusing = async (input: string, init: RequestInit) => {
      const response = await server.fetch(input, init);
      if (new URL(input).pathname === '/api/auth/refresh') server.expireAccessTokens();
      return response;
    };
    const client = new MindvaultApi({ baseUrl: BASE, fetch: refusing, tokens: new MemoryTokenStore((await api.http.tokens())!) });
    server.expireAccessTokens();
    const error = await client.auth.keys().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).code).toBe('UNAUTHENTICATED');
    expect(server.refreshCalls).toBe(1);
  });

  it('signs out and throws SessionExpiredError when the refresh token is refused', async () => {
    const server = new FakeServer();
    const { api, store } = await signedIn(server);
    server.revoked = true;
    server.expireAccessTokens();
    const error = await api.auth.keys().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SessionExpiredError);
    expect((error as SessionExpiredError).code).toBe('REFRESH_REUSED');
    expect(await store.load()).toBeUndefined();
    const next = await api.auth.keys().catch((e: unknown) => e);
    expect((next as SessionExpiredError).code).toBe('NOT_LOGGED_IN');
  });

  it('maps the contract error body to ApiError, and anything else to HTTP_<status>', async () => {
    const server = new FakeServer();
    const { api } = await signedIn(server);
    const notFound = await api.mindmaps.get('missing').catch((e: unknown) => e);
    expect(notFound).toMatchObject({ status: 404, code: 'MAP_NOT_FOUND', message: 'mind map not found' });
    const proxy = await api.mindmaps.get('elsewhere').catch((e: unknown) => e);
    expect(proxy).toMatchObject({ status: 502, code: 'HTTP_502' });
  });

  it('reports an unreachable server as NetworkError', async () => {
    const api = new MindvaultApi({ baseUrl: BASE, fetch: () => Promise.reject(new TypeError('fetch failed')) });
    await expect(api.auth.prelogin('a@example.com')).rejects.toBeInstanceOf(NetworkError);
  });

  it('uploads raw bytes as application/octet-stream with a quoted If-Match, re-sent whole after a refresh', async () => {
    const server = new FakeServer();
    const { api } = await signedIn(server);
    server.expireAccessTokens();
    const bytes = Uint8Array.from({ length: 1000 }, (_, i) => i % 251);
    const saved = await api.mindmaps.upload(MAP_ID, bytes, { ifMatch: 'v0' });
    expect(saved).toMatchObject({ versionId: 'v1', sizeBytes: 1000 });
    const puts = server.seen.filter((s) => s.method === 'PUT');
    expect(puts).toHaveLength(2);
    for (const put of puts) {
      expect(put.headers.get('content-type')).toBe('application/octet-stream');
      expect(put.headers.get('if-match')).toBe('"v0"');
      expect(put.body).toEqual(bytes);
    }
  });

  it('streams uploads with an explicit Content-Length when asked, reporting progress', async () => {
    const server = new FakeServer();
    const store = new MemoryTokenStore(server.issue());
    const http = new HttpClient({ baseUrl: BASE, fetch: server.fetch, tokens: store, streamUploads: true });
    const api = new MindvaultApi({ baseUrl: BASE, fetch: server.fetch, tokens: store, streamUploads: true });
    expect(http.baseUrl).toBe(BASE);
    const bytes = new Uint8Array(200 * 1024).fill(7);
    const seen: number[] = [];
    await api.mindmaps.upload(MAP_ID, bytes, { onProgress: (done) => seen.push(done) });
    const put = server.seen.find((s) => s.method === 'PUT')!;
    expect(put.headers.get('content-length')).toBe(String(bytes.length));
    expect(Buffer.from(put.body!).equals(bytes)).toBe(true);
    expect(seen[0]).toBe(0);
    expect(seen.at(-1)).toBe(bytes.length);
    expect(seen.length).toBeGreaterThan(3);
  });

  it('downloads bytes with the version from the ETag', async () => {
    const server = new FakeServer();
    const { api } = await signedIn(server);
    expect(await api.mindmaps.download(MAP_ID)).toEqual({ bytes: Uint8Array.of(1, 2, 3), versionId: 'v7' });
    expect(server.seen[0]!.path).toBe(`/api/mindmaps/${MAP_ID}/blob`);
    await api.mindmaps.download(MAP_ID, { versionId: 'v 1' });
    expect(server.seen[1]!.path).toBe(`/api/mindmaps/${MAP_ID}/blob?versionId=v+1`);
  });
});

describe('readBytes', () => {
  it('reports progress against Content-Length', async () => {
    const body = new Uint8Array(300_000).fill(1);
    const seen: [number, number | undefined][] = [];
    const bytes = await readBytes(new Response(body, { headers: { 'content-length': String(body.length) } }), (d, t) => seen.push([d, t]));
    expect(Buffer.from(bytes).equals(body)).toBe(true);
    expect(seen[0]).toEqual([0, body.length]);
    expect(seen.at(-1)).toEqual([body.length, body.length]);
  });

  it('refuses a body shorter than its Content-Length', async () => {
    const response = new Response(Uint8Array.of(1, 2), { headers: { 'content-length': '5' } });
    await expect(readBytes(response)).rejects.toBeInstanceOf(NetworkError);
  });
});

/** A store shared by two clients, with the lock a CLI config file or a browser Web Lock gives. */
class LockedStore extends MemoryTokenStore {
  private queue: Promise<unknown> = Promise.resolve();

  exclusive<T>(work: () => Promise<T>): Promise<T> {
    const run = this.queue.then(work, work);
    this.queue = run.catch(() => undefined);
    return run;
  }
}
