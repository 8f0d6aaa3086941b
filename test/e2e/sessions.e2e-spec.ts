import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JobRegistry } from '../../src/queue/job-registry';
import { Api, b64, kdf, TestUser } from '../utils/api';
import { createTestApp, TestApp } from '../utils/create-test-app';

const IDLE_S = 3600;
const MAX_S = 600;

type Tokens = { accessToken: string; refreshToken: string };

describe('sessions', () => {
  let t: TestApp;
  let api: Api;

  beforeAll(async () => {
    t = await createTestApp({ env: { JWT_REFRESH_TTL_S: String(IDLE_S), SESSION_MAX_TTL_S: String(MAX_S) } });
    api = new Api(t.baseUrl);
  });
  afterAll(() => t?.close());

  const refresh = (refreshToken: string) => api.request<Tokens & { code?: string }>('POST', '/api/auth/refresh', { json: { refreshToken } });
  const keys = (token: string) => api.request('GET', '/api/auth/keys', { token });
  const login = (user: TestUser) => api.request<Tokens>('POST', '/api/auth/login', { json: { email: user.email, authKey: user.authKey } });

  it('revokes the whole family when two refreshes of one token race: no token of it works after (50 trials)', async () => {
    // Regression: the loser revoked the family before the winner's new token was written, so it survived.
    const user = await api.register();
    const survivors: string[] = [];
    for (let trial = 0; trial < 50; trial++) {
      const session = (await login(user)).body;
      const results = await Promise.all([refresh(session.refreshToken), refresh(session.refreshToken)]);
      const statuses = results.map((r) => r.status).sort();
      expect(statuses, `trial ${trial}`).toEqual([200, 401]);
      expect(results.find((r) => r.status === 401)!.body).toMatchObject({ code: 'REFRESH_REUSED' });
      const issued = results.filter((r) => r.status === 200).map((r) => r.body.refreshToken);
      for (const token of [session.refreshToken, ...issued]) {
        if ((await refresh(token)).status !== 401) survivors.push(`trial ${trial}`);
      }
    }
    expect(survivors).toEqual([]);
  });

  it('ends a login at its absolute lifetime, however often it is refreshed', async () => {
    // Regression: each rotation set a fresh idle expiry, so a family refreshed in time never ended.
    const user = await api.register();
    let tokens: Tokens = user;
    for (let i = 0; i < 3; i++) tokens = (await refresh(tokens.refreshToken)).body;
    const rows = await t.db.pool.query<{ token_end: Date; family_end: Date; created_at: Date }>(
      `SELECT t.expires_at AS token_end, f.expires_at AS family_end, f.created_at
       FROM refresh_tokens t JOIN refresh_families f ON f.id = t.family_id WHERE t.id = $1`,
      [tokens.refreshToken.split('.')[0]],
    );
    const { token_end, family_end, created_at } = rows.rows[0];
    expect(family_end.getTime() - created_at.getTime()).toBeLessThanOrEqual(MAX_S * 1000 + 1000);
    expect(token_end.getTime()).toBeLessThanOrEqual(family_end.getTime());

    await t.db.pool.query(`UPDATE refresh_families SET expires_at = now() - interval '1 second' WHERE id = (
      SELECT family_id FROM refresh_tokens WHERE id = $1)`, [tokens.refreshToken.split('.')[0]]);
    const late = await refresh(tokens.refreshToken);
    expect(late.status).toBe(401);
    expect(late.body.code).toBe('INVALID_REFRESH_TOKEN');
  });

  it('logout-all stops every access and refresh token of the user at once, and only theirs', async () => {
    const user = await api.register();
    const other = await api.register();
    const second = (await login(user)).body;
    expect((await keys(user.accessToken)).status).toBe(200);

    const out = await api.request('POST', '/api/auth/logout-all', { token: second.accessToken });
    expect(out.status).toBe(204);
    for (const token of [user.accessToken, second.accessToken]) {
      const res = await keys(token);
      expect(res.status).toBe(401);
      expect(res.body.code).toBe('UNAUTHENTICATED');
    }
    for (const token of [user.refreshToken, second.refreshToken]) expect((await refresh(token)).status).toBe(401);
    expect((await keys(other.accessToken)).status).toBe(200);
    expect((await refresh(other.refreshToken)).status).toBe(200);

    const again = (await login(user)).body;
    expect((await keys(again.accessToken)).status).toBe(200);
    expect((await api.request('POST', '/api/auth/logout-all')).status).toBe(401);
  });

  it('stops access tokens signed before a password change', async () => {
    const user = await api.register();
    const change = await api.request<Tokens>('PUT', '/api/auth/password', {
      token: user.accessToken,
      json: { currentAuthKey: user.authKey, newAuthKey: b64(32), kdf: kdf(), classicalPrivEncrypted: b64(60), pqPrivEncrypted: b64(90), keyVersion: 1 },
    });
    expect(change.status).toBe(200);
    expect((await keys(user.accessToken)).status).toBe(401);
    expect((await keys(change.body.accessToken)).status).toBe(200);
  });

  it('stops access tokens signed before the account was disabled, even once it is enabled again', async () => {
    const user = await api.register();
    const admin = await api.register();
    await t.db.pool.query(`UPDATE users SET role = 'admin' WHERE id = $1`, [admin.userId]);
    const patch = (disabled: boolean) =>
      api.request('PATCH', `/api/admin/users/${user.userId}`, { token: admin.accessToken, json: { disabled } });
    expect((await patch(true)).status).toBe(200);
    expect((await patch(false)).status).toBe(200);
    expect((await keys(user.accessToken)).status).toBe(401);
    expect((await refresh(user.refreshToken)).status).toBe(401);
    expect((await keys((await login(user)).body.accessToken)).status).toBe(200);
  });

  it('purges refresh rows past their end on the purge job, and keeps live ones', async () => {
    const expired = await api.register();
    const revoked = await api.register();
    const live = await api.register();
    const used = (await refresh(live.refreshToken)).body;
    await t.db.pool.query(`UPDATE refresh_families SET expires_at = now() - interval '1 second' WHERE user_id = $1`, [expired.userId]);
    await api.request('POST', '/api/auth/logout', { json: { refreshToken: revoked.refreshToken } });
    await t.db.pool.query(`UPDATE refresh_tokens SET expires_at = now() - interval '1 second' WHERE id = $1`, [
      live.refreshToken.split('.')[0],
    ]);

    await t.app.get(JobRegistry).dispatch('purge-sessions', {});

    const rows = await t.db.pool.query<{ user_id: string; n: number }>(
      `SELECT user_id, count(*)::int AS n FROM refresh_tokens WHERE user_id = ANY($1::uuid[]) GROUP BY user_id`,
      [[expired.userId, revoked.userId, live.userId]],
    );
    expect(rows.rows).toEqual([{ user_id: live.userId, n: 1 }]);
    const families = await t.db.pool.query('SELECT user_id FROM refresh_families WHERE user_id = ANY($1::uuid[])', [
      [expired.userId, revoked.userId, live.userId],
    ]);
    expect(families.rows).toEqual([{ user_id: live.userId }]);
    expect((await refresh(used.refreshToken)).status).toBe(200);
  });
});
