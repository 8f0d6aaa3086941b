import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { chmod, chown, mkdtemp, rename, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmbeddedPostgres } from '../../src/database/embedded-postgres';
import { readClusterRecord, RECORD_FILE } from '../../src/database/embedded-postgres-record';
import { Api } from '../utils/api';
import { compileApp, NOT_ROOT, spawnApp, startApi } from '../utils/app-process';
import { freePort } from '../utils/free-port';

/**
 * The zero-install default as a new user meets it: `npm start` on the embedded PostgreSQL, register,
 * save, stop, start again (on another port), and everything is there; the operator's CLI then finds
 * the account. As root in an ordinary (0755) folder, where a restart once lost every account;
 * as root under a private (0700) folder, where the cluster must live elsewhere; and as a user that
 * is not root. Real processes, real clusters.
 */
const CASES = [
  { name: 'root in a 0755 folder', mode: 0o755, asNotRoot: false },
  { name: 'root under a 0700 folder', mode: 0o700, asNotRoot: false },
  { name: 'a user that is not root', mode: 0o755, asNotRoot: true },
] as const;

describe.runIf(process.getuid?.() === 0)('the embedded default keeps every save across restarts', () => {
  const cleanups: (() => Promise<unknown>)[] = [];
  beforeAll(() => compileApp());
  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
  });

  for (const c of CASES) {
    it(`${c.name}: start, register, save, stop, start, the save is there; create-admin finds the account`, async () => {
      const root = await mkdtemp(join(tmpdir(), 'mindvault-durable-'));
      cleanups.push(() => rm(root, { recursive: true, force: true }));
      await chmod(root, c.mode);
      if (c.asNotRoot) await chown(root, NOT_ROOT.uid, NOT_ROOT.gid);
      const dataDir = join(root, 'data');
      const env = { DATA_DIR: dataDir, LOG_LEVEL: 'warn' };
      const options = { asNotRoot: c.asNotRoot };

      const first = await startApi({ ...env, EMBEDDED_PG_PORT: String(await freePort()) }, options);
      cleanups.push(() => first.stop('SIGKILL'));
      const api = new Api(first.baseUrl);
      const user = await api.register();
      const map = await api.createMap(user);
      const saved = randomBytes(4096);
      expect((await api.upload(user, map.id, saved)).status).toBe(201);
      expect((await first.stop()).code).toBe(0);

      const clusterDir = recordedCluster(dataDir);
      cleanups.push(() => rm(clusterDir, { recursive: true, force: true }));
      // Where the cluster lives follows from the folder, once: inside DATA_DIR unless root could not reach it.
      expect(clusterDir.startsWith(dataDir)).toBe(c.mode === 0o755);
      if (c.asNotRoot) expect((await stat(clusterDir)).uid).toBe(NOT_ROOT.uid);

      // Another port, and (root) the cluster folder made 0700 by PostgreSQL: the same cluster all the same.
      const second = await startApi({ ...env, EMBEDDED_PG_PORT: String(await freePort()) }, options);
      cleanups.push(() => second.stop('SIGKILL'));
      const again = new Api(second.baseUrl);
      const login = await again.request<{ accessToken: string }>('POST', '/api/auth/login', { json: { email: user.email, authKey: user.authKey } });
      expect(login.status).toBe(200);
      const token = login.body.accessToken;
      const download = await again.request<Buffer>('GET', `/api/mindmaps/${map.id}/blob`, { token });
      expect(download.status).toBe(200);
      expect(Buffer.compare(download.body, saved)).toBe(0);
      expect(second.output()).not.toMatch(/initialising/);
      expect((await second.stop()).code).toBe(0);
      expect(recordedCluster(dataDir)).toBe(clusterDir);

      const cli = spawnApp('cli', { ...env, EMBEDDED_PG_PORT: String(await freePort()) }, { args: ['create-admin', user.email], ...options });
      cleanups.push(() => cli.stop('SIGKILL'));
      expect((await cli.exited).code).toBe(0);
      expect(cli.output()).toContain(`${user.email} is now an administrator`);
    });
  }

  it('refuses to start when the recorded cluster is gone, and initialises nothing in its place', async () => {
    const root = await mkdtemp(join(tmpdir(), 'mindvault-durable-'));
    cleanups.push(() => rm(root, { recursive: true, force: true }));
    await chmod(root, 0o755);
    const dataDir = join(root, 'data');
    const env = { DATA_DIR: dataDir, LOG_LEVEL: 'warn', EMBEDDED_PG_PORT: String(await freePort()) };
    const first = await startApi(env);
    cleanups.push(() => first.stop('SIGKILL'));
    await first.stop();
    const clusterDir = recordedCluster(dataDir);
    await rename(clusterDir, `${clusterDir}.away`);

    for (const kind of ['api', 'cli'] as const) {
      const refused = spawnApp(kind, env, { args: kind === 'cli' ? ['create-admin', 'someone@example.com'] : [] });
      cleanups.push(() => refused.stop('SIGKILL'));
      expect((await refused.exited).code).toBe(1);
      expect(refused.output()).toContain(`records this install's database at ${clusterDir}, but no PostgreSQL cluster is there`);
      expect(existsSync(clusterDir)).toBe(false);
    }

    // Put back, the cluster is found again.
    await rename(`${clusterDir}.away`, clusterDir);
    const back = await startApi(env);
    cleanups.push(() => back.stop('SIGKILL'));
    expect((await back.stop()).code).toBe(0);
  });

  it('has no fixed superuser password: mindvault/mindvault is refused, the install’s own secret is 0600', async () => {
    const root = await mkdtemp(join(tmpdir(), 'mindvault-durable-'));
    cleanups.push(() => rm(root, { recursive: true, force: true }));
    await chmod(root, 0o755);
    const dataDir = join(root, 'data');
    const port = await freePort();
    const api = await startApi({ DATA_DIR: dataDir, LOG_LEVEL: 'warn', EMBEDDED_PG_PORT: String(port) });
    cleanups.push(() => api.stop('SIGKILL'));
    const fixed = new Client({ connectionString: `postgres://mindvault:mindvault@127.0.0.1:${port}/mindvault` });
    await expect(fixed.connect()).rejects.toMatchObject({ code: '28P01' });
    const secretFile = join(dataDir, 'secrets', 'embedded-postgres-password');
    expect((await stat(secretFile)).mode & 0o777).toBe(0o600);
    const own = new Client({ connectionString: `postgres://mindvault:${encodeURIComponent(readFileSync(secretFile, 'utf8').trim())}@127.0.0.1:${port}/mindvault` });
    await own.connect();
    await own.end();
    await api.stop();
  });
});

