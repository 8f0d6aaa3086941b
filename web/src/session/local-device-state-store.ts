import type { AccountState, DeviceStateStore, MapState } from '@mindvault/client';

const PREFIX = 'mindvault.device-state:';
/** Domain separation for the key's hash, so it matches no other hash of the same email. */
const KEY_CONTEXT = 'mindvault/web/device-state-key/v1\u0000';

/** The part of Web Storage this store uses (a fake in unit tests). */
export type KeyValueStorage = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;

/**
 * The entry's name: a SHA-256 of the account's email, hex, so that the browser's storage does not
 * list who used it. NOTE: not of the user id: the SDK looks the state up by email before the
 * server has said who the user is (it needs it to judge the login itself).
 */
export async function deviceStateKey(email: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(KEY_CONTEXT + email));
  return PREFIX + [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * Where this browser remembers what it has seen of an account (the highest key version, and per
 * map the newest head, key epoch and title revision), so a server that later serves something
 * older is caught even after a reload. localStorage: it must outlive the tab. It holds map ids and
 * counters, never a key, a title or content, under a hash of the email (never the email itself). Several tabs share it, so a save merges with what is
 * stored and keeps the highest of each value: one tab never lowers what another has seen.
 */
export class LocalDeviceStateStore implements DeviceStateStore {
  constructor(private readonly storage: KeyValueStorage = localStorage) {}

  async load(email: string): Promise<AccountState | undefined> {
    return this.read(await this.keyFor(email));
  }

  async save(email: string, state: AccountState): Promise<void> {
    const key = await this.keyFor(email);
    const stored = this.read(key);
    const merged = stored === undefined || stored.userId !== state.userId ? state : mergeStates(stored, state);
    this.storage.setItem(key, JSON.stringify(merged));
  }

  /** Log out: this browser keeps nothing of the account (a shared computer keeps no trace). */
  async forget(email: string): Promise<void> {
    this.storage.removeItem(await this.keyFor(email));
  }

  /** The entry's key; an entry an older version stored under the plain email moves to it. */
  private async keyFor(email: string): Promise<string> {
    const key = await deviceStateKey(email);
    const legacy = this.storage.getItem(PREFIX + email);
    if (legacy !== null) {
      if (this.storage.getItem(key) === null) this.storage.setItem(key, legacy);
      this.storage.removeItem(PREFIX + email);
    }
    return key;
  }

  private read(key: string): AccountState | undefined {
    const raw = this.storage.getItem(key);
    if (raw === null) return undefined;
    try {
      const value = JSON.parse(raw) as AccountState;
      return typeof value.userId === 'string' && Number.isInteger(value.keyVersion) && typeof value.maps === 'object' && value.maps !== null ? value : undefined;
    } catch {
      return undefined;
    }
  }
}

function mergeStates(stored: AccountState, incoming: AccountState): AccountState {
  const maps: Record<string, MapState> = { ...stored.maps };
  for (const [mapId, mine] of Object.entries(incoming.maps)) {
    const theirs = stored.maps[mapId];
    maps[mapId] = theirs === undefined ? mine : mergeMaps(theirs, mine);
  }
  return { ...incoming, keyVersion: Math.max(stored.keyVersion, incoming.keyVersion), maps };
}

function mergeMaps(a: MapState, b: MapState): MapState {
  const newer = b.headSeq >= a.headSeq ? b : a;
  return {
    ...b,
    headSeq: newer.headSeq,
    headVersionId: newer.headVersionId,
    epoch: Math.max(a.epoch, b.epoch),
    titleRevision: Math.max(a.titleRevision, b.titleRevision),
  };
}
