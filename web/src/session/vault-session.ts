/**
 * The unlocked account, held in memory for the life of the page: the one place the app talks to
 * the SDK's Vault. A reload drops it; the tab's sessionStorage keeps only the email and the token
 * pair (session-storage-token-store.ts), so the locked screen asks for the password alone.
 */
import {
  type AccountEvent,
  ApiError,
  INSECURE_TEST_KDF_POLICY,
  type KdfCost,
  type MapDraft,
  type MapInfo,
  MindvaultApi,
  openShareLink,
  SessionExpiredError,
  type SecondStep,
  type ShareSummary,
  type StreamState,
  Vault,
  type VaultOptions,
} from '@mindvault/client';
import { AllMapsIndex } from './all-maps-index';
import { type PublicKeyCredentialCreationOptionsJSON, type PublicKeyCredentialRequestOptionsJSON, startAuthentication, startRegistration } from '@simplewebauthn/browser';
import { createDocument, type MindMapDocument } from './document';
import { IndexedDbDraftStore } from './indexeddb-draft-store';
import { LocalDeviceStateStore } from './local-device-state-store';
import { forgetStoredSession, readStoredSession, SessionStorageTokenStore } from './session-storage-token-store';
import { timed } from './timing';

export type { AccountEvent, MapDraft, MapInfo, SecondStep, ShareSummary, StreamState };

/** Why the tab must lock at once: the account's sessions ended, or its keys were rotated elsewhere. */
export type LockReason = 'session-ended' | 'keys-rotated';

export interface OpenedMap {
  title: string;
  versionId: string | null;
  document: MindMapDocument;
}

export interface VersionInfo {
  versionId: string;
  sizeBytes: number;
  savedAt: string;
  isHead: boolean;
  /** Pinned by its owner: thinning never drops it. */
  pinned: boolean;
  /** Its name, decrypted here (crypto.md §7a); null when unnamed. */
  label: string | null;
}

export interface Account {
  tier: string;
  effectiveTier: string;
  status: string | null;
  usageBytes: number;
  limitBytes: number;
}

export interface NewShare {
  /** Days until the link stops working; undefined: never. */
  expiresInDays?: number;
  /** Pin the link to this version; undefined follows the head. */
  versionId?: string;
}

/**
 * Browser tests set this (through the test driver, before any page script runs) so that accounts
 * cost a cheap Argon2id; a page script could set it too, but such a script already has the keys.
 */
declare global {
  var __MINDVAULT_TEST_KDF__: KdfCost | undefined;
}

/** One per page: what this browser has seen of each account, kept in localStorage. */
const deviceState = new LocalDeviceStateStore();
/** One per page: unsaved edits, sealed, in IndexedDB. */
const drafts = new IndexedDbDraftStore();

function vaultOptions(): VaultOptions {
  const testCost = globalThis.__MINDVAULT_TEST_KDF__;
  return testCost ? { kdfCost: testCost, policy: INSECURE_TEST_KDF_POLICY, state: deviceState } : { state: deviceState };
}

function apiFor(email: string): MindvaultApi {
  return new MindvaultApi({ baseUrl: location.origin, tokens: new SessionStorageTokenStore(email) });
}

export class VaultSession {
  private readonly eventListeners = new Set<(event: AccountEvent) => void>();
  private readonly stateListeners = new Set<(state: StreamState) => void>();
  private readonly lockListeners = new Set<(reason: LockReason) => void>();
  private readonly beforeLockHooks = new Set<() => Promise<void>>();
  private streamState: StreamState = 'closed';
  private watching: AbortController | undefined;
  private lastEventId: string | undefined;
  /** A key rotation started here is under way: its own keys.rotated event is not news. */
  private rotating: Promise<unknown> | undefined;
  /** A password change made here: its session.ended is this tab's own (it holds the new session). */
  private changingPassword: Promise<unknown> | undefined;
  private locked = false;

