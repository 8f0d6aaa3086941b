import { dirname } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/run-cli';
import { ConfigError, loadConfig } from '../../src/config/app-config';
import { Api } from '../utils/api';
import { createTestApp, TestApp } from '../utils/create-test-app';

describe('the first administrator', () => {
  let t: TestApp;
  let api: Api;

  beforeAll(async () => {
    t = await createTestApp();
    api = new Api(t.baseUrl);
  });
  afterAll(() => t?.close());

  function cli() {
    const lines: string[] = [];
    const io = { out: (l: string) => lines.push(l), err: (l: string) => lines.push(`! ${l}`) };
    const dataDir = t.config.blob.driver === 'fs' ? dirname(t.config.blob.rootDir) : undefined;
    const env = { DATABASE_URL: t.db.url, DATA_DIR: dataDir, LOG_LEVEL: 'silent' };
    return { lines, run: (...args: string[]) => runCli(args, env, io) };
  }

  it('is never made by registering a listed email: ADMIN_EMAILS stops the start', () => {
    // Regression: whoever registered a listed address first (no email is verified) became admin.
    expect(() => loadConfig({ ADMIN_EMAILS: 'boss@example.com' })).toThrow(ConfigError);
    expect(() => loadConfig({ ADMIN_EMAILS: 'boss@example.com' })).toThrow(/ADMIN_EMAILS: no longer supported/);
  });

  it('comes from create-admin on an install without one, which refuses once one exists', async () => {
    const { lines, run } = cli();
    expect(await run('create-admin', 'nobody@example.com')).toBe(1);
    expect(lines.pop()).toMatch(/^! no account with the email nobody@example\.com: register it through a client first/);

    const first = await api.register();
    expect((await api.request('GET', '/api/admin/stats', { token: first.accessToken })).status).toBe(403);
    expect(await run('create-admin', first.email)).toBe(0);
    expect(lines.pop()).toBe(`${first.email} is now an administrator`);
    expect((await api.request('GET', '/api/admin/stats', { token: first.accessToken })).status).toBe(200);
    // An administrator is still a person with maps: every account route stays open (it answered
    // 403 'administrators only' to anyone not of role 'user').
    const own = await api.createMap(first);
    expect((await api.upload(first, own.id, Buffer.from('still mine'))).status).toBe(201);
    expect((await api.request('GET', `/api/mindmaps/${own.id}/blob`, { token: first.accessToken })).status).toBe(200);

    const second = await api.register();
    expect(await run('create-admin', second.email)).toBe(1);
    expect(lines.pop()).toMatch(/^! an administrator exists already/);
    const roles = await t.db.pool.query('SELECT role FROM users WHERE id = $1', [second.userId]);
    expect(roles.rows[0].role).toBe('user');
    const audit = await t.db.pool.query('SELECT via, action, target_id FROM audit_log ORDER BY id');
    expect(audit.rows).toEqual([{ via: 'cli', action: 'user.promote', target_id: first.userId }]);
  });
});
