import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keyRotationBodyLimit, keyRotationBodyLimitFor } from '../../src/auth/key-rotation-limit';
import { TEST_STRIPE_ENV } from '../fakes/fake-payment-provider';
import { Api, envelope, keyBundle, TestUser } from '../utils/api';
import { createTestApp, TestApp } from '../utils/create-test-app';
import { openRequest } from '../utils/raw-http';

const MiB = 1024 * 1024;
const DEFAULT_LIMIT = 64 * 1024;

/**
 * Bodies are bounded before they cost anything: the size is judged from Content-Length (or as the
 * bytes come), the nesting depth before parsing, the token and the rate limit before a byte of the
 * body is read. Each case sends only the start of a large body and expects the answer anyway.
 */
describe('request limits', () => {
  let t: TestApp;
  let api: Api;
  let user: TestUser;

  beforeAll(async () => {
    t = await createTestApp({ env: { ...TEST_STRIPE_ENV } });
    api = new Api(t.baseUrl);
    user = await api.register();
  });
  afterAll(() => t?.close());

  /** Sends the headers and `sent` bytes of a body announced as `declared` bytes, and waits for the answer. */
  async function partialBody(method: string, path: string, declared: number, headers: Record<string, string> = {}, sent = 16 * 1024) {
    const req = openRequest(t.baseUrl + path, method, { 'content-type': 'application/json', 'content-length': declared, ...headers });
    await req.write(Buffer.alloc(sent, 0x20));
    const answer = await req.answer;
    req.destroy();
    if ('closed' in answer) throw new Error(`${method} ${path}: connection closed without an answer`);
    return { status: answer.status, headers: answer.headers, body: JSON.parse(answer.body) as Record<string, unknown> };
  }

  it('answers 413 BODY_TOO_LARGE from the Content-Length of a 16 MiB JSON body, before reading it', async () => {
    const res = await partialBody('POST', '/api/auth/prelogin', 16 * MiB);
    expect(res.status).toBe(413);
    expect(res.body).toEqual({
      statusCode: 413,
      error: 'PayloadTooLarge',
      code: 'BODY_TOO_LARGE',
      message: `request body over ${DEFAULT_LIMIT} bytes`,
      limitBytes: DEFAULT_LIMIT,
    });
  });

  it('stops reading a chunked body as soon as it passes the limit', async () => {
    const req = openRequest(`${t.baseUrl}/api/auth/prelogin`, 'POST', { 'content-type': 'application/json', 'transfer-encoding': 'chunked' });
    for (let i = 0; i < 5; i++) await req.write(Buffer.alloc(16 * 1024, 0x20));
    const answer = await req.answer;
    req.destroy();
    expect(answer).toMatchObject({ status: 413 });
    expect(JSON.parse((answer as { body: string }).body).code).toBe('BODY_TOO_LARGE');
  });

  it('keeps the default limit on every route but the key rotation, whose limit fits a rotation of the most maps', async () => {
    const rotation = keyRotationBodyLimit(t.config);
    expect(rotation).toBeGreaterThanOrEqual(10_000 * 1700);
    const token = { authorization: `Bearer ${user.accessToken}` };
    expect((await partialBody('POST', '/api/mindmaps', DEFAULT_LIMIT + 1, token)).body).toMatchObject({ code: 'BODY_TOO_LARGE', limitBytes: DEFAULT_LIMIT });
    // A free account's rotation is held to what its plan can need (request-cost.e2e-spec.ts).
    expect((await partialBody('PUT', '/api/auth/keys', rotation + 1, token)).body).toMatchObject({ code: 'BODY_TOO_LARGE', limitBytes: keyRotationBodyLimitFor(t.config.tiers.free) });
    // A rotation over the default limit but within its own goes through to the rules of the route.
    const maps = Array.from({ length: 100 }, () => ({ id: crypto.randomUUID(), envelope: envelope() }));
    const res = await api.request('PUT', '/api/auth/keys', { token: user.accessToken, json: { currentAuthKey: user.authKey, keys: keyBundle(), keyVersion: 2, maps } });
    expect(JSON.stringify({ keys: keyBundle(), keyVersion: 2, maps }).length).toBeGreaterThan(DEFAULT_LIMIT);
    expect(res.status).toBe(404);
    expect(res.body.code).toBe('MAP_NOT_FOUND');
  });

  it('answers 400 JSON_TOO_DEEP, not a 500, to 10,000 nested brackets, on public and bearer routes alike', async () => {
    for (const [path, token] of [
      ['/api/auth/prelogin', undefined],
      ['/api/mindmaps', user.accessToken],
    ] as const) {
      const res = await api.request('POST', path, { token, body: Buffer.from('['.repeat(10_000)), headers: { 'content-type': 'application/json' } });
      expect(res.status, path).toBe(400);
      expect(res.body).toMatchObject({ statusCode: 400, error: 'BadRequest', code: 'JSON_TOO_DEEP' });
    }
    // Deep but legal nesting inside a string is only a string.
    const inString = await api.request('POST', '/api/auth/prelogin', { json: { email: '['.repeat(1000) } });
    expect(inString.body.code).toBe('VALIDATION_FAILED');
  });

  it('answers 401 on a bearer route without a valid token before reading its body', async () => {
    for (const headers of [{}, { authorization: 'Bearer not-a-token' }] as Record<string, string>[]) {
      const res = await partialBody('PUT', '/api/auth/keys', 8 * MiB, headers);
      expect(res.status).toBe(401);
      expect(res.body.code).toBe('UNAUTHENTICATED');
    }
    const admin = await partialBody('PATCH', `/api/admin/users/${user.userId}`, 32 * 1024, { authorization: `Bearer ${user.accessToken}` });
    expect(admin).toMatchObject({ status: 403, body: { code: 'FORBIDDEN' } });
  });

  it('never parses the webhook body: a bad signature is BAD_SIGNATURE even when the body is not JSON', async () => {
    const res = await api.request('POST', '/api/billing/webhook', {
      body: Buffer.from('{"not": json'),
      headers: { 'content-type': 'application/json', 'stripe-signature': 't=1,v1=00' },
    });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('BAD_SIGNATURE');
  });

  it('sends Cache-Control: no-store on auth and keys answers, errors included, and on the rest of the API', async () => {
    const login = await api.request('POST', '/api/auth/login', { json: { email: user.email, authKey: user.authKey } });
    const keys = await api.request('GET', '/api/auth/keys', { token: user.accessToken });
    const refused = await api.request('GET', '/api/auth/keys');
    const wrong = await api.request('POST', '/api/auth/login', { json: { email: user.email, authKey: randomBytes(32).toString('base64') } });
    const maps = await api.request('GET', '/api/mindmaps', { token: user.accessToken });
    expect([login.status, keys.status, refused.status, wrong.status, maps.status]).toEqual([200, 200, 401, 401, 200]);
    for (const res of [login, keys, refused, wrong, maps]) expect(res.headers.get('cache-control')).toBe('no-store');
  });

  it('sends a Content-Security-Policy everywhere but on the Swagger UI', async () => {
    for (const path of ['/health', '/api/auth/keys', '/nowhere']) {
      const res = await fetch(t.baseUrl + path);
      expect(res.headers.get('content-security-policy'), path).toContain("default-src 'self'");
    }
    const docs = await fetch(`${t.baseUrl}/docs`);
    expect(docs.status).toBe(200);
    expect(docs.headers.get('content-security-policy')).toBeNull();
    expect(docs.headers.get('x-content-type-options')).toBe('nosniff');
  });
});

describe('answers before the body', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ env: { AUTH_RATE_LIMIT_PER_MINUTE: '1' } });
  });
  afterAll(() => t?.close());

  it('close the connection instead of reading the rest of the body', async () => {
    await new Api(t.baseUrl).request('POST', '/api/auth/prelogin', { json: { email: 'a@example.com' } });
    for (const [method, path] of [
      ['PUT', '/api/auth/keys'],
      ['POST', '/api/auth/prelogin'],
    ]) {
      const req = openRequest(t.baseUrl + path, method, { 'content-type': 'application/json', 'content-length': 8 * 1024 * 1024 });
      await req.write(Buffer.alloc(1024, 0x20));
      const answer = await req.answer;
      expect(answer, path).toMatchObject({ headers: { connection: 'close' } });
      // The server hangs up although the client never finished (or closed) its side.
      await req.closed;
    }
  });
});
