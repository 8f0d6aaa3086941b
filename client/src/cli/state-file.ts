/**
 * The CLI's DeviceStateStore: `state.json` in the config directory, one entry per account
 * (normalized email). It holds only authenticated counters and ids — the highest keyVersion, and
 * per map the newest head seen, key epoch and title revision — so a server cannot pass off older
 * data as current on this device. No secrets; written atomically, owner-only like config.json.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { AccountState, DeviceStateStore } from '../vault/device-state.js';

export const STATE_FILE = 'state.json';

export class FileDeviceStateStore implements DeviceStateStore {
  readonly file: string;

  constructor(private readonly dir: string) {
    this.file = join(dir, STATE_FILE);
  }

  async load(email: string): Promise<AccountState | undefined> {
    return (await this.readAll())[email];
  }

  async save(email: string, state: AccountState): Promise<void> {
    const all = await this.readAll();
    all[email] = state;
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    const temp = `${this.file}.${randomUUID()}.tmp`;
    await writeFile(temp, `${JSON.stringify(all, null, 2)}\n`, { mode: 0o600 });
    await rename(temp, this.file);
  }

  private async readAll(): Promise<Record<string, AccountState>> {
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
      throw error;
    }
    try {
      return JSON.parse(text) as Record<string, AccountState>;
    } catch (cause) {
      // Refusing beats starting over: an empty state would forget what rollbacks to catch.
      throw new Error(`${this.file} is not valid JSON; fix it (deleting it forgets what this device has seen)`, { cause });
    }
  }
}
