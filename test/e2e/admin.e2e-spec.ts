import { randomBytes, randomUUID } from 'node:crypto';
import { dirname } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/run-cli';
import { Api, b64, kdf, keyBundle, TestUser } from '../utils/api';
import { makeAdmin } from '../utils/admin';
import { createTestApp, TestApp } from '../utils/create-test-app';

const FREE_BYTES = 2000;

interface AdminUser {
  id: string;
  email: string;
  role: string;
  effectiveTier: string;
  usageBytes: number;
  mapCount: number;
  twoFactor: boolean;
  disabled: boolean;
  createdAt: string;
}

describe('admin API', () => {
  let t: TestApp;
  let api: Api;
  let root: TestUser;
  let someone: TestUser;

  beforeAll(async () => {
    t = await createTestApp({ env: { FREE_STORAGE_BYTES: String(FREE_BYTES) } });
    api = new Api(t.baseUrl);
    root = await api.register('root@example.com');
    await makeAdmin(t, root);
    someone = await api.register();
  });
  afterAll(() => t?.close());

  const as = (user: TestUser) => ({ token: user.accessToken });
  const auditOf = async (targetId: string) =>
    (await t.db.pool.query('SELECT actor_id, via, action, before, after FROM audit_log WHERE target_id = $1 ORDER BY id', [targetId])).rows;

  it('never grants a role at registration, whatever the body claims', async () => {
    const claimed = await api.request('POST', '/api/auth/register', {
      json: { email: 'boss@example.com', authKey: b64(32), kdf: kdf(), keys: keyBundle(), role: 'admin' },
    });
    expect(claimed.status).toBe(400);
    expect(claimed.body.code).toBe('VALIDATION_FAILED');
    const boss = await api.register('boss@example.com');
    const roles = await t.db.pool.query('SELECT role FROM users WHERE id = $1', [boss.userId]);
    expect(roles.rows[0].role).toBe('user');
    expect((await api.request('GET', '/api/admin/stats', as(boss))).status).toBe(403);
  });

  it('answers 403 FORBIDDEN to a non-admin on every admin route, 401 without a token', async () => {
    const routes: [string, string, unknown?][] = [
      ['GET', '/api/admin/users'],
      ['GET', `/api/admin/users/${root.userId}`],
      ['PATCH', `/api/admin/users/${someone.userId}`, { role: 'admin' }],
      ['GET', '/api/admin/stats'],
      ['POST', '/api/admin/storage/reconcile'],
    ];
    for (const [method, path, json] of routes) {
      const res = await api.request(method, path, { ...as(someone), json });
      expect(res.status, `${method} ${path}`).toBe(403);
      expect(res.body.code).toBe('FORBIDDEN');
      expect((await api.request(method, path, { json })).status).toBe(401);
    }
    const roles = await t.db.pool.query('SELECT role FROM users WHERE id = $1', [someone.userId]);
    expect(roles.rows[0].role).toBe('user');
  });

  it('lists users by email prefix, page by page, with tier, usage and map count', async () => {
    const tag = randomBytes(4).toString('hex');
    const users = [];
    for (const n of [3, 1, 2]) users.push(await api.register(`list-${tag}-${n}@example.com`));
    const map = await api.createMap(users[0]);
    await api.upload(users[0], map.id, randomBytes(123));
    await api.createMap(users[0]);

    const first = await api.request<{ items: AdminUser[]; nextCursor: string | null }>(
      'GET', `/api/admin/users?query=LIST-${tag}&limit=2`, as(root),
    );
    expect(first.status).toBe(200);
    expect(first.body.items.map((u) => u.email)).toEqual([`list-${tag}-1@example.com`, `list-${tag}-2@example.com`]);
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const second = await api.request<{ items: AdminUser[]; nextCursor: string | null }>(
      'GET', `/api/admin/users?query=list-${tag}&limit=2&cursor=${first.body.nextCursor}`, as(root),
    );
    expect(second.body.nextCursor).toBeNull();
    expect(second.body.items).toEqual([
      {
        id: users[0].userId,
        email: `list-${tag}-3@example.com`,
        role: 'user',
        effectiveTier: 'free',
        usageBytes: 123,
        mapCount: 2,
        twoFactor: false,
        disabled: false,
        createdAt: expect.any(String),
      },
    ]);
    expect((await api.request<{ items: unknown[] }>('GET', '/api/admin/users?query=%25', as(root))).body.items).toEqual([]);
    const bad = await api.request('GET', '/api/admin/users?cursor=bm9wZQ', as(root));
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('VALIDATION_FAILED');
  });

  it('shows one user with subscription and usage; USER_NOT_FOUND for an unknown id', async () => {
    const res = await api.request('GET', `/api/admin/users/${someone.userId}`, as(root));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      id: someone.userId,
      email: someone.email,
      effectiveTier: 'free',
      tierOverride: null,
      subscription: null,
      usageBytes: 0,
      limitBytes: FREE_BYTES,
    });
    const missing = await api.request('GET', `/api/admin/users/${randomUUID()}`, as(root));
    expect(missing.status).toBe(404);
    expect(missing.body.code).toBe('USER_NOT_FOUND');
  });

  it('overrides the tier: the quota follows at once, and the change is audited', async () => {
    const user = await api.register();
    const map = await api.createMap(user);
    expect((await api.upload(user, map.id, randomBytes(FREE_BYTES + 1))).status).toBe(413);

    const res = await api.request('PATCH', `/api/admin/users/${user.userId}`, { ...as(root), json: { tierOverride: 'team' } });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ tierOverride: 'team', effectiveTier: 'team', limitBytes: t.config.tiers.team.storageLimitBytes });
    expect((await api.upload(user, map.id, randomBytes(FREE_BYTES + 1))).status).toBe(201);

    const cleared = await api.request('PATCH', `/api/admin/users/${user.userId}`, { ...as(root), json: { tierOverride: null } });
    expect(cleared.body).toMatchObject({ tierOverride: null, effectiveTier: 'free' });
    const refused = await api.upload(user, map.id, randomBytes(1));
    expect(refused.status).toBe(413);
    expect(refused.body).toMatchObject({ code: 'STORAGE_QUOTA_EXCEEDED', tier: 'free' });

    expect(await auditOf(user.userId)).toEqual([
      { actor_id: root.userId, via: 'api', action: 'user.update', before: { tierOverride: null }, after: { tierOverride: 'team' } },
      { actor_id: root.userId, via: 'api', action: 'user.update', before: { tierOverride: 'team' }, after: { tierOverride: null } },
    ]);
  });

  it("disables a user: their tokens stop working at once and their refresh tokens are revoked", async () => {
    const user = await api.register();
    expect((await api.request('GET', '/api/mindmaps', as(user))).status).toBe(200);
    const res = await api.request('PATCH', `/api/admin/users/${user.userId}`, { ...as(root), json: { disabled: true } });
    expect(res.status).toBe(200);
    expect(res.body.disabled).toBe(true);

    const denied = await api.request('GET', '/api/mindmaps', as(user));
    expect(denied.status).toBe(401);
    expect(denied.body.code).toBe('UNAUTHENTICATED');
    expect((await api.request('POST', '/api/auth/refresh', { json: { refreshToken: user.refreshToken } })).status).toBe(401);
    const live = await t.db.pool.query('SELECT count(*)::int AS n FROM refresh_families WHERE user_id = $1 AND revoked_at IS NULL', [user.userId]);
    expect(live.rows[0].n).toBe(0);
    const login = await api.request('POST', '/api/auth/login', { json: { email: user.email, authKey: user.authKey } });
    expect(login.status).toBe(403);
    expect(login.body.code).toBe('ACCOUNT_DISABLED');

    await api.request('PATCH', `/api/admin/users/${user.userId}`, { ...as(root), json: { disabled: false } });
    expect((await api.request('POST', '/api/auth/login', { json: { email: user.email, authKey: user.authKey } })).status).toBe(200);
    expect((await auditOf(user.userId)).map((r) => [r.before, r.after])).toEqual([
      [{ disabled: false }, { disabled: true }],
      [{ disabled: true }, { disabled: false }],
    ]);
  });

  it('changes roles, but never lets an admin disable or demote themselves', async () => {
    const user = await api.register();
    const promoted = await api.request('PATCH', `/api/admin/users/${user.userId}`, { ...as(root), json: { role: 'admin' } });
    expect(promoted.body.role).toBe('admin');
    expect((await api.request('GET', '/api/admin/stats', as(user))).status).toBe(200);

    for (const json of [{ disabled: true }, { role: 'user' }]) {
      const res = await api.request('PATCH', `/api/admin/users/${user.userId}`, { ...as(user), json });
      expect(res.status).toBe(409);
      expect(res.body.code).toBe('CANNOT_CHANGE_OWN_ACCESS');
    }
    await api.request('PATCH', `/api/admin/users/${user.userId}`, { ...as(root), json: { role: 'user' } });
    expect((await api.request('GET', '/api/admin/stats', as(user))).status).toBe(403);

    for (const json of [{}, { tierOverride: 'gold' }, { role: 'owner' }, { disabled: 'yes' }, { email: 'x@example.com' }]) {
      const res = await api.request('PATCH', `/api/admin/users/${user.userId}`, { ...as(root), json });
      expect(res.status, JSON.stringify(json)).toBe(400);
      expect(res.body.code).toBe('VALIDATION_FAILED');
    }
    const missing = await api.request('PATCH', `/api/admin/users/${randomUUID()}`, { ...as(root), json: { disabled: true } });
    expect(missing.status).toBe(404);
    expect(missing.body.code).toBe('USER_NOT_FOUND');
  });

  it('reports system totals and queue counts', async () => {
    const before = await api.request<Record<string, number>>('GET', '/api/admin/stats', as(root));
    const user = await api.register();
    const map = await api.createMap(user);
    await api.upload(user, map.id, randomBytes(77));
    const after = await api.request<{ users: number; maps: number; versions: number; storedBytes: number; queue: Record<string, number> }>(
      'GET', '/api/admin/stats', as(root),
    );
    expect(after.status).toBe(200);
    expect(after.body).toMatchObject({
      users: before.body.users + 1,
      maps: before.body.maps + 1,
      versions: before.body.versions + 1,
      storedBytes: before.body.storedBytes + 77,
      queue: { waiting: expect.any(Number), active: expect.any(Number), failed: 0 },
    });
  });

  it('promotes an existing account from the command line, audited as the operator', async () => {
    const user = await api.register();
    const lines: string[] = [];
    const io = { out: (l: string) => lines.push(l), err: (l: string) => lines.push(`! ${l}`) };
    const dataDir = t.config.blob.driver === 'fs' ? dirname(t.config.blob.rootDir) : undefined;
    const env = { DATABASE_URL: t.db.url, DATA_DIR: dataDir, LOG_LEVEL: 'silent' };

    expect(await runCli(['promote', user.email.toUpperCase()], env, io)).toBe(0);
    expect(lines.pop()).toBe(`${user.email.toUpperCase()} is now an administrator`);
    expect((await api.request('GET', '/api/admin/stats', as(user))).status).toBe(200);
    expect(await runCli(['promote', user.email], env, io)).toBe(0);
    expect(lines.pop()).toMatch(/already an administrator/);
    expect(await runCli(['promote', 'nobody@example.com'], env, io)).toBe(1);
    expect(await runCli(['demote', user.email], env, io)).toBe(2);
    expect(lines.pop()).toMatch(/^! usage/);
    expect(await auditOf(user.userId)).toEqual([
      { actor_id: null, via: 'cli', action: 'user.promote', before: { role: 'user' }, after: { role: 'admin' } },
    ]);
  });
});