describe.runIf(process.getuid?.() === 0)('an install made before clusters were recorded', () => {
  const cleanups: (() => Promise<unknown>)[] = [];
  beforeAll(() => compileApp());
  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
  });

  it('is adopted where it is, keeps its data, and loses its fixed password', async () => {
    const root = await mkdtemp(join(tmpdir(), 'mindvault-durable-'));
    cleanups.push(() => rm(root, { recursive: true, force: true }));
    await chmod(root, 0o755);
    const dataDir = join(root, 'data');
    const port = await freePort();
    // Made as an earlier version made it: DATA_DIR/pg, superuser mindvault/mindvault, no record, no secret.
    const earlier = await startEmbeddedPostgres(dataDir, port);
    cleanups.push(() => earlier.stop());
    const setup = new Client({ connectionString: earlier.url });
    await setup.connect();
    await setup.query(`CREATE TABLE kept (note text); INSERT INTO kept VALUES ('from before'); ALTER ROLE mindvault PASSWORD 'mindvault'`);
    await setup.end();
    await earlier.stop();
    await rm(join(dataDir, RECORD_FILE));
    await rm(join(dataDir, 'secrets', 'embedded-postgres-password'));

    const api = await startApi({ DATA_DIR: dataDir, LOG_LEVEL: 'warn', EMBEDDED_PG_PORT: String(port) });
    cleanups.push(() => api.stop('SIGKILL'));
    expect(api.output()).toContain(`adopting the existing cluster in ${join(dataDir, 'pg')}`);
    expect(api.output()).toContain("the embedded cluster's fixed password is replaced");
    expect(recordedCluster(dataDir)).toBe(join(dataDir, 'pg'));
    const fixed = new Client({ connectionString: `postgres://mindvault:mindvault@127.0.0.1:${port}/mindvault` });
    await expect(fixed.connect()).rejects.toMatchObject({ code: '28P01' });
    const secret = readFileSync(join(dataDir, 'secrets', 'embedded-postgres-password'), 'utf8').trim();
    const own = new Client({ connectionString: `postgres://mindvault:${encodeURIComponent(secret)}@127.0.0.1:${port}/mindvault` });
    await own.connect();
    expect((await own.query('SELECT note FROM kept')).rows).toEqual([{ note: 'from before' }]);
    await own.end();
    expect((await api.stop()).code).toBe(0);
  });
});

function recordedCluster(dataDir: string): string {
  const recorded = readClusterRecord(dataDir);
  if (!recorded) throw new Error(`${dataDir} records no cluster`);
  return recorded;
}
