import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { documentFormat } from '../src/cli/commands/maps.js';
import { parseExpiry } from '../src/cli/commands/sharing.js';
import { run } from '../src/cli/run.js';

function capture(env: Record<string, string> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (l: string) => out.push(l), err: (l: string) => err.push(l), env }, out, err };
}

async function withConfigDir<T>(work: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'mindvault-cli-'));
  try {
    return await work(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

describe('mindvault CLI', () => {
  it('prints usage for --help and exits 0', async () => {
    const { io, out } = capture();
    expect(await run(['--help'], io)).toBe(0);
    expect(out.join('\n')).toMatch(/usage: mindvault <command>[\s\S]*selftest/);
  });

  it('exits 2 with usage for no command or an unknown one', async () => {
    expect(await run([], capture().io)).toBe(2);
    const { io, err } = capture();
    expect(await run(['frobnicate'], io)).toBe(2);
    expect(err.join('\n')).toMatch(/unknown command 'frobnicate'/);
  });

  it('exits 2 for an unknown option', async () => {
    const { io, err } = capture();
    expect(await run(['selftest', '--nope'], io)).toBe(2);
    expect(err.join('\n')).toMatch(/--nope/);
  });

  it('runs the local selftest', async () => {
    const { io, out } = capture();
    expect(await run(['selftest', '--fast'], io)).toBe(0);
    expect(out.at(-1)).toBe('selftest ok');
  });

  it('lists every command in its usage, and prints one command\'s usage for --help', async () => {
    const { io, out } = capture();
    await run(['--help'], io);
    for (const name of ['register', 'login', 'new', 'push FILE', 'pull ID', 'history ID', 'restore ID VERSION', 'share ID', 'open LINK']) {
      expect(out.join('\n')).toContain(`  ${name}`);
    }
    const one = capture();
    expect(await run(['push', '--help'], one.io)).toBe(0);
    expect(one.out.join('\n')).toMatch(/^usage: mindvault push FILE/);
  });

  it('reports its state: server, config file, and that no key is stored', async () => {
    await withConfigDir(async (dir) => {
      const { io, out } = capture({ MINDVAULT_CONFIG_DIR: dir, MINDVAULT_SERVER: 'https://vault.example' });
      expect(await run(['status'], io)).toBe(0);
      expect(out).toEqual([
        'server https://vault.example',
        `config ${join(dir, 'config.json')}`,
        'account (not logged in)',
        'keys never stored: derived from the password for each command',
      ]);
    });
  });

  it('asks to log in first, and refuses wrong arguments with exit 2', async () => {
    await withConfigDir(async (dir) => {
      const ls = capture({ MINDVAULT_CONFIG_DIR: dir });
      expect(await run(['ls'], ls.io)).toBe(1);
      expect(ls.err.join('\n')).toMatch(/not logged in: run `mindvault login`/);
      const restore = capture({ MINDVAULT_CONFIG_DIR: dir });
      expect(await run(['restore', 'only-one'], restore.io)).toBe(2);
      expect(restore.err.join('\n')).toMatch(/expected ID VERSION/);
      const register = capture({ MINDVAULT_CONFIG_DIR: dir });
      expect(await run(['register'], register.io)).toBe(1);
      expect(register.err.join('\n')).toMatch(/no email: pass --email or set MINDVAULT_EMAIL/);
    });
  });

  it('refuses a share link without its key before asking any server', async () => {
    const { io, err } = capture();
    expect(await run(['open', 'https://vault.example/s/abc'], io)).toBe(1);
    expect(err.join('\n')).toMatch(/share link/);
  });

  it('reads --expires as a duration or an ISO time, in the future only', () => {
    const now = new Date('2026-01-01T00:00:00.000Z');
    expect(parseExpiry('90m', now)).toBe('2026-01-01T01:30:00.000Z');
    expect(parseExpiry('7d', now)).toBe('2026-01-08T00:00:00.000Z');
    expect(parseExpiry('2026-02-01T10:00:00Z', now)).toBe('2026-02-01T10:00:00.000Z');
    expect(() => parseExpiry('2025-01-01', now)).toThrow(/future/);
    expect(() => parseExpiry('soon', now)).toThrow(/--expires/);
  });

  it('writes JSON unless asked for an outline or writing to a non-.json file', () => {
    expect(documentFormat(undefined, undefined)).toBe('json');
    expect(documentFormat(undefined, 'map.json')).toBe('json');
    expect(documentFormat(undefined, 'map.md')).toBe('outline');
    expect(documentFormat('json', 'map.md')).toBe('json');
    expect(() => documentFormat('yaml', undefined)).toThrow(/json or outline/);
  });
});
