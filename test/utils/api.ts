import { randomBytes } from 'node:crypto';

/** A registered user as the tests drive it: real HTTP, real tokens. */
export interface TestUser {
  userId: string;
  email: string;
  authKey: string;
  accessToken: string;
  refreshToken: string;
}

export const b64 = (bytes: number) => randomBytes(bytes).toString('base64');

export function keyBundle() {
  return { classicalPublicKey: b64(32), pqPublicKey: b64(1184), classicalPrivEncrypted: b64(62), pqPrivEncrypted: b64(94) };
}

export function envelope() {
  return { ephClassicalPublic: b64(32), ephPqCiphertext: b64(1088), wrappedDek: b64(60) };
}

export function kdf() {
  return { algorithm: 'argon2id', salt: b64(16), memoryKiB: 65536, iterations: 3, parallelism: 1 };
}

export interface ApiResponse<T = Record<string, unknown>> {
  status: number;
  headers: Headers;
  body: T;
}

/** A small fetch wrapper: JSON in, JSON (or bytes) out, never throws on a status. */
export class Api {
  constructor(readonly baseUrl: string) {}

  async request<T = Record<string, unknown>>(
    method: string,
    path: string,
    options: { token?: string; json?: unknown; body?: Buffer; headers?: Record<string, string> } = {},
  ): Promise<ApiResponse<T>> {
    const headers: Record<string, string> = { ...options.headers };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    let body: RequestInit['body'];
    if (options.json !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(options.json);
    } else if (options.body) {
      headers['content-type'] ??= 'application/octet-stream';
      body = options.body;
    }
    const response = await fetch(this.baseUrl + path, { method, headers, body });
    const type = response.headers.get('content-type') ?? '';
    const raw = Buffer.from(await response.arrayBuffer());
    const parsed = type.includes('application/json') && raw.length > 0 ? JSON.parse(raw.toString('utf8')) : raw;
    return { status: response.status, headers: response.headers, body: parsed as T };
  }

  async register(email = `user-${randomBytes(6).toString('hex')}@example.com`): Promise<TestUser> {
    const authKey = b64(32);
    const res = await this.request<{ userId: string; accessToken: string; refreshToken: string }>('POST', '/api/auth/register', {
      json: { email, authKey, kdf: kdf(), keys: keyBundle() },
    });
    if (res.status !== 201) throw new Error(`register failed: ${res.status} ${JSON.stringify(res.body)}`);
    return { email, authKey, ...res.body };
  }

  async createMap(user: TestUser, extra: Record<string, unknown> = {}): Promise<MapDetail> {
    const res = await this.request<MapDetail>('POST', '/api/mindmaps', {
      token: user.accessToken,
      json: { encryptedTitle: b64(40), envelope: envelope(), keyVersion: 1, ...extra },
    });
    if (res.status !== 201) throw new Error(`create map failed: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  }

  upload(user: TestUser, mapId: string, bytes: Buffer, headers: Record<string, string> = {}) {
    return this.request<{ versionId: string; sizeBytes: number; savedAt: string }>('PUT', `/api/mindmaps/${mapId}/blob`, {
      token: user.accessToken,
      body: bytes,
      headers,
    });
  }
}

export interface MapDetail {
  id: string;
  encryptedTitle: string;
  envelope: ReturnType<typeof envelope>;
  maxVersions: number;
  headVersionId: string | null;
  sizeBytes: number;
  versionCount: number;
  createdAt: string;
  updatedAt: string;
}

/** Polls until `check` holds or the deadline passes (for work the background queue does). */
export async function eventually<T>(check: () => Promise<T | undefined | false>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}
