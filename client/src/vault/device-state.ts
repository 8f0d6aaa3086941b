/**
 * What one device remembers about an account, so a server that serves something older than what
 * this device has already seen is caught: the highest keyVersion, and per map the newest head
 * (its authenticated seq), the highest data-key epoch and the highest title revision. Every value
 * stored here was authenticated before it was recorded, and values only ever go up.
 *
 * Browsing history is not a rollback: only what the server presents as *current* (the bundle,
 * a map's envelope, title and head) is compared.
 */
import { normalizeEmail } from '../crypto/kdf.js';
import { RollbackError } from './errors.js';

export interface MapState {
  /** seq of the newest head seen (0: none, or only v1 heads). */
  headSeq: number;
  headVersionId: string | null;
  /** Highest epoch of the map's own envelope seen. */
  epoch: number;
  /** Highest title revision seen. */
  titleRevision: number;
}

export interface AccountState {
  userId: string;
  /** Highest keyVersion of a bundle that opened here. */
  keyVersion: number;
  maps: Record<string, MapState>;
}

/**
 * Where a device keeps AccountState between sessions: the CLI in its config directory, a web app
 * in memory or IndexedDB. Keyed by the normalized email, so the state is found before login.
 * `save` must be durable before it resolves (the CLI writes atomically).
 */
export interface DeviceStateStore {
  load(email: string): Promise<AccountState | undefined>;
  save(email: string, state: AccountState): Promise<void>;
}

/** The default: remembers for the life of the process (a page, a test). */
export class MemoryDeviceStateStore implements DeviceStateStore {
  private readonly states = new Map<string, AccountState>();

  async load(email: string): Promise<AccountState | undefined> {
    const state = this.states.get(email);
    return state === undefined ? undefined : structuredClone(state);
  }

  async save(email: string, state: AccountState): Promise<void> {
    this.states.set(email, structuredClone(state));
  }
}

const EMPTY_MAP: MapState = Object.freeze({ headSeq: 0, headVersionId: null, epoch: 0, titleRevision: 0 });

/** The checks and updates the Vault makes; one per account and device. */
export class DeviceState {
  private constructor(
    private readonly store: DeviceStateStore,
    private readonly key: string,
    private state: AccountState | undefined,
  ) {}

  static async load(store: DeviceStateStore, email: string): Promise<DeviceState> {
    const key = normalizeEmail(email);
    return new DeviceState(store, key, await store.load(key));
  }

  /** True once this device has opened the account in v2: it never falls back to v1 derivation. */
  get knowsAccount(): boolean {
    return this.state !== undefined;
  }

  map(mapId: string): MapState {
    return this.state?.maps[mapId] ?? EMPTY_MAP;
  }

  /** An authenticated bundle of `keyVersion` for `userId` is being served as current. */
  async observeKeyVersion(userId: string, keyVersion: number): Promise<void> {
    const state = this.state;
    if (state !== undefined && state.userId === userId) {
      if (keyVersion < state.keyVersion) throw new RollbackError('key-bundle', null, state.keyVersion, keyVersion);
      if (keyVersion === state.keyVersion) return;
      this.state = { ...state, keyVersion };
    } else {
      this.state = { userId, keyVersion, maps: {} };
    }
    await this.persist();
  }

  /** Refuses a map envelope older than one seen; records a newer one. */
  async observeEpoch(mapId: string, epoch: number): Promise<void> {
    const seen = this.map(mapId);
    if (epoch < seen.epoch) throw new RollbackError('envelope', mapId, seen.epoch, epoch);
    if (epoch > seen.epoch) await this.update(mapId, { epoch });
  }

  async observeTitle(mapId: string, revision: number): Promise<void> {
    const seen = this.map(mapId);
    if (revision < seen.titleRevision) throw new RollbackError('title', mapId, seen.titleRevision, revision);
    if (revision > seen.titleRevision) await this.update(mapId, { titleRevision: revision });
  }

  /** A head served as current: refused when older than the newest seen here. */
  checkHead(mapId: string, seq: number): void {
    const seen = this.map(mapId);
    if (seq < seen.headSeq) throw new RollbackError('head', mapId, seen.headSeq, seq);
  }

  async observeHead(mapId: string, seq: number, versionId: string): Promise<void> {
    this.checkHead(mapId, seq);
    const seen = this.map(mapId);
    if (seq > seen.headSeq || seen.headVersionId !== versionId) await this.update(mapId, { headSeq: seq, headVersionId: versionId });
  }

  /** A map the server says has no saved version: a rollback if this device saw one. */
  checkEmpty(mapId: string): void {
    const seen = this.map(mapId);
    if (seen.headSeq > 0) throw new RollbackError('head', mapId, seen.headSeq, 0);
  }

  async forgetMap(mapId: string): Promise<void> {
    if (this.state?.maps[mapId] === undefined) return;
    const { [mapId]: _gone, ...maps } = this.state.maps;
    this.state = { ...this.state, maps };
    await this.persist();
  }

  private async update(mapId: string, change: Partial<MapState>): Promise<void> {
    if (this.state === undefined) return;
    this.state = { ...this.state, maps: { ...this.state.maps, [mapId]: { ...this.map(mapId), ...change } } };
    await this.persist();
  }

  private async persist(): Promise<void> {
    if (this.state !== undefined) await this.store.save(this.key, this.state);
  }
}
