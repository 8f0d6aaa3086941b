import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Api, b64, envelope, kdf, keyBundle } from '../utils/api';
import { createTestApp, TestApp } from '../utils/create-test-app';
import { signJwt, unsignedJwt } from '../utils/jwt';

describe('auth', () => {
  let t: TestApp;
  let api: Api;

  beforeAll(async () => {
    t = await createTestApp();
    api = new Api(t.baseUrl);
  });
  afterAll(() => t?.close());

  describe('prelogin', () => {
    it('hands out the account KDF parameters, and a stable fake of the same shape for unknown emails', async () => {
      const params = kdf();
      const email = 'prelogin-real@example.com';
      await api.request('POST', '/api/auth/register', { json: { email, authKey: b64(32), kdf: params, keys: keyBundle() } });
      const real = await api.request('POST', '/api/auth/prelogin', { json: { email: 'PreLogin-Real@example.com' } });
      expect(real.status).toBe(200);
      expect(real.body).toEqual({ kdf: params });

      const first = await api.request<{ kdf: Record<string, unknown> }>('POST', '/api/auth/prelogin', { json: { email: 'nobody@example.com' } });
      const again = await api.request('POST', '/api/auth/prelogin', { json: { email: 'nobody@example.com' } });
      const other = await api.request<{ kdf: Record<string, unknown> }>('POST', '/api/auth/prelogin', { json: { email: 'nobody-else@example.com' } });
      expect(first.body).toEqual(again.body);
      expect(Object.keys(first.body.kdf).sort()).toEqual(Object.keys(params).sort());
      expect(Buffer.from(first.body.kdf.salt as string, 'base64')).toHaveLength(16);
      expect(other.body.kdf.salt).not.toEqual(first.body.kdf.salt);
      expect({ ...first.body.kdf, salt: '' }).toEqual({ ...params, salt: '' });
    });
  });

  describe('register and login', () => {
    it('registers once per email: 409 EMAIL_TAKEN in any letter case', async () => {
      const user = await api.register('taken@example.com');
      expect(user.accessToken).toBeTruthy();
      const again = await api.request('POST', '/api/auth/register', {
        json: { email: 'TAKEN@example.com', authKey: b64(32), kdf: kdf(), keys: keyBundle() },
      });
      expect(again.status).toBe(409);
      expect(again.body).toMatchObject({ statusCode: 409, error: 'Conflict', code: 'EMAIL_TAKEN' });
    });

    it('logs in with the authKey, and answers the same 401 for a wrong key and an unknown email', async () => {
      const user = await api.register();
      const ok = await api.request('POST', '/api/auth/login', { json: { email: user.email, authKey: user.authKey } });
      expect(ok.status).toBe(200);
      expect(ok.body).toMatchObject({ userId: user.userId, expiresIn: 900 });
      const wrong = await api.request('POST', '/api/auth/login', { json: { email: user.email, authKey: b64(32) } });
      const unknown = await api.request('POST', '/api/auth/login', { json: { email: 'ghost@example.com', authKey: b64(32) } });
      expect(wrong.status).toBe(401);
      expect(unknown.status).toBe(401);
      expect({ ...wrong.body }).toEqual({ ...unknown.body });
      expect(wrong.body.code).toBe('INVALID_CREDENTIALS');
    });

    it('stores the authKey only as an argon2id hash', async () => {
      const user = await api.register();
      const row = await t.db.pool.query('SELECT auth_key_hash FROM users WHERE id = $1', [user.userId]);
      expect(row.rows[0].auth_key_hash).toMatch(/^\$argon2id\$/);
      expect(row.rows[0].auth_key_hash).not.toContain(user.authKey);
    });

    it('refuses keys of the wrong decoded length with VALIDATION_FAILED naming the field', async () => {
      const keys = { ...keyBundle(), pqPublicKey: b64(1183) };
      const res = await api.request<{ details: { field: string }[] }>('POST', '/api/auth/register', {
        json: { email: 'short-key@example.com', authKey: b64(32), kdf: kdf(), keys },
      });
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ code: 'VALIDATION_FAILED', error: 'BadRequest' });
      expect(res.body.details.map((d) => d.field)).toEqual(['keys.pqPublicKey']);
      const notBase64 = await api.request('POST', '/api/auth/register', {
        json: { email: 'bad-b64@example.com', authKey: '***', kdf: kdf(), keys: keyBundle() },
      });
      expect(notBase64.body).toMatchObject({ code: 'VALIDATION_FAILED' });
    });
  });

  describe('refresh tokens', () => {
    it('rotates: the old token is spent, and reusing it revokes the whole family', async () => {
      const user = await api.register();
      const first = await api.request<{ refreshToken: string; accessToken: string }>('POST', '/api/auth/refresh', {
        json: { refreshToken: user.refreshToken },
      });
      expect(first.status).toBe(200);
      expect(first.body.refreshToken).not.toBe(user.refreshToken);

      const reuse = await api.request('POST', '/api/auth/refresh', { json: { refreshToken: user.refreshToken } });
      expect(reuse.status).toBe(401);
      expect(reuse.body.code).toBe('REFRESH_REUSED');
      // The family is gone: even the newest token no longer works.
      const after = await api.request('POST', '/api/auth/refresh', { json: { refreshToken: first.body.refreshToken } });
      expect(after.status).toBe(401);
    });

    it('lets only one of two concurrent refreshes of one token win', async () => {
      const user = await api.register();
      const results = await Promise.all([1, 2].map(() => api.request('POST', '/api/auth/refresh', { json: { refreshToken: user.refreshToken } })));
      expect(results.map((r) => r.status).sort()).toEqual([200, 401]);
    });

    it('logs out: 204, and the token no longer refreshes', async () => {
      const user = await api.register();
      const out = await api.request('POST', '/api/auth/logout', { json: { refreshToken: user.refreshToken } });
      expect(out.status).toBe(204);
      const res = await api.request('POST', '/api/auth/refresh', { json: { refreshToken: user.refreshToken } });
      expect(res.status).toBe(401);
      expect(res.body.code).toBe('INVALID_REFRESH_TOKEN');
    });

    it('refuses forged refresh tokens', async () => {
      const user = await api.register();
      const [id] = user.refreshToken.split('.');
      for (const forged of [`${id}.${'A'.repeat(43)}`, 'garbage', `${'0'.repeat(8)}-0000-4000-8000-${'0'.repeat(12)}.${'A'.repeat(43)}`]) {
        const res = await api.request('POST', '/api/auth/refresh', { json: { refreshToken: forged } });
        expect(res.status).toBe(401);
        expect(res.body.code).toBe('INVALID_REFRESH_TOKEN');
      }
    });
  });

  describe('access tokens', () => {
    it('answers 401 UNAUTHENTICATED to missing, tampered, expired, alg-none and foreign-key tokens', async () => {
      const user = await api.register();
      const secret = t.config.auth.jwtSecret;
      const now = Math.floor(Date.now() / 1000);
      const [header, payload, signature] = user.accessToken.split('.');
      const tamperedPayload = Buffer.from(JSON.stringify({ sub: (await api.register()).userId, ver: 0, iat: now, exp: now + 600 })).toString('base64url');
      const tokens = {
        missing: undefined,
        tampered: `${header}.${tamperedPayload}.${signature}`,
        badSignature: `${header}.${payload}.${signature.slice(0, -2)}xx`,
        expired: signJwt({ sub: user.userId, ver: 0, iat: now - 7200, exp: now - 3600 }, secret),
        algNone: unsignedJwt({ sub: user.userId, iat: now, exp: now + 600 }),
        otherKey: signJwt({ sub: user.userId, ver: 0, iat: now, exp: now + 600 }, 'another-secret-another-secret-another'),
        hs512: signJwt({ sub: user.userId, ver: 0, iat: now, exp: now + 600 }, secret, { alg: 'HS512', typ: 'JWT' }),
      };
      for (const [name, token] of Object.entries(tokens)) {
        const res = await api.request('GET', '/api/mindmaps', { token });
        expect({ name, status: res.status, code: res.body.code }).toEqual({ name, status: 401, code: 'UNAUTHENTICATED' });
      }
      const valid = await api.request('GET', '/api/mindmaps', { token: signJwt({ sub: user.userId, ver: 0, iat: now, exp: now + 600 }, secret) });
      expect(valid.status).toBe(200);
    });

    it('stops a disabled user at once, tokens and refresh alike', async () => {
      const user = await api.register();
      expect((await api.request('GET', '/api/mindmaps', { token: user.accessToken })).status).toBe(200);
      await t.db.pool.query('UPDATE users SET disabled = true WHERE id = $1', [user.userId]);
      expect((await api.request('GET', '/api/mindmaps', { token: user.accessToken })).status).toBe(401);
      const refresh = await api.request('POST', '/api/auth/refresh', { json: { refreshToken: user.refreshToken } });
      expect(refresh.status).toBe(401);
      const login = await api.request('POST', '/api/auth/login', { json: { email: user.email, authKey: user.authKey } });
      expect(login.status).toBe(403);
      expect(login.body.code).toBe('ACCOUNT_DISABLED');
    });
  });

  describe('key rotation', () => {
    it('bumps keyVersion and replaces every map envelope, version history included, in one go', async () => {
      const user = await api.register();
      const a = await api.createMap(user);
      const b = await api.createMap(user);
      await api.upload(user, a.id, Buffer.from('v1'));
      const keys = keyBundle();
      const next = { [a.id]: envelope(), [b.id]: envelope() };
      const res = await api.request('PUT', '/api/auth/keys', {
        token: user.accessToken,
        json: { currentAuthKey: user.authKey, keys, keyVersion: 2, maps: Object.entries(next).map(([id, env]) => ({ id, envelope: env })) },
      });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ ...keys, keyVersion: 2 });
      expect((await api.request('GET', '/api/auth/keys', { token: user.accessToken })).body).toEqual({ ...keys, keyVersion: 2 });
      expect((await api.request('GET', `/api/mindmaps/${a.id}`, { token: user.accessToken })).body.envelope).toEqual(next[a.id]);
      const versions = await api.request<{ items: { envelope: unknown }[] }>('GET', `/api/mindmaps/${a.id}/versions`, { token: user.accessToken });
      expect(versions.body.items[0].envelope).toEqual(next[a.id]);
    });

    it('refuses a stale keyVersion with 409 and a partial map list with 400, changing nothing', async () => {
      const user = await api.register();
      const a = await api.createMap(user);
      const b = await api.createMap(user);
      const before = await api.request('GET', '/api/auth/keys', { token: user.accessToken });
      const stale = await api.request('PUT', '/api/auth/keys', {
        token: user.accessToken,
        json: { currentAuthKey: user.authKey, keys: keyBundle(), keyVersion: 3, maps: [a, b].map((m) => ({ id: m.id, envelope: envelope() })) },
      });
      expect(stale.status).toBe(409);
      expect(stale.body).toMatchObject({ code: 'KEY_VERSION_CONFLICT', currentKeyVersion: 1 });
      const partial = await api.request('PUT', '/api/auth/keys', {
        token: user.accessToken,
        json: { currentAuthKey: user.authKey, keys: keyBundle(), keyVersion: 2, maps: [{ id: a.id, envelope: envelope() }] },
      });
      expect(partial.status).toBe(400);
      expect(partial.body).toMatchObject({ code: 'ROTATION_INCOMPLETE', missingMapIds: [b.id], missingVersionEnvelopes: [] });
      expect((await api.request('GET', '/api/auth/keys', { token: user.accessToken })).body).toEqual(before.body);
      expect((await api.request('GET', `/api/mindmaps/${a.id}`, { token: user.accessToken })).body.envelope).toEqual(a.envelope);
    });

    it("refuses someone else's map in the list as MAP_NOT_FOUND", async () => {
      const user = await api.register();
      const mine = await api.createMap(user);
      const theirs = await api.createMap(await api.register());
      const res = await api.request('PUT', '/api/auth/keys', {
        token: user.accessToken,
        json: { currentAuthKey: user.authKey, keys: keyBundle(), keyVersion: 2, maps: [mine, theirs].map((m) => ({ id: m.id, envelope: envelope() })) },
      });
      expect(res.status).toBe(404);
      expect(res.body.code).toBe('MAP_NOT_FOUND');
      expect((await api.request('GET', `/api/mindmaps/${mine.id}`, { token: user.accessToken })).body.envelope).toEqual(mine.envelope);
    });
  });

  describe('password change', () => {
    it('swaps the login and encrypted private keys atomically and signs out other sessions', async () => {
      const user = await api.register();
      const newAuthKey = b64(32);
      const newKdf = kdf();
      const privs = { classicalPrivEncrypted: b64(62), pqPrivEncrypted: b64(94) };
      const wrong = await api.request('PUT', '/api/auth/password', {
        token: user.accessToken,
        json: { currentAuthKey: b64(32), newAuthKey, kdf: newKdf, ...privs, keyVersion: 1 },
      });
      expect(wrong.status).toBe(401);
      expect(wrong.body.code).toBe('INVALID_CREDENTIALS');

      const res = await api.request<{ refreshToken: string; accessToken: string }>('PUT', '/api/auth/password', {
        token: user.accessToken,
        json: { currentAuthKey: user.authKey, newAuthKey, kdf: newKdf, ...privs, keyVersion: 1 },
      });
      expect(res.status).toBe(200);
      expect((await api.request('POST', '/api/auth/login', { json: { email: user.email, authKey: user.authKey } })).status).toBe(401);
      expect((await api.request('POST', '/api/auth/login', { json: { email: user.email, authKey: newAuthKey } })).status).toBe(200);
      expect((await api.request('POST', '/api/auth/prelogin', { json: { email: user.email } })).body).toEqual({ kdf: newKdf });
      expect((await api.request('GET', '/api/auth/keys', { token: res.body.accessToken })).body).toMatchObject(privs);
      expect((await api.request('POST', '/api/auth/refresh', { json: { refreshToken: user.refreshToken } })).status).toBe(401);
      expect((await api.request('POST', '/api/auth/refresh', { json: { refreshToken: res.body.refreshToken } })).status).toBe(200);
    });
  });
});

describe('auth rate limit', () => {
  let t: TestApp;
  let api: Api;

  beforeAll(async () => {
    t = await createTestApp({ env: { AUTH_RATE_LIMIT_PER_MINUTE: '3' } });
    api = new Api(t.baseUrl);
  });
  afterAll(() => t?.close());

  it('answers 429 RATE_LIMITED with Retry-After past the per-route limit', async () => {
    const statuses = [];
    for (let i = 0; i < 4; i++) {
      statuses.push(await api.request('POST', '/api/auth/prelogin', { json: { email: 'limit@example.com' } }));
    }
    expect(statuses.map((r) => r.status)).toEqual([200, 200, 200, 429]);
    expect(statuses[3].body).toMatchObject({ statusCode: 429, error: 'TooManyRequests', code: 'RATE_LIMITED' });
    expect(Number(statuses[3].headers.get('retry-after'))).toBeGreaterThan(0);
    // Another route has its own budget.
    expect((await api.request('POST', '/api/auth/login', { json: { email: 'limit@example.com', authKey: b64(32) } })).status).toBe(401);
  });
});