  /** Search across every map, decrypted and indexed in this page; dropped with the session. */
  readonly allMaps: AllMapsIndex;

  private constructor(private readonly vault: Vault) {
    this.allMaps = new AllMapsIndex({ listMaps: () => this.listMaps(), open: (mapId) => this.openMap(mapId) });
  }

  get email(): string {
    return this.vault.email;
  }

  /** The email of a session this tab holds but cannot use until the password unlocks it. */
  static lockedEmail(): string | undefined {
    return readStoredSession()?.email;
  }

  /** The new account and its first recovery key's words, to show once. */
  static async register(email: string, password: string): Promise<{ session: VaultSession; recoveryWords: string }> {
    const { vault, recoveryWords } = await Vault.registerWithRecoveryKey(apiFor(email), { email, password }, vaultOptions());
    return { session: new VaultSession(vault), recoveryWords };
  }

  /**
   * A forgotten password reset with the recovery key's words (every session ends); answers the
   * replacement key's words, to show once. The new password then logs in as usual.
   */
  static async recover(email: string, recoveryWords: string, newPassword: string): Promise<string> {
    const { newRecoveryWords } = await Vault.recover(apiFor(email), { email, recoveryWords, newPassword }, vaultOptions());
    return newRecoveryWords;
  }

  /**
   * `secondFactor` is asked when the account has a second factor (again after a wrong answer): for
   * a code, or, with a passkey, for the browser's WebAuthn answer.
   */
  static async login(email: string, password: string, secondFactor?: (step: SecondStep) => Promise<string | { passkey: Record<string, unknown> }>): Promise<VaultSession> {
    return new VaultSession(await Vault.login(apiFor(email), { email, password, ...(secondFactor ? { secondFactor } : {}) }, vaultOptions()));
  }

  /** After a reload: the tab's session unlocked with the password; a dead session logs in anew. */
  static async unlock(password: string): Promise<VaultSession> {
    const stored = readStoredSession();
    if (stored === undefined) throw new SessionExpiredError(401, 'NOT_LOGGED_IN', 'not logged in');
    try {
      return new VaultSession(await timed('unlock', () => Vault.unlock(apiFor(stored.email), { email: stored.email, password }, vaultOptions())));
    } catch (error) {
      if (!(error instanceof SessionExpiredError)) throw error;
      return VaultSession.login(stored.email, password);
    }
  }

  /** Forgets a locked session without the password (the server's session times out on its own). */
  static forgetLocked(): void {
    forgetStoredSession();
  }

  /**
   * The account's live events (GET /api/events through the SDK): one stream for the whole page,
   * opened by the first listener and kept (reconnecting by itself) until the session locks.
   */
  watch(listener: (event: AccountEvent) => void): () => void {
    this.eventListeners.add(listener);
    this.startWatching();
    return () => void this.eventListeners.delete(listener);
  }

  /** The stream's connection state now and on every change ('live' again: the network is back). */
  onStreamState(listener: (state: StreamState) => void): () => void {
    this.stateListeners.add(listener);
    listener(this.streamState);
    this.startWatching();
    return () => void this.stateListeners.delete(listener);
  }

  /** Told when this tab must lock at once (the page wipes the keys after `beforeLock` hooks ran). */
  onLockRequired(listener: (reason: LockReason) => void): () => void {
    this.lockListeners.add(listener);
    this.startWatching();
    return () => void this.lockListeners.delete(listener);
  }

  /** Work that needs the keys one last time before they are wiped (sealing unsaved edits). */
  beforeLock(hook: () => Promise<void>): () => void {
    this.beforeLockHooks.add(hook);
    return () => void this.beforeLockHooks.delete(hook);
  }

  /** Runs the beforeLock hooks (each failure is only logged: the lock goes ahead). */
  async prepareLock(): Promise<void> {
    await Promise.all([...this.beforeLockHooks].map((hook) => hook().catch((error: unknown) => console.warn('before lock:', error))));
  }

