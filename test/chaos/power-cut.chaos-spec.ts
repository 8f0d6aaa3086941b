import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Pool } from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { readClusterRecord } from '../../src/database/embedded-postgres-record';
import { FsBlobStore } from '../../src/storage/adapters/fs-blob-store';
import { auditBooks } from '../reliability/invariants';
import { Api, TestUser } from '../utils/api';
import { startApi } from '../utils/app-process';
import { freePort } from '../utils/free-port';

const LANES = 4;
/** Versions per map: far below any plan's history, so no acknowledged save is thinned away. */
const PER_MAP = 5;

interface Saved {
  user: TestUser;
  mapId: string;
  versionId: string;
  bytes: Buffer;
}

/**
 * A power cut on the zero-install default: the API and its embedded PostgreSQL are killed with
 * SIGKILL while four lanes save, then started again. Every save that was acknowledged (201) must
 * list and download byte for byte, and each user's usage must equal what their versions are
 * charged. A second cut kills the API alone: its PostgreSQL lives on and the next start uses it.
 */
describe('a power cut on the embedded default loses no acknowledged save', () => {
  const cleanups: (() => Promise<unknown>)[] = [];
  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
  });

  it('keeps every acknowledged save across SIGKILL of the API and PostgreSQL, then of the API alone', async () => {
    const root = await mkdtemp(join(tmpdir(), 'mindvault-powercut-'));
    cleanups.push(() => rm(root, { recursive: true, force: true }));
    await chmod(root, 0o755);
    const dataDir = join(root, 'data');
    const env = { DATA_DIR: dataDir, LOG_LEVEL: 'warn', EMBEDDED_PG_PORT: String(await freePort()), AUTH_RATE_LIMIT_PER_MINUTE: '100000' };

    let api = await startApi(env);
    cleanups.push(() => api.stop('SIGKILL'));
    const lanes: TestUser[] = [];
    const client = new Api(api.baseUrl);
    for (let i = 0; i < LANES; i++) lanes.push(await client.register());
    const saved: Saved[] = [];

    for (const killPostgres of [true, false]) {
      const base = new Api(api.baseUrl);
      let cut = false;
      const saving = lanes.map(async (user) => {
        while (!cut) {
          const map = await base.createMap(user).catch(() => undefined);
          if (!map) return;
          for (let i = 0; i < PER_MAP && !cut; i++) {
            const bytes = randomBytes(1024 + Math.floor(Math.random() * 4096));
            const res = await base.upload(user, map.id, bytes).catch(() => undefined);
            if (res?.status === 201) saved.push({ user, mapId: map.id, versionId: res.body.versionId, bytes });
            else if (res === undefined) return;
          }
        }
      });
      // Cut once the lanes have saved for a while; some uploads are always in flight by then.
      const before = saved.length;
      while (saved.length < before + 60) await new Promise((r) => setTimeout(r, 20));
      const postmaster = postmasterPid(dataDir);
      const backends = childrenOf(postmaster);
      api.child.kill('SIGKILL');
      if (killPostgres) for (const pid of [postmaster, ...backends]) process.kill(pid, 'SIGKILL');
      cut = true;
      await api.exited;
      await Promise.all(saving);

      api = await startApi(env);
      if (!killPostgres) expect(api.output()).toMatch(/PostgreSQL is already running/);
      const after = new Api(api.baseUrl);
      for (const s of saved) {
        const bytes = await after.request<Buffer>('GET', `/api/mindmaps/${s.mapId}/blob?versionId=${s.versionId}`, { token: s.user.accessToken });
        expect(bytes.status, `acknowledged version ${s.versionId}`).toBe(200);
        expect(Buffer.compare(bytes.body, s.bytes)).toBe(0);
      }
      const listed = new Set<string>();
      for (const mapId of new Set(saved.map((s) => s.mapId))) {
        const owner = saved.find((s) => s.mapId === mapId)!.user;
        const versions = await after.request<{ items: { versionId: string }[] }>('GET', `/api/mindmaps/${mapId}/versions`, { token: owner.accessToken });
        for (const v of versions.body.items) listed.add(v.versionId);
      }
      expect(saved.filter((s) => !listed.has(s.versionId))).toEqual([]);

      const pool = new Pool({ connectionString: embeddedUrl(dataDir, Number(env.EMBEDDED_PG_PORT)), max: 2 });
      try {
        const books = await auditBooks(pool, new FsBlobStore(join(dataDir, 'blobs')));
        expect(books.usageMismatches).toEqual([]);
        expect(books.rowsWithoutObject).toEqual([]);
        expect(books.versions).toBeGreaterThanOrEqual(saved.length);
      } finally {
        await pool.end();
      }
    }
    expect(saved.length).toBeGreaterThanOrEqual(120);
    // The PostgreSQL the last API adopted stops with it.
    const adopted = postmasterPid(dataDir);
    expect((await api.stop()).code).toBe(0);
    expect(isRunning(adopted)).toBe(false);
  });
});

/** The processes whose parent is `pid` (a postmaster's backends): read before a power cut takes them all. */
function childrenOf(pid: number): number[] {
  const found = spawnSync('pgrep', ['-P', String(pid)], { encoding: 'utf8' }).stdout;
  return found.split('\n').filter(Boolean).map(Number);
}

/** Gone, or a zombie (dead, left for an init that may not reap it soon). */
function isRunning(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z/s.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

function postmasterPid(dataDir: string): number {
  return Number(readFileSync(join(readClusterRecord(dataDir)!, 'postmaster.pid'), 'utf8').split('\n')[0]);
}

function embeddedUrl(dataDir: string, port: number): string {
  const password = readFileSync(join(dataDir, 'secrets', 'embedded-postgres-password'), 'utf8').trim();
  return `postgres://mindvault:${encodeURIComponent(password)}@127.0.0.1:${port}/mindvault`;
}
