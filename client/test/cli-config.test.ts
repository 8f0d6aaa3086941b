import { mkdtemp, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { configDir, ConfigStore, ConfigTokenStore } from '../src/cli/config.js';

const pair = (n: number) => ({ userId: 'u1', accessToken: `a${n}`, refreshToken: `r${n}`, expiresIn: 900 });

describe('CLI config', () => {
  let dir: string;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mindvault-config-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('lives in MINDVAULT_CONFIG_DIR, else under XDG_CONFIG_HOME, else ~/.config', () => {
    expect(configDir({ MINDVAULT_CONFIG_DIR: '/x/device2', XDG_CONFIG_HOME: '/y' })).toBe('/x/device2');
    if (process.platform !== 'win32') {
      expect(configDir({ XDG_CONFIG_HOME: '/y' })).toBe('/y/mindvault');
      expect(configDir({})).toMatch(/\.config[\\/]mindvault$/);
    }
  });

  it('writes the file owner-only, creating the directory; a missing file is an empty config', async () => {
    const store = new ConfigStore(join(dir, 'nested'));
    expect(await store.load()).toEqual({});
    await store.save({ server: 'http://s' });
    expect(await store.load()).toEqual({ server: 'http://s' });
    if (process.platform !== 'win32') expect((await stat(store.file)).mode & 0o777).toBe(0o600);
  });

  it('names a corrupt file instead of overwriting it', async () => {
    const store = new ConfigStore(dir);
    await writeFile(store.file, '{ not json');
    await expect(store.load()).rejects.toThrow(/config.json is not valid JSON/);
  });

  it('files token pairs under the session email, keeping the server, and signs out', async () => {
    const store = new ConfigStore(dir);
    await store.save({ server: 'http://s' });
    const tokens = new ConfigTokenStore(store);
    tokens.email = 'ada@example.com';
    await tokens.save(pair(1));
    // A later refresh (a new process: no email set) keeps the session's email.
    await new ConfigTokenStore(store).save(pair(2));
    expect(await store.load()).toEqual({ server: 'http://s', session: { email: 'ada@example.com', ...pair(2) } });
    expect(await new ConfigTokenStore(store).load()).toEqual(pair(2));
    await tokens.save(undefined);
    expect(await store.load()).toEqual({ server: 'http://s' });
    expect(JSON.parse(await readFile(store.file, 'utf8'))).toEqual({ server: 'http://s' });
  });

  it('runs exclusive work one process at a time', async () => {
    const a = new ConfigStore(dir);
    const b = new ConfigStore(dir);
    const order: string[] = [];
    const work = (name: string) => async () => {
      order.push(`${name} in`);
      await new Promise((r) => setTimeout(r, 30));
      order.push(`${name} out`);
    };
    await Promise.all([a.exclusive(work('a')), b.exclusive(work('b'))]);
    expect(order).toHaveLength(4);
    expect(order[0]!.split(' ')[0]).toBe(order[1]!.split(' ')[0]);
  });

  it('breaks a lock left behind by a crashed process', async () => {
    const store = new ConfigStore(dir);
    const lock = `${store.file}.lock`;
    await writeFile(lock, '');
    const old = new Date(Date.now() - 60_000);
    await utimes(lock, old, old);
    expect(await store.exclusive(async () => 'ran')).toBe('ran');
  });
});