  private startWatching(): void {
    if (this.watching || this.locked) return;
    const controller = new AbortController();
    this.watching = controller;
    const watch = this.vault.api.events.watch({
      ...(this.lastEventId !== undefined ? { lastEventId: this.lastEventId } : {}),
      signal: controller.signal,
      onState: (state) => {
        this.streamState = state;
        for (const listener of this.stateListeners) listener(state);
      },
      onEvent: (event, id) => {
        if (id !== undefined) this.lastEventId = id;
        for (const listener of this.eventListeners) listener(event);
        if (event.type === 'keys.rotated') void this.keysRotated(event.keyVersion);
      },
    });
    watch.done.then(
      // It stops by itself only after session.ended: is this tab's session one of those that ended?
      () => (controller.signal.aborted ? undefined : this.sessionMayHaveEnded()),
      (error: unknown) => {
        if (controller.signal.aborted) return;
        if (error instanceof SessionExpiredError) this.requireLock('session-ended');
        else console.warn('event stream stopped:', error);
      },
    );
  }

  private async sessionMayHaveEnded(): Promise<void> {
    this.watching = undefined;
    await this.changingPassword?.catch(() => undefined);
    try {
      // The device that changed the password holds a fresh session: it goes on watching.
      await this.vault.api.auth.keys();
      this.startWatching();
    } catch (error) {
      if (error instanceof SessionExpiredError) this.requireLock('session-ended');
      else setTimeout(() => this.startWatching(), 2000);
    }
  }

  private async keysRotated(keyVersion: number): Promise<void> {
    await this.rotating?.catch(() => undefined);
    if (keyVersion > this.vault.currentKeyVersion) this.requireLock('keys-rotated');
  }

  private requireLock(reason: LockReason): void {
    if (this.locked) return;
    for (const listener of this.lockListeners) listener(reason);
  }

  /** Keeps unsaved edits of a map on this device, sealed (no request: works offline). */
  async keepDraft(mapId: string, draft: Omit<MapDraft, 'savedAt'>): Promise<void> {
    // NOTE: after lock() the key is wiped: sealing then would overwrite a good draft with one that never opens.
    if (this.locked) throw new Error('locked');
    const sealed = await this.vault.sealDraft(mapId, { ...draft, savedAt: new Date().toISOString() });
    await drafts.put(this.vault.userId, mapId, sealed);
  }

  /** The edits kept for a map on this device, or null (none, or sealed under another password). */
  async keptDraft(mapId: string): Promise<MapDraft | null> {
    const stored = await drafts.get(this.vault.userId, mapId).catch(() => undefined);
    if (!stored) return null;
    try {
      return await this.vault.openDraft(mapId, stored.sealed);
    } catch (error) {
      console.warn('a draft kept on this device did not open:', error);
      return null;
    }
  }

  async dropDraft(mapId: string): Promise<void> {
    await drafts.delete(this.vault.userId, mapId).catch(() => undefined);
  }

  /** The map's title as the server holds it now (another device renamed it). */
  async title(mapId: string): Promise<string> {
    return (await this.vault.getMap(mapId)).title;
  }

  listMaps(): Promise<MapInfo[]> {
    return this.vault.listMaps();
  }

  /** A new map whose first version holds just its root topic, so every map opens. */
  async createMap(title: string, document: MindMapDocument = createDocument(title)): Promise<MapInfo> {
    const map = await this.vault.createMap({ title });
    const saved = await this.vault.push(map.id, document);
    return { ...map, headVersionId: saved.versionId, sizeBytes: saved.sizeBytes, versionCount: 1 };
  }

  /** The title alone: the editor calls it when the root's text changed (it saves the tree itself). */
  async rename(mapId: string, title: string): Promise<void> {
    await this.vault.rename(mapId, title);
  }

