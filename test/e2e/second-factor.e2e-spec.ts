import { createHash } from 'node:crypto';
import { generate } from 'otplib';
import { JobRegistry } from '../../src/queue/job-registry';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeAdmin } from '../utils/admin';
import { Api, b64, TestUser } from '../utils/api';
import { createTestApp, TestApp } from '../utils/create-test-app';
import { rowsMentioning } from '../utils/rows-mentioning';

interface Challenge {
  code: string;
  challengeToken: string;
  expiresInS: number;
  methods: string[];
}

/** The code an authenticator app shows `offsetS` seconds from now. */
const codeAt = (secret: string, offsetS = 0) => generate({ secret, epoch: Math.floor(Date.now() / 1000) + offsetS });

describe('TOTP second factor', () => {
  let t: TestApp;
  let api: Api;

  beforeAll(async () => {
    t = await createTestApp();
    api = new Api(t.baseUrl);
  });
  afterAll(() => t?.close());

  const login = (user: TestUser) => api.request<Challenge>('POST', '/api/auth/login', { json: { email: user.email, authKey: user.authKey } });
  const secondStep = (challengeToken: string, code: string) =>
    api.request<{ accessToken?: string; code?: string }>('POST', '/api/auth/login/second-factor', { json: { challengeToken, code } });

  /** A user with TOTP enabled: its secret and backup codes. */
  async function enrolled() {
    const user = await api.register();
    const begun = await api.request<{ secret: string; otpauthUri: string }>('POST', '/api/auth/2fa/totp', {
      token: user.accessToken,
      json: { currentAuthKey: user.authKey },
    });
    expect(begun.status).toBe(201);
    const confirmed = await api.request<{ backupCodes: string[] }>('POST', '/api/auth/2fa/totp/confirm', {
      token: user.accessToken,
      json: { code: await codeAt(begun.body.secret) },
    });
    expect(confirmed.status).toBe(200);
    return { user, secret: begun.body.secret, backupCodes: confirmed.body.backupCodes };
  }

  it('enrols only with the password proof and a valid first code, handing out ten backup codes and storing no secret in clear', async () => {
    const user = await api.register();
    const wrongKey = await api.request('POST', '/api/auth/2fa/totp', { token: user.accessToken, json: { currentAuthKey: b64(32) } });
    expect(wrongKey.status).toBe(401);
    expect(wrongKey.body).toMatchObject({ code: 'INVALID_CREDENTIALS' });
    const early = await api.request('POST', '/api/auth/2fa/totp/confirm', { token: user.accessToken, json: { code: '123456' } });
    expect(early.body).toMatchObject({ statusCode: 409, code: 'NO_PENDING_ENROLMENT' });

    const begun = await api.request<{ secret: string; otpauthUri: string }>('POST', '/api/auth/2fa/totp', { token: user.accessToken, json: { currentAuthKey: user.authKey } });
    expect(begun.status).toBe(201);
    expect(begun.body.secret).toMatch(/^[A-Z2-7]{32}$/);
    const uri = new URL(begun.body.otpauthUri);
    expect(uri.protocol).toBe('otpauth:');
    expect(uri.searchParams.get('secret')).toBe(begun.body.secret);
    expect(uri.searchParams.get('issuer')).toBe('Mindvault');
    expect(decodeURIComponent(uri.pathname)).toContain(user.email);

    // A wrong first code enables nothing: the login still needs only the password.
    const wrong = await api.request('POST', '/api/auth/2fa/totp/confirm', { token: user.accessToken, json: { code: (await codeAt(begun.body.secret)) === '000000' ? '111111' : '000000' } });
    expect(wrong.body).toMatchObject({ statusCode: 401, code: 'INVALID_SECOND_FACTOR' });
    expect((await login(user)).status).toBe(200);

    const confirmed = await api.request<{ backupCodes: string[] }>('POST', '/api/auth/2fa/totp/confirm', { token: user.accessToken, json: { code: await codeAt(begun.body.secret) } });
    expect(confirmed.status).toBe(200);
    expect(confirmed.body.backupCodes).toHaveLength(10);
    expect(new Set(confirmed.body.backupCodes).size).toBe(10);
    for (const code of confirmed.body.backupCodes) expect(code).toMatch(/^[a-z2-9]{5}-[a-z2-9]{5}$/);
    const again = await api.request('POST', '/api/auth/2fa/totp', { token: user.accessToken, json: { currentAuthKey: user.authKey } });
    expect(again.body).toMatchObject({ statusCode: 409, code: 'SECOND_FACTOR_ENABLED' });

    expect((await api.request('GET', '/api/auth/2fa', { token: user.accessToken })).body).toEqual({ totpEnabled: true, backupCodesLeft: 10, passkeys: [] });
    expect(await rowsMentioning(t.db.pool, begun.body.secret)).toEqual([]);
    for (const code of confirmed.body.backupCodes) expect(await rowsMentioning(t.db.pool, code.replace('-', ''))).toEqual([]);
    const sealed = await t.db.pool.query('SELECT secret_sealed FROM totp_factors WHERE user_id = $1', [user.userId]);
    expect(Buffer.from(sealed.rows[0].secret_sealed).includes(Buffer.from(begun.body.secret))).toBe(false);
  });

  it('makes the login a two-step one: a code once per time step, never an older one, and the challenge once', async () => {
    const { user, secret } = await enrolled();
    const first = await login(user);
    expect(first.status).toBe(401);
    expect(first.body).toMatchObject({ code: 'SECOND_FACTOR_REQUIRED', expiresInS: 300, methods: ['totp', 'backup-code'] });
    expect(first.body).not.toHaveProperty('accessToken');

    // The enrolment spent this step's code: the next step's is the first the login accepts.
    const used = await codeAt(secret);
    const replay = await secondStep(first.body.challengeToken, used);
    expect(replay.body).toMatchObject({ statusCode: 401, code: 'INVALID_SECOND_FACTOR' });
    const next = await codeAt(secret, 30);
    const ok = await secondStep(first.body.challengeToken, next);
    expect(ok.status).toBe(200);
    expect((await api.request('GET', '/api/mindmaps', { token: ok.body.accessToken })).status).toBe(200);

    // The challenge is spent; a new one refuses the same code again, and an older one.
    expect((await secondStep(first.body.challengeToken, next)).body).toMatchObject({ code: 'INVALID_CHALLENGE' });
    const second = await login(user);
    expect((await secondStep(second.body.challengeToken, next)).body).toMatchObject({ code: 'INVALID_SECOND_FACTOR' });
    expect((await secondStep(second.body.challengeToken, await codeAt(secret, -30))).body).toMatchObject({ code: 'INVALID_SECOND_FACTOR' });
    expect((await secondStep('not-a-challenge', next)).body).toMatchObject({ statusCode: 401, code: 'INVALID_CHALLENGE' });
  });

  it('takes each backup code once, in any case and spacing', async () => {
    const { user, backupCodes } = await enrolled();
    const first = await login(user);
    const typed = ` ${backupCodes[3]!.toUpperCase().replace('-', ' ')} `;
    expect((await secondStep(first.body.challengeToken, typed)).status).toBe(200);
    const second = await login(user);
    expect((await secondStep(second.body.challengeToken, backupCodes[3]!)).body).toMatchObject({ code: 'INVALID_SECOND_FACTOR' });
    expect((await secondStep(second.body.challengeToken, backupCodes[4]!)).status).toBe(200);
    expect((await api.request('GET', '/api/auth/2fa', { token: user.accessToken })).body).toEqual({ totpEnabled: true, backupCodesLeft: 8, passkeys: [] });
  });

  it('closes a challenge after five wrong codes and then slows the account down', async () => {
    const { user, secret } = await enrolled();
    const first = await login(user);
    const second = await login(user);
    for (let i = 0; i < 5; i++) expect((await secondStep(first.body.challengeToken, `aaaaa-aaaa${i + 2}`)).body).toMatchObject({ code: 'INVALID_SECOND_FACTOR' });
    expect((await secondStep(first.body.challengeToken, await codeAt(secret, 30))).body).toMatchObject({ code: 'INVALID_CHALLENGE' });
    // Exactly LOGIN_FREE_ATTEMPTS (5) go ahead freely; the next one waits, even with a right code.
    const throttled = await secondStep(second.body.challengeToken, await codeAt(secret, 30));
    expect(throttled.status).toBe(429);
    expect(throttled.body).toMatchObject({ code: 'LOGIN_THROTTLED' });
    expect(Number(throttled.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('disables only with the password proof and a code, and shows administrators the flag, never the secret', async () => {
    const { user, secret } = await enrolled();
    const admin = await api.register();
    await makeAdmin(t, admin);
    const listed = async () =>
      (await api.request<{ twoFactor: boolean }>('GET', `/api/admin/users/${user.userId}`, { token: admin.accessToken })).body;
    expect(await listed()).toMatchObject({ twoFactor: true });
    expect(JSON.stringify(await listed())).not.toContain(secret);

    const noKey = await api.request('DELETE', '/api/auth/2fa/totp', { token: user.accessToken, json: { currentAuthKey: b64(32), code: await codeAt(secret, 30) } });
    expect(noKey.body).toMatchObject({ statusCode: 401, code: 'INVALID_CREDENTIALS' });
    const noCode = await api.request('DELETE', '/api/auth/2fa/totp', { token: user.accessToken, json: { currentAuthKey: user.authKey, code: 'zzzzz-zzzzz' } });
    expect(noCode.body).toMatchObject({ statusCode: 401, code: 'INVALID_SECOND_FACTOR' });
    const bad = await api.request('DELETE', '/api/auth/2fa/totp', { token: user.accessToken, json: { currentAuthKey: user.authKey, code: 'x' } });
    expect(bad.body).toMatchObject({ statusCode: 400, code: 'VALIDATION_FAILED' });

    const off = await api.request('DELETE', '/api/auth/2fa/totp', { token: user.accessToken, json: { currentAuthKey: user.authKey, code: await codeAt(secret, 30) } });
    expect(off.status).toBe(204);
    expect((await login(user)).status).toBe(200);
    expect(await listed()).toMatchObject({ twoFactor: false });
    expect((await t.db.pool.query('SELECT 1 FROM totp_backup_codes WHERE user_id = $1', [user.userId])).rowCount).toBe(0);
    const again = await api.request('DELETE', '/api/auth/2fa/totp', { token: user.accessToken, json: { currentAuthKey: user.authKey, code: '123456' } });
    expect(again.body).toMatchObject({ statusCode: 409, code: 'SECOND_FACTOR_NOT_ENABLED' });
  });

  it('drops unfinished login challenges past their end on the session purge job, keeping live ones', async () => {
    const { user } = await enrolled();
    const stale = await login(user);
    const live = await login(user);
    const hash = (token: string) => createHash('sha256').update(token).digest();
    await t.db.pool.query(`UPDATE login_challenges SET expires_at = now() - interval '1 second' WHERE token_hash = $1`, [hash(stale.body.challengeToken)]);
    await t.app.get(JobRegistry).dispatch('purge-sessions', {});
    const left = await t.db.pool.query('SELECT token_hash FROM login_challenges WHERE user_id = $1', [user.userId]);
    expect(left.rows.map((r: { token_hash: Buffer }) => Buffer.from(r.token_hash))).toEqual([hash(live.body.challengeToken)]);
  });
});
