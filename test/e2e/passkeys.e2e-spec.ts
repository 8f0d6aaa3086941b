import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Api, TestUser } from '../utils/api';
import { createTestApp, TestApp } from '../utils/create-test-app';

/**
 * The passkey routes' refusals (server side). A real authenticator's enrolment and login are in
 * web/e2e/passkeys.e2e-spec.ts, through Chromium's virtual authenticator.
 */
describe('passkeys (WebAuthn) as a second factor: refusals', () => {
  let t: TestApp;
  let api: Api;
  let user: TestUser;

  beforeAll(async () => {
    t = await createTestApp();
    api = new Api(t.baseUrl);
    user = await api.register();
  });
  afterAll(() => t?.close());

  const forged = { id: 'AAAA', rawId: 'AAAA', type: 'public-key', response: { clientDataJSON: 'e30', attestationObject: 'AAAA', authenticatorData: 'AAAA', signature: 'AAAA' }, clientExtensionResults: {} };

  it('gives enrolment options only with the password proof, bound to the RP id', async () => {
    const wrong = await api.request('POST', '/api/auth/2fa/passkeys/options', { token: user.accessToken, json: { currentAuthKey: Buffer.alloc(32).toString('base64') } });
    expect(wrong.body).toMatchObject({ statusCode: 401, code: 'INVALID_CREDENTIALS' });
    const options = await api.request<{ rp: { id: string }; challenge: string; user: { name: string } }>('POST', '/api/auth/2fa/passkeys/options', {
      token: user.accessToken,
      json: { currentAuthKey: user.authKey },
    });
    expect(options.status).toBe(201);
    expect(options.body).toMatchObject({ rp: { id: 'localhost', name: 'Mindvault' }, user: { name: user.email }, attestation: 'none' });
    expect(options.body.challenge.length).toBeGreaterThanOrEqual(43);
  });

  it('refuses an answer that does not verify, and the enrolment is spent by it', async () => {
    await api.request('POST', '/api/auth/2fa/passkeys/options', { token: user.accessToken, json: { currentAuthKey: user.authKey } });
    const bad = await api.request('POST', '/api/auth/2fa/passkeys', { token: user.accessToken, json: { response: forged, name: 'Fake' } });
    expect(bad.body).toMatchObject({ statusCode: 401, code: 'INVALID_SECOND_FACTOR' });
    const again = await api.request('POST', '/api/auth/2fa/passkeys', { token: user.accessToken, json: { response: forged, name: 'Fake' } });
    expect(again.body).toMatchObject({ statusCode: 409, code: 'NO_PENDING_ENROLMENT' });
    expect((await api.request<{ passkeys: unknown[] }>('GET', '/api/auth/2fa', { token: user.accessToken })).body.passkeys).toEqual([]);
    // Without a factor the login needs no second step.
    expect((await api.request('POST', '/api/auth/login', { json: { email: user.email, authKey: user.authKey } })).status).toBe(200);
  });

  it('answers PASSKEY_NOT_FOUND for a passkey the account does not have', async () => {
    const res = await api.request('DELETE', '/api/auth/2fa/passkeys/AAAA', { token: user.accessToken, json: { currentAuthKey: user.authKey } });
    expect(res.body).toMatchObject({ statusCode: 404, code: 'PASSKEY_NOT_FOUND' });
  });

  it('refuses a second step with both a code and a passkey, or neither, and passkey options for an unknown challenge', async () => {
    for (const json of [{ challengeToken: 'x', code: '123456', passkey: forged }, { challengeToken: 'x' }]) {
      const res = await api.request('POST', '/api/auth/login/second-factor', { json });
      expect(res.body).toMatchObject({ statusCode: 400, code: 'VALIDATION_FAILED' });
    }
    const options = await api.request('POST', '/api/auth/login/second-factor/passkey-options', { json: { challengeToken: 'no-such-challenge' } });
    expect(options.body).toMatchObject({ statusCode: 401, code: 'INVALID_CHALLENGE' });
  });
});
