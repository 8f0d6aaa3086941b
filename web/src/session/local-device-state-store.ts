import type { AccountState, DeviceStateStore, MapState } from '@mindvault/client';

const PREFIX = 'mindvault.device-state:';

/** The part of Web Storage this store uses (a fake in unit tests). */
export type KeyValueStorage = Pick<Storage, 'getItem' | 'setItem'>;

/**
 * Where this browser remembers what it has seen of an account (the highest key version, and per
 * map the newest head, key epoch and title revision), so a server that later serves something
 * older is caught even after a reload. localStorage: it must outlive the tab. It holds map ids and
 * counters, never a key, a title or content. Several tabs share it, so a save merges with what is
 * stored and keeps the highest of each value: one tab never lowers what another has seen.
 */
export class LocalDeviceStateStore implements DeviceStateStore {
  constructor(private readonly storage: KeyValueStorage = localStorage) {}

  async load(email: string): Promise<AccountState | undefined> {
    return this.read(email);
  }

  async save(email: string, state: AccountState): Promise<void> {
    const stored = this.read(email);
    const merged = stored === undefined || stored.userId !== state.userId ? state : mergeStates(stored, state);
    this.storage.setItem(PREFIX + email, JSON.stringify(merged));
  }

  private read(email: string): AccountState | undefined {
    const raw = this.storage.getItem(PREFIX + email);
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