  /**
   * The map's title and its root's text, which are one name: renames the title, then saves the
   * tree with the new root text over the head it read (another device saving meanwhile: read
   * again and retry, a few times, rather than overwrite its edits).
   */
  async renameMap(mapId: string, title: string): Promise<void> {
    await this.vault.rename(mapId, title);
    for (let attempt = 0; ; attempt++) {
      const opened = await this.openMap(mapId);
      if (opened.document.root.text === title) return;
      const document = { ...opened.document, root: { ...opened.document.root, text: title } };
      try {
        await this.save(mapId, document, opened.versionId);
        return;
      } catch (error) {
        if (!(error instanceof ApiError && error.code === 'VERSION_CONFLICT') || attempt >= 2) throw error;
      }
    }
  }

  deleteMap(mapId: string): Promise<void> {
    return this.vault.deleteMap(mapId);
  }

  open(mapId: string, versionId?: string): Promise<OpenedMap> {
    return timed('open-map', () => this.openMap(mapId, versionId));
  }

  private async openMap(mapId: string, versionId?: string): Promise<OpenedMap> {
    try {
      const pulled = await this.vault.pull(mapId, versionId !== undefined ? { versionId } : {});
      return { title: pulled.title, versionId: pulled.versionId, document: pulled.document };
    } catch (error) {
      // A map whose first save never happened: its title, and a tree of just that.
      if (!(error instanceof ApiError && error.code === 'NO_CONTENT_YET')) throw error;
      const info = await this.vault.getMap(mapId);
      return { title: info.title, versionId: null, document: createDocument(info.title) };
    }
  }

  /** The head the server holds now (another device may have moved it). */
  async headVersion(mapId: string): Promise<string | null> {
    return (await this.vault.getMap(mapId)).headVersionId;
  }

  /** Saves over `baseVersionId` only (If-Match): a head moved meanwhile is a VERSION_CONFLICT. */
  async save(mapId: string, document: MindMapDocument, baseVersionId: string | null): Promise<string> {
    if (this.locked) throw new Error('locked');
    const saved = await timed('save', () => this.vault.push(mapId, document, baseVersionId !== null ? { ifMatch: baseVersionId } : {}));
    return saved.versionId;
  }

  history(mapId: string): Promise<VersionInfo[]> {
    return this.vault.history(mapId);
  }

  /** Names and/or pins a version (the name is encrypted here); `label: null` removes the name. */
  markVersion(mapId: string, versionId: string, marks: { label?: string | null; pinned?: boolean }): Promise<VersionInfo> {
    return this.vault.markVersion(mapId, versionId, marks);
  }

  /** Restores by saving the old version's tree again as the newest (crypto.md §6): history only grows. */
  async restore(mapId: string, versionId: string): Promise<string> {
    return (await this.vault.restore(mapId, versionId)).versionId;
  }

  async share(mapId: string, options: NewShare): Promise<string> {
    const expiresAt = options.expiresInDays !== undefined ? new Date(Date.now() + options.expiresInDays * 86_400_000).toISOString() : undefined;
    const created = await this.vault.share(mapId, {
      linkBaseUrl: location.origin,
      ...(expiresAt !== undefined ? { expiresAt } : {}),
      ...(options.versionId !== undefined ? { versionId: options.versionId } : {}),
    });
    return created.url;
  }

  shares(mapId: string): Promise<ShareSummary[]> {
    return this.vault.api.shares.list(mapId);
  }

  revokeShare(mapId: string, shareId: string): Promise<void> {
    return this.vault.api.shares.revoke(mapId, shareId);
  }

  async account(): Promise<Account> {
    const s = await this.vault.api.http.call('get', '/api/billing/subscription', {});
    return { tier: s.tier, effectiveTier: s.effectiveTier, status: s.status ?? null, usageBytes: s.usageBytes, limitBytes: s.limitBytes };
  }

  /** The payment provider's checkout page for `tier`. */
  async checkoutUrl(tier: 'pro' | 'team'): Promise<string> {
    return (await this.vault.api.http.call('post', '/api/billing/checkout', { body: { tier } })).url;
  }

