/**
 * The CLI's state on disk: one JSON file in the config directory.
 *
 *   $MINDVAULT_CONFIG_DIR, else $XDG_CONFIG_HOME/mindvault, else ~/.config/mindvault
 *   (%APPDATA%\mindvault on Windows)
 *
 * It holds the server URL, the account's email and the session's token pair — never the password
 * and never key material. Every command that needs the keys re-derives them from the password
 * (prompt, or MINDVAULT_PASSWORD), so a stolen config file yields a session that can read and
 * delete ciphertext until it is revoked, but no plaintext. A second device is a second directory.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, open, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { TokenPair } from '../api/schema.js';
import type { TokenStore } from '../api/token-store.js';

export interface CliConfig {
  /** The API's base URL. */
  server?: string;
  /** Where share links point (`<linkBaseUrl>/s/<token>#key`); the server URL when unset. */
  linkBaseUrl?: string;
  /** The logged-in account; absent when signed out. */
  session?: { email: string } & TokenPair;
}

export const CONFIG_FILE = 'config.json';
/** A lock older than this is a crashed process's: a refresh never takes this long. */
const STALE_LOCK_MS = 30_000;
const LOCK_WAIT_MS = 15_000;

export function configDir(env: Readonly<Record<string, string | undefined>>): string {
  if (env.MINDVAULT_CONFIG_DIR) return env.MINDVAULT_CONFIG_DIR;
  if (process.platform === 'win32' && env.APPDATA) return join(env.APPDATA, 'mindvault');
  return join(env.XDG_CONFIG_HOME || join(homedir(), '.config'), 'mindvault');
}

export class ConfigStore {
  readonly file: string;

  constructor(readonly dir: string) {
    this.file = join(dir, CONFIG_FILE);
  }

  async load(): Promise<CliConfig> {
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
      throw error;
    }
    try {
      return JSON.parse(text) as CliConfig;
    } catch (cause) {
      throw new Error(`${this.file} is not valid JSON; fix or delete it`, { cause });
    }
  }

  /** Atomic (write a sibling, rename over), owner-only: it holds the session's tokens. */
  async save(config: CliConfig): Promise<void> {
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    const temp = `${this.file}.${randomUUID()}.tmp`;
    await writeFile(temp, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 });
    await rename(temp, this.file);
  }

  async update(change: (config: CliConfig) => CliConfig): Promise<CliConfig> {
    const next = change(await this.load());
    await this.save(next);
    return next;
  }

  /** Runs `work` holding `<config>.lock`, so two CLI processes never refresh the same token pair. */
  async exclusive<T>(work: () => Promise<T>): Promise<T> {
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    const lock = `${this.file}.lock`;
    const deadline = Date.now() + LOCK_WAIT_MS;
    for (;;) {
      try {
        await (await open(lock, 'wx', 0o600)).close();
        break;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
        const age = await stat(lock).then((s) => Date.now() - s.mtimeMs, () => 0);
        if (age > STALE_LOCK_MS) await rm(lock, { force: true });
        else if (Date.now() > deadline) throw new Error(`${lock} is held by another mindvault process`);
        else await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
    try {
      return await work();
    } finally {
      await rm(lock, { force: true });
    }
  }
}

/** The HTTP client's token store, backed by the config file's `session`. */
export class ConfigTokenStore implements TokenStore {
  /** Set by login and register: the account the next new pair belongs to. */
  email: string | undefined;

  constructor(private readonly config: ConfigStore) {}

  async load(): Promise<TokenPair | undefined> {
    const session = (await this.config.load()).session;
    if (session === undefined) return undefined;
    const { userId, accessToken, refreshToken, expiresIn } = session;
    return { userId, accessToken, refreshToken, expiresIn };
  }

  async save(tokens: TokenPair | undefined): Promise<void> {
    await this.config.update(({ session, ...rest }) => {
      if (tokens === undefined) return rest;
      return { ...rest, session: { email: this.email ?? session?.email ?? '', ...tokens } };
    });
  }

  exclusive<T>(work: () => Promise<T>): Promise<T> {
    return this.config.exclusive(work);
  }
}
