import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/run-cli';
import { Api, envelope, MapDetail, TestUser } from '../utils/api';
import { createTestApp, TestApp } from '../utils/create-test-app';
import { createTestDatabase, TestDatabase } from '../utils/test-database';
import { accountState, storedKeys } from '../utils/stored-objects';

/**
 * `npm run cli -- backup FILE` while the server runs, and `restore FILE` into an empty database and
 * DATA_DIR: every account comes back (history, shares, usage), byte for byte; a restore over
 * existing data, or of a damaged archive, changes nothing.
 */
describe('backup and restore', () => {
  let source: TestApp;
  let api: Api;
  let work: string;
  let archive: string;
  let user: TestUser;
  let maps: MapDetail[];
  const saved = new Map<string, Buffer>();
  let shareToken: string;
  const cleanups: (() => Promise<unknown>)[] = [];

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'mindvault-backup-'));
    cleanups.push(() => rm(work, { recursive: true, force: true }));
    source = await createTestApp({ env: { DATA_DIR: join(work, 'source') } });
    cleanups.push(() => source.close());
    api = new Api(source.baseUrl);
    user = await api.register(`ünïcode-${randomBytes(3).toString('hex')}@example.com`);
    maps = [await api.createMap(user), await api.createMap(user)];
    for (const [map, versions] of [[maps[0], 3], [maps[1], 1]] as const) {
      for (let i = 0; i < versions; i++) {
        const bytes = randomBytes(1000 + i);
        const stored = await api.upload(user, map.id, bytes);
        expect(stored.status).toBe(201);
        saved.set(stored.body.versionId, bytes);
      }
    }
    const share = await api.request<{ token: string }>('POST', `/api/mindmaps/${maps[0].id}/shares`, { token: user.accessToken, json: { envelope: envelope(), keyVersion: 1 } });
    expect(share.status).toBe(201);
    shareToken = share.body.token;
    archive = join(work, 'mindvault.backup');
  });
  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
  });

  function cli(env: Record<string, string>) {
    const lines: string[] = [];
    const io = { out: (l: string) => lines.push(l), err: (l: string) => lines.push(`! ${l}`) };
    return { lines, run: (...args: string[]) => runCli(args, { LOG_LEVEL: 'silent', ...env }, io) };
  }

  it('backs up online, while another account keeps saving', async () => {
    const busy = await api.register();
    const busyMap = await api.createMap(busy);
    const backup = cli({ DATABASE_URL: source.db.url, DATA_DIR: join(work, 'source') });
    const saving = (async () => {
      for (let i = 0; i < 10; i++) expect((await api.upload(busy, busyMap.id, randomBytes(500))).status).toBe(201);
    })();
    expect(await backup.run('backup', archive)).toBe(0);
    await saving;
    expect(backup.lines.at(-1)).toMatch(/^backed up \d+ rows of \d+ tables and \d+ objects \(\d+ bytes\) to /);
    expect(existsSync(`${archive}.partial`)).toBe(false);
    // A second backup never overwrites the first.
    expect(await backup.run('backup', archive)).toBe(1);
    expect(backup.lines.at(-1)).toMatch(/exists already/);
  });

  it('restores every account into an empty database and DATA_DIR: logins, history, shares and usage', async () => {
    const target = await createTestDatabase({ empty: true });
    const dataDir = join(work, 'target');
    const restore = cli({ DATABASE_URL: target.url, DATA_DIR: dataDir });
    expect(await restore.run('restore', archive)).toBe(0);
    expect(restore.lines.at(-1)).toMatch(/^restored \d+ rows and \d+ objects from /);

    const restored = await createTestApp({ database: target, env: { DATA_DIR: dataDir } });
    cleanups.push(() => restored.close());
    const again = new Api(restored.baseUrl);
    const login = await again.request<{ accessToken: string }>('POST', '/api/auth/login', { json: { email: user.email, authKey: user.authKey } });
    expect(login.status).toBe(200);
    const token = login.body.accessToken;
    const list = await again.request<{ items: MapDetail[] }>('GET', '/api/mindmaps', { token });
    expect(list.body.items.map((m) => m.id).sort()).toEqual(maps.map((m) => m.id).sort());
    for (const map of maps) {
      const versions = await again.request<{ items: { versionId: string }[] }>('GET', `/api/mindmaps/${map.id}/versions`, { token });
      for (const { versionId } of versions.body.items) {
        const bytes = await again.request<Buffer>('GET', `/api/mindmaps/${map.id}/blob?versionId=${versionId}`, { token });
        expect(bytes.status).toBe(200);
        expect(Buffer.compare(bytes.body, saved.get(versionId)!)).toBe(0);
      }
      expect(versions.body.items).toHaveLength(map.id === maps[0].id ? 3 : 1);
    }
    const shared = await again.request('GET', `/api/public/shares/${shareToken}`);
    expect(shared.status).toBe(200);
    const state = await accountState(restored, user.userId);
    expect(state.usage).toBe(state.versionBytes);
    // The store is marked as the restored database's: its sweeps may delete from it.
    const [{ install_id }] = (await restored.db.pool.query('SELECT install_id FROM install_identity')).rows;
    expect(await readFile(join(dataDir, 'blobs', 'mindvault-install-id'), 'utf8')).toBe(`${install_id}\n`);
    // The next map saved does not collide with a restored version's sequence number.
    expect((await again.upload({ ...user, accessToken: token }, maps[1].id, randomBytes(10))).status).toBe(201);
  });

  it('refuses a restore over existing data, and changes nothing', async () => {
    const before = await storedKeys(source);
    const users = (await source.db.pool.query('SELECT count(*)::int AS n FROM users')).rows[0].n;
    const restore = cli({ DATABASE_URL: source.db.url, DATA_DIR: join(work, 'source') });
    expect(await restore.run('restore', archive)).toBe(1);
    expect(restore.lines.at(-1)).toMatch(/^! restore refused, nothing changed: the database already holds tables/);
    expect(await storedKeys(source)).toEqual(before);
    expect((await source.db.pool.query('SELECT count(*)::int AS n FROM users')).rows[0].n).toBe(users);

    // An empty database, but a store that holds another install's objects: refused too.
    const empty = await createTestDatabase({ empty: true });
    cleanups.push(() => empty.drop());
    const overStore = cli({ DATABASE_URL: empty.url, DATA_DIR: join(work, 'source') });
    expect(await overStore.run('restore', archive)).toBe(1);
    expect(overStore.lines.at(-1)).toMatch(/blob store already belongs to an install/);
    expect(await tableCount(empty)).toBe(0);
  });

  it('refuses a damaged archive and leaves the database and the store empty', async () => {
    const bytes = await readFile(archive);
    // Flip one byte well inside the archive (past the manifest): a row or an object changes.
    bytes[Math.floor(bytes.length / 2)] ^= 0xff;
    const damaged = join(work, 'damaged.backup');
    await writeFile(damaged, bytes);
    const target = await createTestDatabase({ empty: true });
    cleanups.push(() => target.drop());
    const dataDir = join(work, 'damaged-target');
    const restore = cli({ DATABASE_URL: target.url, DATA_DIR: dataDir });
    const code = await restore.run('restore', damaged).catch((error: unknown) => error);
    expect(code).not.toBe(0);
    expect(await tableCount(target)).toBe(0);
    const store = await createTestApp({ env: { DATA_DIR: dataDir } });
    cleanups.push(() => store.close());
    expect(await storedKeys(store)).toEqual([]);
  });
});

async function tableCount(db: TestDatabase): Promise<number> {
  return (await db.pool.query(`SELECT count(*)::int AS n FROM pg_tables WHERE schemaname = 'public'`)).rows[0].n;
}