  changePassword(currentPassword: string, newPassword: string): Promise<void> {
    const change = this.vault.changePassword(currentPassword, newPassword);
    this.changingPassword = change;
    return change;
  }

  rotateKeys(): Promise<{ keyVersion: number; maps: number }> {
    const rotation = this.vault.rotateKeys();
    this.rotating = rotation;
    return rotation;
  }

  secondFactorStatus(): Promise<{ totpEnabled: boolean; backupCodesLeft: number; passkeys: { id: string; name: string; createdAt: string }[] }> {
    return this.vault.secondFactorStatus();
  }

  /** A new passkey: the password, then this browser's authenticator (WebAuthn), then the server checks it. */
  async addPasskey(password: string, name: string): Promise<void> {
    const optionsJSON = await this.vault.passkeyEnrolmentOptions(password);
    const response = await startRegistration({ optionsJSON: optionsJSON as unknown as PublicKeyCredentialCreationOptionsJSON });
    await this.vault.addPasskey(response as unknown as Record<string, unknown>, name);
  }

  removePasskey(id: string, password: string): Promise<void> {
    return this.vault.removePasskey(id, password);
  }

  beginTotp(password: string): Promise<{ secret: string; otpauthUri: string }> {
    return this.vault.beginTotp(password);
  }

  confirmTotp(code: string): Promise<string[]> {
    return this.vault.confirmTotp(code);
  }

  disableTotp(password: string, code: string): Promise<void> {
    return this.vault.disableTotp(password, code);
  }

  /** The whole account as a readable zip, in pieces as it is made (account-archive.ts in the SDK). */
  exportArchive(options: { allVersions: boolean; onProgress: (p: { mapsDone: number; mapsTotal: number }) => void }): AsyncGenerator<Uint8Array> {
    return this.vault.exportArchive(options);
  }

  /** The encrypted backup's lines, as they are read from the server (account-backup.ts in the SDK). */
  exportBackup(onProgress: (p: { maps: number; versions: number }) => void): AsyncGenerator<string> {
    return this.vault.exportBackup({ onProgress });
  }

  recoveryStatus(): Promise<{ enabled: boolean; createdAt: string | null }> {
    return this.vault.recoveryStatus();
  }

  /** A new recovery key (the password asked again); the old one stops working. */
  createRecoveryKey(password: string): Promise<string> {
    return this.vault.createRecoveryKey(password);
  }

  /** Deletes the account on the server (the password asked again), then forgets this tab's session. */
  async deleteAccount(password: string): Promise<void> {
    await this.vault.deleteAccount(password);
    forgetStoredSession();
  }

  async logout(): Promise<void> {
    try {
      await this.vault.logout();
    } finally {
      this.allMaps.clear();
      forgetStoredSession();
      await deviceState.forget(this.email);
      await drafts.deleteAccount(this.vault.userId).catch(() => undefined);
    }
  }

  /** Wipes the keys and stops the event stream; the tab keeps its session and shows the locked screen. */
  lock(): void {
    this.allMaps.clear();
    this.locked = true;
    this.watching?.abort();
    this.watching = undefined;
    this.vault.lock();
  }
}

/** The login's passkey step: the server's request signed by this browser's authenticator. */
export async function signWithPasskey(step: SecondStep): Promise<{ passkey: Record<string, unknown> }> {
  const optionsJSON = (await step.passkeyOptions()) as unknown as PublicKeyCredentialRequestOptionsJSON;
  return { passkey: (await startAuthentication({ optionsJSON })) as unknown as Record<string, unknown> };
}

/** A share link (`/s/<token>#<key>`), opened with no account; the key never leaves this page. */
export async function openSharedMap(link: string): Promise<{ title: string; document: MindMapDocument }> {
  const opened = await openShareLink(link, { apiBaseUrl: location.origin });
  // A version link's title no longer opens once the owner gave the map a new key.
  return { title: opened.title ?? 'Shared map', document: opened.document };
}
