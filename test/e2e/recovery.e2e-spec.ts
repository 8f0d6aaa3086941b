import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Api, b64, kdf, keyBundle, TestUser } from '../utils/api';
import { createTestApp, TestApp } from '../utils/create-test-app';

/**
 * The recovery key against a hostile caller (server side, real PostgreSQL): the blobs are opaque
 * bytes here; client-sdk-recovery.e2e-spec.ts checks that maps stay readable with the real crypto.
 */
describe('recovery key (PUT /api/auth/recovery, POST /api/auth/recover)', () => {
  let t: TestApp;
  let api: Api;

  beforeAll(async () => {
    t = await createTestApp({ env: { LOGIN_FREE_ATTEMPTS: '5' } });
    api = new Api(t.baseUrl);
  });
  afterAll(() => t?.close());

  const wrapping = () => ({ recoveryAuthKey: b64(32), classicalPrivEncrypted: b64(62), pqPrivEncrypted: b64(94) });

  async function withRecovery(): Promise<{ user: TestUser; recovery: ReturnType<typeof wrapping> }> {
    const user = await api.register();
    const recovery = wrapping();
    const res = await api.request('PUT', '/api/auth/recovery', { token: user.accessToken, json: { currentAuthKey: user.authKey, keyVersion: 1, recovery } });
    expect(res.status).toBe(204);
    return { user, recovery };
  }

  function recoverBody(user: TestUser, recoveryAuthKey: string, overrides: Record<string, unknown> = {}) {
    return {
      email: user.email,
      recoveryAuthKey,
      newAuthKey: b64(32),
      kdf: kdf(),
      classicalPrivEncrypted: b64(62),
      pqPrivEncrypted: b64(94),
      keyVersion: 1,
      newRecovery: wrapping(),
      ...overrides,
    };
  }

  const recover = (body: unknown) => api.request('POST', '/api/auth/recover', { json: body });
  const login = (email: string, authKey: string) => api.request('POST', '/api/auth/login', { json: { email, authKey } });

  it('sets a recovery key only with the password proof and the current keyVersion; status shows it', async () => {
    const user = await api.register();
    const status = () => api.request<{ enabled: boolean; createdAt: string | null; wrapping: unknown }>('GET', '/api/auth/recovery', { token: user.accessToken });
    expect((await status()).body).toEqual({ enabled: false, createdAt: null, wrapping: null });
    const wrong = await api.request('PUT', '/api/auth/recovery', { token: user.accessToken, json: { currentAuthKey: b64(32), keyVersion: 1, recovery: wrapping() } });
    expect(wrong.body).toMatchObject({ statusCode: 401, code: 'INVALID_CREDENTIALS' });
    const stale = await api.request('PUT', '/api/auth/recovery', { token: user.accessToken, json: { currentAuthKey: user.authKey, keyVersion: 2, recovery: wrapping() } });
    expect(stale.body).toMatchObject({ statusCode: 409, code: 'KEY_VERSION_CONFLICT', currentKeyVersion: 1 });
    const bad = await api.request('PUT', '/api/auth/recovery', { token: user.accessToken, json: { currentAuthKey: user.authKey, keyVersion: 1, recovery: { ...wrapping(), recoveryAuthKey: b64(16) } } });
    expect(bad.body).toMatchObject({ statusCode: 400, code: 'VALIDATION_FAILED' });
    const anonymous = await api.request('PUT', '/api/auth/recovery', { json: { currentAuthKey: user.authKey, keyVersion: 1, recovery: wrapping() } });
    expect(anonymous.body).toMatchObject({ statusCode: 401, code: 'UNAUTHENTICATED' });
    expect((await status()).body.enabled).toBe(false);
    const recovery = wrapping();
    const ok = await api.request('PUT', '/api/auth/recovery', { token: user.accessToken, json: { currentAuthKey: user.authKey, keyVersion: 1, recovery } });
    expect(ok.status).toBe(204);
    // The owner reads the wrapping back (ciphertext, for a backup), never the proof or its hash.
    expect((await status()).body).toEqual({
      enabled: true,
      createdAt: expect.any(String),
      wrapping: { keyVersion: 1, classicalPrivEncrypted: recovery.classicalPrivEncrypted, pqPrivEncrypted: recovery.pqPrivEncrypted },
    });
  });

  it('answers the wrapping to the right proof only, and one refusal for a wrong proof, an unknown email and an account without a key', async () => {
    const { user, recovery } = await withRecovery();
    const material = await api.request('POST', '/api/auth/recover/key-material', { json: { email: user.email.toUpperCase(), recoveryAuthKey: recovery.recoveryAuthKey } });
    expect(material.status).toBe(200);
    expect(material.body).toMatchObject({ keyVersion: 1, classicalPrivEncrypted: recovery.classicalPrivEncrypted, pqPrivEncrypted: recovery.pqPrivEncrypted });
    const keys = await api.request<Record<string, string>>('GET', '/api/auth/keys', { token: user.accessToken });
    expect(material.body).toMatchObject({ classicalPublicKey: keys.body.classicalPublicKey, pqPublicKey: keys.body.pqPublicKey });
    const keyless = await api.register();
    for (const json of [
      { email: user.email, recoveryAuthKey: b64(32) },
      { email: 'nobody-here@example.com', recoveryAuthKey: recovery.recoveryAuthKey },
      { email: keyless.email, recoveryAuthKey: recovery.recoveryAuthKey },
      // The password's proof is not the recovery key's.
      { email: user.email, recoveryAuthKey: user.authKey },
    ]) {
      const res = await api.request('POST', '/api/auth/recover/key-material', { json });
      expect(res.body, json.email).toEqual({ statusCode: 401, error: 'Unauthorized', code: 'INVALID_RECOVERY_KEY', message: 'the recovery key is wrong, already used, or the account has none' });
    }
  });

  it('refuses a wrong recovery key and changes nothing', async () => {
    const { user } = await withRecovery();
    const res = await recover(recoverBody(user, b64(32)));
    expect(res.body).toMatchObject({ statusCode: 401, code: 'INVALID_RECOVERY_KEY' });
    expect((await login(user.email, user.authKey)).status).toBe(200);
    expect((await api.request('GET', '/api/auth/keys', { token: user.accessToken })).status).toBe(200);
  });

  it('sets the new password, ends every session, replaces the recovery key, and refuses the same proof replayed', async () => {
    const { user, recovery } = await withRecovery();
    const before = await api.request<Record<string, string>>('GET', '/api/auth/keys', { token: user.accessToken });
    const body = recoverBody(user, recovery.recoveryAuthKey);
    const res = await recover(body);
    expect(res.status).toBe(204);

    // Every session ended: the access token and the refresh token of the old password both stop.
    expect((await api.request('GET', '/api/auth/keys', { token: user.accessToken })).body).toMatchObject({ code: 'UNAUTHENTICATED' });
    expect((await api.request('POST', '/api/auth/refresh', { json: { refreshToken: user.refreshToken } })).status).toBe(401);
    expect((await login(user.email, user.authKey)).body).toMatchObject({ code: 'INVALID_CREDENTIALS' });
    const fresh = await login(user.email, body.newAuthKey);
    expect(fresh.status).toBe(200);
    const after = await api.request<Record<string, unknown>>('GET', '/api/auth/keys', { token: String(fresh.body.accessToken) });
    // Same key pairs (every map stays readable), private keys re-sealed under the new password.
    expect(after.body).toEqual({
      ...before.body,
      classicalPrivEncrypted: body.classicalPrivEncrypted,
      pqPrivEncrypted: body.pqPrivEncrypted,
    });
    expect((await api.request<{ kdf: unknown }>('POST', '/api/auth/prelogin', { json: { email: user.email } })).body.kdf).toEqual(body.kdf);

    // The used key is gone: the very same request again, or its proof alone, is refused.
    expect((await recover(body)).body).toMatchObject({ statusCode: 401, code: 'INVALID_RECOVERY_KEY' });
    expect((await api.request('POST', '/api/auth/recover/key-material', { json: { email: user.email, recoveryAuthKey: recovery.recoveryAuthKey } })).status).toBe(401);
    // The new one works.
    const next = await api.request('POST', '/api/auth/recover/key-material', { json: { email: user.email, recoveryAuthKey: body.newRecovery.recoveryAuthKey } });
    expect(next.body).toMatchObject({ keyVersion: 1, classicalPrivEncrypted: body.newRecovery.classicalPrivEncrypted });
  });

  it('lets exactly one of two recoveries racing with the same key through', async () => {
    const { user, recovery } = await withRecovery();
    const bodies = [recoverBody(user, recovery.recoveryAuthKey), recoverBody(user, recovery.recoveryAuthKey)];
    const results = await Promise.all(bodies.map(recover));
    expect(results.map((r) => r.status).sort()).toEqual([204, 401]);
    const winner = bodies[results.findIndex((r) => r.status === 204)]!;
    const loser = bodies[results.findIndex((r) => r.status === 401)]!;
    expect((await login(user.email, winner.newAuthKey)).status).toBe(200);
    expect((await login(user.email, loser.newAuthKey)).status).toBe(401);
    expect((await api.request('POST', '/api/auth/recover/key-material', { json: { email: user.email, recoveryAuthKey: loser.newRecovery.recoveryAuthKey } })).status).toBe(401);
  });

  it('wins over a password change racing it: the recovered password is the one that logs in, and the change cannot land after', async () => {
    for (let round = 0; round < 3; round++) {
      const { user, recovery } = await withRecovery();
      const body = recoverBody(user, recovery.recoveryAuthKey);
      const change = { currentAuthKey: user.authKey, newAuthKey: b64(32), kdf: kdf(), classicalPrivEncrypted: b64(62), pqPrivEncrypted: b64(94), keyVersion: 1 };
      const [recovered, changed] = await Promise.all([
        recover(body),
        api.request('PUT', '/api/auth/password', { token: user.accessToken, json: change }),
      ]);
      // A password change does not touch the recovery key, so recovery always goes through; the
      // change either landed first (and was then overwritten) or found its currentAuthKey stale.
      expect(recovered.status).toBe(204);
      expect([200, 401]).toContain(changed.status);
      expect((await login(user.email, body.newAuthKey)).status).toBe(200);
      expect((await login(user.email, change.newAuthKey)).status).toBe(401);
      expect((await login(user.email, user.authKey)).status).toBe(401);
      if (changed.status === 200) {
        // Its session ended with the recovery too.
        expect((await api.request('GET', '/api/auth/keys', { token: String((changed.body as { accessToken: string }).accessToken) })).status).toBe(401);
      }
    }
  });

  it('stops working when the keys are rotated (it wraps the retired private keys); a recovery sealed for them is refused', async () => {
    const { user, recovery } = await withRecovery();
    const rotated = await api.request('PUT', '/api/auth/keys', { token: user.accessToken, json: { currentAuthKey: user.authKey, keys: keyBundle(), keyVersion: 2, maps: [] } });
    expect(rotated.status).toBe(200);
    expect((await api.request('GET', '/api/auth/recovery', { token: user.accessToken })).body).toMatchObject({ enabled: false });
    expect((await recover(recoverBody(user, recovery.recoveryAuthKey))).body).toMatchObject({ code: 'INVALID_RECOVERY_KEY' });
    // A new key for the new keys; a recovery naming the old keyVersion is refused and changes nothing.
    const next = wrapping();
    expect((await api.request('PUT', '/api/auth/recovery', { token: user.accessToken, json: { currentAuthKey: user.authKey, keyVersion: 2, recovery: next } })).status).toBe(204);
    expect((await recover(recoverBody(user, next.recoveryAuthKey, { keyVersion: 1 }))).body).toMatchObject({ statusCode: 409, code: 'KEY_VERSION_CONFLICT', currentKeyVersion: 2 });
    expect((await login(user.email, user.authKey)).status).toBe(200);
  });

  it('slows guesses at one account down like logins (429 RECOVERY_THROTTLED with Retry-After), apart from the login count', async () => {
    const { user, recovery } = await withRecovery();
    for (let i = 0; i < 5; i++) {
      expect((await recover(recoverBody(user, b64(32)))).status).toBe(401);
    }
    const throttled = await recover(recoverBody(user, recovery.recoveryAuthKey));
    expect(throttled.status).toBe(429);
    expect(throttled.body).toMatchObject({ code: 'RECOVERY_THROTTLED', retryAfterS: expect.any(Number) });
    expect(throttled.headers.get('retry-after')).toBe(String(throttled.body.retryAfterS));
    // The same for an address with no account: the answer tells nothing.
    for (let i = 0; i < 5; i++) await recover({ ...recoverBody(user, b64(32)), email: 'ghost@example.com' });
    expect((await recover({ ...recoverBody(user, b64(32)), email: 'ghost@example.com' })).body).toMatchObject({ code: 'RECOVERY_THROTTLED' });
    // Logins are counted apart.
    expect((await login(user.email, user.authKey)).status).toBe(200);
  });

  it('refuses a disabled account even with the right key', async () => {
    const { user, recovery } = await withRecovery();
    await t.app.get(DataSource).query('UPDATE users SET disabled = true WHERE id = $1', [user.userId]);
    expect((await recover(recoverBody(user, recovery.recoveryAuthKey))).body).toMatchObject({ statusCode: 403, code: 'ACCOUNT_DISABLED' });
  });
});
